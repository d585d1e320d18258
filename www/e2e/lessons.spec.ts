// Guided lessons end to end: lesson 1 walked in presenter mode on a
// 1024×768 projector (no vertical scroll, text at least 20 px, no console
// errors, a screenshot per step kept in test-results/screenshots/), one
// task done by typing in a console, a step back to the exact world the
// step began with, and a `#lesson=…&step=…` link. Then the lesson list and
// the first-visit offer.
import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  return errors;
}

async function ready(page: Page): Promise<void> {
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
}

/** The world's trace hash, read from the page's store. */
async function traceHash(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { replscope: { store: { view: { trace_hash: string } } } }).replscope.store.view.trace_hash);
}

/** Fails unless the page fits the window and the lesson text is large. */
async function fitsProjector(page: Page): Promise<void> {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollHeight,
    height: window.innerHeight,
    text: Math.min(...[...document.querySelectorAll('.lesson-panel p, .lesson-caption, .lesson-step-title, .topbar button, .topbar label, .topbar output')]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => Number.parseFloat(getComputedStyle(e).fontSize))),
    topbarWidth: document.querySelector('.topbar')?.scrollWidth ?? 0,
  }));
  expect(m.scroll).toBeLessThanOrEqual(m.height);
  expect(m.text).toBeGreaterThanOrEqual(20);
  expect(m.topbarWidth).toBeLessThanOrEqual(1024);
}

test('lesson 1 in presenter mode at 1024×768', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('./#lesson=01-full-sync&present=1');
  await ready(page);
  await expect(page.locator('body')).toHaveClass(/presenter/);
  const hashes: string[] = [];
  for (let step = 1; step <= 5; step++) {
    await expect(page.locator('#lesson-count')).toHaveText(`step ${step} of 5`);
    await fitsProjector(page);
    hashes.push(await traceHash(page));
    if (step === 3) {
      await expect(page.locator('#lesson-check')).toHaveText('○');
      await page.locator('.console-tab[data-node="A"]').click();
      await page.locator('#console-input').fill('SET hello world');
      await page.locator('#console-input').press('Enter');
      await expect(page.locator('#console-out .line-out').last()).toHaveText('OK');
      await expect(page.locator('#lesson-check')).toHaveText('✓');
      // PageDown typed in the console is the console's; on the page it is Next.
      await page.locator('#lesson-step-title').click();
    }
    await page.screenshot({ path: `${SHOTS}/lesson-1-step-${step}.png` });
    if (step < 5) await page.keyboard.press('PageDown');
  }
  await expect(page.locator('#lesson-next')).toBeDisabled();
  // Previous returns to the exact world step 4 began with.
  await page.keyboard.press('PageUp');
  await expect(page.locator('#lesson-count')).toHaveText('step 4 of 5');
  expect(await traceHash(page)).toBe(hashes[3]);
  await page.locator('#lesson-prev').click();
  await expect(page.locator('#lesson-count')).toHaveText('step 3 of 5');
  expect(await traceHash(page)).toBe(hashes[2]);
  // `.` pauses and resumes, `b` blacks out and back.
  await page.keyboard.press('.');
  await page.keyboard.press('b');
  await expect(page.locator('#lesson-blackout')).toBeVisible();
  await page.keyboard.press('b');
  await expect(page.locator('#lesson-blackout')).toBeHidden();
  // A link to a step opens that step, out of presenter mode.
  await page.goto('./#lesson=01-full-sync&step=2');
  await expect(page.locator('#lesson-count')).toHaveText('step 2 of 5');
  await expect(page.locator('body')).not.toHaveClass(/presenter/);
  await expect(page.locator('#lesson-step-title')).toHaveText('A takes a snapshot (BGSAVE)');
  expect(errors).toEqual([]);
});

test('the lesson list is one click away and the first visit offers lesson 1', async ({ page }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await ready(page);
  await expect(page.locator('#lesson-offer')).toBeVisible();
  await page.locator('#lesson-offer-dismiss').click();
  await page.reload();
  await ready(page);
  await expect(page.locator('#lesson-offer')).toHaveCount(0);
  await page.locator('#lessons-button').click();
  await expect(page.locator('#lesson-list .lesson-open')).toHaveCount(12);
  await expect(page.locator('#lesson-list .lesson-open').first()).toHaveText('Full synchronisation, step by step');
  await page.locator('#lesson-list .lesson-open[data-lesson="12-timeouts"]').click();
  await expect(page.locator('#lesson-count')).toHaveText('step 1 of 4');
  await expect(page).toHaveURL(/#lesson=12-timeouts&step=1$/);
  await page.screenshot({ path: `${SHOTS}/lesson-panel.png` });
  expect(errors).toEqual([]);
});

test('a lesson opened from a file travels in its link', async ({ page, browser }) => {
  const errors = watch(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await ready(page);
  const text = [
    'title: My own lesson',
    'about: A teacher\'s lesson, opened from a file.',
    'node A',
    'node B',
    '',
    'step: B connects',
    'say: B asks A for a full sync.',
    'B> REPLICAOF A',
    'until: event loaded on B',
    '',
    'step: Online',
    'say: B is a replica now.',
    'until: phase B streaming',
    '',
  ].join('\n');
  await page.locator('#lessons-button').click();
  await page.locator('#lesson-file').setInputFiles({ name: 'my-lesson.lesson', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await expect(page.locator('#lesson-count')).toHaveText('step 1 of 2');
  await page.locator('#lesson-next').click();
  await expect(page.locator('#lesson-count')).toHaveText('step 2 of 2');
  await expect(page).toHaveURL(/#lesson=my-lesson&step=2&text=\d+\./);
  const link = page.url();
  // Another browser, which has never seen the file, opens the same step.
  const other = await (await browser.newContext()).newPage();
  const otherErrors = watch(other);
  await other.goto(link);
  await ready(other);
  await expect(other.locator('#lesson-count')).toHaveText('step 2 of 2');
  await expect(other.locator('#lesson-step-title')).toHaveText('Online');
  // A damaged text is refused with a reason; the page keeps working.
  await other.goto(link.replace(/text=\d+\./, 'text=x.'));
  await other.reload();
  await ready(other);
  await expect(other.locator('.notice-error').last()).toContainText('this share link is damaged: the text');
  expect(errors).toEqual([]);
  expect(otherErrors.filter((e) => !e.includes('damaged'))).toEqual([]);
});
