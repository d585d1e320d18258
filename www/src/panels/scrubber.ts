// The timeline of virtual time, RaftScope-style: a slider from the earliest
// moment the undo history reaches to the latest moment reached, the sync
// phase changes marked on it; drag it to any moment (the core seeks there:
// steps back, then plays, see src/playground/seek.rs). Back and Step work
// from wherever it lands. Going back past a command or a link change undoes
// it, as Back does; the later part of the timeline is then forgotten, since
// playing on would no longer reach it. Also here: the ARIA announcer that
// tells a screen reader when a replica's sync phase changes.
import { el, replace } from '../dom';
import { clock, PHASE_LABEL } from '../format';
import type { Store } from '../store';
import type { Phase } from '../types';

/** Phase marks drawn at most (the newest). */
const MAX_MARKS = 400;

interface Mark { replica: string; phase: Phase; time_ms: number }

export class Scrubber {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly marksEl: HTMLElement;
  private readonly startEl: HTMLElement;
  private readonly endEl: HTMLElement;
  private start = 0;
  private horizon = 0;
  private epoch = -1;
  /** The store version a seek of ours left, to tell our changes from others'. */
  private seekVersion = -1;
  private marks = new Map<string, Mark>();
  private drawnKey = '';

  constructor(private readonly store: Store) {
    this.input = el('input', {
      attrs: { id: 'scrubber', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'virtual time: drag to any moment' },
      on: { input: () => this.seek(Number(this.input.value)) },
    });
    this.marksEl = el('div', { class: 'scrub-marks', attrs: { 'aria-hidden': 'true' } });
    this.startEl = el('span', { class: 'scrub-end' });
    this.endEl = el('span', { class: 'scrub-end' });
    this.root = el('div', { class: 'scrubber', attrs: { id: 'timeline' } },
      this.startEl, el('div', { class: 'scrub-track' }, this.marksEl, this.input), this.endEl);
  }

  /** Moves the world to `ms`, pausing first. */
  seek(ms: number): void {
    const s = this.store;
    if (s.ui.playing) s.setUi({ playing: false });
    const r = s.act((m) => m.seek(ms));
    if (r === undefined) return;
    if (r.time_ms > ms) this.start = r.time_ms;
    if (r.undid_actions) {
      this.forgetAfter(r.time_ms);
      s.notice('Going back undid the later commands and link changes (as Back does): the timeline now ends here.');
    }
    this.seekVersion = s.version;
  }

  render(): void {
    const s = this.store;
    const now = s.view.time_ms;
    if (s.epoch !== this.epoch) {
      this.epoch = s.epoch;
      this.start = now;
      this.horizon = now;
      this.marks.clear();
    }
    // Anything but a seek of ours, done before the end of the timeline, starts a new future.
    if (s.version !== this.seekVersion && now < this.horizon && this.seekVersion !== -1) this.forgetAfter(now);
    if (s.version !== this.seekVersion) this.seekVersion = -1;
    this.horizon = Math.max(this.horizon, now);
    this.start = Math.min(this.start, now);
    for (const t of s.page.timelines) {
      for (const step of t.steps) this.marks.set(`${t.replica}|${step.phase}|${step.time_ms}`, { replica: t.replica, ...step });
    }
    this.input.min = String(this.start);
    this.input.max = String(this.horizon);
    if (document.activeElement !== this.input || this.input.value !== String(now)) this.input.value = String(now);
    this.input.setAttribute('aria-valuetext', `t = ${clock(now)}`);
    this.startEl.textContent = clock(this.start);
    this.endEl.textContent = clock(this.horizon);
    this.drawMarks();
  }

  private forgetAfter(ms: number): void {
    this.horizon = ms;
    for (const [k, m] of this.marks) if (m.time_ms > ms) this.marks.delete(k);
  }

  private drawMarks(): void {
    const span = Math.max(1, this.horizon - this.start);
    const marks = [...this.marks.values()].filter((m) => m.time_ms >= this.start).sort((a, b) => a.time_ms - b.time_ms).slice(-MAX_MARKS);
    const key = `${this.start}|${this.horizon}|${marks.length}|${marks[marks.length - 1]?.time_ms}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    replace(this.marksEl, ...marks.map((m) => {
      const tick = el('span', { class: `scrub-mark phase-${m.phase}`, title: `${clock(m.time_ms)} ${m.replica}: ${PHASE_LABEL[m.phase]}` });
      tick.style.left = `${((m.time_ms - this.start) / span) * 100}%`;
      return tick;
    }));
  }
}

/** Announces, to screen readers, each replica's change of sync phase. */
export class Announcer {
  readonly root: HTMLElement;
  private phases = new Map<string, Phase>();
  private epoch = -1;

  constructor(private readonly store: Store) {
    this.root = el('div', { class: 'visually-hidden', attrs: { id: 'announce', 'aria-live': 'polite', role: 'status' } });
  }

  render(): void {
    const s = this.store;
    const said: string[] = [];
    for (const n of s.view.nodes) {
      const before = this.phases.get(n.name);
      if (n.role === 'slave' && before !== undefined && before !== n.sync_phase && s.epoch === this.epoch) {
        said.push(`${n.name}: ${PHASE_LABEL[n.sync_phase]}`);
      }
      this.phases.set(n.name, n.sync_phase);
    }
    this.epoch = s.epoch;
    if (said.length > 0) this.root.textContent = `${said.join('. ')}.`;
  }
}
