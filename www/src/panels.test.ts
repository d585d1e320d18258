// Unit tests of the pure parts of the panels and the store (no DOM needed).
import { describe, expect, it } from 'vitest';
import { columns, replicasIn } from './panels/charts';
import { History } from './panels/console';
import { nextName } from './panels/controls';
import { backlogMarks } from './panels/buffers';
import { lowerBound, sequenceRows } from './panels/events';
import { narrate } from './panels/narration';
import { rdbPercent } from './format';
import { focusReplica } from './panels/phases';
import { sampleOf, type Sample } from './store';
import type { NodeView, TraceEvent, View } from './types';

function node(name: string, master: string | null, extra: Partial<NodeView> = {}): NodeView {
  return {
    name, port: 6379, role: master === null ? 'master' : 'slave', master, link_status: master === null ? null : 'up',
    repl_state: master === null ? 'none' : 'connected', replid: 'x'.repeat(40), replid2: '0'.repeat(40),
    master_repl_offset: 100, second_repl_offset: -1, slave_repl_offset: master === null ? null : 60, keys: 3, dbs: [],
    replicas: [], backlog: null, bgsave: null, sync_phase: master === null ? 'none' : 'streaming', last_psync: null,
    transfer: null, sync_full: 0, sync_partial_ok: 0, sync_partial_err: 0, wait_blocked: false,
    master_backlog_covers: master === null ? null : true, pending_fork_at_ms: null, past_replids: [], replication_loop: [], ...extra,
  };
}

function view(nodes: NodeView[]): View {
  return { seed: 1, time_ms: 2500, unix_ms: 0, nodes, links: [], trace_len: 0, last_seq: null, next_seq: 0, trace_hash: '0' };
}

describe('store samples', () => {
  it('records each replica offset and its lag behind its own master', () => {
    const v = view([node('A', null), node('B', 'A'), node('C', 'B', { slave_repl_offset: 20 })]);
    expect(sampleOf(v)).toEqual({ t: 2.5, offset: { B: 60, C: 20 }, lag: { B: 40, C: 80 } });
  });

  it('lines samples up as uPlot columns, with gaps for replicas that came later', () => {
    const samples: Sample[] = [{ t: 1, offset: { B: 5 }, lag: { B: 1 } }, { t: 2, offset: { B: 6, C: 1 }, lag: { B: 0, C: 5 } }];
    expect(replicasIn(samples)).toEqual(['B', 'C']);
    expect(columns(samples, ['B', 'C'], 'lag')).toEqual([[1, 2], [1, 0], [null, 5]]);
  });
});

describe('console history', () => {
  it('walks back and forth with the arrow keys and skips repeats', () => {
    const h = new History();
    h.push('SET a 1');
    h.push('GET a');
    h.push('GET a');
    expect(h.move(-1)).toBe('GET a');
    expect(h.move(-1)).toBe('SET a 1');
    expect(h.move(-1)).toBe('SET a 1');
    expect(h.move(1)).toBe('GET a');
    expect(h.move(1)).toBe('');
  });
});

describe('names, focus and narration', () => {
  it('names new nodes A..Z then N27..', () => {
    expect(nextName(new Set(['A', 'B']))).toBe('C');
    const all = new Set(Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i)));
    expect(nextName(all)).toBe('N27');
  });

  it('explains the replica in focus', () => {
    const a = node('A', null, { replicas: [{ name: 'B', state: 'online', info_state: 'online', streaming: true, ack_offset: 0, lag_s: 0, buffered_bytes: 0, buffered_commands: 0, pending_output_bytes: 0 }] });
    const b = node('B', 'A', { sync_phase: 'load' });
    expect(focusReplica([a, b], a)?.name).toBe('B');
    expect(narrate(view([a, b]), b)).toBe('B flushed its old data and loaded the snapshot; A is about to send the buffered writes.');
    expect(narrate(view([a]), undefined)).toMatch(/^Every node is a master/);
  });

  it('gives the RDB transfer in whole percent of what the replica received, as the bar does', () => {
    const b = node('B', 'A', { sync_phase: 'transfer' });
    // 6,000 bytes sent (on the wire), 4,999 of 22,000 received: 22%, not 27%.
    const rdb = { from: 'A', to: 'B', payload: 'rdb' as const, fin: false, text: 'RDB 6000/22000 bytes', bytes: 1000, progress_permille: 272, depart_ms: 0, arrive_ms: 40 };
    const v = { ...view([node('A', null), b]), links: [{ a: 'A', b: 'B', up_ab: true, up_ba: true, latency_ms: 40, bandwidth_bytes_per_s: 5000, queued_ab_bytes: 0, queued_ba_bytes: 0, queued: [], messages: [rdb] }] };
    const t = { replica: 'B', kind: 'full', steps: [], rdb_received: 4999, rdb_total: 22000 };
    expect(narrate(v, b, t)).toBe("B is receiving A's snapshot over the link — 22%. Writes to A meanwhile are buffered (0 so far).");
    expect(rdbPercent(4999, 22000)).toBe(22);
    expect(rdbPercent(0, 0)).toBe(null);
  });

  it('says a replication loop is a loop', () => {
    const b = node('B', 'C', { sync_phase: 'handshake', link_status: 'down', repl_state: 'connect', replication_loop: ['B', 'C'] });
    const c = node('C', 'B', { sync_phase: 'handshake', replication_loop: ['C', 'B'] });
    expect(narrate(view([b, c]), b)).toBe('B is in a replication loop (B → C → B): a replica serves no sync while it has no master link itself, so none of them can sync. Make one of them a master (REPLICAOF NO ONE).');
  });

  it('says when the diskless delay ends, from the master\'s state', () => {
    const b = node('B', 'A', { sync_phase: 'snapshot' });
    const waiting = node('A', null, { pending_fork_at_ms: 7000 });
    expect(narrate(view([waiting, b]), b)).toBe('A will do a full sync for B: it waits until 7.000 s (repl-diskless-sync-delay) so other replicas can share the snapshot.');
    const due = node('A', null, { pending_fork_at_ms: 2000 });
    expect(narrate(view([due, b]), b)).toBe('A will do a full sync for B: its snapshot (BGSAVE) starts at the next replication cron.');
  });
});

describe('event filters and the sequence diagram', () => {
  type Fields = { stream?: boolean; message?: { from: string; to: string } | null };
  const e = (type: string, nodeName: string, replica: string | null, f: Fields = {}): TraceEvent =>
    ({ seq: 1, time_ms: 0, node: nodeName, replica, phase: 'handshake', type, command: 'PING', stream: false, message: null, ...f }) as unknown as TraceEvent;
  const col = new Map([['A', 100], ['B', 300]]);

  it('draws the arrows the events carry, even where the current topology says otherwise', () => {
    // B now replicates from C, but its old PSYNC went to A: the arrow stays A <- B.
    const sent = e('handshake_sent', 'B', 'B', { message: { from: 'B', to: 'A' } });
    const write = e('propagate', 'A', null, { stream: true });
    const applied = e('applied', 'B', 'B', { stream: true, message: { from: 'A', to: 'B' } });
    const typed = e('command', 'A', null, { stream: false });
    expect(sequenceRows([sent, write, applied, typed], col)).toEqual([sent, applied, typed]);
    expect(sequenceRows([e('handshake_sent', 'C', 'C', { message: { from: 'C', to: 'A' } })], col)).toEqual([]);
  });

  it('finds where the kept sequence numbers start (the trace dropped older ones)', () => {
    expect(lowerBound([3, 5, 9], 5)).toBe(1);
    expect(lowerBound([3, 5, 9], 6)).toBe(2);
    expect(lowerBound([3, 5, 9], 0)).toBe(0);
    expect(lowerBound([3, 5, 9], 10)).toBe(3);
  });
});

describe('the backlog bar', () => {
  it('marks as outside exactly the replicas whose coverage the view denies', () => {
    const a = node('A', null, { backlog: { first_byte_offset: 100, last_byte_offset: 199, histlen: 100, size: 100 } });
    // B's offset would look inside the window, C's outside; the view says otherwise for both.
    const b = node('B', 'A', { slave_repl_offset: 150, master_backlog_covers: false });
    const c = node('C', 'A', { slave_repl_offset: 10, master_backlog_covers: true });
    const d = node('D', 'B', { slave_repl_offset: 10, master_backlog_covers: false });
    expect(backlogMarks(a, view([a, b, c, d]))).toEqual([
      { name: 'B', need: 151, outside: true },
      { name: 'C', need: 11, outside: false },
    ]);
  });
});
