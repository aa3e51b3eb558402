// Stepping both ways: → and the Step button add events, ← and the Back button go to the moment
// before the last event shown (also on the timeline, where the arrows step by events), and the
// narration line says the last event in the log's words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, newPage, startSession, settled } from './browser.mjs';

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});


/** The virtual time shown (ms), the events in the log, and the narration. */
async function shown(page) {
  await settled(page);
  const time = (await page.locator('#count-time dd').innerText()).trim();
  return {
    ms: Math.round(Number(time.replace('s', '')) * 1000),
    lines: await page.locator('#log-lines li').count(),
    // Compared without spaces and colons: the log lays its parts out in columns.
    lastLine: (await page.locator('#log-lines li').last().innerText().catch(() => '')).replace(/[\s:]+/g, ''),
    narration: (await page.locator('#narration').innerText()).replace(/[\s:]+/g, ''),
  };
}

for (const lang of ['en', 'zh']) {
  test(`step forward and back, by buttons and keys, with the last event in words (${lang})`, async () => {
    await guarded(await newPage(session.browser), `steps-${lang}`, async (page) => {
      await page.goto(`${session.baseUrl}#s=hotdog&seed=42&lang=${lang}`);
      await page.locator('#status').waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#step-back').isDisabled(), true, 'nothing to go back to');
      const seen = [];
      for (let i = 0; i < 8; i += 1) {
        await page.click('#step');
        seen.push(await shown(page));
      }
      const last = seen.at(-1);
      assert.ok(last.lines > seen[0].lines);
      // The narration is the newest log line: time, actor and sentence.
      assert.equal(last.narration, last.lastLine);
      assert.equal(await page.locator('#narration').getAttribute('aria-live'), 'polite');

      await page.click('#step-back');
      const back = await shown(page);
      assert.ok(back.lines < last.lines, `${back.lines} < ${last.lines}`);
      assert.ok(back.ms <= last.ms);
      assert.equal(back.narration, back.lastLine);
      // Back lands where stepping had been: a moment already seen.
      assert.ok(seen.some((s) => s.lines === back.lines && s.narration === back.narration) || back.lines === 0,
        JSON.stringify(back));

      // On the timeline the arrows step by events.
      await page.locator('#timeline').focus();
      await page.keyboard.press('ArrowLeft');
      const back2 = await shown(page);
      assert.ok(back2.lines < back.lines || back.lines === 0);
      await page.keyboard.press('ArrowRight');
      const forward = await shown(page);
      assert.ok(forward.lines > back2.lines);
      // And ← anywhere else on the page.
      await page.locator('body').press('ArrowLeft');
      assert.ok((await shown(page)).lines < forward.lines);
    });
  });
}
