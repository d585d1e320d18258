// The RDB tab: the selected node's dataset as the RDB file its BGSAVE
// would write now, item by item (header, AUX fields, SELECTDB, RESIZEDB,
// each key with its type, encoding and expiry, EOF, CRC-64) beside a hex
// view; clicking an item highlights its bytes. The file can be downloaded
// (with its times moved to the present, or on the simulator's clock) and
// any RDB file from disk can be read the same way. Everything shown comes
// from the core's inspector (`rdb::inspect`); this file only lays it out.
import { el, replace } from '../dom';
import { num } from '../format';
import { Model } from '../model';
import type { Store } from '../store';
import type { Inspection, Section } from '../types';

/** Bytes per hex row, and rows of context shown around an item. */
const ROW = 16;
const CONTEXT_ROWS = 6;
/** The most hex rows drawn at once (an item longer than this is cut). */
const MAX_ROWS = 64;

interface Shown { title: string; bytes: Uint8Array; inspection: Inspection }

export class RdbPanel {
  readonly root: HTMLElement;
  private readonly items: HTMLElement;
  private readonly hex: HTMLElement;
  private readonly head: HTMLElement;
  private readonly present: HTMLInputElement;
  private shown: Shown | null = null;
  private selected = 0;
  /** The node and world version the snapshot on screen was taken of. */
  private takenOf: { node: string; version: number } | null = null;
  /** A file from disk is on screen: kept until "Snapshot now". */
  private fromFile = false;

  constructor(private readonly store: Store) {
    this.head = el('h3', { attrs: { id: 'rdb-title' } });
    this.items = el('div', { class: 'rdb-items', attrs: { id: 'rdb-items', role: 'listbox', 'aria-label': 'items of the RDB file' } });
    this.hex = el('pre', { class: 'rdb-hex mono', attrs: { id: 'rdb-hex', 'aria-label': 'the bytes, in hex' } });
    this.present = el('input', { attrs: { type: 'checkbox', id: 'rdb-present', checked: true } });
    const file = el('input', { attrs: { type: 'file', id: 'rdb-file', accept: '.rdb,application/octet-stream', 'aria-label': 'read an RDB file' } }) as HTMLInputElement;
    file.addEventListener('change', () => void this.open(file));
    const tools = el('div', { class: 'rdb-tools' },
      el('button', { attrs: { type: 'button', id: 'rdb-refresh' }, text: 'Snapshot now', on: { click: () => { this.takenOf = null; this.fromFile = false; this.render(); } } }),
      el('button', { attrs: { type: 'button', id: 'rdb-download' }, text: 'Download dump.rdb', on: { click: () => this.download() } }),
      el('label', { class: 'rdb-present', attrs: { title: 'the simulator\'s clock starts in the past: moved, a real server keeps every TTL' } }, this.present, ' times moved to the present'),
      el('label', { class: 'rdb-open' }, 'Read a file: ', file));
    this.root = el('div', { class: 'rdb-panel', attrs: { id: 'rdb-panel' } }, tools, this.head,
      el('div', { class: 'rdb-body' }, this.items, this.hex));
  }

  /** The selected node's snapshot, taken again when another node is
   * selected, when the world changes while paused, or on "Snapshot now";
   * not on every frame of a running world (a snapshot encodes every key). */
  render(): void {
    const s = this.store;
    const node = s.ui.selected;
    if (node === null || this.fromFile) return;
    const t = this.takenOf;
    if (t !== null && t.node === node && (s.ui.playing || t.version === s.version)) return;
    this.takenOf = { node, version: s.version };
    const bytes = s.read((m) => m.rdb(node, undefined));
    if (bytes === undefined) return;
    const inspection = s.read(() => Model.inspectRdb(bytes));
    if (inspection === undefined) return;
    this.show({ title: `${node}'s RDB at ${(s.view.time_ms / 1000).toFixed(3)} s`, bytes, inspection });
  }

  private show(shown: Shown): void {
    this.shown = shown;
    this.selected = Math.min(this.selected, shown.inspection.items.length - 1);
    const keys = shown.inspection.items.filter((i) => i.kind === 'key').length;
    this.head.textContent = `${shown.title}: RDB version ${shown.inspection.version}, ${num(shown.bytes.length)} bytes, ${num(keys)} keys`;
    replace(this.items, ...shown.inspection.items.map((item, i) => this.itemRow(item, i)));
    this.drawHex();
  }

  private itemRow(item: Section, i: number): HTMLElement {
    return el('button', {
      class: `rdb-item rdb-${item.kind}${i === this.selected ? ' selected' : ''}`,
      attrs: { type: 'button', role: 'option', 'aria-selected': String(i === this.selected), 'data-index': String(i) },
      on: { click: () => { this.selected = i; if (this.shown !== null) this.show(this.shown); } },
    },
    el('span', { class: 'rdb-range mono', text: `${item.start}..${item.end}` }),
    el('span', { class: 'rdb-kind', text: item.kind }),
    el('span', { class: 'rdb-summary mono', text: item.summary }));
  }

  /** The rows around the selected item, its bytes marked. */
  private drawHex(): void {
    const shown = this.shown;
    if (shown === null) return;
    const item = shown.inspection.items[this.selected];
    const from = Math.max(0, Math.floor((item?.start ?? 0) / ROW) - CONTEXT_ROWS);
    const last = Math.ceil(Math.max(item?.end ?? 0, 1) / ROW) + CONTEXT_ROWS;
    const to = Math.min(Math.ceil(shown.bytes.length / ROW), last, from + MAX_ROWS);
    const rows: HTMLElement[] = [];
    for (let r = from; r < to; r++) rows.push(hexRow(shown.bytes, r * ROW, item));
    replace(this.hex, ...rows);
  }

  private download(): void {
    const node = this.store.ui.selected;
    if (node === null) return;
    const present = this.present.checked;
    const bytes = this.store.read((m) => m.rdb(node, present ? Date.now() : undefined));
    if (bytes === undefined) return;
    const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/octet-stream' }));
    const a = el('a', { attrs: { href: url, download: `${node}-dump.rdb` } });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    this.store.notice(`${node}-dump.rdb: ${num(bytes.length)} bytes, ${present ? 'times moved to the present (a real server keeps every TTL)' : 'on the simulator\'s clock (keys with a TTL load as expired)'}`, false);
  }

  private async open(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    if (f === undefined) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    const inspection = this.store.read(() => Model.inspectRdb(bytes));
    if (inspection === undefined) return;
    this.selected = 0;
    this.fromFile = true;
    this.show({ title: `file ${f.name}`, bytes, inspection });
  }
}

function hex2(b: number): string { return b.toString(16).padStart(2, '0'); }

/** One hex row: offset, 16 bytes (those of `item` marked), their text. */
function hexRow(bytes: Uint8Array, at: number, item: Section | undefined): HTMLElement {
  const cells: HTMLElement[] = [];
  let text = '';
  for (let i = at; i < Math.min(at + ROW, bytes.length); i++) {
    const inside = item !== undefined && i >= item.start && i < item.end;
    cells.push(el('span', { class: inside ? 'hex-byte in-item' : 'hex-byte', text: hex2(bytes[i]) }));
    text += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
  }
  return el('div', { class: 'hex-row' },
    el('span', { class: 'hex-offset', text: at.toString(16).padStart(8, '0') }),
    ...cells,
    el('span', { class: 'hex-text', text }));
}
