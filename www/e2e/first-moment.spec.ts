// The rest of issue 12's rough edges, each as a new user met it: the sync
// steps' times at any speed and in a shared world (3), the buffered writes
// drawn on the link (4), the wording of loops, percentages, replids and
// PSYNC reasons (9), and the default world's first moment, before the
// replica connects.
import { expect, test, type Page } from '@playwright/test';

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function open(page: Page, hash = ''): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`./${hash}`);
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
}

async function pause(page: Page): Promise<void> {
  if ((await page.locator('#play').textContent())?.includes('Pause')) await page.locator('#play').click();
  await expect(page.locator('#play')).toContainText('Play');
}

/** Runs a script in the scenario box (a fresh world). */
async function script(page: Page, text: string): Promise<void> {
  await page.locator('#tab-scenario').click();
  await page.locator('#script').fill(text);
  await page.locator('#script-run').click();
}

/** The virtual clock, read from the store. */
function now(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { replscope: { store: { view: { time_ms: number } } } }).replscope.store.view.time_ms);
}

/** Each full-sync step the panel shows and the virtual time it began at. */
async function stepTimes(page: Page): Promise<[string, string][]> {
  const steps = page.locator('[data-sync="full"] li');
  const out: [string, string][] = [];
  for (let i = 0; i < await steps.count(); i++) {
    out.push([await steps.nth(i).getAttribute('data-phase') ?? '', await steps.nth(i).getAttribute('data-time') ?? '']);
  }
  return out;
}

const card = (page: Page, node: string) => page.locator(`.card[data-node="${node}"]`);

/** B's sync phase in the store (the card follows at the next frame). */
function phaseOfB(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { replscope: { store: { view: { nodes: { name: string; sync_phase: string }[] } } } })
    .replscope.store.view.nodes.find((n) => n.name === 'B')?.sync_phase);
}

/** Presses `n` (next phase) until B is online. */
async function phaseByPhase(page: Page): Promise<void> {
  for (let i = 0; i < 20 && await phaseOfB(page) !== 'streaming'; i++) {
    await page.keyboard.press('n');
  }
  await expect(card(page, 'B')).toHaveAttribute('data-phase', 'streaming');
}

test('3. the sync steps read the same times at 100×, phase by phase and in a shared world', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await pause(page);
  await phaseByPhase(page);
  const exact = await stepTimes(page);
  expect(exact.map((s) => s[0])).toEqual(['handshake', 'snapshot', 'transfer', 'load', 'replay', 'streaming']);
  expect(exact.every((s) => s[1] !== '')).toBe(true);

  await open(page);
  await pause(page);
  await page.locator('#speed').fill('2');
  await page.locator('#play').click();
  await expect(card(page, 'B')).toHaveAttribute('data-phase', 'streaming', { timeout: 20_000 });
  await pause(page);
  expect(await stepTimes(page)).toEqual(exact);

  await page.locator('#tab-scenario').click();
  await page.locator('#script-share').click();
  const link = await page.locator('#share-link').inputValue();
  await page.goto(link);
  await page.reload();
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  await expect(card(page, 'B')).toHaveAttribute('data-phase', 'streaming');
  expect(await stepTimes(page)).toEqual(exact);
  expect(errors).toEqual([]);
});

test('the first moment is visible: the default world starts at t = 0, before B connects', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await expect(page.locator('#play')).toContainText('Play');
  expect(await now(page)).toBe(0);
  await expect(card(page, 'B')).toHaveAttribute('data-phase', 'handshake');
  await expect(page.locator('[data-testid="psync"]')).toHaveText('No PSYNC answered yet.');
  await expect(page.locator('#narration')).toContainText('Play');
  // Step through the handshake: the PSYNC and its answer are on screen.
  await page.keyboard.press('n');
  await expect(page.locator('[data-testid="psync"]')).toContainText('+FULLRESYNC');
  expect(await now(page)).toBeGreaterThan(0);
  // ... and the first moment can be returned to.
  await page.keyboard.press('ArrowLeft');
  expect(await now(page)).toBe(0);
  await expect(page.locator('[data-testid="psync"]')).toHaveText('No PSYNC answered yet.');
  expect(errors).toEqual([]);
});

/** Presses `n` until B's card shows `phase`. */
async function untilPhase(page: Page, phase: string): Promise<void> {
  for (let i = 0; i < 20 && await phaseOfB(page) !== phase; i++) {
    await page.keyboard.press('n');
  }
  await expect(card(page, 'B')).toHaveAttribute('data-phase', phase);
}

test('4. the replay of the buffered writes is drawn on the link', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await untilPhase(page, 'replay');
  await expect(page.locator('[data-testid="buffer-B"]')).toContainText('waiting (being sent)');
  // The link shows the very bytes the buffers panel says are waiting.
  const waiting = /([\d,]+) B waiting/.exec(await page.locator('[data-testid="buffer-B"]').innerText())?.[1];
  expect(waiting).toBeDefined();
  const bar = page.locator('[data-testid="replay-bar"]');
  await expect(bar).toBeVisible();
  await expect(bar).toContainText(`replay ${waiting} B`);
  // Played at 0.1×, it first waits for the wire (bandwidth), then crosses
  // it, then is gone: B applied it and is online.
  await page.locator('#speed').fill('-1');
  await page.locator('#play').click();
  const seen = new Set<string>();
  for (let i = 0; i < 100 && await phaseOfB(page) === 'replay'; i++) {
    const text = (await bar.allTextContents()).join('');
    if (text.includes('B waiting')) seen.add('waiting');
    if (text.includes('on the wire')) seen.add('on the wire');
    await page.waitForTimeout(40);
  }
  await pause(page);
  expect([...seen]).toEqual(['waiting', 'on the wire']);
  await expect(card(page, 'B')).toHaveAttribute('data-phase', 'streaming');
  await expect(bar).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('9a. a replication loop is narrated as a loop', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await script(page, 'node A\nnode B\nnode C\nC> REPLICAOF B\nB> REPLICAOF C\nwait 3000\n');
  await expect(page.locator('#script-output')).toContainText('Ran 2 command');
  await card(page, 'B').click();
  await expect(page.locator('#narration')).toHaveText(/^B is in a replication loop \(B → C → B\)/);
  expect(errors).toEqual([]);
});

test('9b. the narration and the RDB bar give the same percentage', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await untilPhase(page, 'transfer');
  let compared = 0;
  for (let i = 0; i < 60 && await phaseOfB(page) === 'transfer'; i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(50);
    const narrated = (await page.locator('#narration').textContent())?.match(/— (\d+)%/)?.[1];
    const bar = (await page.locator('[data-testid="rdb-bar"] .rdb-text').allTextContents()).join('').match(/(\d+)%/)?.[1];
    if (narrated === undefined || bar === undefined) continue;
    expect(narrated).toBe(bar);
    compared++;
  }
  expect(compared).toBeGreaterThan(5);
  expect(errors).toEqual([]);
});

test('9c. the log says when A took a new replid, and A\'s card shows the old one', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  const first = await page.evaluate(() => (window as unknown as { replscope: { store: { view: { nodes: { name: string; replid: string }[] } } } })
    .replscope.store.view.nodes.find((n) => n.name === 'A')?.replid ?? '');
  await untilPhase(page, 'snapshot');
  await page.locator('#log-filter').fill('new history');
  await expect(page.locator('#log-list')).toContainText(`a new history starts with the backlog, created for the first replica; it was ${first}`);
  await expect(card(page, 'A')).toContainText(`old replid ${first.slice(0, 8)}`);
  expect(errors).toEqual([]);
});

test('9d. after a promotion, the PSYNC reason says the replica\'s ID is the new master\'s replid2', async ({ page }) => {
  const errors = watch(page);
  await open(page);
  await script(page, 'node A\nnode B\nnode C\nB> REPLICAOF A\nC> REPLICAOF B\nsettle\nB> REPLICAOF NO ONE\nsettle\n');
  await expect(page.locator('#script-output')).toContainText('Ran 3 command');
  await card(page, 'C').click();
  await expect(page.locator('[data-testid="psync"]')).toContainText('+CONTINUE');
  await expect(page.locator('.decision-reason')).toContainText('the ID asked for is my replid2 (my previous history, valid up to second_repl_offset');
  expect(errors).toEqual([]);
});
