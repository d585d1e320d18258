// The RDB tab: a node's snapshot item by item with its bytes, downloaded
// with its times moved to the present, and read back from a file; a
// damaged file is refused with the byte where it goes wrong.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';

test('the RDB of a node, its bytes, a download and a file read back', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./');
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  await page.locator('#lesson-offer-dismiss').click();
  // Paused, so that the snapshot on screen and the download are one moment.
  if ((await page.locator('#play').textContent())?.includes('Pause')) await page.locator('#play').click();
  await expect(page.locator('#play')).toContainText('Play');
  await page.locator('.card[data-node="A"]').click();
  await page.locator('#tab-rdb').click();
  await expect(page.locator('#rdb-title')).toContainText("A's RDB");
  const items = page.locator('#rdb-items .rdb-item');
  await expect(items.first()).toContainText('REDIS0010 (version 10)');
  await expect(page.locator('#rdb-items .rdb-aux').first()).toContainText('redis-ver = "7.0.15"');
  await expect(items.last()).toContainText('(matches)');

  // A key's bytes are the ones marked in the hex view.
  const key = page.locator('#rdb-items .rdb-key').first();
  await key.click();
  const range = (await key.locator('.rdb-range').textContent()) ?? '';
  const [start, end] = range.split('..').map(Number);
  await expect(page.locator('#rdb-hex .in-item')).toHaveCount(end - start);

  // Downloaded with the times moved to the present (the default).
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#rdb-download').click()]);
  expect(download.suggestedFilename()).toBe('A-dump.rdb');
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 9).toString()).toBe('REDIS0010');
  await expect(page.locator('.notice').last()).toContainText('times moved to the present');

  // The same file read back: the same items.
  const count = await items.count();
  await page.locator('#rdb-file').setInputFiles({ name: 'dump.rdb', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.locator('#rdb-title')).toContainText('file dump.rdb');
  await expect(items).toHaveCount(count);

  // Cut short: refused, with the byte.
  await page.locator('#rdb-file').setInputFiles({ name: 'cut.rdb', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, 40) });
  await expect(page.locator('.notice-error').last()).toContainText('RDB error at byte');
  // "Snapshot now" goes back from the file to the node.
  await page.locator('#rdb-refresh').click();
  await expect(page.locator('#rdb-title')).toContainText("A's RDB");
  expect(errors).toEqual([]);
});
