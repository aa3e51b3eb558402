// How much slower the floor program's own event loop runs as wasm in Chromium than natively
// (issue 12 item 5): the reference for the worker's wasm/native ratio. The floor
// (../shared/bench/mm1-floor) is built natively, and its loop, unchanged, for wasm32
// (scripts/floor-wasm, opt-level 3 as the worker); then both run the same M/M/c runs,
// interleaved, ROUNDS times: natively as whole processes (CPU time: user + system), in
// Chromium as one call on a page's main thread (CPU time of that thread's task, from a trace).
// Each pair must print the same mean wait. Not a test: timings are printed, never asserted.
//
//   node scripts/measure-floor-wasm.mjs [ROUNDS]     # 7 by default
//   FLOOR_MANIFEST=/path/to/mm1-floor/Cargo.toml node scripts/measure-floor-wasm.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, TASK_CATEGORIES, cpuOf, threadTasks, traced } from '../tests/e2e/browser.mjs';
import { median, timedProcess } from '../tests/e2e/timing.mjs';

const rounds = Number(process.argv[2] ?? 7);
const floorManifest = process.env.FLOOR_MANIFEST ?? path.join(ROOT, '..', 'shared', 'bench', 'mm1-floor', 'Cargo.toml');
if (!existsSync(floorManifest)) {
  console.error(`measure-floor-wasm: no floor program at ${floorManifest} (set FLOOR_MANIFEST)`);
  process.exit(2);
}
// ITEMS SERVERS GAP_MS SERVICE_MS: 1 x 1 as bench-floor.sh, and 1000 servers at the same load.
const CASES = [[1_000_000, 1, 10, 9], [1_000_000, 1000, 10, 9000]];
const SEED = 1;

function cargo(args, targetDir) {
  const run = spawnSync('cargo', args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CARGO_TARGET_DIR: path.join(ROOT, 'target', targetDir) },
  });
  if (run.status !== 0) throw new Error(`cargo ${args.join(' ')} failed`);
}

console.error('building the floor natively and for wasm32 (release)…');
cargo(['build', '--quiet', '--release', '--locked', '--manifest-path', floorManifest], 'floor');
cargo(['build', '--quiet', '--release', '--locked', '--target', 'wasm32-unknown-unknown',
  '--manifest-path', path.join(ROOT, 'scripts', 'floor-wasm', 'Cargo.toml')], 'floor-wasm');
const native = path.join(ROOT, 'target', 'floor', 'release', 'mm1-floor');
const wasm = readFileSync(path.join(ROOT, 'target', 'floor-wasm', 'wasm32-unknown-unknown', 'release', 'mm1_floor_wasm.wasm'));

/** One native run as a whole process: its CPU time (ms) and the mean wait it printed. */
function nativeRun(c) {
  const { cpu, output } = timedProcess(native, [...c.map(String), String(SEED)]);
  return { cpu, wait: /mean_wait_ms=([\d.]+)/.exec(output)[1] };
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto('about:blank');
  await page.evaluate(async (bytes) => {
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes));
    window.floorRun = instance.exports.run;
  }, [...wasm]);
  /** One call in the page: the CPU time (ms) of the main thread's task and the mean wait. */
  const wasmRun = async (c) => {
    const { events, result } = await traced(page, TASK_CATEGORIES, () =>
      page.evaluate((args) => window.floorRun(...args), [...c, SEED]));
    const cpus = [...threadTasks(events, 'CrRendererMain').values()].map(cpuOf);
    return { cpu: Math.max(...cpus) / 1000, wait: result.toFixed(3) };
  };
  for (const c of CASES) {
    await wasmRun(c); // warm-up: compiled and tiered up
    const ratios = [];
    const w = [];
    const n = [];
    for (let i = 0; i < rounds; i += 1) {
      const a = nativeRun(c);
      const b = await wasmRun(c);
      if (a.wait !== b.wait) throw new Error(`different runs: native mean wait ${a.wait}, wasm ${b.wait}`);
      n.push(a.cpu);
      w.push(b.cpu);
      ratios.push(b.cpu / a.cpu);
    }
    console.log(`floor, ${c[0]} items, ${c[1]} server(s): native ${median(n).toFixed(0)} ms, wasm ` +
      `${median(w).toFixed(0)} ms (CPU, medians of ${rounds}); wasm/native median ` +
      `${median(ratios).toFixed(2)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
  }
} finally {
  await browser.close();
}
