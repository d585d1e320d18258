// Buffers made visible: for the master of the selected node, each replica's
// replication buffer (bytes and commands kept while it syncs, bytes still
// waiting to leave), and the backlog as a bar from its first to its last
// byte offset with every replica's offset marked — left of the bar means
// "not in the backlog any more: a reconnect needs a full resync".
import { el, replace, svg } from '../dom';
import { bytes, num } from '../format';
import type { Store } from '../store';
import type { NodeView, View } from '../types';

const BAR_W = 560;
/** While playing, redrawn at most this often (wall ms): 31 replicas' rows are many elements. */
const REDRAW_MS = 250;

export class Buffers {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private key = '';
  private drawnAt = 0;

  constructor(private readonly store: Store) {
    this.body = el('div', { class: 'buffers-body' });
    this.root = el('section', { class: 'panel buffers', attrs: { id: 'buffers' } }, el('h2', { text: 'Buffers and backlog' }), this.body);
  }

  render(): void {
    const s = this.store;
    const sel = s.node(s.ui.selected);
    const master = sel?.role === 'slave' && sel.master !== null ? s.node(sel.master) ?? sel : sel;
    const now = performance.now();
    if (s.ui.playing && now - this.drawnAt < REDRAW_MS) return;
    const key = JSON.stringify([master, s.view.nodes.map((n) => n.slave_repl_offset)]);
    if (key === this.key) return;
    this.key = key;
    this.drawnAt = now;
    if (master === undefined) {
      replace(this.body);
      return;
    }
    replace(this.body, ...this.replicaRows(master), backlog(master, s.view));
  }

  private replicaRows(m: NodeView): HTMLElement[] {
    const head = el('p', { class: 'buffers-head' },
      el('strong', { text: m.name }), ` has ${m.replicas.length} replica${m.replicas.length === 1 ? '' : 's'}`,
      m.bgsave ? ` · BGSAVE to ${m.bgsave.target} running` : '',
      ` · full syncs ${num(m.sync_full)}, partial ok ${num(m.sync_partial_ok)}, partial refused ${num(m.sync_partial_err)}`);
    const biggest = Math.max(1024, ...m.replicas.map((r) => r.pending_output_bytes));
    const rows = m.replicas.map((r) => {
      const waiting = r.streaming ? 'being sent' : 'kept until the replica has loaded the snapshot';
      return el('div', { class: 'buffer-row', attrs: { 'data-replica': r.name } },
        el('div', { class: 'buffer-name' }, el('strong', { text: r.name }), ` ${r.info_state}`),
        el('div', { class: 'buffer-bar' }, el('div', { class: `buffer-fill${r.streaming ? '' : ' buffer-held'}`, attrs: { style: `width:${(100 * r.pending_output_bytes) / biggest}%` } })),
        el('div', { class: 'buffer-text', attrs: { 'data-testid': `buffer-${r.name}` },
          text: `${bytes(r.buffered_bytes)} in ${num(r.buffered_commands)} command${r.buffered_commands === 1 ? '' : 's'} buffered · ${bytes(r.pending_output_bytes)} waiting (${waiting}) · ack ${num(r.ack_offset)}` }));
    });
    return [head, ...rows];
  }
}

/**
 * The replicas of `m` to mark on its backlog bar: the next byte each needs,
 * and whether it has left the backlog. That is the core's rule
 * (`Backlog::covers`, as `master_backlog_covers` in the view), not redone here.
 */
export function backlogMarks(m: NodeView, view: View): { name: string; need: number; outside: boolean }[] {
  return view.nodes.filter((n) => n.master === m.name && n.slave_repl_offset !== null)
    .map((n) => ({ name: n.name, need: (n.slave_repl_offset ?? 0) + 1, outside: n.master_backlog_covers === false }));
}

/**
 * The backlog bar: it spans the bytes the backlog holds, first to last
 * offset (its capacity is in the text, a megabyte would dwarf a few
 * hundred bytes). Each replica's mark is the next byte it needs.
 */
function backlog(m: NodeView, view: View): HTMLElement {
  const b = m.backlog;
  if (b === null) return el('p', { class: 'hint', text: `${m.name} has no backlog yet (it is created when the first replica attaches).` });
  const first = b.first_byte_offset;
  const last = b.last_byte_offset;
  const scale = (o: number): number => (b.histlen === 0 ? 1 : Math.min(1, Math.max(0, (o - first) / b.histlen))) * BAR_W;
  const marks = backlogMarks(m, view).map(({ name, need, outside }) => {
    const x = 10 + scale(need);
    const label = outside ? `${name} ✗` : name;
    return svg('g', { class: `backlog-mark${outside ? ' outside' : ''}`, attrs: { 'data-replica': name } },
      svg('title', { text: `${name} is at offset ${num(need - 1)}${outside ? ': the next byte it needs has left the backlog, so a reconnect needs a full resync' : ''}` }),
      svg('line', { attrs: { x1: x, y1: 20, x2: x, y2: 58 } }),
      svg('text', { text: label, attrs: { x, y: 74, 'text-anchor': x > BAR_W - 20 ? 'end' : 'middle' } }));
  });
  return el('div', { class: 'backlog', attrs: { id: 'backlog' } },
    el('p', { class: 'backlog-head', text: `Backlog of ${m.name}: holds ${bytes(b.histlen)} of ${bytes(b.size)} (repl-backlog-size) · master_repl_offset ${num(m.master_repl_offset)}` }),
    svg('svg', { class: 'backlog-svg', attrs: { viewBox: `0 0 ${BAR_W + 20} 80`, role: 'img', 'aria-label': 'backlog' } },
      svg('rect', { class: 'backlog-fill', attrs: { x: 10, y: 24, width: BAR_W, height: 28, rx: 6 } }),
      svg('text', { class: 'backlog-end', text: `first byte ${num(first)}`, attrs: { x: 12, y: 14 } }),
      svg('text', { class: 'backlog-end', text: `last byte ${num(last)}`, attrs: { x: BAR_W + 8, y: 14, 'text-anchor': 'end' } }),
      ...marks));
}
