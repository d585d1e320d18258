// The keyspace of the selected node, and a key-by-key diff against its
// master (or, for a master, against one of its replicas): which keys the
// replica is missing, which it holds stale, which only it has.
import { el, replace } from '../dom';
import { num } from '../format';
import type { Store } from '../store';
import type { DiffRow, KeyRow, Listing } from '../types';

const KEY_ROWS = 200;
const DIFF_ROWS = 200;
/** Refresh the tables at most this often (wall ms): they can be long. */
const MIN_INTERVAL_MS = 250;

export class Keyspace {
  readonly root: HTMLElement;
  private readonly keysBox: HTMLElement;
  private readonly diffBox: HTMLElement;
  private readonly pattern: HTMLInputElement;
  private key = '';
  private lastAt = 0;

  constructor(private readonly store: Store) {
    this.keysBox = el('div', { class: 'keys-box' });
    this.diffBox = el('div', { class: 'diff-box' });
    this.pattern = el('input', {
      attrs: { id: 'keys-pattern', type: 'search', value: '*', placeholder: 'pattern, as KEYS takes it', 'aria-label': 'key pattern' },
      on: { input: () => { this.key = ''; this.lastAt = 0; this.render(); } },
    });
    this.root = el('div', { class: 'keyspace', attrs: { id: 'keyspace' } }, this.diffBox,
      el('div', {}, el('label', { class: 'keys-filter' }, 'Keys matching ', this.pattern), this.keysBox));
  }

  render(): void {
    const s = this.store;
    const node = s.node(s.ui.selected);
    const key = `${s.version}|${node?.name}`;
    const now = performance.now();
    if (key === this.key || (now - this.lastAt < MIN_INTERVAL_MS && this.key.endsWith(`|${node?.name}`))) return;
    this.key = key;
    this.lastAt = now;
    if (node === undefined) return;
    const keys = s.read((m) => m.keys(node.name, this.pattern.value === '' ? '*' : this.pattern.value, KEY_ROWS));
    const pair = node.master !== null ? [node.master, node.name] : node.replicas[0] ? [node.name, node.replicas[0].name] : null;
    const diff = pair === null ? undefined : s.read((m) => m.diff(pair[0], pair[1], DIFF_ROWS));
    replace(this.keysBox, ...(keys ? keysTable(node.name, keys) : []));
    replace(this.diffBox, ...(pair === null ? [el('p', { class: 'hint', text: `${node.name} has no replica to compare with.` })] : diffTable(pair[0], pair[1], diff)));
  }
}

function keysTable(node: string, keys: Listing<KeyRow>): HTMLElement[] {
  return [
    el('h3', { text: `${node} holds ${num(keys.total)} keys; ${num(keys.rows.length)} shown` }),
    el('table', { class: 'keys-table', attrs: { id: 'keys-table' } },
      el('thead', {}, el('tr', {}, ...['db', 'key', 'type', 'value', 'ttl'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...keys.rows.map((r) => el('tr', {},
        el('td', { text: String(r.db) }),
        el('td', { class: 'mono', text: r.key }),
        el('td', { text: r.kind }),
        el('td', { class: 'mono', text: r.value }),
        el('td', { text: r.ttl_ms === null ? '' : `${(r.ttl_ms / 1000).toFixed(1)} s` }))))),
  ];
}

function diffTable(master: string, replica: string, diff: Listing<DiffRow> | undefined): HTMLElement[] {
  if (diff === undefined) return [];
  const head = el('h3', { text: diff.total === 0 ? `${replica} holds exactly ${master}'s keys` : `${replica} vs ${master}: ${num(diff.total)} difference${diff.total === 1 ? '' : 's'}` });
  if (diff.total === 0) return [head];
  return [head, el('table', { class: 'diff-table', attrs: { id: 'diff-table' } },
    el('thead', {}, el('tr', {}, ...['status', 'key', `on ${master}`, `on ${replica}`].map((h) => el('th', { text: h })))),
    el('tbody', {}, ...diff.rows.map((r) => el('tr', { class: `diff-${r.status}` },
      el('td', { text: r.status }),
      el('td', { class: 'mono', text: r.key }),
      el('td', { class: 'mono', text: r.master ?? '—' }),
      el('td', { class: 'mono', text: r.replica ?? '—' })))))];
}
