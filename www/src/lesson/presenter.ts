// Presenter mode: a projector layout (1024×768 without scrolling, text at
// least 20 px, secondary panels hidden), a large caption of what just
// happened, and the keys presenter remotes send: PageDown / PageUp for
// Next / Previous, `.` to pause (as RaftScope does), `b` to black out.
// `p` toggles the mode. None of the keys fire while typing in a field.
import { el } from '../dom';
import { describeEvent } from '../format';
import type { Store } from '../store';
import type { TraceEvent } from '../types';

export interface PresenterHooks { next(): void; previous(): void; lessonOpen(): boolean; changed(): void }

/** Whether an event belongs in the caption: not routine stream traffic,
 * and not an INFO read (the lessons' own checks run INFO on the consoles). */
function captionWorthy(e: TraceEvent): boolean {
  return !e.stream && !(e.type === 'command' && /^INFO\b/i.test(String((e as { command?: unknown }).command ?? '')));
}

export class Presenter {
  readonly caption: HTMLElement;
  private readonly blackout: HTMLElement;
  private on = false;
  private lastCaption = '';

  constructor(private readonly store: Store, private readonly hooks: PresenterHooks) {
    this.caption = el('p', { class: 'lesson-caption', attrs: { id: 'lesson-caption', 'aria-live': 'polite' } });
    this.blackout = el('div', { class: 'lesson-blackout', attrs: { id: 'lesson-blackout', hidden: true } });
    document.body.append(this.blackout);
    document.addEventListener('keydown', (e) => this.key(e));
  }

  get active(): boolean { return this.on; }

  set(on: boolean): void {
    this.on = on;
    document.body.classList.toggle('presenter', on);
    if (!on) this.blackout.hidden = true;
    this.hooks.changed();
  }

  /** The caption: the newest event worth a caption. */
  render(): void {
    const events = this.store.events;
    let text = '';
    for (let i = events.length - 1; i >= 0; i--) {
      if (captionWorthy(events[i])) { text = `${events[i].node}: ${describeEvent(events[i])}`; break; }
    }
    if (text === this.lastCaption) return;
    this.lastCaption = text;
    this.caption.textContent = text;
  }

  private key(e: KeyboardEvent): void {
    const t = e.target as HTMLElement;
    if (t.closest('input, textarea, select, [contenteditable]') !== null || e.ctrlKey || e.metaKey || e.altKey) return;
    const actions: Record<string, () => void> = { p: () => this.set(!this.on) };
    if (this.on) {
      actions['.'] = () => this.store.setUi({ playing: !this.store.ui.playing });
      actions.b = () => { this.blackout.hidden = !this.blackout.hidden; };
    }
    if (this.hooks.lessonOpen()) {
      actions.PageDown = () => this.hooks.next();
      actions.PageUp = () => this.hooks.previous();
    }
    const fn = actions[e.key];
    if (fn === undefined) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    fn();
  }
}
