// The playground in headless Chromium: run hot dogs to the end at top speed, switch language,
// reproduce a run from its shared link, scrub the timeline, export, refuse a bad setting and a
// bad link, and save screenshots at desktop and phone widths (tests/e2e/out/).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { VIEWPORTS, newPage, outPath, startSession, guarded, openApp, settled } from './browser.mjs';

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

const HOTDOG = '#s=hotdog&seed=42&lang=en';

/** The page at `fragment`, once the app is drawn. */
const open = (fragment, viewport) => openApp(session.browser, session.baseUrl, fragment, viewport);

const count = (page, id) => page.locator(`#count-${id} dd`).innerText();


/** Runs to the end and waits for the engine's answer. */
async function toTheEnd(page) {
  await page.click('#run-to-end');
  await settled(page);
}

/** Plays at the top speed until the run is over. */
async function playToTheEnd(page, done = 'Completed') {
  await page.selectOption('#speed', '1000');
  await page.click('#play');
  await page.locator('#status', { hasText: done }).waitFor({ timeout: 30_000 });
}


test('hot dogs run to the end at top speed: 10 made, 10 done, 0 unfinished, the eater terminated', async () => {
  await guarded(await open(HOTDOG), 'hotdog', async (page) => {
    assert.equal(await count(page, 'produced'), '0');
    await playToTheEnd(page);
    assert.equal(await count(page, 'produced'), '10');
    assert.equal(await count(page, 'task-done'), '10');
    assert.equal(await count(page, 'consumed'), '10');
    assert.equal(await count(page, 'unfinished'), '0');
    assert.equal(await count(page, 'in-queue'), '0');
    assert.equal(await page.locator('#consumer-lanes .lane .what').innerText(), 'terminated');
    assert.equal(await page.locator('.steps .step.done').count(), 4, 'p1.join, p2.join, q.join, terminate');
    await page.screenshot({ path: outPath('playground-desktop-en.png'), fullPage: true });
  });
});

test('the language switch changes labels and log lines, and the link remembers it', async () => {
  await guarded(await open(HOTDOG), 'language', async (page) => {
    await toTheEnd(page);
    assert.match(await page.locator('#log-lines').innerText(), /ate Shanghai shop hot dog 1/);
    await page.click('.lang-switch button[lang="zh-CN"]');
    assert.equal(await page.locator('#status').innerText(), '已完成');
    assert.match(await page.locator('#log-lines').innerText(), /消费了上海分店的热狗1/);
    assert.equal(await page.locator('#count-produced dt').innerText(), '已生产');
    assert.match(page.url(), /lang=zh/);
    await page.screenshot({ path: outPath('playground-desktop-zh.png'), fullPage: true });
  });
});

test('a shared link reproduces the run', async () => {
  const first = await open('#s=custom&seed=7&p=3&c=2&n=6&cap=4&pd=exp:200ms&cd=uniform:100ms..600ms&lang=en');
  let link;
  let expected;
  await guarded(first, 'share-source', async (page) => {
    await toTheEnd(page);
    link = await page.locator('#share-url').inputValue();
    assert.equal(link, page.url(), 'the address bar holds the same link');
    expected = {
      log: await page.locator('#log-lines').innerText(),
      time: await count(page, 'time'),
      done: await count(page, 'task-done'),
    };
    assert.equal(expected.done, '18');
  });
  // A fresh browser context, as someone else opening the link.
  const context = await session.browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  try {
    await page.goto(link);
    await page.locator('#status').waitFor();
    assert.equal(await page.locator('#producers').inputValue(), '3');
    assert.equal(await page.locator('#capacity').inputValue(), '4');
    await playToTheEnd(page);
    assert.equal(await count(page, 'time'), expected.time);
    assert.equal(await count(page, 'task-done'), expected.done);
    assert.equal(await page.locator('#log-lines').innerText(), expected.log, 'the same events in the same order');
  } finally {
    await context.close();
  }
});

test('a first visit speaks the browser\'s language; a link typed into the address bar opens', async () => {
  const context = await session.browser.newContext({ viewport: VIEWPORTS.desktop, locale: 'zh-CN' });
  const page = await context.newPage();
  try {
    await page.goto(session.baseUrl);
    await page.locator('#status').waitFor();
    assert.equal(await page.locator('#status').innerText(), '已暂停');
    assert.equal(await page.locator('main').getAttribute('lang'), 'zh-CN');
    assert.match(page.url(), /#s=hotdog&seed=42&.*lang=zh/, 'the link of the default run');
    // A new fragment while the page is open (hashchange) opens that run.
    await page.evaluate(() => {
      location.hash = 's=plain&seed=5&lang=en';
    });
    await page.locator('#status', { hasText: 'Paused' }).waitFor();
    assert.ok(await page.locator('#scenario-plain').isChecked());
    assert.equal(await page.locator('#seed').inputValue(), '5');
  } finally {
    await context.close();
  }
});

test('the timeline shows any moment of a finished run and goes back to the end', async () => {
  await guarded(await open(HOTDOG), 'timeline', async (page) => {
    await toTheEnd(page);
    const end = await count(page, 'time');
    const slider = page.locator('#timeline');
    const max = Number(await slider.getAttribute('max'));
    await slider.fill(String(Math.floor(max / 2)));
    await settled(page);
    const middle = Number(await count(page, 'produced'));
    assert.ok(middle > 0 && middle < 10, `halfway some are made (${middle})`);
    assert.equal(await page.locator('#status').innerText(), 'Paused');
    await slider.fill('0');
    await settled(page);
    assert.equal(await count(page, 'produced'), '0');
    await slider.fill(String(max));
    await settled(page);
    assert.equal(await count(page, 'produced'), '10');
    assert.equal(await count(page, 'time'), end);
    assert.equal(await page.locator('#status').innerText(), 'Completed');
  });
});

test('keys: space plays and pauses, → steps, r resets', async () => {
  await guarded(await open(HOTDOG), 'keys', async (page) => {
    await page.keyboard.press('ArrowRight');
    await settled(page);
    assert.ok((await page.locator('#log-lines li').count()) >= 1);
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#status').innerText(), 'Playing');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#status').innerText(), 'Paused');
    await page.keyboard.press('r');
    await settled(page);
    assert.equal(await count(page, 'time'), '0.000s');
    // In a field, keys are typing: no reset, no step.
    await page.keyboard.press('ArrowRight');
    await settled(page);
    const lines = await page.locator('#log-lines li').count();
    await page.locator('#seed').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('r');
    await page.keyboard.press('ArrowRight');
    await settled(page);
    assert.equal(await page.locator('#seed').inputValue(), '42r');
    assert.match(await page.locator('#seed-error').innerText(), /not a whole number/);
    assert.equal(await page.locator('#log-lines li').count(), lines);
  });
});

test('a bad setting is named at its field and the run does not start', async () => {
  await guarded(await open(HOTDOG), 'validation', async (page) => {
    await page.fill('#consumers', '0');
    assert.equal(await page.locator('#consumers-error').innerText(), '0 is out of range; use 1 to 1000.');
    assert.ok(await page.locator('#play').isDisabled());
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#status').innerText(), 'Paused', 'space cannot start it either');
    await page.fill('#consume-delay-b', '1 minute');
    assert.match(await page.locator('#consume-delay-error').innerText(), /needs a unit/);
    await page.fill('#consumers', '2');
    await page.fill('#consume-delay-b', '1s');
    assert.equal(await page.locator('.field-error').count(), 0);
    await toTheEnd(page);
    // The engine runs in the page's worker: its answer arrives a moment later.
    await page.locator('#status', { hasText: 'Completed' }).waitFor();
    assert.equal(await count(page, 'task-done'), '10');
  });
});

test('a link with bad parts opens the rest and says, as text, what it left out', async () => {
  await guarded(await open('#s=custom&seed=7&c=3&p=<b>2</b>&lang=en'), 'bad-link', async (page) => {
    const notice = await page.locator('.notice').innerText();
    assert.match(notice, /could not be read and were left out/);
    assert.match(notice, /<b>2<\/b>/, 'shown as text');
    assert.equal(await page.locator('.notice b').count(), 0, 'never as markup');
    // The rest of the link is open: its scenario, seed and consumers; producers at their default.
    assert.equal(await page.locator('#scenario-custom').isChecked(), true);
    assert.equal(await page.locator('#seed').inputValue(), '7');
    assert.equal(await page.locator('#consumers').inputValue(), '3');
    assert.equal(await page.locator('#producers').inputValue(), '2');
  });
});

test('a 5,000-character link is quoted short and the page stays as wide as the screen', async () => {
  const long = '9'.repeat(5_000);
  await guarded(await open(`#lang=en&seed=${long}&${'x'.repeat(5_000)}`, VIEWPORTS.mobile), 'long-link', async (page) => {
    const notice = await page.locator('.notice').innerText();
    assert.ok(notice.length < 600, `the notice is ${notice.length} characters`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  });
});

test('a link with only the language opens the same run as the bare address', async () => {
  await guarded(await open('#lang=en'), 'lang-only', async (page) => {
    const seed = await page.locator('#seed').inputValue();
    const bare = await open('');
    try {
      assert.equal(await bare.page.locator('#seed').inputValue(), seed);
    } finally {
      await bare.context.close();
    }
  });
});

test('the plain queue ends stuck and says why', async () => {
  await guarded(await open('#s=plain&seed=1&lang=en'), 'plain', async (page) => {
    await playToTheEnd(page, 'Stuck');
    assert.match(await page.locator('#stuck').innerText(), /waits on get\(\) forever/);
  });
});

test('export downloads the events and summary of the moment shown', async () => {
  await guarded(await open(HOTDOG), 'export', async (page) => {
    await toTheEnd(page);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-events-csv')]);
    assert.equal(csv.suggestedFilename(), 'canteen-hotdog-42-events.csv');
    const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\r\n');
    assert.equal(rows[0], 't_ms,actor,kind,item');
    assert.equal(rows.filter((r) => r.split(',')[2] === 'produce').length, 10);
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const run = JSON.parse(await readFile(await json.path(), 'utf8'));
    assert.equal(run.produced, 10);
    assert.equal(run.outcome, 'completed');
    assert.equal(run.events.length, rows.length - 1, 'the same events in both files');
  });
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`${name} (${viewport.width} px): no horizontal scrolling, screenshots in both themes`, async () => {
    for (const scheme of ['light', 'dark']) {
      const context = await session.browser.newContext({ viewport, colorScheme: scheme });
      const page = await context.newPage();
      try {
        await page.goto(session.baseUrl + '#s=custom&seed=3&p=4&c=2&n=8&cap=5&pd=const:100ms&cd=exp:400ms&lang=zh');
        await page.locator('#status').waitFor();
        await page.selectOption('#speed', '2');
        await page.click('#play');
        await page.locator('#count-produced dd', { hasText: /^[1-9]/ }).waitFor();
        await page.click('#play');
        const [scrollWidth, innerWidth] = await page.evaluate(() => [
          document.documentElement.scrollWidth,
          window.innerWidth,
        ]);
        assert.ok(scrollWidth <= innerWidth, `page ${scrollWidth} px wide in a ${innerWidth} px window`);
        await page.screenshot({ path: outPath(`playground-${name}-${scheme}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    }
  });
}

test('each number field states its limits, and producers × items past the total is refused at items', async () => {
  await guarded(await open('#s=custom&seed=1&lang=en'), 'limits', async (page) => {
    for (const [field, limit] of [['producers', /1 to 1000/], ['consumers', /1 to 1000/], ['items', /at most 10000000/], ['capacity', /at most 1000000/]]) {
      const described = await page.locator(`#${field}`).getAttribute('aria-describedby');
      assert.ok(described?.includes(`${field}-hint`), `${field}: ${described}`);
      assert.match(await page.locator(`#${field}-hint`).innerText(), limit);
    }
    await page.fill('#producers', '1000');
    await page.fill('#items', '10001');
    assert.match(await page.locator('#items-error').innerText(), /producers × items is at most 10000000 \(here 1000 × 10001\)/);
  });
});

test('the tab shown is in the link: reloading from peak shaving or the scraper lands there', async () => {
  await guarded(await open('#lang=en'), 'tab-link', async (page) => {
    for (const [tab, part] of [['#tab-peak', '#peak'], ['#tab-scraper', '#scraper']]) {
      await page.locator(tab).click();
      await page.waitForFunction(() => location.hash.includes('tab='));
      await page.reload();
      await page.locator(part).waitFor({ timeout: 30_000 });
      assert.equal(await page.locator(tab).getAttribute('aria-pressed'), 'true');
    }
  });
});
