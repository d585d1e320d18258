import { describe, expect, it } from 'vitest';
import { bandwidth, bytes, clock, describeEvent, num, shortId, speedFromSlider, speedLabel, virtualStep } from './format';
import type { TraceEvent } from './types';

const ev = (type: string, fields: Record<string, unknown> = {}): TraceEvent =>
  ({ seq: 1, time_ms: 5, node: 'A', replica: 'B', phase: 'handshake', type, ...fields }) as unknown as TraceEvent;

describe('numbers and sizes', () => {
  it('formats like a person reads them', () => {
    expect(num(1234567)).toBe('1,234,567');
    expect(bytes(532)).toBe('532 B');
    expect(bytes(9412)).toBe('9.2 KB');
    expect(bytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(bandwidth(null)).toBe('unlimited');
    expect(bandwidth(5000)).toBe('5,000 B/s');
    expect(clock(7245)).toBe('7.245 s');
    expect(shortId('7a3a662cb7c1e246376332a92e84a72b227adff6')).toBe('7a3a662c');
  });
});

describe('speed', () => {
  it('maps the log slider onto 0.1x..100x', () => {
    expect(speedFromSlider(-1)).toBe(0.1);
    expect(speedFromSlider(0)).toBe(1);
    expect(speedFromSlider(2)).toBe(100);
    expect(speedFromSlider(5)).toBe(100);
    expect(speedFromSlider(0.5)).toBe(3.2);
    expect(speedLabel(0.1)).toBe('0.1×');
  });

  it('carries fractions of a virtual millisecond between frames', () => {
    let carry = 0;
    let total = 0;
    for (let i = 0; i < 10; i++) {
      const s = virtualStep(16, 0.1, carry);
      carry = s.carry;
      total += s.ms;
    }
    expect(total).toBe(16);
    expect(virtualStep(16, 100, 0)).toEqual({ ms: 1600, carry: 0 });
    expect(virtualStep(5000, 1, 0).ms).toBe(100);
    expect(virtualStep(-3, 1, 0.5)).toEqual({ ms: 0, carry: 0.5 });
  });
});

describe('describeEvent', () => {
  it('puts the PSYNC decision and its reason in words', () => {
    const e = ev('psync_decision', { replid: '0d1b5aa3c8bd', offset: 1, result: 'fullresync', reason: 'replication ID mismatch' });
    expect(describeEvent(e)).toBe('PSYNC 0d1b5aa3 1: +FULLRESYNC — replication ID mismatch');
    expect(describeEvent(ev('continue', { offset: 1201, backlog_bytes: 2048 }))).toBe('+CONTINUE from offset 1201, 2.0 KB from the backlog');
  });

  it('describes console commands, chunks and unknown kinds', () => {
    expect(describeEvent(ev('command', { command: 'SET foo bar', reply: 'OK' }))).toBe('> SET foo bar  →  OK');
    expect(describeEvent(ev('rdb_chunk', { bytes: 500, received: 953, total: 9412 }))).toBe('RDB chunk 500 B (953/9,412)');
    expect(describeEvent(ev('something_new'))).toBe('something new');
  });
});

describe('replication ID changes', () => {
  const zero = '0'.repeat(40);
  it('tells a new history from a shift that keeps the old ID as replid2', () => {
    const fresh = ev('replid_changed', { replid: '1f8cb32e'.padEnd(40, 'a'), replid2: zero, second_repl_offset: -1, why: 'a new history starts with the backlog, created for the first replica; it was 7a3a662c' });
    expect(describeEvent(fresh)).toBe('replication ID now 1f8cb32e: a new history starts with the backlog, created for the first replica; it was 7a3a662c');
    const shifted = ev('replid_changed', { replid: '1f8cb32e'.padEnd(40, 'a'), replid2: '7a3a662c'.padEnd(40, 'b'), second_repl_offset: 640, why: 'promoted to master (REPLICAOF NO ONE)' });
    expect(describeEvent(shifted)).toBe('replication ID now 1f8cb32e, old one kept as replid2 (promoted to master (REPLICAOF NO ONE))');
  });
});
