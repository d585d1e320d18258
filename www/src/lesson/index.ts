// Guided lessons on the page: the panel, the list, presenter mode, and the
// `#lesson=<id>&step=<n>&present=1` links. main.ts mounts this once and
// hands it lesson links; everything else about lessons lives here.
import type { Store } from '../store';
import * as api from './api';
import * as catalog from './catalog';
import { parseLessonHash } from './hash';
import { firstVisitOffer, LessonList } from './list';
import { LessonPanel } from './panel';
import { Presenter } from './presenter';
import './lesson.css';

export { isLessonHash } from './hash';

export interface Lessons {
  /** Opens the lesson a `#lesson=` fragment names. */
  openHash(hash: string): void;
  /** After the page is ready: the link's lesson, or the first-visit offer. */
  start(hash: string): void;
}

function slot(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e;
}

export function mountLessons(store: Store): Lessons {
  const notice = (text: string, error: boolean): void => store.notice(text, error);
  let presenter: Presenter | null = null;
  const panel = new LessonPanel(store, () => presenter?.active ?? false);
  presenter = new Presenter(store, {
    next: () => panel.next(),
    previous: () => panel.previous(),
    lessonOpen: () => panel.current !== null,
    changed: () => { if (panel.current !== null) panel.show(api.state(store)); },
  });
  const open = (id: string, step: number): void => {
    const source = catalog.lessonById(id);
    if (source === undefined) {
      notice(`no lesson named '${id}'`, true);
      return;
    }
    panel.show(api.open(store, source.id, source.text, step));
  };
  const list = new LessonList(open, notice);
  slot('lesson-slot').append(panel.root);
  slot('lesson-caption-slot').append(presenter.caption);
  document.body.append(list.root);
  slot('lessons-button').addEventListener('click', () => list.toggle());
  const render = (): void => { panel.render(); presenter?.render(); };
  store.subscribe(render);

  const openHash = (hash: string): void => {
    const link = parseLessonHash(hash);
    if (link === null) return;
    if (link.text !== undefined) {
      // A lesson that came with its link: known for this visit, like one
      // opened from a file.
      try {
        catalog.addPicked(link.id, api.unpackText(link.text));
      } catch (e) {
        notice(e instanceof Error ? e.message : String(e), true);
        return;
      }
    }
    presenter?.set(link.present);
    open(link.id, link.step);
  };
  return {
    openHash,
    start: (hash) => {
      if (parseLessonHash(hash) !== null) {
        openHash(hash);
        return;
      }
      if (hash.length > 1) return;
      const offer = firstVisitOffer(open);
      if (offer !== null) slot('lesson-caption-slot').before(offer);
    },
  };
}
