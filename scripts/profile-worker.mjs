// Where the worker's time goes (issue 12 item 5): samples the page's Web Worker with V8's CPU
// profiler (a Chromium trace, category disabled-by-default-v8.cpu_profiler) while a run goes to
// the end, and prints each thread's self time by function, the engine's functions by name.
// Not a test: nothing is asserted.
//
// Function names need a worker build that keeps its wasm name section (wasm-opt strips it unless
// given -g), so the script first builds one into target/dist-profile/ with trunk (a copy of
// index.html whose worker line adds data-wasm-opt-params="-g", written beside it and removed
// again), then profiles that build. The page's own wasm is the usual one.
//
//   node scripts/profile-worker.mjs [ITEMS]          # ITEMS = 1000000 by default (1 x 1, M/M/1)
//   PROFILE_DIST=target/dist-profile node scripts/profile-worker.mjs   # reuse a build
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, mm1Fragment, openApp, settled, startSession, traced } from '../tests/e2e/browser.mjs';

const items = Number(process.argv[2] ?? 1_000_000);
const TOP = 25;

function buildWithNames() {
  const dist = path.join(ROOT, 'target', 'dist-profile');
  const html = readFileSync(path.join(ROOT, 'index.html'), 'utf8');
  const worker = 'data-cargo-profile-release="worker" data-wasm-opt="3"';
  if (!html.includes(worker)) throw new Error(`index.html has no worker line with ${worker}`);
  const variant = path.join(ROOT, 'index.profile.html');
  writeFileSync(variant, html.replace(worker, `${worker} data-wasm-opt-params="-g"`));
  try {
    const env = { ...process.env, TRUNK_SKIP_VERSION_CHECK: 'true' };
    delete env.NO_COLOR;
    env.PATH = [path.join(ROOT, 'node_modules', '.bin'), env.PATH].join(path.delimiter);
    execFileSync('trunk', ['build', '--release', '--dist', dist, variant],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmSync(variant, { force: true });
  }
  return dist;
}

/** Self time (µs) by function name, per profiled thread, from a trace's ProfileChunk events. */
function selfTimes(events) {
  const names = new Map();
  const threads = new Map();
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const profile = `${e.pid}:${e.id}`;
    const { cpuProfile = {}, timeDeltas = [] } = e.args.data;
    for (const node of cpuProfile.nodes ?? []) {
      names.set(`${profile}:${node.id}`, node.callFrame.functionName || node.callFrame.url || '(anonymous)');
    }
    const times = threads.get(profile) ?? new Map();
    threads.set(profile, times);
    (cpuProfile.samples ?? []).forEach((sample, i) => {
      const name = names.get(`${profile}:${sample}`) ?? '(unknown)';
      times.set(name, (times.get(name) ?? 0) + (timeDeltas[i] ?? 0));
    });
  }
  return threads;
}

const dist = process.env.PROFILE_DIST ? path.resolve(process.env.PROFILE_DIST) : buildWithNames();
const session = await startSession(dist);
try {
  const { page, context } = await openApp(session.browser, session.baseUrl, mm1Fragment(items));
  await settled(page);
  await page.waitForTimeout(300);
  const categories = ['disabled-by-default-v8.cpu_profiler', 'v8', '__metadata'];
  const { events, result: ms } = await traced(page, categories, () =>
    page.evaluate(async () => {
      const start = performance.now();
      document.querySelector('#run-to-end').click();
      while (!document.querySelector('#status').classList.contains('completed')) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return performance.now() - start;
    }),
  );
  console.log(`${items} items (1 x 1, exp:10ms / exp:9ms, seed 7) to the end in ${ms.toFixed(0)} ms`);
  for (const [thread, times] of selfTimes(events)) {
    const busy = [...times].filter(([name]) => name !== '(idle)').reduce((sum, [, t]) => sum + t, 0);
    console.log(`== profiled thread ${thread}: ${(busy / 1000).toFixed(0)} ms busy`);
    for (const [name, t] of [...times].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      const share = name === '(idle)' ? '' : `${((100 * t) / busy).toFixed(1)}%`;
      console.log(`${(t / 1000).toFixed(1).padStart(8)} ms ${share.padStart(6)}  ${name.slice(0, 120)}`);
    }
  }
  await context.close();
} finally {
  await session.close();
}
