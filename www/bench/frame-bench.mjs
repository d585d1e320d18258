// The playground's performance benchmark (not a test: it prints numbers).
//
//   cd www && npx vite build && node bench/frame-bench.mjs [--seconds N]
//
// 1. Total size of the built assets (www/dist), gzipped: target ≤ 200 KB.
// 2. Time to interactive: from navigation to the simulator being ready and
//    the first world drawn (the `replscope:interactive` performance mark),
//    served from a local server: target ≤ 500 ms (median of 5 loads).
// 3. Frame time with 32 nodes (a master and 31 replicas) and 2,000 writes
//    per second of virtual time on the master, playing at 1x: the p95 of
//    requestAnimationFrame intervals in headless Chromium: target ≤ 16.7 ms.
//    Intervals come in whole vsyncs (16.7 ms at 60 Hz) plus timer jitter,
//    so the page's own work per frame (the time its rAF callback takes,
//    logged by src/main.ts) is printed too: that is what must fit the frame.
// 4. The boundary: the same 32-node snapshot taken 300 times as one JSON
//    string parsed by the browser (`view`, what the page uses) and as an
//    object built field by field by serde-wasm-bindgen (`view_object`):
//    time per call of each (see docs/ARCHITECTURE.md).
//
// Uses Debian's Chromium (CHROMIUM overrides the path); nothing is downloaded.
import { chromium } from 'playwright';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serveStatic } from '../e2e/static-server.mjs';

const root = join(import.meta.dirname, '..', 'dist');
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 10;

async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await files(p));
    else out.push(p);
  }
  return out;
}

async function assetSizes() {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const f of await files(root)) {
    const body = await readFile(f);
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    rows.push(`  ${f.slice(root.length + 1).padEnd(44)} ${String(body.length).padStart(9)} B  gzip ${String(z).padStart(8)} B`);
  }
  return { raw, gz, rows };
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** 32 nodes: A and 31 replicas, synced before the load starts. */
function starScript() {
  const names = Array.from({ length: 31 }, (_, i) => `R${i + 1}`);
  return ['node A', ...names.map((n) => `node ${n}`), 'A> DEBUG POPULATE 1000 user',
    ...names.map((n) => `${n}> REPLICAOF A`), 'settle'].join('\n');
}

async function main() {
  const sizes = await assetSizes();
  const { server, base } = await serveStatic(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-timer-throttling'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const tti = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(base);
      await page.waitForFunction(() => performance.getEntriesByName('replscope:interactive').length > 0);
      tti.push(await page.evaluate(() => performance.getEntriesByName('replscope:interactive')[0].startTime));
    }
    const setup = await page.evaluate((script) => {
      const { store } = window.replscope;
      const t0 = performance.now();
      store.setUi({ playing: false });
      const report = store.model.runScript(script);
      store.reset(store.model);
      store.model.setLoad('A', 2000);
      store.setUi({ playing: true, speed: 1, selected: 'R1' });
      return { ms: performance.now() - t0, error: report.error };
    }, starScript());
    if (setup.error) throw new Error(`the benchmark script failed: ${setup.error}`);
    const { frames, work } = await page.evaluate((secs) => new Promise((done) => {
      const stamps = [];
      const log = window.replscope.frameWork;
      let from = 0;
      const tick = (t) => {
        if (stamps.length === 0) from = log.length;
        stamps.push(t);
        if (t - stamps[0] < secs * 1000) requestAnimationFrame(tick);
        else done({ frames: stamps.slice(1).map((s, i) => s - stamps[i]), work: log.slice(from) });
      };
      // Let the first second warm up (the JIT, the first burst of writes).
      setTimeout(() => requestAnimationFrame(tick), 1000);
    }), seconds);
    const virtual = await page.evaluate(() => window.replscope.store.view.time_ms);
    const boundary = await page.evaluate(() => {
      const { store } = window.replscope;
      store.setUi({ playing: false });
      const pg = store.model.pg;
      // Batches of 60 calls (the browser's clock is coarse), median of 5.
      const time = (f) => {
        const xs = [];
        for (let b = 0; b < 5; b++) {
          const t0 = performance.now();
          for (let i = 0; i < 60; i++) f();
          xs.push((performance.now() - t0) / 60);
        }
        return xs.sort((a, b) => a - b)[2];
      };
      // Both once first, so neither pays for the JIT's first look.
      pg.view();
      pg.view_object();
      return { json: time(() => pg.view()), object: time(() => pg.view_object()), bytes: JSON.stringify(pg.view()).length };
    });
    const p95 = percentile(frames, 95);
    // rAF intervals are whole vsyncs (16.7 ms at 60 Hz) plus timer jitter;
    // an interval past 25 ms means at least one frame was dropped.
    const late = frames.filter((f) => f > 25).length;
    const median = (xs) => percentile(xs, 50);
    console.log('replscope page benchmark');
    console.log(`assets (www/dist): ${sizes.raw} B raw, ${sizes.gz} B gzipped = ${(sizes.gz / 1024).toFixed(1)} KB (target ≤ 200 KB)`);
    for (const r of sizes.rows) console.log(r);
    console.log(`time to interactive: median ${median(tti).toFixed(0)} ms, max ${Math.max(...tti).toFixed(0)} ms over ${tti.length} loads (target ≤ 500 ms)`);
    console.log(`setup: 32 nodes synced in ${setup.ms.toFixed(0)} ms of wall time`);
    console.log(`frames with 32 nodes and 2,000 writes/s: ${frames.length} frames in ${seconds} s, ` +
      `median ${median(frames).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms (target p95 ≤ 16.7 ms); ` +
      `${late} late (> 25 ms: a missed vsync, ${((100 * late) / frames.length).toFixed(1)}%); ` +
      `virtual clock reached ${(virtual / 1000).toFixed(1)} s`);
    console.log(`the page's own work per frame (advance, snapshot, render; style and paint come after): ` +
      `median ${median(work).toFixed(1)} ms, p95 ${percentile(work, 95).toFixed(1)} ms, max ${Math.max(...work).toFixed(1)} ms`);
    console.log(`boundary, one 32-node snapshot (${boundary.bytes} B of JSON): as a JSON string ${boundary.json.toFixed(3)} ms, ` +
      `as an object from serde-wasm-bindgen ${boundary.object.toFixed(3)} ms (per call, median of 5 batches of 60)`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
