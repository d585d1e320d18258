// A redis-cli for every node: a tab per node, the `A>` prompt, history with
// the arrow keys, replies exactly as the core renders them (redis-cli's
// formatting, Redis's own error texts), and the write-load control.
import { el, replace } from '../dom';
import { num } from '../format';
import type { Store } from '../store';

/** Lines kept per node's transcript. */
const MAX_LINES = 300;
/** Commands kept per node's history. */
const MAX_HISTORY = 100;

interface Line { kind: 'in' | 'out' | 'err' | 'note'; text: string }

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
  private lines = new Map<string, Line[]>();
  private histories = new Map<string, History>();
  private key = '';
  private shownNode = '';

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

  /** Runs `line` on `node` as if typed, showing it in that node's transcript. */
  run(node: string, line: string): void {
    this.add(node, { kind: 'in', text: `${node}> ${line}` });
    const reply = this.store.act((m) => m.console(node, line));
    if (reply !== undefined && reply.text !== '') this.add(node, { kind: reply.error ? 'err' : 'out', text: reply.text });
    this.key = '';
  }

  focus(): void {
    this.input.focus();
  }

  render(): void {
    const s = this.store;
    const node = s.ui.selected ?? '';
    const load = s.page.loads.find((l) => l.node === node);
    const key = JSON.stringify([s.view.nodes.map((n) => n.name), node, load?.per_s, s.epoch]);
    if (key === this.key) return;
    this.key = key;
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
    this.drawLines(node);
  }

  private drawLines(node: string): void {
    const lines = this.lines.get(node) ?? [{ kind: 'note', text: `Type a Redis command for ${node}, e.g. SET foo bar, GET foo, INFO replication, ROLE.` }];
    replace(this.out, ...lines.map((l) => el('span', { class: `line line-${l.kind}`, text: `${l.text}\n` })));
    this.out.scrollTop = this.out.scrollHeight;
  }

  private add(node: string, line: Line): void {
    const list = this.lines.get(node) ?? [];
    list.push(line);
    if (list.length > MAX_LINES) list.splice(0, list.length - MAX_LINES);
    this.lines.set(node, list);
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
