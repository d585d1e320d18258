import { describe, expect, it } from 'vitest';
import { leb128, stripWasmNames } from './wasmStrip';

/** A custom section: id 0, size, name, payload. */
function custom(name: string, payload: number[]): number[] {
  const n = [...new TextEncoder().encode(name)];
  const body = [n.length, ...n, ...payload];
  return [0, body.length, ...body];
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE_SECTION = [1, 4, 1, 0x60, 0, 0];

describe('stripWasmNames', () => {
  it('drops the name and producers sections and keeps the rest in order', () => {
    const module = new Uint8Array([...HEADER, ...TYPE_SECTION, ...custom('name', [1, 2, 3]),
      ...custom('target_features', [9]), ...custom('producers', [7])]);
    expect([...stripWasmNames(module)]).toEqual([...HEADER, ...TYPE_SECTION, ...custom('target_features', [9])]);
  });

  it('reads multi-byte LEB128 sizes and refuses a truncated module', () => {
    expect(leb128(new Uint8Array([0xe5, 0x8e, 0x26]), 0)).toEqual([624485, 3]);
    expect(() => stripWasmNames(new Uint8Array([...HEADER, 1, 10, 0]))).toThrow('runs past the end');
  });
});
