// Measures the engine in the page's Web Worker (issue 12 items 2 and 5). Not a test: timings
// are printed, never asserted. Run on a built dist/ and a release command line:
//   make dist && cargo build --release --bin canteen && node scripts/measure-worker.mjs [ROUNDS]
//
// 1. wasm vs native: the 1M-item M/M/1 run (custom, 1 producer, 1 consumer, exp:10ms /
//    exp:9ms, unbounded, seed 7) run to the end in the worker and by `canteen run … --json`
//    (the whole process), interleaved, ROUNDS times each; the median of the per-round ratios,
//    both of CPU time (the worker thread's tasks in a Chromium trace from the click to the
//    status saying Completed, against the process's user + system time) and of wall time (in
//    the page from the click to Completed, against the process's). CPU time is the figure to
//    trust on a shared machine; the wall time adds what the page does around the run (its
//    renders of the progress and of the end). Also against the same work natively: the page's
//    engine with its stage, log and charts (`cargo bench --bench engine -- page_engine`, the
//    median of 5 runs in one process, each round).
// 2. run to the end of 10M items in the worker, and the page's responsiveness meanwhile: a
//    click on the language switch every 250 ms, timed from the click to the page showing the
//    other language (and the same clicks once the run is over, for comparison); the longest
//    gap between animation frames; long tasks (> 50 ms).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  ROOT, TASK_CATEGORIES, cpuOf, mm1Fragment as mm1, newPage, settled, startSession, threadTasks, traced,
} from '../tests/e2e/browser.mjs';
import { median, timedProcess } from '../tests/e2e/timing.mjs';

const rounds = Number(process.argv[2] ?? 5);
const CANTEEN = process.env.CANTEEN_BIN ?? path.join(ROOT, 'target', 'release', 'canteen');

/** The same run natively, as a whole process: its wall and CPU (user + system) time in ms. */
function native(items) {
  const args = ['run', 'custom', '--seed', '7', '--producers', '1', '--consumers', '1',
    '--items', String(items), '--capacity', '0', '--produce-delay', 'exp:10ms',
    '--consume-delay', 'exp:9ms', '--json'];
  const { cpu, wall, output } = timedProcess(CANTEEN, args);
  const report = JSON.parse(output);
  if (report.consumed !== items) throw new Error(`native consumed ${report.consumed}`);
  return { wall, cpu };
}

/** The page's engine natively, the same 1M run with its stage, log and charts (ms, median of 5). */
function pageEngine() {
  const run = spawnSync('cargo', ['bench', '--quiet', '--bench', 'engine', '--', 'page_engine'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found = /page_engine_mm1_1M: ([\d.]+) ms per run/.exec(run.stdout.toString());
  if (run.status !== 0 || !found) throw new Error(`the page engine's benchmark failed: ${run.status}`);
  return Number(found[1]);
}

/**
 * Runs `items` to the end in the worker: wall time (ms), the worker thread's CPU time (ms, from
 * a trace; without `probe`), and with `probe` the clicks' times.
 */
async function inWorker(browser, baseUrl, items, probe = false) {
  const { page, context, problems } = await newPage(browser);
  await page.goto(baseUrl + mm1(items));
  await page.locator('#status').waitFor();
  // The worker has started (its wasm compiled) once it answered the first move.
  await settled(page);
  await page.waitForTimeout(200);
  const work = () => page.evaluate(async ({ probe }) => {
    const longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    let maxGap = 0;
    let last = 0;
    let running = true;
    const frame = (t) => {
      if (last) maxGap = Math.max(maxGap, t - last);
      last = t;
      if (running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const over = () => document.querySelector('#status').classList.contains('completed');
    const clicks = [];
    const start = performance.now();
    document.querySelector('#run-to-end').click();
    let lang = 'en';
    while (!over()) {
      if (probe) {
        const other = lang === 'en' ? 'zh-CN' : 'en';
        const t0 = performance.now();
        document.querySelector(`.lang-switch button[lang="${other}"]`).click();
        while (document.querySelector('#app-root').getAttribute('lang') !== other) {
          await new Promise((r) => setTimeout(r, 0));
        }
        clicks.push(performance.now() - t0);
        lang = other === 'en' ? 'en' : 'zh';
        await new Promise((r) => setTimeout(r, 250));
      } else {
        await new Promise((r) => requestAnimationFrame(r));
      }
    }
    const ms = performance.now() - start;
    // The same clicks with the engine idle, for comparison.
    const idle = [];
    for (let i = 0; probe && i < 8; i += 1) {
      const other = lang === 'en' ? 'zh-CN' : 'en';
      const t0 = performance.now();
      document.querySelector(`.lang-switch button[lang="${other}"]`).click();
      while (document.querySelector('#app-root').getAttribute('lang') !== other) {
        await new Promise((r) => setTimeout(r, 0));
      }
      idle.push(performance.now() - t0);
      lang = other === 'en' ? 'en' : 'zh';
      await new Promise((r) => setTimeout(r, 250));
    }
    running = false;
    return { ms, clicks, idle, maxGap, longTasks };
  }, { probe });
  let result;
  if (probe) {
    result = await work();
  } else {
    const { events, result: worked } = await traced(page, TASK_CATEGORIES, work);
    // The page's worker: the dedicated worker thread that worked the most.
    const cpus = [...threadTasks(events, 'DedicatedWorker thread').values()].map(cpuOf);
    if (!cpus.length) throw new Error('no worker thread in the trace');
    result = { ...worked, cpu: Math.max(...cpus) / 1000 };
  }
  const consumed = Number(await page.locator('#count-consumed dd').innerText());
  await context.close();
  if (consumed !== items) throw new Error(`the worker consumed ${consumed} of ${items}`);
  if (problems.length) throw new Error(problems.join('\n'));
  return result;
}

const session = await startSession();
try {
  const { browser, baseUrl } = session;
  const figures = {
    cpu: [], wall: [], same: [], nativeCpu: [], nativeWall: [], workerCpu: [], workerWall: [], page: [],
  };
  for (let i = 0; i < rounds; i += 1) {
    const n = native(1_000_000);
    const page = pageEngine();
    const w = await inWorker(browser, baseUrl, 1_000_000);
    figures.page.push(page);
    figures.same.push(w.cpu / page);
    figures.nativeCpu.push(n.cpu);
    figures.nativeWall.push(n.wall);
    figures.workerCpu.push(w.cpu);
    figures.workerWall.push(w.ms);
    figures.cpu.push(w.cpu / n.cpu);
    figures.wall.push(w.ms / n.wall);
    console.log(`round ${i + 1}: CPU native ${n.cpu.toFixed(0)} ms, worker ${w.cpu.toFixed(0)} ms, ` +
      `ratio ${(w.cpu / n.cpu).toFixed(2)}; wall native ${n.wall.toFixed(0)} ms, worker ${w.ms.toFixed(0)} ms, ` +
      `ratio ${(w.ms / n.wall).toFixed(2)}; the page's engine natively ${page.toFixed(0)} ms, worker CPU ` +
      `against it ${(w.cpu / page).toFixed(2)}`);
  }
  const m = (xs) => median(xs).toFixed(0);
  console.log(`1M M/M/1 to the end, medians: CPU native ${m(figures.nativeCpu)} ms, worker ` +
    `${m(figures.workerCpu)} ms, ratio worker/native ${median(figures.cpu).toFixed(2)}; wall native ` +
    `${m(figures.nativeWall)} ms, worker ${m(figures.workerWall)} ms, ratio ${median(figures.wall).toFixed(2)}`);
  console.log(`the same work natively (the page's engine, with its stage, log and charts): ${m(figures.page)} ` +
    `ms; worker CPU against it: ${median(figures.same).toFixed(2)}`);

  const big = await inWorker(browser, baseUrl, 10_000_000, true);
  const slowest = big.clicks.length ? Math.max(...big.clicks) : NaN;
  console.log(`10M M/M/1 to the end in the worker: ${(big.ms / 1000).toFixed(1)} s`);
  console.log(`  ${big.clicks.length} clicks meanwhile: median ${median(big.clicks).toFixed(1)} ms, ` +
    `slowest ${slowest.toFixed(1)} ms from the click to the page in the other language ` +
    `(idle afterwards: median ${median(big.idle).toFixed(1)} ms, slowest ${Math.max(...big.idle).toFixed(1)} ms)`);
  // In order: the first is the page's first switch to Chinese (its first CJK layout).
  console.log(`  the clicks in order (ms): ${big.clicks.map((ms) => ms.toFixed(0)).join(' ')}`);
  console.log(`  longest gap between animation frames ${big.maxGap.toFixed(1)} ms; ` +
    `long tasks (> 50 ms): ${big.longTasks.length}` +
    (big.longTasks.length ? `, longest ${Math.max(...big.longTasks).toFixed(1)} ms` : ''));
} finally {
  await session.close();
}
