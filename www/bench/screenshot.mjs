// The README's picture: the built page at 1440x900 in an interesting state
// (a cascade, one replica mid full sync with its snapshot on the wire),
// written to docs/screenshot.png.
//
//   cd www && npx vite build && node bench/screenshot.mjs
//
// Deterministic: the world comes from a fixed seed and script.
import { chromium } from 'playwright';
import { join } from 'node:path';
import { serveStatic } from '../e2e/static-server.mjs';

const root = join(import.meta.dirname, '..', 'dist');
const out = join(import.meta.dirname, '..', '..', 'docs', 'screenshot.png');

const SCRIPT = `# A cascade: A → B → C, and A → D. C is in the middle of its full sync from B.
node A
node B
node C
node D
A> DEBUG POPULATE 1000 user
A> SET greeting "hello from A"
link A B latency 40
link A D latency 30
link B C latency 60
link B C bandwidth 3000
B> REPLICAOF A
D> REPLICAOF A
settle
C> REPLICAOF B
wait 7200
`;

const { server, base } = await serveStatic(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(base);
  await page.waitForFunction(() => window.replscope !== undefined);
  const error = await page.evaluate((script) => {
    const { store } = window.replscope;
    store.setUi({ playing: false });
    const report = store.model.runScript(script);
    store.reset(store.model);
    store.model.setLoad('A', 4);
    store.model.advance(400);
    store.refresh();
    store.setUi({ selected: 'C', tab: 'sequence' });
    return report.error;
  }, SCRIPT);
  if (error) throw new Error(error);
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
