// Small pure helpers for text shown on the page (unit-tested with vitest).

/** The status line shown once the wasm core has answered. */
export function statusLine(reply: string): string {
  return `wasm core ready — PING → ${reply}`;
}
