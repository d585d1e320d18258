// Lesson links: `#lesson=<id>`, `#lesson=<id>&step=<n>` (1-based) and
// `&present=1` for presenter mode. A lesson that is not shipped with the
// page (one opened from a file) also carries its whole text,
// `&text=<size>.<base64url>`, packed by the core (`share::pack_text`), so
// the link opens it on any machine. Anything else in the fragment is the
// scenario panel's (share links).

export interface LessonLink {
  id: string;
  step: number;
  present: boolean;
  /** The lesson's text as the core packed it, for a lesson not shipped. */
  text?: string;
}

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
  const link: LessonLink = { id, step: Number.isFinite(step) && step >= 1 ? step : 1, present: params.get('present') === '1' };
  const text = params.get('text');
  if (text !== null) link.text = text;
  return link;
}

/** The fragment that opens `link`. */
export function lessonHash(link: LessonLink): string {
  const present = link.present ? '&present=1' : '';
  const text = link.text === undefined ? '' : `&text=${link.text}`;
  return `#lesson=${encodeURIComponent(link.id)}&step=${link.step}${present}${text}`;
}
