// A redis-cli for every node: a tab per node, the `A>` prompt, history with
// the arrow keys, replies exactly as the core renders them (redis-cli's
// formatting, Redis's own error texts), and the write-load control.
//
// The transcript is the world's: every console command and its reply is a
// trace event, so the lines shown are read from the core's trace and go
// back with it (Back, the timeline, a script run, a share link). The trace
// keeps a reply's first 200 characters; the full text of a reply typed on
// this page is kept beside it, by the event's sequence number, and used
// only while the trace still holds that very event.
import { el, replace } from '../dom';
import { num } from '../format';
import type { Store } from '../store';
import type { EventOf } from '../types';

/** Commands shown per node's transcript. */
const MAX_LINES = 150;
/** While playing, the transcript is read again at most this often (wall ms). */
const REREAD_MS = 250;
/** Commands kept per node's history. */
const MAX_HISTORY = 100;

interface Line { kind: 'in' | 'out' | 'err' | 'note'; text: string }

/** A reply typed on this page, in full, and what the trace recorded of it. */
interface Full { node: string; typed: string; command: string; text: string; error: boolean }

/** A line that never reached the world (redis-cli refused to send it), shown where it was typed. */
interface Local { node: string; seq: number; lines: Line[] }

/** Keeps a node's command history and walks it with the arrow keys. */
export class History {
  private items: string[] = [];
  private pos = 0;

  push(line: string): void {
    if (line.trim() !== '' && this.items[this.items.length - 1] !== line) this.items.push(line);
    if (this.items.length > MAX_HISTORY) this.items.shift();
    this.pos = this.items.length;
  }

  /** The previous (`-1`) or next (`+1`) entry; past the newest is empty. */
  move(dir: -1 | 1): string {
    this.pos = Math.min(this.items.length, Math.max(0, this.pos + dir));
    return this.items[this.pos] ?? '';
  }
}

export class Console {
  readonly root: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly out: HTMLElement;
  private readonly prompt: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly loadInput: HTMLInputElement;
  private readonly loadNote: HTMLElement;
  private full = new Map<number, Full>();
  private local: Local[] = [];
  private readAt = 0;
  private linesKey = '';
  private histories = new Map<string, History>();
  private key = '';
  private shownNode = '';
  private epoch = -1;
  private version = -1;

  constructor(private readonly store: Store) {
    this.tabs = el('div', { class: 'console-tabs', attrs: { role: 'tablist' } });
    this.out = el('pre', { class: 'console-out', attrs: { 'aria-live': 'polite', id: 'console-out' } });
    this.prompt = el('span', { class: 'console-prompt' });
    this.input = el('input', {
      class: 'console-input',
      attrs: { id: 'console-input', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'command' },
      on: { keydown: (e) => this.onKey(e as KeyboardEvent) },
    });
    this.loadInput = el('input', { class: 'load-input', attrs: { id: 'load-input', type: 'number', min: 0, max: 10000, step: 1, value: 0, 'aria-label': 'writes per second' } });
    this.loadNote = el('span', { class: 'load-note' });
    const loadForm = el('form', {
      class: 'load-form',
      on: { submit: (e) => { e.preventDefault(); this.setLoad(); } },
    }, el('label', { attrs: { for: 'load-input' }, text: 'Write load' }), this.loadInput, ' writes/s ',
    el('button', { attrs: { type: 'submit', id: 'load-set' }, text: 'Set' }), this.loadNote);
    const form = el('form', { class: 'console-line', on: { submit: (e) => { e.preventDefault(); this.submit(); } } }, this.prompt, this.input);
    this.root = el('section', { class: 'panel console', attrs: { id: 'console' } },
      el('h2', { text: 'Console' }), this.tabs, this.out, form, loadForm);
  }

  /** Runs `line` on `node` as if typed; the transcript shows it from the trace. */
  run(node: string, line: string): void {
    const seq = this.store.view.next_seq;
    const reply = this.store.act((m) => m.console(node, line));
    const recorded = this.store.read((m) => m.consoleLines(node, 1))?.[0];
    if (reply !== undefined && recorded !== undefined && recorded.seq >= seq) {
      this.full.set(recorded.seq, { node, typed: line, command: String(recorded.command), text: reply.text, error: reply.error });
    } else if (reply !== undefined && reply.text !== '') {
      this.local.push({ node, seq, lines: [{ kind: 'in', text: `${node}> ${line}` }, { kind: reply.error ? 'err' : 'out', text: reply.text }] });
    }
    this.key = '';
    this.linesKey = '';
  }

  focus(): void {
    this.input.focus();
  }

  render(): void {
    const s = this.store;
    const node = s.ui.selected ?? '';
    const load = s.page.loads.find((l) => l.node === node);
    if (s.version !== this.version || this.linesKey === '') this.drawLines(node);
    this.version = s.version;
    const key = JSON.stringify([s.view.nodes.map((n) => n.name), node, load?.per_s, s.epoch]);
    if (key === this.key) return;
    this.key = key;
    this.linesKey = '';
    this.drawLines(node);
    replace(this.tabs, ...s.view.nodes.map((n) => el('button', {
      class: `console-tab${n.name === node ? ' active' : ''}`,
      attrs: { role: 'tab', 'aria-selected': n.name === node, 'data-node': n.name, type: 'button' },
      text: n.name,
      on: { click: () => s.setUi({ selected: n.name }) },
    })));
    this.prompt.textContent = `${node}>`;
    if (node !== this.shownNode) {
      this.shownNode = node;
      if (document.activeElement !== this.loadInput) this.loadInput.value = String(load?.per_s ?? 0);
    }
    this.loadNote.textContent = load ? ` running: ${num(load.per_s)} SET/s on ${node} (keys load:0…load:99)` : '';
  }

  /** Forgets what belongs to a world no longer on screen. */
  private forget(): void {
    const s = this.store;
    if (s.epoch !== this.epoch) {
      this.epoch = s.epoch;
      this.full.clear();
      this.local = [];
    }
    const next = s.view.next_seq;
    for (const seq of this.full.keys()) if (seq >= next) this.full.delete(seq);
    this.local = this.local.filter((l) => l.seq <= next);
  }

  private drawLines(node: string): void {
    const s = this.store;
    const now = performance.now();
    if (s.ui.playing && this.linesKey !== '' && now - this.readAt < REREAD_MS) return;
    this.readAt = now;
    this.forget();
    const events = s.read((m) => m.consoleLines(node, MAX_LINES)) ?? [];
    const local = this.local.filter((l) => l.node === node);
    const key = JSON.stringify([node, s.epoch, events.map((e) => e.seq), local.length, events[events.length - 1]?.reply]);
    if (key === this.linesKey) return;
    this.linesKey = key;
    const lines: Line[] = [];
    let li = 0;
    for (const e of events) {
      for (; li < local.length && local[li].seq <= e.seq; li++) lines.push(...local[li].lines);
      lines.push(...this.linesOf(e));
    }
    for (; li < local.length; li++) lines.push(...local[li].lines);
    if (lines.length === 0) lines.push({ kind: 'note', text: `Type a Redis command for ${node}, e.g. SET foo bar, GET foo, INFO replication, ROLE.` });
    replace(this.out, ...lines.map((l) => el('span', { class: `line line-${l.kind}`, text: `${l.text}\n` })));
    this.out.scrollTop = this.out.scrollHeight;
  }

  /** A console command event as its prompt line and reply (in full when typed here). */
  private linesOf(e: EventOf<'command'>): Line[] {
    const command = String(e.command);
    const reply = String(e.reply);
    const f = this.full.get(e.seq);
    const known = f !== undefined && f.node === e.node && f.command === command && f.text.startsWith(reply.replace(/…$/, ''));
    const shown = known ? { typed: f.typed, text: f.text, error: f.error } : { typed: command, text: reply, error: reply.startsWith('(error)') };
    const out: Line[] = [{ kind: 'in', text: `${e.node}> ${shown.typed}` }];
    if (shown.text !== '') out.push({ kind: shown.error ? 'err' : 'out', text: shown.text });
    return out;
  }

  private history(node: string): History {
    let h = this.histories.get(node);
    if (h === undefined) {
      h = new History();
      this.histories.set(node, h);
    }
    return h;
  }

  private submit(): void {
    const node = this.store.ui.selected;
    const line = this.input.value;
    if (node === null) return;
    this.history(node).push(line);
    this.input.value = '';
    this.run(node, line);
  }

  private onKey(e: KeyboardEvent): void {
    const node = this.store.ui.selected;
    if (node === null || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    this.input.value = this.history(node).move(e.key === 'ArrowUp' ? -1 : 1);
  }

  private setLoad(): void {
    const node = this.store.ui.selected;
    const perS = Math.round(Number(this.loadInput.value));
    if (node === null || !Number.isFinite(perS)) return;
    this.store.act((m) => m.setLoad(node, Math.max(0, perS)));
    this.key = '';
  }
}
