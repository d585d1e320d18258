// The rough edges a new user met (issue 12), each reproduced as that user
// did it: shortcuts on focused controls, the console after Back, the event
// log under a load, a share link with a load running, the layout at a
// projector's, a zoomed and a phone's size, the script box's errors, the
// timeline scrubber, the themes and the phase announcements. Screenshots of the three sizes are kept in
// test-results/screenshots/.
import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function open(page: Page, size = { width: 1440, height: 900 }, hash = ''): Promise<void> {
  await page.setViewportSize(size);
  await page.goto(`./${hash}`);
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
}

async function pause(page: Page): Promise<void> {
  if ((await page.locator('#play').textContent())?.includes('Pause')) await page.locator('#play').click();
  await expect(page.locator('#play')).toContainText('Play');
}

async function run(page: Page, node: string, line: string): Promise<void> {
  await page.locator(`.console-tab[data-node="${node}"]`).click();
  await page.locator('#console-input').fill(line);
  await page.locator('#console-input').press('Enter');
}

/** The world's trace hash and clock, read from the store. */
function state(page: Page): Promise<[string, number]> {
  return page.evaluate(() => {
    const s = (window as unknown as { replscope: { store: { view: { trace_hash: string; time_ms: number } } } }).replscope.store;
    return [s.view.trace_hash, s.view.time_ms];
  });
}

/** Runs a script in the scenario box (a fresh world). */
async function script(page: Page, text: string): Promise<void> {
  await page.locator('#tab-scenario').click();
  await page.locator('#script').fill(text);
  await page.locator('#script-run').click();
}

test.describe('1. shortcuts never change a focused form control', () => {
  test('→ on the "replica of" select steps time and leaves B alone', async ({ page }) => {
    const errors = watch(page);
    await open(page);
    await pause(page);
    await page.locator('#add-node').click();
    await page.locator('.card[data-node="B"]').click();
    await page.locator('#replicaof').focus();
    const before = await state(page);
    await page.keyboard.press('ArrowRight');
    await expect(page.locator('#replicaof')).toHaveValue('A');
    expect((await state(page))[1]).toBeGreaterThanOrEqual(before[1]);
    expect((await state(page))[0]).not.toBe(before[0]);
    await page.keyboard.press('ArrowLeft');
    expect(await state(page)).toEqual(before);
    await expect(page.locator('.card[data-node="B"]')).not.toHaveClass(/role-master/);
    expect(errors).toEqual([]);
  });

  test('after clicking the speed slider, ← → step and space plays', async ({ page }) => {
    await open(page);
    await pause(page);
    await page.locator('#speed').click();
    const speed = await page.locator('#speed').inputValue();
    const before = await state(page);
    await page.keyboard.press('ArrowRight');
    await expect(page.locator('#speed')).toHaveValue(speed);
    expect((await state(page))[0]).not.toBe(before[0]);
    await page.keyboard.press('ArrowLeft');
    expect(await state(page)).toEqual(before);
    await page.keyboard.press('Space');
    await expect(page.locator('#play')).toContainText('Pause');
    await page.keyboard.press('Space');
    await expect(page.locator('#play')).toContainText('Play');
  });

  test('after clicking a checkbox, space plays instead of toggling it', async ({ page }) => {
    await open(page);
    await pause(page);
    const box = page.locator('#log-hide-stream');
    await box.click();
    await expect(box).not.toBeChecked();
    await page.keyboard.press('Space');
    await expect(box).not.toBeChecked();
    await expect(page.locator('#play')).toContainText('Pause');
  });

  test('in the console, the keys are typed', async ({ page }) => {
    await open(page);
    await pause(page);
    await page.locator('#console-input').click();
    await page.keyboard.type('n ?');
    await expect(page.locator('#console-input')).toHaveValue('n ?');
    await expect(page.locator('#help')).toBeHidden();
  });
});

test('2. the console shows the transcript of the world on screen', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await pause(page);
  await run(page, 'A', 'SET lesson one');
  await expect(page.locator('#console-out')).toContainText('SET lesson one');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await run(page, 'A', 'GET lesson');
  await expect(page.locator('#console-out .line-out').last()).toHaveText('(nil)');
  await expect(page.locator('#console-out')).not.toContainText('SET lesson one');
  // A script run shows the script's own commands, not the old world's.
  await script(page, 'node A\nA> SET from script\n');
  await expect(page.locator('#script-output')).toContainText('Ran 1 command');
  await page.locator('.console-tab[data-node="A"]').click();
  await expect(page.locator('#console-out')).toContainText('A> SET from script');
  await expect(page.locator('#console-out')).not.toContainText('GET lesson');
  expect(errors).toEqual([]);
});

test('5. the event log finds an old PSYNC under a load, and downloads the trace', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await script(page, 'node A\nnode B\nB> REPLICAOF A\nsettle\n');
  await page.locator('#tab-events').click();
  await page.locator('.console-tab[data-node="A"]').click();
  await page.locator('#load-input').fill('1000');
  await page.locator('#load-set').click();
  // 30 virtual seconds of 1,000 writes/s: tens of thousands of events.
  await page.evaluate(() => {
    const r = (window as unknown as { replscope: { store: { act(fn: (m: { advance(ms: number): void }) => void): void } } }).replscope;
    for (let i = 0; i < 30; i++) r.store.act((m) => m.advance(1000));
  });
  await page.locator('#log-hide-stream').uncheck();
  await page.locator('#log-filter').fill('psync_decision');
  await expect(page.locator('#log-list .log-row')).toHaveCount(1);
  await expect(page.locator('#log-list .log-row').first()).toHaveAttribute('data-type', 'psync_decision');
  // Unfiltered, the list holds far more than the old 400 rows, drawing only what shows.
  await page.locator('#log-filter').fill('');
  await expect.poll(async () => Number(await page.locator('#log-count').getAttribute('data-matched'))).toBeGreaterThan(20_000);
  expect(await page.locator('#log-list .log-row').count()).toBeLessThan(200);
  await page.locator('#log-list').evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await expect(page.locator('#log-list .log-row[data-seq="0"]')).toBeVisible();
  const download = page.waitForEvent('download');
  await page.locator('#log-download').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.jsonl$/);
  const text = await (await file.createReadStream()).toArray();
  const lines = Buffer.concat(text).toString('utf8').trim().split('\n');
  expect(lines.length).toBeGreaterThan(20_000);
  expect(JSON.parse(lines[0]).type).toBe('node_added');
  expect(errors).toEqual([]);
});

/** Advances the world `times` × `ms` virtual milliseconds, as playing would. */
async function advance(page: Page, times: number, ms: number): Promise<void> {
  await page.evaluate(([n, step]) => {
    const r = (window as unknown as { replscope: { store: { act(fn: (m: { advance(ms: number): void }) => void): void } } }).replscope;
    for (let i = 0; i < n; i++) r.store.act((m) => m.advance(step));
  }, [times, ms]);
}

test('6. a share link with a write load is short and rebuilds the same world', async ({ page, browser }) => {
  const errors = watch(page);
  await open(page);
  await script(page, 'node A\nnode B\nB> REPLICAOF A\nsettle\n');
  await pause(page);
  await page.locator('.console-tab[data-node="A"]').click();
  await page.locator('#load-input').fill('1000');
  await page.locator('#load-set').click();
  await advance(page, 5, 1000);
  const shared = await state(page);
  await page.locator('#tab-scenario').click();
  await page.locator('#script-share').click();
  const link = await page.locator('#share-link').inputValue();
  // The load is one line of the script, not its 5,000 writes.
  expect(link.length).toBeLessThan(1000);
  await advance(page, 2, 1000);
  const later = await state(page);
  const other = await browser.newPage();
  const otherErrors = watch(other);
  await other.goto(link);
  await expect(other.locator('#status')).toHaveAttribute('data-state', 'ready');
  await pause(other);
  expect(await state(other)).toEqual(shared);
  // The opened world plays on exactly as the original did: the load came with it.
  await advance(other, 2, 1000);
  expect(await state(other)).toEqual(later);
  await other.close();
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test.describe('7. layout', () => {
  test('at 1024×768 the topology and the console are on screen together', async ({ page }) => {
    await open(page, { width: 1024, height: 768 });
    const topo = await page.locator('#topology').boundingBox();
    const cli = await page.locator('#console-input').boundingBox();
    expect(topo).not.toBeNull();
    expect(cli).not.toBeNull();
    expect(cli!.y + cli!.height).toBeLessThanOrEqual(768);
    expect(topo!.y).toBeLessThan(768);
    await page.screenshot({ path: `${SHOTS}/size-1024x768.png` });
  });

  test('at 150% zoom the header does not stay over the page', async ({ page }) => {
    // 1440×900 at 150% zoom is a 960×600 CSS viewport.
    await open(page, { width: 960, height: 600 });
    await page.mouse.wheel(0, 500);
    await page.waitForTimeout(200);
    const bar = await page.locator('.topbar').boundingBox();
    const covered = bar === null ? 0 : Math.max(0, bar.y + bar.height);
    expect(covered).toBeLessThanOrEqual(600 / 6);
  });

  test('every card text stays inside its card while B connects', async ({ page }) => {
    await open(page);
    await script(page, 'node A\nnode B\nlink A B latency 300\nB> REPLICAOF A\n');
    const states = new Set<string>();
    for (let i = 0; i < 14; i++) {
      await page.locator('#step').click();
      // Read the card in one go: it may be redrawn between two reads.
      const texts = await page.locator('.card[data-node="B"]').evaluate((card) => {
        const box = card.querySelector('.card-box')!.getBoundingClientRect();
        return [...card.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', over: t.getBoundingClientRect().right - box.right }));
      });
      for (const t of texts) {
        states.add(t.text);
        expect(t.over, t.text).toBeLessThanOrEqual(0.5);
      }
    }
    expect([...states].some((s) => s.includes('receive_psync_reply'))).toBe(true);
  });

  test('the link editor leaves the cards visible', async ({ page }) => {
    await open(page);
    await pause(page);
    await page.locator('[data-link="A-B"] .edge-hit').click({ force: true });
    const editor = (await page.locator('#link-editor').boundingBox())!;
    for (const c of await page.locator('.card .card-box').all()) {
      const b = (await c.boundingBox())!;
      const overlap = editor.x < b.x + b.width && b.x < editor.x + editor.width && editor.y < b.y + b.height && b.y < editor.y + editor.height;
      expect(overlap).toBe(false);
    }
  });

  test('29 nodes wrap into readable rows', async ({ page }) => {
    await open(page);
    const names = Array.from({ length: 29 }, (_, i) => `node N${i + 1}`).join('\n');
    await script(page, `${names}\n`);
    await expect(page.locator('.card')).toHaveCount(29);
    const w = (await page.locator('.card[data-node="N1"] .card-box').boundingBox())!.width;
    expect(w).toBeGreaterThan(150);
    await page.locator('.card[data-node="N29"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/29-nodes.png` });
  });

  test('on a phone nothing is wider than the screen and the log text has room', async ({ page }) => {
    await open(page, { width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
    const bar = (await page.locator('.time-controls').boundingBox())!;
    expect(bar.width).toBeLessThanOrEqual(390);
    await page.locator('#tab-events').click();
    await expect(page.locator('#log-list .log-row').first()).toBeVisible();
    // Read in one go: the list is redrawn while the world plays.
    const width = await page.locator('#log-list').evaluate((l) => l.querySelector('.log-row .log-text')?.getBoundingClientRect().width ?? 0);
    expect(width).toBeGreaterThan(250);
    await page.screenshot({ path: `${SHOTS}/size-390x844.png`, fullPage: true });
  });
});

test('8. script errors show in the box with line and column; a binary file is refused', async ({ page }) => {
  await open(page);
  await script(page, 'node A\nbogus\n');
  const err = page.locator('#script-error');
  await expect(err).toBeVisible();
  await expect(err).toContainText('line 2, column 1');
  await page.waitForTimeout(9000);
  await expect(err).toBeVisible();
  const rdb = Buffer.concat([Buffer.from('REDIS0011\xfa\tredis-ver\x067.0.15', 'latin1'), Buffer.from([0, 0xff, 0xfe, 0x00, 0x81])]);
  await page.locator('#script').fill('node A\n');
  await page.locator('#script-file').setInputFiles({ name: 'dump.rdb', mimeType: 'application/octet-stream', buffer: rdb });
  await expect(page.locator('#script-error')).toContainText('dump.rdb is not a text file');
  await expect(page.locator('#script')).toHaveValue('node A\n');
});

test('the timeline scrubs to any moment, and Back and Step still work', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  // 10x: the snapshot lands, loads and B comes online within a few seconds.
  await page.locator('#speed').fill('1');
  await page.waitForTimeout(1500);
  await pause(page);
  const end = await state(page);
  const scrub = page.locator('#scrubber');
  const min = Number(await scrub.getAttribute('min'));
  expect(Number(await scrub.getAttribute('max'))).toBe(end[1]);
  await expect(page.locator('.scrub-mark').first()).toBeAttached();
  const mid = Math.round((min + end[1]) / 2);
  await scrub.fill(String(mid));
  expect((await state(page))[1]).toBe(mid);
  await scrub.fill(String(end[1]));
  expect(await state(page)).toEqual(end);
  await scrub.fill(String(mid));
  await page.locator('#step').click();
  expect((await state(page))[1]).toBeGreaterThanOrEqual(mid);
  await page.locator('#step-back').click();
  expect((await state(page))[1]).toBe(mid);
  expect(errors).toEqual([]);
});

test('themes follow the system; the phases are announced', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(248, 250, 252)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(11, 17, 32)');
  await expect(page.locator('#announce')).toHaveAttribute('aria-live', 'polite');
  // The default world waits at t = 0: play it.
  await page.locator('#play').click();
  await expect(page.locator('#announce')).toContainText('B', { timeout: 20_000 });
});

test('screenshots of the three sizes', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  // Two phases on from the first moment: the snapshot crossing the link.
  const transfer = async (): Promise<void> => {
    await page.keyboard.press('n');
    await page.keyboard.press('n');
    await expect(page.locator('[data-testid="rdb-bar"]')).toBeVisible();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(300);
  };
  for (const [w, h] of [[1440, 900], [1024, 768], [390, 844]]) {
    await open(page, { width: w, height: h });
    await transfer();
    await page.screenshot({ path: `${SHOTS}/page-${w}x${h}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page, { width: 1440, height: 900 });
  await transfer();
  await page.screenshot({ path: `${SHOTS}/page-1440x900-light.png` });
});
