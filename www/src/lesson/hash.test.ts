import { describe, expect, it } from 'vitest';
import { isLessonHash, lessonHash, parseLessonHash } from './hash';

describe('lesson links', () => {
  it('reads id, step and presenter mode', () => {
    expect(parseLessonHash('#lesson=01-full-sync&step=3&present=1')).toEqual({ id: '01-full-sync', step: 3, present: true });
    expect(parseLessonHash('#lesson=05-cascades')).toEqual({ id: '05-cascades', step: 1, present: false });
    expect(parseLessonHash('#lesson=x&step=zero')).toEqual({ id: 'x', step: 1, present: false });
  });
  it('leaves share links alone', () => {
    expect(isLessonHash('#v=2&seed=1&script=abc')).toBe(false);
    expect(parseLessonHash('#v=2&seed=1')).toBeNull();
    expect(parseLessonHash('#lesson=')).toBeNull();
  });
  it('writes what it reads', () => {
    const link = { id: '03-partial-or-full', step: 4, present: true };
    expect(parseLessonHash(lessonHash(link))).toEqual(link);
  });
  it('carries a packed lesson text untouched', () => {
    const link = { id: 'my-lesson', step: 2, present: false, text: '57.Hy0_abc-def' };
    expect(lessonHash(link)).toBe('#lesson=my-lesson&step=2&text=57.Hy0_abc-def');
    expect(parseLessonHash(lessonHash(link))).toEqual(link);
  });
});
