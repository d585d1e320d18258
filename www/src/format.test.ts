import { describe, expect, it } from 'vitest';
import { statusLine } from './format';

describe('statusLine', () => {
  it('shows the reply the core gave', () => {
    expect(statusLine('PONG')).toBe('wasm core ready — PING → PONG');
  });
});
