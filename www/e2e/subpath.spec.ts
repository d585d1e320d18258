// The built site must work from any sub-path (a hosted demo lives at
// /<repo>/ on GitHub Pages). Serve www/dist under /demo/ with a plain static
// server and require every request to succeed.
import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const root = join(import.meta.dirname, '..', 'dist');
const types: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
};
let server: Server;
let base = '';

test.beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/demo/')) { res.writeHead(404).end(); return; }
    let rel = normalize(decodeURIComponent(url.pathname.slice('/demo/'.length)));
    if (rel === '.' || rel === '') rel = 'index.html';
    if (rel.startsWith('..')) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${addr.port}/demo/`;
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
