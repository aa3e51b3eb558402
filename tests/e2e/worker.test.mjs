// The playground's engine in its Web Worker: a run to the end of a large run shows its
// progress, answers a click while it computes, and can be cancelled; a run to the end
// completes with the counts the engine gives natively. No timings are asserted: only
// that progress advances and that a click is handled before the run ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, mm1Fragment as mm1, openApp, outPath, startSession } from './browser.mjs';

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

/** The page at `fragment`, once the app is drawn. */
const open = (fragment, viewport) => openApp(session.browser, session.baseUrl, fragment, viewport);


const count = (page, id) => page.locator(`#count-${id} dd`).innerText();
const progressValue = (page) =>
  page.locator('#progress-bar').evaluate((bar) => Number(bar.value));

test('a run to the end of 10M items shows progress, answers clicks and can be cancelled', async () => {
  await guarded(await open(mm1(10_000_000)), 'worker-cancel', async (page) => {
    await page.click('#run-to-end');
    const bar = page.locator('#progress-bar');
    await bar.waitFor({ timeout: 30_000 });
    const first = await progressValue(page);
    // Progress advances while the page stays usable.
    await page.waitForFunction(
      (before) => Number(document.querySelector('#progress-bar')?.value) > before,
      first,
      { timeout: 60_000 },
    );
    assert.match(await page.locator('#progress-text').innerText(), /of 10000000 items done/);
    // A click is handled while the engine computes: switch the language and back.
    await page.click('button[lang="zh-CN"]');
    await page.locator('#progress-text', { hasText: '已完成' }).waitFor({ timeout: 10_000 });
    assert.ok(await bar.isVisible(), 'still computing after the click was handled');
    await page.click('button[lang="en"]');
    await page.locator('#progress-text', { hasText: 'items done' }).waitFor({ timeout: 10_000 });
    // The page scrolls.
    await page.mouse.wheel(0, 600);
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 10_000 });
    const before = await progressValue(page);
    await page.click('#cancel');
    await bar.waitFor({ state: 'detached', timeout: 30_000 });
    // It stopped where it got to: some items, far from all, paused, and the timeline reaches it.
    const consumed = Number(await count(page, 'consumed'));
    assert.ok(consumed >= before && consumed < 10_000_000, `consumed ${consumed}`);
    assert.equal(await page.locator('#status').innerText(), 'Paused');
    assert.notEqual(await page.locator('#timeline').getAttribute('max'), '0');
    await page.screenshot({ path: outPath('worker-cancelled.png'), fullPage: false });
  });
});

test('a run to the end in the worker completes with every item consumed', async () => {
  await guarded(await open(mm1(200_000)), 'worker-complete', async (page) => {
    await page.click('#run-to-end');
    await page.locator('#status', { hasText: 'Completed' }).waitFor({ timeout: 120_000 });
    assert.equal(await count(page, 'produced'), '200000');
    assert.equal(await count(page, 'consumed'), '200000');
    assert.equal(await page.locator('#progress-bar').count(), 0, 'no progress once done');
    // Scrub back into the run: the worker brings it there.
    await page.locator('#timeline').fill('1000');
    await page.locator('#timeline-position', { hasText: /^1\.000s/ }).waitFor({ timeout: 30_000 });
    assert.ok(Number(await count(page, 'consumed')) < 200000);
  });
});
