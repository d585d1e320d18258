// Progress kept in the browser: the furthest step reached per lesson, and
// whether the first-visit offer was dismissed. Storage may be unavailable
// (private windows); then nothing is remembered and nothing breaks.

const KEY = 'replscope.lessons';

interface Saved { reached: Record<string, number>; offerDismissed: boolean }

function load(): Saved {
  try {
    const raw = localStorage.getItem(KEY);
    const v = raw === null ? null : (JSON.parse(raw) as Partial<Saved>);
    return { reached: v?.reached ?? {}, offerDismissed: v?.offerDismissed ?? false };
  } catch {
    return { reached: {}, offerDismissed: false };
  }
}

function save(s: Saved): void {
  try { localStorage.setItem(KEY, JSON.stringify(s)); } catch { /* not remembered */ }
}

/** The furthest step (1-based) reached in a lesson, 0 if never opened. */
export function reached(id: string): number {
  return load().reached[id] ?? 0;
}

/** Remembers that `step` was reached. */
export function markReached(id: string, step: number): void {
  const s = load();
  if ((s.reached[id] ?? 0) >= step) return;
  s.reached[id] = step;
  save(s);
}

export function offerDismissed(): boolean { return load().offerDismissed; }

export function dismissOffer(): void {
  const s = load();
  s.offerDismissed = true;
  save(s);
}
