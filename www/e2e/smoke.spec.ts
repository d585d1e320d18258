// The page loads, the wasm core initialises and answers, and nothing is
// logged as an error on the way.
import { expect, test } from '@playwright/test';

test('page loads and the wasm core answers', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('./');
  await expect(page.locator('h1')).toHaveText('replscope');
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#status')).toContainText('simulator ready');
  await expect(page.locator('.card[data-node="A"]')).toBeVisible();
  expect(errors).toEqual([]);
});
