// The trace, two ways: a filterable list of every event held, and a
// message sequence diagram of the recent window (time flowing down, one
// column per node, an arrow for each message sent or received).
import { el, replace, svg } from '../dom';
import { clock, describeEvent, num } from '../format';
import type { Store } from '../store';
import type { TraceEvent } from '../types';

/** While playing, the list is brought up to date at most this often (wall ms). */
const REDRAW_MS = 250;
/** Rows drawn beyond the visible ones, above and below. */
const OVERSCAN = 8;
/** While the filter text is being typed, the core's filter waits this long (wall ms). */
const TYPING_MS = 150;

/**
 * The event log: every event the trace holds (tens of thousands under a
 * load) that passes the filter. The filter runs in the core, which answers
 * with sequence numbers; the list keeps them, asks only for what the trace
 * added since, and draws only the rows in view (a virtualised list, newest
 * first, rows of one height). Download saves the whole trace as JSONL.
 */
export class EventLog {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly count: HTMLElement;
  private readonly nodeSel: HTMLSelectElement;
  private readonly text: HTMLInputElement;
  private readonly hide: HTMLInputElement;
  /** Matching sequence numbers, oldest first. */
  private seqs: number[] = [];
  /** The next sequence number to ask the core about, and the filter the list holds. */
  private since = 0;
  private filterKey = '';
  private epoch = -1;
  private namesKey = '';
  private drawnKey = '';
  private drawnAt = 0;
  private typingTimer = 0;
  private rowH = 0;

  constructor(private readonly store: Store) {
    const redo = (): void => { this.drawnAt = 0; this.render(); };
    this.nodeSel = el('select', { attrs: { id: 'log-node', 'aria-label': 'node' }, on: { change: redo } });
    this.text = el('input', {
      attrs: { id: 'log-filter', type: 'search', placeholder: 'filter: psync, rdb, link down, B, …', 'aria-label': 'filter the events' },
      on: { input: () => { clearTimeout(this.typingTimer); this.typingTimer = window.setTimeout(redo, TYPING_MS); } },
    });
    this.hide = el('input', {
      attrs: { id: 'log-hide-stream', type: 'checkbox', checked: !store.ui.stream },
      on: { change: () => { store.setUi({ stream: !this.hide.checked }); redo(); } },
    });
    this.count = el('span', { class: 'log-count', attrs: { id: 'log-count' } });
    this.spacer = el('div', { class: 'log-spacer' });
    this.list = el('div', {
      class: 'log-list',
      attrs: { id: 'log-list', role: 'list', tabindex: 0, 'aria-label': 'events, newest first' },
      on: { scroll: () => this.drawRows() },
    }, this.spacer);
    this.root = el('div', { class: 'eventlog' },
      el('div', { class: 'log-filters' }, this.text, this.nodeSel,
        el('label', {}, this.hide, ' hide writes and ACKs'),
        this.count,
        el('button', {
          attrs: { id: 'log-download', type: 'button', title: 'every event the trace holds, one JSON object a line' },
          text: 'Download trace (JSONL)', on: { click: () => this.download() },
        })),
      this.list);
  }

  render(): void {
    const s = this.store;
    const names = s.view.nodes.map((n) => n.name);
    if (names.join('\u0000') !== this.namesKey) {
      this.namesKey = names.join('\u0000');
      const chosen = this.nodeSel.value;
      replace(this.nodeSel, el('option', { attrs: { value: '' }, text: 'all nodes' }),
        ...names.map((n) => el('option', { attrs: { value: n }, text: n })));
      this.nodeSel.value = names.includes(chosen) ? chosen : '';
    }
    const now = performance.now();
    if (s.ui.playing && now - this.drawnAt < REDRAW_MS) return;
    this.drawnAt = now;
    this.update();
    this.drawRows();
  }

  /** Brings the matching sequence numbers up to date with the trace. */
  private update(): void {
    const s = this.store;
    const [node, text, stream] = [this.nodeSel.value, this.text.value.trim(), !this.hide.checked];
    const filterKey = JSON.stringify([node, text, stream]);
    const next = s.view.next_seq;
    // A new world, a new filter or a step back (the trace shrank): ask again from the start.
    if (filterKey !== this.filterKey || s.epoch !== this.epoch || next < this.since) {
      this.filterKey = filterKey;
      this.epoch = s.epoch;
      this.seqs = [];
      this.since = 0;
    }
    if (next > this.since) {
      const fresh = s.read((m) => m.traceSeqs(this.since, node, text, stream));
      if (fresh !== undefined) {
        for (const seq of fresh) this.seqs.push(seq);
        // Rows are newest first: keep the rows being read where they are.
        if (this.list.scrollTop > 0) this.list.scrollTop += fresh.length * this.rowHeight();
      }
      this.since = next;
    }
    // The trace drops its oldest half when full.
    const first = next - s.view.trace_len;
    if (this.seqs.length > 0 && this.seqs[0] < first) this.seqs = this.seqs.slice(lowerBound(this.seqs, first));
    this.count.dataset.matched = String(this.seqs.length);
    this.count.textContent = `${num(this.seqs.length)} of ${num(s.view.trace_len)} events${first > 0 ? ` (the oldest ${num(first)} dropped)` : ''}`;
  }

  private rowHeight(): number {
    if (this.rowH === 0) {
      const probe = el('div', { class: 'log-row' }, el('span', { class: 'log-text', text: 'x' }));
      this.list.append(probe);
      this.rowH = probe.offsetHeight;
      probe.remove();
    }
    return this.rowH || 28;
  }

  /** Draws the rows in view (newest first). */
  private drawRows(): void {
    const h = this.rowHeight();
    const n = this.seqs.length;
    this.spacer.style.height = `${n * h}px`;
    const top = Math.max(0, Math.floor(this.list.scrollTop / h) - OVERSCAN);
    const bottom = Math.min(n, Math.ceil((this.list.scrollTop + (this.list.clientHeight || 420)) / h) + OVERSCAN);
    const want: number[] = [];
    for (let i = top; i < bottom; i++) want.push(this.seqs[n - 1 - i]);
    const key = `${top}|${want[0]}|${want[want.length - 1]}|${n}|${this.store.epoch}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const events = want.length === 0 ? [] : this.store.read((m) => m.traceEventsAt(want)) ?? [];
    replace(this.list, this.spacer, ...events.map((e, i) => {
      const text = describeEvent(e);
      const row = el('div', { class: `log-row phase-${e.phase}`, attrs: { role: 'listitem', 'data-type': e.type, 'data-seq': e.seq } },
        el('span', { class: 'log-time', text: clock(e.time_ms) }),
        el('span', { class: 'log-node', text: e.node }),
        el('span', { class: 'log-phase', text: e.phase === 'none' ? '' : e.phase }),
        el('span', { class: 'log-text', text, title: text }));
      row.style.top = `${(top + i) * h}px`;
      return row;
    }));
  }

  /** Saves every event the trace holds as a JSON-lines file. */
  private download(): void {
    const text = this.store.read((m) => m.traceJsonl());
    if (text === undefined) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const name = `replscope-seed${this.store.model.seed()}-t${this.store.view.time_ms}ms.jsonl`;
    const a = el('a', { attrs: { href: url, download: name } });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** The first index of sorted `xs` whose value is at least `x`. */
export function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
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
