// What a keyboard reaches: every box that scrolls can take focus (so its content can be scrolled
// without a mouse), and the pickers are radio groups of radios, not lists whose items an
// accessibility scan finds orphaned. Checked on each tab after a run, on a desktop and a phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, outPath, startSession, VIEWPORTS } from './browser.mjs';

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

/** Boxes that scroll now (content larger than the box, overflow auto or scroll) and cannot take focus. */
const unreachableScrollers = (page) =>
  page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const style = getComputedStyle(el);
      const scrollsX = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const scrollsY = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (!(scrollsX || scrollsY)) continue;
      const focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, select, textarea, [tabindex]') !== null;
      if (!focusable) out.push(`${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join('.')}`);
    }
    return out;
  });

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`every box that scrolls takes focus, on each tab after a run (${name})`, async () => {
    const { page, context, problems } = await newPage(session.browser, viewport);
    try {
      await page.goto(`${session.baseUrl}#s=termination&seed=1&lang=zh`, { waitUntil: 'load' });
      await page.locator('#lab').waitFor({ timeout: 30_000 });
      await page.locator('#run-to-end').click();
      assert.deepEqual(await unreachableScrollers(page), [], 'playground and lab');

      await page.locator('#tab-peak').click();
      await page.locator('#peak').waitFor();
      assert.deepEqual(await unreachableScrollers(page), [], 'peak shaving');

      await page.locator('#tab-scraper').click();
      await page.fill('#scraper-fetch-delay', 'const:0ms');
      await page.fill('#scraper-count-delay', 'const:0ms');
      await page.click('#scraper-start');
      await page.locator('#scraper-outcome[data-outcome="completed"]').waitFor({ timeout: 30_000 });
      assert.deepEqual(await unreachableScrollers(page), [], 'scraper');
      assert.deepEqual(problems, []);
    } catch (err) {
      await page.screenshot({ path: outPath(`keyboard-${name}-failure.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
}

test('the scenario and strategy pickers are radio groups of radios, reached with arrow keys', async () => {
  const { page, context } = await newPage(session.browser, VIEWPORTS.desktop);
  try {
    await page.goto(`${session.baseUrl}#s=termination&seed=1&lang=en`, { waitUntil: 'load' });
    await page.locator('#lab').waitFor({ timeout: 30_000 });
    for (const group of await page.locator('[role="radiogroup"]').all()) {
      assert.equal(await group.locator(':scope > li').count(), 0, 'no list items in a radio group');
      assert.ok((await group.locator('input[type="radio"]').count()) >= 4);
    }
    assert.equal(await page.locator('li:not(ul > li, ol > li)').count(), 0, 'no orphaned list item');
    // The checked strategy takes focus by keyboard; an arrow key picks the next one.
    await page.locator('#strategy-join-terminate').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('#comparison tr.current').getAttribute('data-strategy'), 'daemon');
  } finally {
    await context.close();
  }
});
