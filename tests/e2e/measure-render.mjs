// Measures the page's render budget while a run plays (issue 12, item 3): the main thread's
// CPU time from a Chromium trace (CDP Tracing, devtools.timeline), not wall time, since these
// machines are shared. For each case it plays the run, lets it settle, then traces a window of
// SECONDS and reports, for the page's renderer main thread (CrRendererMain):
//   - busy: the CPU time of its top-level tasks over the window, as % of one core;
//   - longest: the CPU time of its longest task;
//   - frames/s: animation frames the page got (requestAnimationFrame callbacks) per second,
//     and frames the renderer committed (main-thread "Commit") per second;
//   - where the time went: script, style, layout, paint (paint + pre-paint + layerize + commit).
// Not a test (timings are not asserted). Run it on built dist/ folders:
//
//   node tests/e2e/measure-render.mjs [--seconds 5] [--rounds 3] [--dist dist] [--dist other-dist] ...
//                                     [--save-traces DIR]
//
// With several --dist folders (say, a build of main and one of this branch) it measures them side
// by side in one sitting: rounds interleaved (A B A B …), one browser, and reports each figure's
// median over the rounds.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DIST, VIEWPORTS, cpuOf, threadTasks, topLevel, traced } from './browser.mjs';
import { startServer } from './serve.mjs';
import { median } from './timing.mjs';

function option(name, fallback) {
  const values = [];
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}` && i + 1 < args.length) values.push(args[++i]);
  }
  return values.length ? values : fallback;
}

const SECONDS = Number(option('seconds', ['5'])[0]);
const ROUNDS = Number(option('rounds', ['3'])[0]);
const SETTLE_MS = 1500;
const DISTS = option('dist', [DIST]).map((d) => path.resolve(d));
// --save-traces DIR: also write each trace as JSON (open it in DevTools' Performance panel).
const SAVE_TRACES = option('save-traces', [null])[0];

// 20 producers and 20 consumers, each producer making `n` items; long enough to play through
// the whole window at its speed.
const CASES = [
  { name: '100x, 20+20', fragment: '#s=custom&seed=1&p=20&c=20&n=4000&cap=0&pd=uniform:0ms..1s&cd=uniform:0ms..1s&speed=100&lang=en' },
  { name: '1000x, 20+20', fragment: '#s=custom&seed=1&p=20&c=20&n=40000&cap=0&pd=uniform:0ms..1s&cd=uniform:0ms..1s&speed=1000&lang=en' },
];

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'blink.user_timing',
  '__metadata',
];

// Where a main-thread event's time goes.
const KINDS = {
  FunctionCall: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  EvaluateScript: 'script',
  'v8.callFunction': 'script',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  UpdateLayer: 'paint',
};

/** The renderer main thread's figures over the traced window. */
function analyse(events, windowMs) {
  // The page's main thread: the renderer main thread that worked the most.
  let best = null;
  for (const [key, tasks] of threadTasks(events, 'CrRendererMain')) {
    const cpu = cpuOf(tasks);
    const list = events.filter((e) => `${e.pid}:${e.tid}` === key);
    if (!best || cpu > best.cpu) best = { key, list, tasks, cpu };
  }
  if (!best) throw new Error('no CrRendererMain thread with tasks in the trace');
  const longest = best.tasks.reduce((m, t) => Math.max(m, t.tdur ?? t.dur), 0);
  const longestWall = best.tasks.reduce((m, t) => Math.max(m, t.dur), 0);
  const kinds = { script: 0, style: 0, layout: 0, paint: 0 };
  // Outermost events of each kind only (a FunctionCall inside a TimerFire counts once).
  const byKind = {};
  for (const e of best.list) {
    const kind = KINDS[e.name];
    if (e.ph !== 'X' || !kind) continue;
    (byKind[kind] ??= []).push(e);
  }
  for (const [kind, list] of Object.entries(byKind)) {
    kinds[kind] = cpuOf(topLevel(list));
  }
  const commits = best.list.filter((e) => e.name === 'Commit' && e.ph === 'X').length;
  const ms = (us) => us / 1000;
  return {
    busy: (100 * ms(best.cpu)) / windowMs,
    longest: ms(longest),
    longestWall: ms(longestWall),
    tasks: best.tasks.length,
    commitsPerSecond: commits / (windowMs / 1000),
    kinds: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, (100 * ms(v)) / windowMs])),
  };
}

async function measure(browser, baseUrl, fragment, saveAs) {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.addInitScript(() => {
    window.__frames = 0;
    const frame = () => {
      window.__frames += 1;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.goto(baseUrl + fragment);
  await page.locator('#status').waitFor();
  await page.click('#play');
  await page.waitForTimeout(SETTLE_MS);
  let frames = 0;
  let windowMs = 0;
  let virtualBefore = '';
  const { events } = await traced(page, CATEGORIES, async () => {
    virtualBefore = await page.locator('#count-time dd').innerText();
    const f0 = await page.evaluate(() => [window.__frames, performance.now()]);
    await page.waitForTimeout(SECONDS * 1000);
    const f1 = await page.evaluate(() => [window.__frames, performance.now()]);
    frames = f1[0] - f0[0];
    windowMs = f1[1] - f0[1];
  });
  if (saveAs) {
    mkdirSync(SAVE_TRACES, { recursive: true });
    writeFileSync(path.join(SAVE_TRACES, saveAs), JSON.stringify({ traceEvents: events }));
  }
  const status = await page.locator('#status').innerText();
  const virtualAfter = await page.locator('#count-time dd').innerText();
  await context.close();
  if (problems.length) throw new Error(`page errors: ${problems.join('; ')}`);
  if (/complete|stuck/i.test(status)) throw new Error(`the run ended inside the window (${status}): make it longer`);
  return { ...analyse(events, windowMs), fps: frames / (windowMs / 1000), virtual: `${virtualBefore} → ${virtualAfter}` };
}

const range = (xs, unit) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}${unit}`.padEnd(14);

const servers = [];
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
try {
  for (const dist of DISTS) servers.push({ dist, server: await startServer({ root: dist }) });
  const results = new Map(); // `${case}|${dist}` -> [result]
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of CASES) {
      for (const { dist, server } of servers) {
        const label = (path.relative(process.cwd(), dist) || 'dist').replace(/[^\w.-]+/g, '_');
        const saveAs = SAVE_TRACES && `${label}-${c.name.replace(/[^\w]+/g, '_')}-${round}.json`;
        const r = await measure(browser, server.url, c.fragment, saveAs);
        const key = `${c.name}|${dist}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(r);
        console.error(
          `round ${round} ${c.name} ${path.relative(process.cwd(), dist) || '.'}: busy ${r.busy.toFixed(1)}%, longest ${r.longest.toFixed(1)} ms, ${r.fps.toFixed(1)} frames/s (virtual ${r.virtual})`,
        );
      }
    }
  }
  console.log(`\nmedians over ${ROUNDS} round(s) of ${SECONDS} s each (CPU time of the page's main thread), busy and longest also as min–max:`);
  console.log('case           dist                      busy    longest  (wall)   frames/s  commits/s  script  style  layout  paint   busy range     longest range');
  for (const c of CASES) {
    for (const { dist } of servers) {
      const rs = results.get(`${c.name}|${dist}`);
      const m = (f) => median(rs.map(f));
      const name = (path.relative(process.cwd(), dist) || '.').padEnd(24);
      console.log(
        `${c.name.padEnd(14)} ${name} ${m((r) => r.busy).toFixed(1).padStart(5)}%  ${m((r) => r.longest).toFixed(1).padStart(5)} ms (${m((r) => r.longestWall).toFixed(1).padStart(5)})  ${m((r) => r.fps).toFixed(1).padStart(7)}  ${m((r) => r.commitsPerSecond).toFixed(1).padStart(8)}  ${m((r) => r.kinds.script).toFixed(1).padStart(5)}%  ${m((r) => r.kinds.style).toFixed(1).padStart(4)}%  ${m((r) => r.kinds.layout).toFixed(1).padStart(5)}%  ${m((r) => r.kinds.paint).toFixed(1).padStart(4)}%   ${range(rs.map((r) => r.busy), '%')}  ${range(rs.map((r) => r.longest), ' ms')}`,
      );
    }
  }
} finally {
  await browser.close();
  for (const { server } of servers) await server.close();
}
