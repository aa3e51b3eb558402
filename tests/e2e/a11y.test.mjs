// An accessibility scan (axe-core, injected into the page) on every tab, in both languages, and
// in a running, a stuck and a finished state: no serious or critical violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { newPage, outPath, ROOT, startSession, VIEWPORTS } from './browser.mjs';

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

/** The serious and critical violations axe finds on the page as it is now. */
async function scan(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    // An item arriving fades in: judge colours as they settle, not halfway through.
    for (const animation of document.getAnimations()) animation.finish();
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found;
}

for (const lang of ['zh', 'en']) {
  test(`no serious or critical accessibility violation on any tab (${lang})`, async () => {
    const { page, context } = await newPage(session.browser, VIEWPORTS.desktop);
    const seen = {};
    try {
      // Running: the hot dogs playing.
      await page.goto(`${session.baseUrl}#s=hotdog&seed=42&speed=2&lang=${lang}`, { waitUntil: 'load' });
      await page.locator('#play').waitFor({ timeout: 30_000 });
      await page.locator('#play').click();
      await page.waitForTimeout(500);
      seen.running = await scan(page);
      // Stuck: the plain queue run to its end.
      await page.goto(`${session.baseUrl}#s=plain&seed=1&lang=${lang}`, { waitUntil: 'load' });
      await page.reload({ waitUntil: 'load' });
      await page.locator('#run-to-end').click();
      await page.locator('#stuck').waitFor({ timeout: 30_000 });
      seen.stuck = await scan(page);
      // Finished: the termination lab run to its end.
      await page.goto(`${session.baseUrl}#s=termination&seed=1&lang=${lang}`, { waitUntil: 'load' });
      await page.reload({ waitUntil: 'load' });
      await page.locator('#run-to-end').click();
      seen.finished = await scan(page);
      await page.locator('#tab-peak').click();
      await page.locator('#peak').waitFor();
      seen.peak = await scan(page);
      await page.locator('#tab-scraper').click();
      await page.fill('#scraper-fetch-delay', 'const:0ms');
      await page.fill('#scraper-count-delay', 'const:0ms');
      await page.click('#scraper-start');
      await page.locator('#scraper-outcome[data-outcome="completed"]').waitFor({ timeout: 30_000 });
      seen.scraper = await scan(page);
      // The lessons: a question asked, then answered with the run beside it.
      await page.locator('#tab-lessons').click();
      await page.locator('#lesson-title').waitFor({ timeout: 30_000 });
      seen.lesson = await scan(page);
      await page.locator('input[name="lesson-choice"]').first().check();
      await page.locator('#lesson-check').click();
      await page.locator('#lesson-verdict').waitFor();
      seen.lessonAnswered = await scan(page);
      const found = Object.entries(seen).flatMap(([state, violations]) => violations.map((v) => `${state}: ${v}`));
      assert.deepEqual(found, []);
    } catch (err) {
      await page.screenshot({ path: outPath(`a11y-${lang}-failure.png`), fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
}

test('with reduced motion an arriving item fades in instead of moving', async () => {
  const context = await session.browser.newContext({ reducedMotion: 'reduce', viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  try {
    await page.goto(`${session.baseUrl}#s=hotdog&seed=42&speed=1&lang=en`, { waitUntil: 'load' });
    await page.locator('#play').click();
    const chip = page.locator('.stage .chip:not(.making)').first();
    await chip.waitFor({ timeout: 30_000 });
    const names = await page.$$eval('.stage .chip:not(.making)', (chips) =>
      [...new Set(chips.map((c) => getComputedStyle(c).animationName))]);
    assert.deepEqual(names, ['fade-in']);
  } finally {
    await context.close();
  }
});
