// The wasm side of `cargo bench --bench compare`, run by the bench binary:
//   node bench/wasm/run.mjs <dir of the --target nodejs build> '<sizes JSON>'
// Prints one JSON object per line: {"key": ..., "ms": median} or
// {"key": ..., "value": ...}. Only the `run` calls are timed.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import path from "node:path";

const [pkgDir, sizesJson] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const wasm = require(path.resolve(pkgDir, "replscope_wasm_bench.js"));
const sizes = JSON.parse(sizesJson);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(prepare, run) {
  const times = [];
  for (let i = 0; i < sizes.runs; i++) {
    const world = prepare();
    const start = performance.now();
    run(world);
    times.push(performance.now() - start);
    world.free();
  }
  return median(times);
}

function emit(key, field, value) {
  console.log(JSON.stringify({ key, [field]: value }));
}

// Memory first: linear memory only grows, so it must be measured while
// nothing has been allocated yet.
emit(`memory:${sizes.memory_keys}`, "value", wasm.memory_bytes_per_key(BigInt(sizes.memory_keys)));

const fullSyncs = new Set([`${sizes.full_sync_keys}:1`]);
for (const k of sizes.scaling_keys) fullSyncs.add(`${k}:1`);
for (const n of sizes.fanout_replicas) fullSyncs.add(`${sizes.fanout_keys}:${n}`);
for (const c of fullSyncs) {
  const [keys, replicas] = c.split(":").map(Number);
  const ms = timed(() => wasm.FullSync.prepare(BigInt(keys), replicas), (w) => w.run());
  emit(`full_sync:${keys}:${replicas}`, "ms", ms);
}

const n = sizes.propagation_sets;
emit(`propagation:${n}`, "ms", timed(() => wasm.Propagation.prepare(), (w) => w.run(BigInt(n))));
