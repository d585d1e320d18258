// The lesson calls on the one Playground handle, typed. Every call that
// replaces the world (open, next, previous) is followed by a store reset,
// as after running a script: the trace starts again with the new world.
import { Playground } from '../../pkg/replscope.js';
import type { Store } from '../store';
import * as catalog from './catalog';
import type { LessonSummary, StepView } from './types';

function handle(store: Store): Playground {
  return store.model.handle;
}

export function summary(id: string, text: string): LessonSummary {
  return Playground.lesson_summary(id, text) as LessonSummary;
}

/** Runs a world-replacing lesson call; errors become a notice and `null`. */
function replacing(store: Store, call: (pg: Playground) => unknown): StepView | null {
  let view: StepView | null = null;
  try {
    view = call(handle(store)) as StepView | null;
  } catch (e) {
    store.notice(e instanceof Error ? e.message : String(e), true);
    return null;
  }
  store.reset(store.model);
  return view;
}

export const open = (store: Store, id: string, text: string, step: number): StepView | null =>
  replacing(store, (pg) => pg.lesson_open(id, text, step));
export const next = (store: Store): StepView | null => replacing(store, (pg) => pg.lesson_next());
export const previous = (store: Store): StepView | null => replacing(store, (pg) => pg.lesson_previous());

/** The current step with its task checked now; `null` outside a lesson. */
export function state(store: Store): StepView | null {
  return handle(store).lesson_state() as StepView | null;
}

export function close(store: Store): void {
  handle(store).lesson_close();
}

/** What a link to lesson `id` must carry of its text: nothing for a shipped
 * lesson, the packed text for one opened from a file. */
export function linkText(id: string): { text?: string } {
  const source = catalog.lessonById(id);
  return source === undefined || source.shipped ? {} : { text: Playground.pack_text(source.text) };
}

/** The text a lesson link carries, unpacked; an error says what is wrong. */
export function unpackText(packed: string): string {
  return Playground.unpack_text(packed);
}
