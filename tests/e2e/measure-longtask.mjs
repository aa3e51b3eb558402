// Measures how responsive the page stays while it plays: 20 producers and 20 consumers at 100×
// for a while, with Chromium's long-task timeline (PerformanceObserver 'longtask', tasks over
// 50 ms, with their durations) and the longest gap between animation frames. Not a test (timings
// are not asserted); run it on a built dist/:  node tests/e2e/measure-longtask.mjs [SECONDS]
import { newPage, startSession } from './browser.mjs';

const seconds = Number(process.argv[2] ?? 10);
const FRAGMENT = '#s=custom&seed=1&p=20&c=20&n=4000&cap=0&pd=uniform:0ms..1s&cd=uniform:0ms..1s&speed=100&lang=en';

const session = await startSession();
try {
  const { page, context } = await newPage(session.browser);
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
    window.__maxFrameGap = 0;
    window.__frames = 0;
    let last = 0;
    const frame = (t) => {
      if (last && window.__measuring) {
        window.__maxFrameGap = Math.max(window.__maxFrameGap, t - last);
        window.__frames += 1;
      }
      last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.goto(session.baseUrl + FRAGMENT);
  await page.locator('#status').waitFor();
  // Page load (wasm compile, first render) is not what is measured.
  await page.evaluate(() => {
    window.__longTasks = [];
    window.__measuring = true;
  });
  await page.click('#play');
  await page.waitForTimeout(seconds * 1000);
  await page.click('#play');
  const result = await page.evaluate(() => ({
    longTasks: window.__longTasks,
    maxFrameGap: window.__maxFrameGap,
    frames: window.__frames,
  }));
  const virtual = await page.locator('#count-time dd').innerText();
  const consumed = await page.locator('#count-consumed dd').innerText();
  const longest = result.longTasks.length ? Math.max(...result.longTasks) : 0;
  console.log(`played ${seconds} s at 100x with 20 producers and 20 consumers: virtual time ${virtual}, ${consumed} consumed`);
  console.log(`long tasks (> 50 ms): ${result.longTasks.length}; longest: ${longest.toFixed(1)} ms`);
  console.log(`animation frames: ${result.frames}; longest gap between frames: ${result.maxFrameGap.toFixed(1)} ms`);

  // Run to the end at once: one task that computes the rest of the run.
  await page.evaluate(() => {
    window.__longTasks = [];
  });
  const started = Date.now();
  await page.click('#run-to-end');
  await page.locator('#status', { hasText: 'Completed' }).waitFor({ timeout: 120_000 });
  const wall = Date.now() - started;
  const runTasks = await page.evaluate(() => window.__longTasks);
  const longestRun = runTasks.length ? Math.max(...runTasks) : 0;
  console.log(`run to the end (${await page.locator('#count-consumed dd').innerText()} items): ${wall} ms wall, longest task ${longestRun.toFixed(1)} ms`);
  await context.close();
} finally {
  await session.close();
}
