// The page watching a live run (issue 14 §3): `canteen live hotdog --serve` (embedded
// redis-server, a small --time-scale) serves dist/ on 127.0.0.1 and streams the run; the page
// opened at the address it prints shows the Live badge and its counters reach the run's end
// (10 items made, consumed and done). Needs redis-server (scripts/setup.sh) and builds the
// canteen binary (cargo, debug) if needed. No timings are asserted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DIST, ROOT, guarded, newPage, outPath } from './browser.mjs';

let browser;
let live;
/** The address canteen live printed (the first test starts it). */
let served;

/** The canteen binary (CANTEEN_BIN, or cargo's debug build, built now). */
function canteenBinary() {
  if (process.env.CANTEEN_BIN) return process.env.CANTEEN_BIN;
  const built = spawnSync('cargo', ['build', '--quiet', '--bin', 'canteen'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(built.status, 0, 'cargo build --bin canteen');
  return path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'debug', 'canteen');
}

/** Starts `canteen live ARGS --serve` in dist/'s parent; resolves to the address it prints. */
function startLive(args) {
  const child = spawn(canteenBinary(), ['live', ...args, '--serve'], {
    cwd: path.dirname(DIST),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  live = child;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no address printed:\n${out}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const address = out.match(/http:\/\/127\.0\.0\.1:\d+\/\S*/);
      if (address) {
        clearTimeout(timer);
        resolve(address[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`canteen live exited (${code}):\n${out}`)));
  });
}

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  live?.kill();
  await browser?.close();
});

test('the page served by canteen live --serve shows the Live badge and the run to its end', async () => {
  // 0.5 real seconds per second of the scenario: the run lasts a few seconds.
  const address = await startLive(['hotdog', '--seed', '42', '--time-scale', '0.5', '--lang', 'en']);
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/\?live#s=hotdog&seed=42&/);
  served = address;
  const opened = await newPage(browser);
  await guarded(opened, 'live', async (page) => {
    await page.goto(address);
    await page.locator('.live-badge').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.live-badge').innerText(), 'Live');
    const count = (id) => page.locator(`#count-${id} dd`).innerText();
    // The real run's counters reach its end: every item made, consumed and done.
    await page.waitForFunction(
      () => document.querySelector('#count-task-done dd')?.textContent === '10',
      null,
      { timeout: 60_000 },
    );
    assert.equal(await count('produced'), '10');
    assert.equal(await count('consumed'), '10');
    assert.equal(await count('in-queue'), '0');
    // The simulation's prediction for the same settings, beside the real run.
    assert.match(
      await page.locator('.live-prediction').innerText(),
      /^The simulation predicts: ends at \S+ \(completed\), 10 consumed$/,
    );
    // The controls do not move the real run shown.
    assert.ok(await page.locator('#play').isDisabled(), 'play is disabled');
    assert.ok(await page.locator('#run-to-end').isDisabled(), 'run to the end is disabled');
    assert.ok(await page.locator('#reset').isDisabled(), 'reset is disabled');
    await page.keyboard.press('r');
    assert.equal(await count('task-done'), '10');
    // The log shows the real run's lines.
    assert.ok((await page.locator('.log li, .log tr, .log p').count()) > 0, 'log lines');
    await page.screenshot({ path: outPath('live-end.png') });
  });
});

test('the static page (no ?live) shows no Live badge and asks for no stream', async () => {
  assert.ok(served, 'the first test started canteen live');
  const opened = await newPage(browser);
  await guarded(opened, 'live-static', async (page) => {
    const streams = [];
    page.on('request', (req) => {
      if (req.url().includes('/live/')) streams.push(req.url());
    });
    await page.goto(served.replace('?live', ''));
    await page.locator('#app-root #status').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.live-badge').count(), 0);
    assert.deepEqual(streams, []);
  });
});
