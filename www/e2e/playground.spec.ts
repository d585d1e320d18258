// The playground end to end, in Debian's Chromium against the built page:
// the default full sync, the console, partial and full resyncs after a cut,
// a cascade and a promotion, step back, user text rendered as text, and no
// console errors anywhere. Screenshots of the main states are kept in
// test-results/screenshots/ as artifacts.
import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

/** Fails the test on any console error, page error or dialog. */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  return errors;
}

/** Opens the default world (it waits at t = 0) and plays it. */
async function open(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#play')).toContainText('Play');
  await page.locator('#play').click();
}

/** Sets the speed slider (log10 of the speed). */
async function speed(page: Page, log10: number): Promise<void> {
  await page.locator('#speed').fill(String(log10));
}

/** Types a line into a node's console, like a person would. */
async function run(page: Page, node: string, line: string): Promise<void> {
  await page.locator(`.console-tab[data-node="${node}"]`).click();
  await page.locator('#console-input').fill(line);
  await page.locator('#console-input').press('Enter');
}

async function online(page: Page, node: string, timeout = 30_000): Promise<void> {
  await expect(page.locator(`.card[data-node="${node}"]`)).toHaveAttribute('data-phase', 'streaming', { timeout });
}

test('the default world completes a full sync, every step lit in order', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await expect(page.locator('#narration')).toContainText('B');
  await page.screenshot({ path: `${SHOTS}/1-default-mid-sync.png` });
  // Watch the lit step as it moves, at the default speed.
  const seen: string[] = [];
  for (let i = 0; i < 400 && !seen.includes('streaming'); i++) {
    const phase = await page.locator('[data-sync="full"] li[data-state="current"]').getAttribute('data-phase').catch(() => null);
    if (phase !== null && seen[seen.length - 1] !== phase) seen.push(phase);
    await page.waitForTimeout(50);
  }
  const order = ['handshake', 'snapshot', 'transfer', 'load', 'replay', 'streaming'];
  expect(seen[seen.length - 1]).toBe('streaming');
  expect(seen.map((p) => order.indexOf(p))).toEqual([...seen.map((p) => order.indexOf(p))].sort((a, b) => a - b));
  // The panel kept the time each step began: all six, in order.
  const steps = page.locator('[data-sync="full"] li');
  await expect(steps).toHaveCount(6);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    expect(await steps.nth(i).getAttribute('data-phase')).toBe(order[i]);
    times.push(Number(await steps.nth(i).getAttribute('data-time')));
  }
  expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
  expect(times[5]).toBeGreaterThan(times[0]);
  await expect(page.locator('[data-testid="psync"]')).toContainText('+FULLRESYNC');
  await online(page, 'B');
  await page.screenshot({ path: `${SHOTS}/2-default-online.png` });
  expect(errors).toEqual([]);
});

test('a SET typed on the master is readable on the replica', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await speed(page, 1);
  await online(page, 'B');
  await run(page, 'A', 'SET city "New York"');
  await expect(page.locator('#console-out')).toContainText('OK');
  await page.waitForTimeout(300);
  await run(page, 'B', 'GET city');
  await expect(page.locator('#console-out')).toContainText('"New York"');
  await run(page, 'B', 'SET x 1');
  await expect(page.locator('#console-out .line-err')).toHaveText("(error) READONLY You can't write against a read only replica.");
  await page.screenshot({ path: `${SHOTS}/3-console.png` });
  expect(errors).toEqual([]);
});

test('cut, write, heal gives +CONTINUE; past a small backlog, +FULLRESYNC', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await speed(page, 1);
  await online(page, 'B');
  await page.locator('[data-link="A-B"] .edge-hit').click({ force: true });
  await page.locator('#link-toggle').click();
  await expect(page.locator('[data-link="A-B"]')).toHaveClass(/edge-down/);
  await run(page, 'A', 'SET during cut');
  await page.screenshot({ path: `${SHOTS}/4-link-cut.png` });
  await page.locator('#link-toggle').click();
  await expect(page.locator('[data-testid="psync"]')).toHaveAttribute('data-result', 'continue', { timeout: 20_000 });
  await expect(page.locator('[data-testid="psync"]')).toContainText('+CONTINUE');
  await online(page, 'B');
  await page.screenshot({ path: `${SHOTS}/5-continue.png` });

  await run(page, 'A', 'CONFIG SET repl-backlog-size 16384');
  await expect(page.locator('#console-out')).toContainText('OK');
  await page.locator('#link-toggle').click();
  await expect(page.locator('[data-link="A-B"]')).toHaveClass(/edge-down/);
  // Well past the backlog: 7.0 frees it by whole 20,440-byte blocks only.
  await run(page, 'A', `SET big ${'x'.repeat(40000)}`);
  await page.locator('#link-toggle').click();
  const psync = page.locator('[data-testid="psync"]');
  await expect(psync).toHaveAttribute('data-result', 'fullresync', { timeout: 20_000 });
  await expect(psync).toContainText('backlog');
  await page.screenshot({ path: `${SHOTS}/6-fullresync-backlog.png` });
  await online(page, 'B');
  expect(errors).toEqual([]);
});

test('a cascade and a promotion', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await speed(page, 1);
  await page.locator('#add-node').click();
  await expect(page.locator('.card[data-node="C"]')).toBeVisible();
  await page.locator('#replicaof').selectOption('B');
  await online(page, 'B');
  await online(page, 'C', 60_000);
  await run(page, 'A', 'SET chained yes');
  await page.waitForTimeout(500);
  await run(page, 'C', 'GET chained');
  await expect(page.locator('#console-out')).toContainText('"yes"');
  await page.screenshot({ path: `${SHOTS}/7-cascade.png` });
  await page.locator('.card[data-node="B"]').click();
  await page.locator('#promote').click();
  await expect(page.locator('.card[data-node="B"].role-master')).toBeVisible();
  await run(page, 'B', 'SET promoted 1');
  await expect(page.locator('#console-out .line-out').last()).toHaveText('OK');
  await page.screenshot({ path: `${SHOTS}/8-promoted.png` });
  expect(errors).toEqual([]);
});

test('step back returns the previous state', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await page.keyboard.press('Space');
  await expect(page.locator('#play')).toContainText('Play');
  const state = (): Promise<[string, string]> => page.evaluate(() => {
    const s = (window as unknown as { replscope: { store: { view: { trace_hash: string; time_ms: number } } } }).replscope.store;
    return [s.view.trace_hash, String(s.view.time_ms)];
  });
  const before = await state();
  const clock = await page.locator('#clock').textContent();
  await page.locator('#step').click();
  await page.locator('#step').click();
  expect(await state()).not.toEqual(before);
  await page.locator('#step-back').click();
  await page.locator('#step-back').click();
  expect(await state()).toEqual(before);
  await expect(page.locator('#clock')).toHaveText(clock ?? '');
  await run(page, 'A', 'SET undo me');
  await expect(page.locator('#console-out .line-out').last()).toHaveText('OK');
  await page.locator('#step-back').click();
  await run(page, 'A', 'EXISTS undo');
  await expect(page.locator('#console-out .line-out').last()).toHaveText('(integer) 0');
  expect(errors).toEqual([]);
});

test('a key named like HTML shows as text, and no dialog fires', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  const key = '<img src=x onerror=alert(1)>';
  await run(page, 'A', `SET "${key}" "<b>bold</b>"`);
  await page.locator('.card[data-node="A"]').click();
  await page.locator('#tab-keys').click();
  await page.locator('#keys-pattern').fill('<img*');
  await expect(page.locator('#keys-table')).toContainText(key);
  await expect(page.locator('#keys-table')).toContainText('<b>bold</b>');
  await expect(page.locator('#console-out')).toContainText(key);
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('#keys-table b').count()).toBe(0);
  await page.locator('#tab-events').click();
  await page.locator('#log-filter').fill('<img');
  await expect(page.locator('#log-list')).toContainText(key);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/9-keyspace.png` });
  expect(errors).toEqual([]);
});

test('a scenario runs, exports and round-trips through a share link', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await page.locator('#tab-scenario').click();
  await page.locator('#script').fill('node A\nnode B\nB> REPLICAOF A\nA> SET k v\nsettle\nexpect B> GET k => "v"\n');
  await page.locator('#script-run').click();
  await expect(page.locator('#script-output')).toContainText('1/1 expectations met');
  await page.locator('#script-share').click();
  const link = await page.locator('#share-link').inputValue();
  // Format 2: the script LZF-compressed (src/playground/share.rs).
  expect(link).toMatch(/#v=2&seed=1&size=\d+&script=[\w-]+$/);
  await page.locator('#script').fill('node A\nbogus\n');
  await page.locator('#script-run').click();
  await expect(page.locator('#script-error')).toContainText('line 2, column 1');
  await page.goto(link);
  await page.reload();
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  await run(page, 'B', 'GET k');
  await expect(page.locator('#console-out')).toContainText('"v"');
  // A damaged (cut short) link pasted into the open page: an error, and
  // the world stays (the default world's B would have no k).
  const lastLine = page.locator('#console-out .line').last();
  await page.goto(`./${link.slice(link.indexOf('#'), -6)}`);
  await expect(page.locator('.notice-error').last()).toContainText('this share link is damaged: the script');
  await run(page, 'B', 'GET k');
  await expect(lastLine).toHaveText('"v"');
  // A format 1 link (from before compression) still opens, without a reload too.
  const v1 = Buffer.from('node A\nA> SET old format\n').toString('base64url');
  await page.goto(`./#seed=4&script=${v1}`);
  await expect(page.locator('.notice').last()).toContainText('Opened the shared world');
  await run(page, 'A', 'GET old');
  await expect(lastLine).toHaveText('"format"');
  await page.goto('./#seed=abc');
  await page.reload();
  await expect(page.locator('.notice-error')).toContainText('this share link is damaged');
  expect(errors).toEqual([]);
});
