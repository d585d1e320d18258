// The sync panel: for the selected replica, the steps of a full sync and of
// an incremental one, each explained in a sentence or two; the steps it went
// through (from the core's timeline, with their virtual times) are ticked,
// the current one (the core's `sync_phase`) is lit; and the last PSYNC
// decision with its reason.
import { el, replace } from '../dom';
import { clock, PHASE_LABEL } from '../format';
import type { Store } from '../store';
import type { NodeView, Phase, Timeline } from '../types';

interface StepText { phase: Phase; title: string; text: (r: string, m: string) => string }

const FULL: StepText[] = [
  { phase: 'handshake', title: 'Connect and PSYNC',
    text: (r, m) => `${r} connects to ${m}, says PING, tells its port and capabilities (REPLCONF), then asks PSYNC <replid> <offset> to continue where it left off.` },
  { phase: 'snapshot', title: 'BGSAVE, buffering writes',
    text: (_r, m) => `${m} cannot continue from its backlog, answers +FULLRESYNC and takes a point-in-time snapshot (BGSAVE). Every write it takes meanwhile is kept in this replica's buffer. (Diskless sync first waits repl-diskless-sync-delay so more replicas can share one snapshot.)` },
  { phase: 'transfer', title: 'Snapshot transfer',
    text: () => 'The RDB file crosses the link chunk by chunk, as fast as the link\'s bandwidth allows.' },
  { phase: 'load', title: 'Flush and load',
    text: (r) => `${r} throws away all its old data, then loads the RDB. Its offset becomes the one in +FULLRESYNC.` },
  { phase: 'replay', title: 'Buffered writes replayed',
    text: (r, m) => `${m} sends the writes it buffered during the snapshot and transfer; ${r} applies them and catches up.` },
  { phase: 'streaming', title: 'Online',
    text: (r, m) => `Every write on ${m} now reaches ${r} as it happens; both offsets grow by exactly each command's bytes.` },
];

const PARTIAL: StepText[] = [
  FULL[0],
  { phase: 'replay', title: '+CONTINUE: backlog sent',
    text: (r, m) => `${m} still holds every byte ${r} missed in its backlog, so it answers +CONTINUE and sends just those bytes. No snapshot needed.` },
  FULL[5],
];

const ORDER: Phase[] = ['none', 'handshake', 'snapshot', 'transfer', 'load', 'replay', 'streaming'];

export class Phases {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private key = '';

  constructor(private readonly store: Store) {
    this.body = el('div', { class: 'phases-body' });
    this.root = el('section', { class: 'panel phases', attrs: { id: 'phases', 'aria-live': 'polite' } },
      el('h2', { text: 'Sync' }), this.body);
  }

  render(): void {
    const s = this.store;
    const replica = focusReplica(s.view.nodes, s.node(s.ui.selected));
    const timeline = s.page.timelines.find((t) => t.replica === replica?.name);
    const key = JSON.stringify([replica?.name, replica?.sync_phase, replica?.last_psync, replica?.master, replica?.repl_state, timeline]);
    if (key === this.key) return;
    this.key = key;
    if (replica === undefined) {
      replace(this.body, el('p', { class: 'hint', text: 'No replica yet. Add a node and make it a replica: select it and pick a master, or type REPLICAOF A in its console.' }));
      return;
    }
    replace(this.body, ...this.content(replica, timeline));
  }

  private content(r: NodeView, t: Timeline | undefined): HTMLElement[] {
    const m = r.master ?? '?';
    const kind = t?.kind === 'partial' ? 'partial' : 'full';
    const current = r.sync_phase;
    return [
      el('p', { class: 'phases-title' },
        el('strong', { text: r.name }), ` replicating from `, el('strong', { text: m }), ' — ',
        el('span', { class: `phase-chip phase-${current}`, text: PHASE_LABEL[current], attrs: { 'data-testid': 'current-phase' } })),
      this.list('Full sync', FULL, kind === 'full', r, t, m),
      this.list('Incremental sync', PARTIAL, kind === 'partial', r, t, m),
      decision(r),
    ];
  }

  private list(title: string, steps: StepText[], active: boolean, r: NodeView, t: Timeline | undefined, m: string): HTMLElement {
    const reached = new Map((active ? t?.steps ?? [] : []).map((s) => [s.phase, s.time_ms]));
    const items = steps.map((st, i) => {
      const lit = active && r.sync_phase === st.phase;
      const time = reached.get(st.phase);
      const passed = !lit && active && (time !== undefined || ORDER.indexOf(st.phase) < ORDER.indexOf(r.sync_phase));
      const state = lit ? 'current' : passed ? 'done' : 'todo';
      return el('li', { class: `step step-${state} phase-${st.phase}`, attrs: { 'data-phase': st.phase, 'data-state': state, 'data-time': time ?? '' } },
        el('span', { class: 'step-num', text: state === 'done' ? '✓' : String(i + 1) }),
        el('div', { class: 'step-body' },
          el('div', { class: 'step-title' }, st.title, time !== undefined ? el('span', { class: 'step-time', text: ` at ${clock(time)}` }) : null),
          el('div', { class: 'step-text', text: st.text(r.name, m) })));
    });
    return el('div', { class: `steps${active ? ' steps-active' : ''}`, attrs: { 'data-sync': title.startsWith('Full') ? 'full' : 'partial' } },
      el('h3', { text: title }), el('ol', {}, ...items));
  }
}

/** The replica to explain: the selection, or the first replica of a selected master. */
export function focusReplica(nodes: NodeView[], selected: NodeView | undefined): NodeView | undefined {
  if (selected?.role === 'slave') return selected;
  const firstOf = selected?.replicas[0]?.name;
  return nodes.find((n) => n.name === firstOf) ?? nodes.find((n) => n.role === 'slave');
}

function decision(r: NodeView): HTMLElement {
  const p = r.last_psync;
  if (p === null) {
    return el('p', { class: 'decision', attrs: { 'data-testid': 'psync' }, text: 'No PSYNC answered yet.' });
  }
  const head = p.result === 'continue' ? '+CONTINUE' : '+FULLRESYNC';
  return el('div', { class: `decision decision-${p.result}`, attrs: { 'data-testid': 'psync', 'data-result': p.result } },
    el('div', { class: 'decision-head', text: `Last PSYNC answer from ${p.master}: ${head}` }),
    el('div', { class: 'decision-reason', text: `${head}: ${p.reason}` }));
}
