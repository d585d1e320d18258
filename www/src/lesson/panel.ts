// The lesson panel beside the stage: "step N of M", the step's text, the
// task with a live ✓ (the core checks its condition on every refresh), a
// hint, Previous / Next, and the highlighted parts of the page. Previous
// returns the core to exactly the world the step began with.
import { el, replace } from '../dom';
import { num } from '../format';
import type { Store } from '../store';
import * as api from './api';
import { lessonHash } from './hash';
import { highlight } from './highlight';
import { markReached } from './progress';
import type { StepView } from './types';

export class LessonPanel {
  readonly root: HTMLElement;
  private view: StepView | null = null;
  private hintOpen = false;
  private drawnKey = '';
  private readonly body: HTMLElement;
  private readonly taskBox: HTMLElement;

  constructor(private readonly store: Store, private readonly presenting: () => boolean) {
    this.body = el('div', { class: 'lesson-body' });
    this.taskBox = el('div', { class: 'lesson-task-box' });
    this.root = el('aside', { class: 'panel lesson-panel', attrs: { id: 'lesson-panel', 'aria-label': 'lesson' } }, this.body, this.taskBox);
  }

  get current(): StepView | null { return this.view; }

  /** Shows a step handed back by the core (after open, next, previous). */
  show(view: StepView | null): void {
    if (view === null) return;
    this.view = view;
    this.hintOpen = false;
    this.drawnKey = '';
    this.store.setUi({ playing: false });
    markReached(view.id, view.step);
    history.replaceState(null, '', lessonHash({ id: view.id, step: view.step, present: this.presenting(), ...api.linkText(view.id) }));
    this.render();
  }

  next(): void { if (this.view !== null) this.show(api.next(this.store)); }
  previous(): void { if (this.view !== null && this.view.step > 1) this.show(api.previous(this.store)); }

  close(): void {
    api.close(this.store);
    this.view = null;
    highlight([]);
    history.replaceState(null, '', location.pathname + location.search);
    this.render();
  }

  render(): void {
    document.body.classList.toggle('lesson-open', this.view !== null);
    if (this.view === null) return;
    // The task's ✓ can change with every frame; the rest only with the step.
    const live = api.state(this.store) ?? this.view;
    const key = `${live.id}/${live.step}/${this.hintOpen}`;
    if (key !== this.drawnKey) {
      this.drawnKey = key;
      this.drawBody(live);
    }
    this.drawTask(live);
    highlight(live.show);
  }

  private drawBody(v: StepView): void {
    const nav = el('div', { class: 'lesson-nav' },
      el('button', { attrs: { type: 'button', id: 'lesson-prev', disabled: v.step <= 1, 'aria-label': 'previous step' }, text: '◀ Previous', on: { click: () => this.previous() } }),
      el('span', { class: 'lesson-count', attrs: { id: 'lesson-count' }, text: `step ${num(v.step)} of ${num(v.steps)}` }),
      el('button', { attrs: { type: 'button', id: 'lesson-next', disabled: v.step >= v.steps, 'aria-label': 'next step' }, text: 'Next ▶', on: { click: () => this.next() } }),
    );
    const head = el('div', { class: 'lesson-head' },
      el('span', { class: 'lesson-title', text: v.title }),
      el('button', { class: 'lesson-close', attrs: { type: 'button', 'aria-label': 'close the lesson', title: 'close the lesson' }, text: '×', on: { click: () => this.close() } }),
    );
    const text = v.text.filter((p) => p !== '').map((p) => el('p', { text: p }));
    const extra = v.show.includes('calculator') ? [calculator()] : [];
    const title = el('h2', { class: 'lesson-step-title', attrs: { id: 'lesson-step-title' }, text: v.step_title });
    replace(this.body, head, title, el('div', { class: 'lesson-text' }, ...text, ...extra), nav);
  }

  private drawTask(v: StepView): void {
    const t = v.task;
    if (t === null) {
      if (this.taskBox.childElementCount > 0) replace(this.taskBox);
      return;
    }
    const mark = this.taskBox.querySelector('.lesson-check');
    if (mark !== null && this.taskBox.dataset.step === `${v.id}/${v.step}/${this.hintOpen}`) {
      mark.textContent = t.done ? '✓' : '○';
      this.taskBox.classList.toggle('done', t.done);
      return;
    }
    this.taskBox.dataset.step = `${v.id}/${v.step}/${this.hintOpen}`;
    this.taskBox.classList.toggle('done', t.done);
    const hint = this.hintOpen
      ? el('p', { class: 'lesson-hint', text: t.hint === '' ? 'No hint for this one.' : t.hint })
      : el('button', { attrs: { type: 'button', id: 'lesson-hint' }, text: 'Hint', on: { click: () => { this.hintOpen = true; this.render(); } } });
    replace(this.taskBox,
      el('p', { class: 'lesson-task' },
        el('span', { class: 'lesson-check', attrs: { id: 'lesson-check', 'aria-live': 'polite' }, text: t.done ? '✓' : '○' }),
        el('span', { text: ` Task: ${t.text}` })),
      hint);
  }
}

/** The backlog-size calculator: write rate × bytes per write × outage. */
function calculator(): HTMLElement {
  const field = (label: string, value: number): HTMLInputElement => {
    const input = el('input', { attrs: { type: 'number', min: 0, value, 'aria-label': label } }) as HTMLInputElement;
    return input;
  };
  const rate = field('writes per second', 1000);
  const size = field('bytes per write', 50);
  const outage = field('outage in seconds', 60);
  const out = el('output', { class: 'lesson-calc-out' });
  const update = (): void => {
    const total = Number(rate.value) * Number(size.value) * Number(outage.value);
    out.textContent = `repl-backlog-size ≥ ${num(total)} bytes`;
  };
  for (const i of [rate, size, outage]) i.addEventListener('input', update);
  update();
  return el('div', { class: 'lesson-calc' },
    el('label', {}, rate, ' writes/s × '), el('label', {}, size, ' bytes × '), el('label', {}, outage, ' s'), out);
}
