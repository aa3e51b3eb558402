// The stage's text equivalent (#stage-text), what a screen reader reads of the stage: who works on
// what, who waits on what (and where in its line), what the queue holds, for a known seed and moment
// in both languages. A polite live region while the run plays, whose announcements are rate-limited
// in the run's virtual time (counted over whole runs, fast and slow), and silent while paused (the
// narration reads each step then). - and + step the speed from the keyboard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, openApp, settled, startSession } from './browser.mjs';

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

/** The hot dogs, seed 42, after three events: the same sentences the native tests check. */
const AFTER_THREE = {
  en:
    '0.681s: Working: Shanghai shop making Shanghai shop hot dog 2; Beijing shop making Beijing shop hot dog 1. ' +
    'Waiting: main waits on p.join() (Shanghai shop); consumer 1 waits on get() · 1st of 1. ' +
    'Queue 1 (unbounded): Shanghai shop hot dog 1.',
  zh:
    '0.681s：在工作：上海分店 正在做 上海分店的热狗2；北京分店 正在做 北京分店的热狗1。' +
    '在等待：主进程 等待 p.join() (上海分店)；消费者1 等待 get() · 排第 1 位，共 1 个。' +
    '队列 1（不限容量）：上海分店的热狗1。',
};

for (const lang of ['en', 'zh']) {
  test(`the stage in words: who works, who waits on what, what is queued (${lang})`, async () => {
    const opened = await openApp(session.browser, session.baseUrl, `#s=hotdog&seed=42&lang=${lang}`);
    await guarded(opened, `stage-text-${lang}`, async (page) => {
      for (let i = 0; i < 3; i += 1) {
        await page.click('#step');
        await settled(page);
      }
      const text = page.locator('#stage-text');
      assert.equal(await text.textContent(), AFTER_THREE[lang]);
      assert.equal(await text.getAttribute('aria-live'), 'off', 'paused: the narration speaks');
      assert.equal(await page.locator('section.stage').getAttribute('aria-describedby'), 'stage-text');
      // A step back is read at once too.
      await page.click('#step-back');
      await settled(page);
      const back = await text.textContent();
      assert.notEqual(back, AFTER_THREE[lang]);
      assert.match(back, lang === 'en' ? /Queue 0 \(unbounded\): empty\.$/ : /队列 0（不限容量）：空。$/);
    });
  });
}

/** Plays the hot dogs (seed 42) at `speed` to their end and returns each change of #stage-text. */
async function announcements(page, speed) {
  await page.evaluate(() => {
    const el = document.getElementById('stage-text');
    window.changes = [];
    new MutationObserver(() => window.changes.push({ live: el.getAttribute('aria-live'), text: el.textContent }))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.click('#play');
  await page.locator('#status.completed').waitFor({ timeout: 60_000 });
  await settled(page);
  return page.evaluate(() => window.changes);
}

const seconds = (text) => Number(text.match(/^(\d+\.\d+)s/)[1]);

test('while a run plays, the stage is announced politely and at most every 3 s of real time', async () => {
  // At 1×, the 5.8 s run is announced as it plays, each announcement at least 3 s (of virtual
  // time, at 1×) after the one before, then once more at its end.
  const slow = await openApp(session.browser, session.baseUrl, '#s=hotdog&seed=42&speed=1&lang=en');
  await guarded(slow, 'stage-text-live-1x', async (page) => {
    const changes = await announcements(page, 1);
    const playing = changes.filter((c) => c.live === 'polite');
    assert.ok(playing.length >= 1 && playing.length <= 2, JSON.stringify(changes, null, 1));
    const times = [0, ...playing.map((c) => seconds(c.text))];
    for (let i = 1; i < times.length; i += 1) assert.ok(times[i] - times[i - 1] >= 3, JSON.stringify(times));
    assert.match(changes.at(-1).text, /^5\.806s: Working: nobody\. Waiting: nobody\. Queue 0 \(unbounded\): empty\.$/);
  });
  // At 1000× the whole run lasts a few frames: nothing is read out while it plays, only its end,
  // though it has dozens of events.
  const fast = await openApp(session.browser, session.baseUrl, '#s=hotdog&seed=42&speed=1000&lang=en');
  await guarded(fast, 'stage-text-live-1000x', async (page) => {
    const changes = await announcements(page, 1000);
    assert.equal(changes.filter((c) => c.live === 'polite').length, 0, JSON.stringify(changes, null, 1));
    assert.ok(changes.length <= 2, JSON.stringify(changes, null, 1));
    assert.match(changes.at(-1).text, /^5\.806s: Working: nobody\./);
    assert.ok((await page.locator('#log-lines li').count()) > 40, 'dozens of events');
  });
});

test('- and + step the speed from the keyboard, as the keys hint says', async () => {
  const opened = await openApp(session.browser, session.baseUrl, '#s=hotdog&seed=42&speed=1&lang=en');
  await guarded(opened, 'speed-keys', async (page) => {
    await page.locator('body').press('+');
    assert.equal(await page.locator('#speed').inputValue(), '2');
    await page.locator('body').press('-');
    await page.locator('body').press('-');
    assert.equal(await page.locator('#speed').inputValue(), '0.5');
    assert.match(await page.locator('#timeline-hint').innerText(), /- \/ \+ slower\/faster/);
  });
});
