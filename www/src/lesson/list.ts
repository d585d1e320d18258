// The lesson list (one click from the header's "Lessons" button): every
// shipped lesson with its progress, plus "open a lesson file". And the
// first-visit offer of lesson 1, dismissable and remembered.
import { el, replace } from '../dom';
import * as catalog from './catalog';
import { summary } from './api';
import { dismissOffer, offerDismissed, reached } from './progress';
import type { LessonSummary } from './types';

type Open = (id: string, step: number) => void;

/** A lesson's title and length, or `null` (with the error) for a broken file. */
function describe(id: string, text: string): LessonSummary | string {
  try { return summary(id, text); } catch (e) { return e instanceof Error ? e.message : String(e); }
}

export class LessonList {
  readonly root: HTMLElement;
  private readonly items: HTMLElement;

  constructor(private readonly open: Open, private readonly notice: (text: string, error: boolean) => void) {
    this.items = el('ol', { class: 'lesson-list-items' });
    const file = el('input', { attrs: { type: 'file', accept: '.lesson,text/plain', id: 'lesson-file', 'aria-label': 'open a lesson file' } }) as HTMLInputElement;
    file.addEventListener('change', () => void this.pick(file));
    this.root = el('div', { class: 'lesson-list', attrs: { id: 'lesson-list', role: 'dialog', 'aria-label': 'lessons', hidden: true } },
      el('div', { class: 'lesson-list-head' }, el('h2', { text: 'Lessons' }),
        el('button', { attrs: { type: 'button', 'aria-label': 'close' }, text: '×', on: { click: () => this.toggle(false) } })),
      this.items,
      el('label', { class: 'lesson-file' }, 'Open a lesson file: ', file));
  }

  toggle(show = this.root.hidden): void {
    this.root.hidden = !show;
    if (show) this.draw();
  }

  private draw(): void {
    replace(this.items, ...catalog.lessons().map((l) => {
      const s = describe(l.id, l.text);
      if (typeof s === 'string') return el('li', { class: 'lesson-broken', text: `${l.id}: ${s}` });
      const done = reached(l.id);
      const progress = done === 0 ? `${s.steps} steps` : `step ${done} of ${s.steps} reached`;
      return el('li', {},
        el('button', { class: 'lesson-open', attrs: { type: 'button', 'data-lesson': l.id }, text: s.title,
          on: { click: () => { this.toggle(false); this.open(l.id, 1); } } }),
        el('span', { class: 'lesson-progress', text: ` · ${progress}` }),
        el('p', { class: 'lesson-about', text: s.about }));
    }));
  }

  private async pick(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    if (f === undefined) return;
    const id = catalog.lessonId(f.name);
    const text = await f.text();
    const s = describe(id, text);
    if (typeof s === 'string') {
      this.notice(`${f.name}: ${s}`, true);
      return;
    }
    catalog.addPicked(id, text);
    this.toggle(false);
    this.open(id, 1);
  }
}

/** The first-visit offer; `null` once dismissed or when there is no lesson 1. */
export function firstVisitOffer(open: Open): HTMLElement | null {
  const first = catalog.lessons()[0];
  if (offerDismissed() || first === undefined) return null;
  const s = describe(first.id, first.text);
  if (typeof s === 'string') return null;
  const box = el('div', { class: 'lesson-offer', attrs: { id: 'lesson-offer', role: 'region', 'aria-label': 'first lesson' } });
  const done = (): void => { dismissOffer(); box.remove(); };
  replace(box,
    el('span', { text: `New to Redis replication? Start with lesson 1: ${s.title}.` }),
    el('button', { attrs: { type: 'button', id: 'lesson-offer-start' }, text: 'Start', on: { click: () => { done(); open(first.id, 1); } } }),
    el('button', { attrs: { type: 'button', id: 'lesson-offer-dismiss' }, text: 'No thanks', on: { click: done } }));
  return box;
}
