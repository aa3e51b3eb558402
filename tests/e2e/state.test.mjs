// The page keeps every part's runs in its own state, above the views: switching tabs back and
// forth keeps a finished scrape, its rows and its replay, and peak shaving's edited run; switching
// language while a run plays keeps the run's moment (nothing starts again from 0).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, openApp, startSession } from './browser.mjs';

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

/** The page at `fragment`, once the app is drawn. */
const open = (fragment, viewport) => openApp(session.browser, session.baseUrl, fragment, viewport);


const rows = (page) =>
  page.$$eval('#scraper-table tbody tr', (trs) =>
    trs.map((tr) => ({ matches: tr.dataset.matches ?? null, state: tr.dataset.state, text: tr.innerText })),
  );

const scraperOutcome = (page, kind) =>
  page.locator(`#scraper-outcome[data-outcome="${kind}"]`).waitFor({ timeout: 30_000 });

/** Seconds of a virtual clock as shown (`1.234s`). */
const seconds = async (locator) => Number.parseFloat((await locator.innerText()).replace('s', ''));

/** Goes to every other tab and back to `id`. */
async function roundTrip(page, id) {
  for (const tab of ['tab-playground', 'tab-peak', 'tab-scraper', 'tab-playground', id]) {
    await page.click(`#${tab}`);
  }
}

test('switching tabs back and forth keeps a finished scrape, its rows and its replay', async () => {
  await guarded(await open('#lang=en'), 'state-tabs', async (page) => {
    await page.click('#tab-scraper');
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.click('#scraper-start');
    await scraperOutcome(page, 'completed');
    const finished = await rows(page);
    assert.deepEqual(finished.map((r) => r.matches), ['1', '0', '12', '5']);
    const time = await page.locator('#scraper-time').innerText();
    const log = await page.locator('#scraper-log').innerText();

    await roundTrip(page, 'tab-scraper');
    await scraperOutcome(page, 'completed');
    assert.deepEqual(await rows(page), finished, 'the same rows, not a new run');
    assert.equal(await page.locator('#scraper-time').innerText(), time);
    assert.equal(await page.locator('#scraper-log').innerText(), log);
    assert.equal(await page.locator('#scraper-fetch-delay').inputValue(), 'const:0ms', 'the form too');
    assert.equal(await page.locator('#scraper-replay').isDisabled(), false, 'the recording is kept');

    // A replay, left while it plays, goes on from where it was; it ends with the same rows.
    await page.selectOption('#scraper-replay-speed', '1');
    await page.click('#scraper-replay');
    await page.waitForFunction(() => Number.parseFloat(document.querySelector('#scraper-time').innerText) > 0.05);
    const replaying = await seconds(page.locator('#scraper-time'));
    await roundTrip(page, 'tab-scraper');
    assert.ok((await seconds(page.locator('#scraper-time'))) >= replaying, 'the replay did not start again');
    await scraperOutcome(page, 'completed');
    assert.deepEqual(await rows(page), finished, 'the replay shows the same rows');

    // Peak shaving keeps its edited settings and their results too.
    await page.click('#tab-peak');
    await page.fill('#peak-workers', '6');
    await page.locator('#peak-computing').waitFor({ state: 'detached', timeout: 30_000 });
    const served = await page.locator('#peak [data-variant="direct"] [data-stat="served"]').innerText();
    await roundTrip(page, 'tab-peak');
    assert.equal(await page.locator('#peak-workers').inputValue(), '6');
    assert.equal(await page.locator('#peak [data-variant="direct"] [data-stat="served"]').innerText(), served);
  });
});

test('switching language while a run plays keeps its moment', async () => {
  await guarded(await open('#s=hotdog&seed=42&lang=en'), 'state-language', async (page) => {
    await page.selectOption('#speed', '0.5');
    await page.click('#play');
    const time = page.locator('#count-time dd');
    await page.waitForFunction(() => Number.parseFloat(document.querySelector('#count-time dd').innerText) >= 0.4);
    const before = {
      time: await seconds(time),
      lines: await page.locator('#log-lines li').count(),
    };
    assert.ok(before.lines > 0, 'some events happened');

    await page.click('.lang-switch button[lang="zh-CN"]');
    await page.locator('#count-produced dt', { hasText: '已生产' }).waitFor();
    const after = {
      time: await seconds(time),
      lines: await page.locator('#log-lines li').count(),
    };
    assert.ok(after.time >= before.time, `the clock went on from ${before.time}s, not back (${after.time}s)`);
    assert.ok(after.lines >= before.lines, 'no event was lost');
    // And it plays on in the new language.
    await page.waitForFunction(
      (t) => Number.parseFloat(document.querySelector('#count-time dd').innerText) > t,
      after.time,
    );

    // The same for a scrape in progress: back in English, its clock goes on from where it was.
    await page.click('#tab-scraper');
    await page.fill('#scraper-fetch-delay', 'const:2s');
    await page.click('#scraper-start');
    const scrapeTime = page.locator('#scraper-time');
    await page.waitForFunction(() => Number.parseFloat(document.querySelector('#scraper-time').innerText) >= 0.3);
    const scraped = await seconds(scrapeTime);
    await page.click('.lang-switch button[lang="en"]');
    await page.locator('#scraper-title', { hasText: 'scraper' }).waitFor();
    assert.ok((await seconds(scrapeTime)) >= scraped, 'the scrape did not start again');
  });
});
