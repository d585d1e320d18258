// Lesson links: `#lesson=<id>`, `#lesson=<id>&step=<n>` (1-based) and
// `&present=1` for presenter mode. Anything else in the fragment is the
// scenario panel's (share links).

export interface LessonLink { id: string; step: number; present: boolean }

/** Whether a fragment is a lesson link rather than a share link. */
export function isLessonHash(hash: string): boolean {
  return /^#?lesson=/.test(hash);
}

/** Reads a lesson link; `null` when the fragment is not one. */
export function parseLessonHash(hash: string): LessonLink | null {
  if (!isLessonHash(hash)) return null;
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const id = params.get('lesson') ?? '';
  if (id === '') return null;
  const step = Number.parseInt(params.get('step') ?? '1', 10);
  return { id, step: Number.isFinite(step) && step >= 1 ? step : 1, present: params.get('present') === '1' };
}

/** The fragment that opens `link`. */
export function lessonHash(link: LessonLink): string {
  const present = link.present ? '&present=1' : '';
  return `#lesson=${encodeURIComponent(link.id)}&step=${link.step}${present}`;
}
