// One sentence, in large type, saying what is happening right now to the
// replica in focus: so a newcomer understands the picture without docs.
import { el } from '../dom';
import { bytes, clock, num, rdbPercent } from '../format';
import type { Store } from '../store';
import type { NodeView, Timeline, View } from '../types';
import { focusReplica } from './phases';

/** What the replica in focus is doing now, in plain words. */
export function narrate(view: View, r: NodeView | undefined, t?: Timeline): string {
  if (r === undefined) return 'Every node is a master on its own. Select one and pick a master for it to watch a sync.';
  const m = r.master ?? '?';
  const master = view.nodes.find((n) => n.name === m);
  if (r.replication_loop.length > 1) {
    const loop = [...r.replication_loop, r.name].join(' → ');
    return `${r.name} is in a replication loop (${loop}): a replica serves no sync while it has no master link itself, so none of them can sync. Make one of them a master (REPLICAOF NO ONE).`;
  }
  const buffered = master?.replicas.find((x) => x.name === r.name);
  if (view.time_ms === 0 && r.sync_phase === 'handshake') {
    return `${r.name} has just been made a replica of ${m} and is about to connect. Press ▶ Play (space) to watch the sync, or n to go one step at a time.`;
  }
  switch (r.sync_phase) {
    case 'handshake':
      return r.link_status === 'down' && r.repl_state === 'connect'
        ? `${r.name} cannot reach ${m} and retries every second.`
        : `${r.name} is introducing itself to ${m} (PING, REPLCONF) and asking to continue with PSYNC.`;
    case 'snapshot':
      if (master?.bgsave) return `${m} is taking a snapshot (BGSAVE) for ${r.name}; new writes wait in ${r.name}'s buffer (${bytes(buffered?.buffered_bytes ?? 0)}).`;
      return waitingForFork(view, m, r.name, master?.pending_fork_at_ms ?? null);
    case 'transfer': {
      const p = t === undefined ? null : rdbPercent(t.rdb_received, t.rdb_total);
      const pct = p === null ? '' : ` — ${p}%`;
      return `${r.name} is receiving ${m}'s snapshot over the link${pct}. Writes to ${m} meanwhile are buffered (${num(buffered?.buffered_commands ?? 0)} so far).`;
    }
    case 'load':
      return `${r.name} flushed its old data and loaded the snapshot; ${m} is about to send the buffered writes.`;
    case 'replay':
      return `${r.name} is catching up: applying the writes ${m} kept for it.`;
    case 'streaming':
      return `${r.name} is online: every write on ${m} reaches it as it happens (offset ${num(r.slave_repl_offset ?? 0)}).`;
    default:
      return `${r.name} is not syncing.`;
  }
}

/** A full sync whose BGSAVE has not started: when the master's state says it will. */
function waitingForFork(view: View, m: string, r: string, at: number | null): string {
  if (at === null) return `${m} will do a full sync for ${r}.`;
  if (at <= view.time_ms) return `${m} will do a full sync for ${r}: its snapshot (BGSAVE) starts at the next replication cron.`;
  return `${m} will do a full sync for ${r}: it waits until ${clock(at)} (repl-diskless-sync-delay) so other replicas can share the snapshot.`;
}

export class Narration {
  readonly root: HTMLElement;
  private text = '';

  constructor(private readonly store: Store) {
    this.root = el('p', { class: 'narration', attrs: { id: 'narration', 'aria-live': 'polite' } });
  }

  render(): void {
    const s = this.store;
    const r = focusReplica(s.view.nodes, s.node(s.ui.selected));
    const text = narrate(s.view, r, s.page.timelines.find((t) => t.replica === r?.name));
    if (text === this.text) return;
    this.text = text;
    this.root.textContent = text;
  }
}
