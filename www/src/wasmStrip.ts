// Build-time helper (used by vite.config.ts): drops the wasm module's
// `name` and `producers` custom sections. They only label functions for
// debuggers and panic stack traces; without them the download is about
// 60 KB (gzipped) smaller (the page's module is built with
// `opt-level = "z"`, which inlines little, so it names many functions).
// Every other section is copied byte for byte.

/** Reads an unsigned LEB128 number at `at`: [value, next offset]. */
export function leb128(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= bytes.length) throw new Error('truncated LEB128 number in the wasm module');
    const b = bytes[i++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, i];
  }
}

const DROPPED = new Set(['name', 'producers']);

/** The module without its debugging names. */
export function stripWasmNames(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let i = 8;
  while (i < bytes.length) {
    const start = i;
    const id = bytes[i];
    const [size, body] = leb128(bytes, i + 1);
    const end = body + size;
    if (end > bytes.length) throw new Error('a wasm section runs past the end of the module');
    let drop = false;
    if (id === 0) {
      const [len, nameAt] = leb128(bytes, body);
      drop = DROPPED.has(new TextDecoder().decode(bytes.subarray(nameAt, nameAt + len)));
    }
    if (!drop) kept.push(bytes.subarray(start, end));
    i = end;
  }
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}
