// Small pure helpers for text shown on the page (unit-tested with vitest).
import type { Phase, TraceEvent } from './types';

/** `1,234,567`. */
export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `532 B`, `9.4 KB`, `1.2 MB` (powers of 1024, like Redis's human sizes). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A bandwidth: `5,000 B/s`, or `unlimited`. */
export function bandwidth(bytesPerS: number | null): string {
  return bytesPerS === null ? 'unlimited' : `${num(bytesPerS)} B/s`;
}

/** Virtual time as seconds with milliseconds: `7.245 s`. */
export function clock(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** The first 8 characters of a 40-character replication ID. */
export function shortId(replid: string): string {
  return replid.slice(0, 8);
}

/**
 * How much of its RDB a replica has received, in whole percent (rounded
 * down), from the bytes its sync timeline counted: the one number both the
 * narration and the link's bar show. Null before the size is known.
 */
export function rdbPercent(received: number, total: number): number | null {
  return total > 0 ? Math.floor(Math.min(1, received / total) * 100) : null;
}

/** The speed slider runs from -1 to 2 (log10 of the speed): 0.1x to 100x. */
export function speedFromSlider(v: number): number {
  const clamped = Math.min(2, Math.max(-1, v));
  const speed = 10 ** clamped;
  // Two significant digits keep the label readable (0.1, 0.25, 1, 3.2, 100).
  return Number(speed.toPrecision(2));
}

/** `0.1×`, `1×`, `32×`. */
export function speedLabel(speed: number): string {
  return `${speed}×`;
}

/**
 * Whole virtual milliseconds to advance for `elapsedMs` of wall time at
 * `speed`, carrying the fraction to the next frame so slow speeds still
 * move. A long pause (a hidden tab) counts as at most 100 ms.
 */
export function virtualStep(elapsedMs: number, speed: number, carry: number): { ms: number; carry: number } {
  const total = Math.min(Math.max(elapsedMs, 0), 100) * speed + carry;
  const ms = Math.floor(total);
  return { ms, carry: total - ms };
}

/** Short names of the sync steps. */
export const PHASE_LABEL: Record<Phase, string> = {
  none: 'not syncing',
  handshake: 'connect + PSYNC',
  snapshot: 'BGSAVE, buffering writes',
  transfer: 'snapshot transfer',
  load: 'flush + load',
  replay: 'buffered writes replayed',
  streaming: 'online',
};

/** One trace event in words (the event log's text column). */
export function describeEvent(e: TraceEvent): string {
  const f = e as Record<string, unknown>;
  const s = (k: string): string => String(f[k] ?? '');
  switch (e.type) {
    case 'node_added': return `node added (port ${s('port')})`;
    case 'node_removed': return 'node removed';
    case 'command': return `> ${s('command')}  →  ${s('reply')}`;
    case 'load_write': return `load> ${s('command')}  →  ${s('reply')}`;
    case 'link_down': return `link to ${s('peer')} cut${f.one_way ? ' (one way)' : ''}`;
    case 'link_up': return `link to ${s('peer')} healed`;
    case 'link_latency': return `latency to ${s('peer')} set to ${s('latency_ms')} ms`;
    case 'link_bandwidth': return `bandwidth to ${s('peer')} set to ${bandwidth(f.bytes_per_s as number | null)}`;
    case 'conn_closed': return `connection with ${s('peer')} closed: ${s('reason')}`;
    case 'role_changed': return f.master ? `now a replica of ${s('master')}` : 'now a master';
    case 'repl_state': return `repl_state ${s('from')} → ${s('to')}`;
    case 'connect_failed': return `cannot connect to ${s('master')}: ${s('error')}`;
    case 'handshake_sent': return `sent ${s('command')}`;
    case 'handshake_reply': return `got ${s('reply')}`;
    case 'slave_state': return `replica ${e.replica ?? ''}: ${s('from')} → ${s('to')}`;
    case 'psync_decision':
      return `PSYNC ${s('replid').slice(0, 8)} ${s('offset')}: ${f.result === 'continue' ? '+CONTINUE' : '+FULLRESYNC'} — ${s('reason')}`;
    case 'full_resync': return `+FULLRESYNC ${shortId(s('replid'))} ${s('offset')}`;
    case 'continue': return `+CONTINUE from offset ${s('offset')}, ${bytes(Number(f.backlog_bytes))} from the backlog`;
    case 'replid_changed':
      return /^0+$/.test(s('replid2'))
        ? `replication ID now ${shortId(s('replid'))}: ${s('why')}`
        : `replication ID now ${shortId(s('replid'))}, old one kept as replid2 (${s('why')})`;
    case 'backlog_created': return `backlog created, first byte offset ${s('first_byte_offset')}`;
    case 'backlog_freed': return `backlog freed: ${s('why')}`;
    case 'backlog_trimmed': return `backlog trimmed ${bytes(Number(f.trimmed))}, now ${s('first_byte_offset')}..+${s('histlen')}`;
    case 'bgsave_delayed': return `diskless sync: waiting ${s('delay_s')} s for more replicas`;
    case 'bgsave_attached': return `attached to the BGSAVE running for ${s('to')}`;
    case 'bgsave_wait_next': return `waits for the next BGSAVE: ${s('why')}`;
    case 'bgsave_started':
      return `BGSAVE (${s('target')}) for ${(f.replicas as string[] | undefined)?.join(', ') ?? ''}: ${s('keys')} keys, ${bytes(Number(f.rdb_bytes))}`;
    case 'bgsave_done': return `BGSAVE (${s('target')}) done`;
    case 'bgsave_killed': return `BGSAVE killed: ${s('why')}`;
    case 'rdb_send_started': return `sending the RDB: ${bytes(Number(f.bytes))}`;
    case 'rdb_chunk': return `RDB chunk ${bytes(Number(f.bytes))} (${num(Number(f.received))}/${num(Number(f.total))})`;
    case 'transfer_started': return `RDB transfer begins (${s('preamble').slice(0, 16)})`;
    case 'flush': return `flushed old data (${s('keys')} keys)`;
    case 'loaded': return `loaded the RDB: ${s('keys')} keys`;
    case 'load_failed': return `RDB load failed: ${s('error')}`;
    case 'sub_replicas_dropped': return `dropped ${s('count')} sub-replica(s): ${s('why')}`;
    case 'buffered': return `buffered for ${e.replica ?? ''}: ${s('command')} (${bytes(Number(f.pending_bytes))} waiting)`;
    case 'buffer_flushed': return `sent ${s('commands')} buffered command(s), ${bytes(Number(f.bytes))}`;
    case 'propagate': return `propagate ${s('command')} (+${s('bytes')} → offset ${s('offset')})`;
    case 'applied': return `applied ${s('command')} (+${s('bytes')} → offset ${s('offset')})`;
    case 'keepalive': return 'keepalive newline';
    case 'ack_sent': return `REPLCONF ACK ${s('offset')}`;
    case 'ack_received': return `got REPLCONF ACK ${s('offset')}`;
    case 'wait_blocked': return `WAIT ${s('numreplicas')} replicas for offset ${s('offset')}`;
    case 'wait_done': return `WAIT answered: ${s('acked')}`;
    case 'output_buffer_limit': return `replica dropped: output buffer ${bytes(Number(f.bytes))} over the ${s('limit')} limit`;
    case 'cached_master': return `cached master ${shortId(s('replid'))} at offset ${s('offset')}`;
    // A kind newer than this switch (the generated union says none is).
    default: return (e as { type: string }).type.replace(/_/g, ' ');
  }
}
