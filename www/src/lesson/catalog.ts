/// <reference types="vite/client" />
// The shipped lessons, read from the repository's lessons/ folder at build
// time (one file per lesson; the id is the file name without `.lesson`,
// and the list is in file-name order), plus lessons the user opens from a
// file during this visit.

const files = import.meta.glob('../../../lessons/*.lesson', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface LessonSource { id: string; text: string; shipped: boolean }

/** The id of a lesson file: its name without directory and extension. */
export function lessonId(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.lesson$/, '');
}

const shipped: LessonSource[] = Object.keys(files).sort().map((path) => ({ id: lessonId(path), text: files[path], shipped: true }));
const picked: LessonSource[] = [];

/** Every lesson this page knows, shipped first. */
export function lessons(): LessonSource[] {
  return [...shipped, ...picked];
}

/** A lesson by id. */
export function lessonById(id: string): LessonSource | undefined {
  return lessons().find((l) => l.id === id);
}

/** Adds (or replaces) a lesson the user opened from a file. */
export function addPicked(id: string, text: string): LessonSource {
  const i = picked.findIndex((l) => l.id === id);
  const source = { id, text, shipped: false };
  if (i >= 0) picked[i] = source; else picked.push(source);
  return source;
}
