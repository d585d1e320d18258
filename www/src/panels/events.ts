// The trace, two ways: a filterable list of the recent events, and a
// message sequence diagram of the recent window (time flowing down, one
// column per node, an arrow for each message sent or received).
import { el, replace, svg } from '../dom';
import { clock, describeEvent } from '../format';
import type { Store } from '../store';
import type { TraceEvent } from '../types';

/** Rows shown in the list. */
const LIST_ROWS = 250;
/** While playing, the list is redrawn at most this often (wall ms). */
const REDRAW_MS = 250;

/** Does `e` pass the filter: a node name (or all), text, stream noise hidden? */
export function matches(e: TraceEvent, node: string, text: string, hideStream: boolean): boolean {
  if (hideStream && e.stream) return false;
  if (node !== '' && e.node !== node && e.replica !== node) return false;
  if (text === '') return true;
  const t = text.toLowerCase();
  return describeEvent(e).toLowerCase().includes(t) || e.type.includes(t) || e.phase.includes(t);
}

export class EventLog {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly nodeSel: HTMLSelectElement;
  private readonly text: HTMLInputElement;
  private readonly hide: HTMLInputElement;
  private key = '';
  private drawnAt = 0;

  constructor(private readonly store: Store) {
    const redo = (): void => { this.key = ''; this.render(); };
    this.nodeSel = el('select', { attrs: { id: 'log-node', 'aria-label': 'node' }, on: { change: redo } });
    this.text = el('input', { attrs: { id: 'log-filter', type: 'search', placeholder: 'filter: psync, rdb, B, …' }, on: { input: redo } });
    this.hide = el('input', {
      attrs: { id: 'log-hide-stream', type: 'checkbox', checked: !store.ui.stream },
      on: { change: () => { store.setUi({ stream: !this.hide.checked }); redo(); } },
    });
    this.list = el('ol', { class: 'log-list', attrs: { id: 'log-list' } });
    this.root = el('div', { class: 'eventlog' },
      el('div', { class: 'log-filters' }, this.text, this.nodeSel,
        el('label', {}, this.hide, ' hide writes and ACKs')),
      this.list);
  }

  render(): void {
    const s = this.store;
    const names = s.view.nodes.map((n) => n.name);
    const last = s.events[s.events.length - 1]?.seq ?? -1;
    const key = JSON.stringify([last, s.events.length, names, this.nodeSel.value, this.text.value, this.hide.checked, s.epoch]);
    const now = performance.now();
    if (key === this.key || (s.ui.playing && now - this.drawnAt < REDRAW_MS)) return;
    this.key = key;
    this.drawnAt = now;
    const chosen = this.nodeSel.value;
    replace(this.nodeSel, el('option', { attrs: { value: '' }, text: 'all nodes' }),
      ...names.map((n) => el('option', { attrs: { value: n }, text: n })));
    this.nodeSel.value = names.includes(chosen) ? chosen : '';
    const rows = s.events.filter((e) => matches(e, this.nodeSel.value, this.text.value.trim(), this.hide.checked)).slice(-LIST_ROWS);
    replace(this.list, ...rows.reverse().map((e) => el('li', { class: `log-row phase-${e.phase}`, attrs: { 'data-type': e.type, 'data-seq': e.seq } },
      el('span', { class: 'log-time', text: clock(e.time_ms) }),
      el('span', { class: 'log-node', text: e.node }),
      el('span', { class: 'log-phase', text: e.phase === 'none' ? '' : e.phase }),
      el('span', { class: 'log-text', text: describeEvent(e) }))));
  }
}

/** Rows of the sequence diagram. */
const SEQ_ROWS = 28;
const ROW_H = 30;
/** Left margin, for the times. */
const TIME_W = 90;

/**
 * The events the sequence diagram draws, newest last: every message, and
 * what else is not routine stream traffic, on the nodes shown.
 */
export function sequenceRows(events: TraceEvent[], col: Map<string, number>): TraceEvent[] {
  return events.filter((e) => e.type !== 'keepalive' && (e.message !== null || !e.stream))
    .filter((e) => col.has(e.node)).slice(-SEQ_ROWS);
}

export class Sequence {
  readonly root: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private key = '';

  constructor(private readonly store: Store) {
    this.canvas = svg('svg', { class: 'sequence-svg', attrs: { role: 'img', 'aria-label': 'message sequence diagram' } });
    this.root = el('div', { class: 'sequence', attrs: { id: 'sequence' } },
      el('p', { class: 'hint', text: 'The latest messages, time flowing down, one column per node (writes and ACKs left out when the log hides them).' }),
      this.canvas);
  }

  render(): void {
    const s = this.store;
    const last = s.events[s.events.length - 1]?.seq ?? -1;
    const key = `${last}|${s.events.length}|${s.view.nodes.map((n) => n.name).join(',')}`;
    if (key === this.key) return;
    this.key = key;
    const nodes = s.view.nodes;
    // Wide columns when there are few nodes, so the labels fit between them.
    const colW = Math.max(140, Math.min(340, 1100 / Math.max(1, nodes.length)));
    const col = new Map(nodes.map((n, i) => [n.name, TIME_W + i * colW + colW / 2]));
    const rows = sequenceRows(s.events, col);
    const width = TIME_W + nodes.length * colW + 260;
    const height = 50 + rows.length * ROW_H + 20;
    this.canvas.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.canvas.style.height = `${height}px`;
    this.canvas.style.width = `${width}px`;
    const heads = nodes.map((n) => {
      const x = col.get(n.name) ?? 0;
      return svg('g', { class: 'seq-col' },
        svg('text', { class: 'seq-head', text: n.name, attrs: { x, y: 24, 'text-anchor': 'middle' } }),
        svg('line', { attrs: { x1: x, y1: 34, x2: x, y2: height - 10 } }));
    });
    replace(this.canvas, ...heads, ...rows.map((e, i) => this.row(e, 50 + i * ROW_H, col)));
  }

  private row(e: TraceEvent, y: number, col: Map<string, number>): SVGElement {
    // The ends as they were when it happened (a re-pointed replica keeps its old arrows).
    const msg = e.message;
    const text = describeEvent(e);
    const g = svg('g', { class: `seq-row phase-${e.phase}` }, svg('title', { text: `${clock(e.time_ms)} ${e.node}: ${text}` }));
    const x = col.get(e.node) ?? 0;
    if (msg !== null && col.has(msg.from) && col.has(msg.to)) {
      const x1 = col.get(msg.from) ?? 0;
      const x2 = col.get(msg.to) ?? 0;
      g.append(svg('line', { class: 'seq-arrow', attrs: { x1, y1: y - 2, x2, y2: y + 10, 'marker-end': 'url(#arrow)' } }),
        svg('text', { class: 'seq-label', text: short(text), attrs: { x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle' } }));
    } else {
      g.append(svg('circle', { class: 'seq-dot', attrs: { cx: x, cy: y, r: 4 } }),
        svg('text', { class: 'seq-label', text: short(text), attrs: { x: x + 8, y: y + 4 } }));
    }
    g.append(svg('text', { class: 'seq-time', text: clock(e.time_ms), attrs: { x: 4, y: y + 8 } }));
    return g;
  }
}

function short(t: string): string {
  return t.length > 42 ? `${t.slice(0, 41)}…` : t;
}
