// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core
// (no browser download), and the static server over dist/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const DIST = process.env.CANTEEN_DIST ?? path.join(ROOT, 'dist');
export const OUT_DIR = path.join(here, 'out');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Runs as root on these machines (so no sandbox), with no network but loopback.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
};

/** Path for a screenshot or other artefact under tests/e2e/out/ (created on demand). */
export function outPath(name) {
  mkdirSync(OUT_DIR, { recursive: true });
  return path.join(OUT_DIR, name);
}

/**
 * Start the static server over dist/ (or the folder given) and launch Chromium.
 * Resolves to { server, browser, baseUrl, close() }; call close() in an after() hook.
 */
export async function startSession(root = DIST) {
  const server = await startServer({ root });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser,
    baseUrl: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A new page that records console errors, uncaught exceptions and failed requests,
 * so a test can assert that the app loaded cleanly.
 */
export async function newPage(browser, viewport = VIEWPORTS.desktop) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText;
    // A reload or a navigation aborts what is still in flight (the favicon, say): the page
    // did not fail, it was left.
    if (error === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} (${error})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, context, problems };
}

/**
 * Runs `body(page)` on a page from newPage(); fails on console errors, uncaught exceptions or
 * failed requests (unless cleanConsole is false), keeps a full-page screenshot under
 * tests/e2e/out/NAME-failure.png when it fails, and closes the page's context.
 */
export async function guarded(opened, name, body, { cleanConsole = true } = {}) {
  const { page, context, problems } = opened;
  try {
    await body(page);
    if (cleanConsole) {
      assert.deepEqual(problems, [], 'no console errors, uncaught exceptions or failed requests');
    }
  } catch (err) {
    await page.screenshot({ path: outPath(`${name}-failure.png`), fullPage: true }).catch(() => {});
    if (problems.length > 0) err.message += `\npage problems:\n  ${problems.join('\n  ')}`;
    throw err;
  } finally {
    await context.close();
  }
}

/**
 * The link of issue 12's M/M/1 run with `n` items: one producer (exp:10ms), one consumer
 * (exp:9ms), unbounded, seed 7 (as `canteen run custom --seed 7 …` runs it natively).
 */
export const mm1Fragment = (n, lang = 'en') =>
  `#s=custom&seed=7&p=1&c=1&n=${n}&cap=0&pd=exp:10ms&cd=exp:9ms&lang=${lang}`;

/** Waits until the engine (in the page's worker) has answered the last move of the controls. */
export const settled = (page) => page.locator('.controls[aria-busy="false"]').waitFor();

/**
 * A new page at `baseUrl + fragment`, once the app has drawn its controls; as newPage() returns.
 */
export async function openApp(browser, baseUrl, fragment, viewport = VIEWPORTS.desktop) {
  const opened = await newPage(browser, viewport);
  await opened.page.goto(baseUrl + fragment);
  await opened.page.locator('#app-root #status').waitFor({ timeout: 30_000 });
  return opened;
}

/**
 * Chromium trace events (CDP Tracing) of `page`'s browser in the given categories while
 * `during()` runs. Resolves to { events, result } (`result`: what `during` resolved to).
 */
export async function traced(page, categories, during) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: categories, excludedCategories: ['*'] },
  });
  const result = await during();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  return { events, result };
}

/** Top-level tasks of one thread: complete events not nested in another. */
export function topLevel(tasks) {
  tasks.sort((a, b) => a.ts - b.ts);
  const out = [];
  let end = -Infinity;
  for (const t of tasks) {
    if (t.ts >= end) {
      out.push(t);
      end = t.ts + t.dur;
    }
  }
  return out;
}

/** Trace categories enough for each thread's tasks and their CPU time ([`threadTasks`]). */
export const TASK_CATEGORIES = ['toplevel', '__metadata'];

/**
 * The top-level tasks (ThreadControllerImpl::RunTask) of each thread named `name` in a trace,
 * keyed by "pid:tid". A task's CPU time is its `tdur` (thread clock, µs), else its `dur`.
 */
export function threadTasks(events, name) {
  const named = new Set();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === name) named.add(`${e.pid}:${e.tid}`);
  }
  const byThread = new Map();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!named.has(key) || e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask') continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  for (const [key, list] of byThread) byThread.set(key, topLevel(list));
  return byThread;
}

/** CPU time (µs) of tasks: their thread-clock durations. */
export const cpuOf = (tasks) => tasks.reduce((sum, t) => sum + (t.tdur ?? t.dur), 0);
