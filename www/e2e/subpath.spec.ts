// The built site must work from any sub-path (a hosted demo lives at
// /<repo>/ on GitHub Pages). Serve www/dist under /demo/ with a plain static
// server and require every request to succeed.
import { expect, test } from '@playwright/test';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { serveStatic } from './static-server.mjs';

const root = join(import.meta.dirname, '..', 'dist');
let server: Server;
let base = '';

test.beforeAll(async () => {
  ({ server, base } = await serveStatic(root, '/demo/'));
});

test.afterAll(async () => { await new Promise((ok) => server.close(ok)); });

test('the static build loads from /demo/ with no failed request', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => failed.push(`failed ${r.url()}`));
  await page.goto(base);
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'ready');
  expect(failed).toEqual([]);
});
