// The termination lab on the page: the strategy picker changes the run and its verdict (the
// comparison table marks the current strategy), the stage shows blocked-on badges with the place
// in line, and the kill control loses an item with a joinable queue but not with broker acks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, outPath, settled as controlsSettled, startSession, VIEWPORTS } from './browser.mjs';

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

/** Waits until the lab's results for its settings are shown (the page's worker runs them). */
async function settled(page) {
  await page.locator('#lab-computing').waitFor({ state: 'detached', timeout: 30_000 });
}

/** Opens the lab (two shops, two eaters, seed 42) in English, its results shown. */
async function openLab(page) {
  await page.goto(new URL('#s=termination&seed=42&lang=en', session.baseUrl).href, { waitUntil: 'load' });
  const lab = page.locator('#lab');
  await lab.waitFor({ state: 'attached', timeout: 30_000 });
  await settled(page);
  return lab;
}

async function run(page, name, viewport, body) {
  const { page: p, context, problems } = await newPage(session.browser, viewport);
  try {
    await body(p);
    assert.deepEqual(problems, [], 'no console errors, uncaught exceptions or failed requests');
  } catch (err) {
    await p.screenshot({ path: outPath(`termination-${name}-failure.png`), fullPage: true }).catch(() => {});
    if (problems.length > 0) err.message += `\npage problems:\n  ${problems.join('\n  ')}`;
    throw err;
  } finally {
    await context.close();
  }
}

test('the strategy picker changes the run, its verdict and the highlighted row', async () => {
  await run(null, 'strategy', VIEWPORTS.desktop, async (page) => {
    const lab = await openLab(page);
    assert.match(await lab.locator('#this-run-verdict').innerText(), /every item processed once/);
    assert.equal(await lab.locator('#comparison tbody tr').count(), 7);
    assert.equal(await lab.locator('#comparison tr.current').getAttribute('data-strategy'), 'join-terminate');

    // No signal: the consumers wait forever.
    await lab.locator('label[for="strategy-none"]').click();
    await settled(page);
    assert.equal(await lab.locator('#comparison tr.current').getAttribute('data-strategy'), 'none');
    assert.match(await lab.locator('#this-run-verdict').innerText(), /stuck/);
    assert.match(await lab.locator('#strategy-description').innerText(), /wait in get\(\) forever/);

    // Run it: the stage ends stuck, and both consumers wear their place in the get() line.
    await page.locator('#run-to-end').click();
    await controlsSettled(page);
    await page.locator('#stuck').waitFor();
    const badges = await page.locator('#consumer-lanes .badge.blocked').allInnerTexts();
    assert.deepEqual(badges, ['waits on get() · 1st of 2', 'waits on get() · 2nd of 2']);
    assert.equal(await lab.locator('#lab-waiting .badge.blocked').count(), 2);

    // One sentinel for both eaters: one stops, the other hangs, and main waits for it.
    await lab.locator('label[for="strategy-sentinel-bug"]').click();
    await settled(page);
    assert.match(await lab.locator('#this-run-verdict').innerText(), /stuck/);
    assert.match(await lab.locator('#this-run-summary .diagnosis').innerText(), /Only 1 sentinel\(s\) for 2 consumers/);
    await page.locator('#run-to-end').click();
    await controlsSettled(page);
    await page.locator('#stuck').waitFor();
    assert.deepEqual(await page.locator('#consumer-lanes .badge.blocked').allInnerTexts(), ['waits on get() · 1st of 1']);
    assert.match(await page.locator('.main-lane .badge.blocked').innerText(), /waits on p\.join\(\) \(consumer/);

    // Sentinels, one each: everything processed, the run completes.
    await lab.locator('label[for="strategy-sentinel"]').click();
    await settled(page);
    assert.match(await lab.locator('#this-run-verdict').innerText(), /every item processed once/);
    await page.locator('#run-to-end').click();
    await controlsSettled(page);
    assert.equal(await page.locator('#stuck').count(), 0);
    assert.equal(await page.locator('#count-consumed dd').innerText(), '10');

    await lab.scrollIntoViewIfNeeded();
    await lab.screenshot({ path: outPath('termination-strategy-desktop.png') });
  });
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`the kill control: lost with a joinable queue, redelivered with broker acks (${name})`, async () => {
    await run(null, `kill-${name}`, viewport, async (page) => {
      const lab = await openLab(page);
      await lab.locator('#kill-consumer').selectOption('2');
      await settled(page);
      // Side by side for the same settings: the joinable queue hangs, the broker redelivers.
      assert.match(await lab.locator('#joinable-verdict').innerText(), /stuck/);
      assert.match(await lab.locator('#broker-verdict').innerText(), /every item processed once/);
      assert.match(await lab.locator('#joinable-summary .diagnosis').innerText(), /task_done\(\) is not an acknowledgement/);
      assert.match(await lab.locator('#broker-summary .diagnosis').innerText(), /redelivered to consumer 1: nothing lost/);
      assert.equal(await lab.locator('#item-fates .fate.lost').count(), 1, 'one item lost in this run');
      assert.match(await lab.locator('#pair-joinable').getAttribute('class'), /current/);

      // The run itself: consumer 2 dies mid-item and main waits in q.join() forever.
      await page.locator('#run-to-end').click();
      await controlsSettled(page);
      await page.locator('#stuck').waitFor();
      assert.match(await page.locator('#stuck').innerText(), /main waits on q\.join\(\) forever/);
      assert.equal(await page.locator('#count-unfinished dd').innerText(), '1');

      // Broker acks: this run now completes; nothing is lost.
      await lab.locator('#broker-ack').check();
      await settled(page);
      assert.match(await lab.locator('#pair-broker').getAttribute('class'), /current/);
      assert.match(await lab.locator('#this-run-verdict').innerText(), /every item processed once/);
      assert.equal(await lab.locator('#item-fates .fate.lost').count(), 0);
      await page.locator('#run-to-end').click();
      await controlsSettled(page);
      assert.equal(await page.locator('#stuck').count(), 0);

      // A bad time is reported at its field and changes nothing.
      await lab.locator('#kill-at').fill('soon');
      await settled(page);
      assert.match(await lab.locator('#kill-at-error').innerText(), /unit|单位/);
      assert.equal(await lab.locator('#kill-at').getAttribute('aria-invalid'), 'true');
      assert.match(await lab.locator('#this-run-verdict').innerText(), /every item processed once/);

      // Nobody to kill: the joinable queue completes again.
      await lab.locator('#kill-consumer').selectOption('');
      await settled(page);
      assert.match(await lab.locator('#joinable-verdict').innerText(), /every item processed once/);

      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width, `no horizontal scroll (${width} px)`);
      await lab.scrollIntoViewIfNeeded();
      await lab.screenshot({ path: outPath(`termination-kill-${name}.png`) });
    });
  });
}

test('the two classic mistakes, on a button', async () => {
  await run(null, 'mistakes', VIEWPORTS.desktop, async (page) => {
    const lab = await openLab(page);
    await lab.locator('#mistake-forget').click();
    await settled(page);
    assert.equal(await lab.locator('#mistake-forget').getAttribute('aria-pressed'), 'true');
    assert.match(await lab.locator('#this-run-verdict').innerText(), /stuck/);
    assert.match(await lab.locator('#this-run-summary .diagnosis').innerText(), /forgot task_done\(\).*unfinished count stays at 1/);
    await page.locator('#run-to-end').click();
    await controlsSettled(page);
    assert.equal(await page.locator('#count-unfinished dd').innerText(), '1');

    await lab.locator('#mistake-forget').click();
    await settled(page);
    await lab.locator('#mistake-extra').click();
    await settled(page);
    assert.match(await lab.locator('#this-run-verdict').innerText(), /every item processed once/);
    await page.locator('#run-to-end').click();
    await controlsSettled(page);
    assert.match(await page.locator('#log-lines').innerText(), /task_done\(\) called too many times/);
  });
});

test('a shared link reopens the lab with its strategy, kill and broker settings', async () => {
  await run(null, 'link', VIEWPORTS.desktop, async (page) => {
    const lab = await openLab(page);
    await lab.locator('label[for="strategy-shutdown"]').click();
    await settled(page);
    await lab.locator('#kill-consumer').selectOption('1');
    await settled(page);
    await lab.locator('#kill-at').fill('750ms');
    await settled(page);
    await lab.locator('#broker-ack').check();
    await settled(page);
    await page.waitForFunction(() => location.hash.includes('ack='));
    // The delivery limit: a bad value is reported at its field, a good one
    // travels in the link.
    await lab.locator('#max-deliveries').fill('0');
    await settled(page);
    assert.match(await lab.locator('#max-deliveries-error').innerText(), /1 to 100|1 到 100/);
    assert.equal(await lab.locator('#max-deliveries').getAttribute('aria-invalid'), 'true');
    await lab.locator('#max-deliveries').fill('2');
    await settled(page);
    await page.waitForFunction(() => location.hash.includes('deliveries='));
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /&st=shutdown&kill=1@750ms&ack=1500ms&deliveries=2/);
    const verdict = await lab.locator('#this-run-verdict').innerText();

    const { page: other, context } = await newPage(session.browser, VIEWPORTS.desktop);
    try {
      await other.goto(new URL(hash, session.baseUrl).href, { waitUntil: 'load' });
      const reopened = other.locator('#lab');
      await reopened.waitFor({ state: 'attached', timeout: 30_000 });
      await settled(other);
      assert.ok(await reopened.locator('#strategy-shutdown').isChecked());
      assert.equal(await reopened.locator('#kill-consumer').inputValue(), '1');
      assert.equal(await reopened.locator('#kill-at').inputValue(), '750ms');
      assert.ok(await reopened.locator('#broker-ack').isChecked());
      assert.equal(await reopened.locator('#max-deliveries').inputValue(), '2');
      assert.equal(await reopened.locator('#this-run-verdict').innerText(), verdict);
    } finally {
      await context.close();
    }
  });
});

test('one moment reads the same in the lab, its comparison and the counters', async () => {
  await run(null, 'same-time', VIEWPORTS.desktop, async (page) => {
    const lab = await openLab(page);
    await page.locator('#run-to-end').click();
    await page.locator('#count-time dd').waitFor();
    const counter = (await page.locator('#count-time dd').innerText()).trim();
    assert.match(counter, /^\d+\.\d{3}s$/);
    // join + terminate: the run ends when the consumers are stopped.
    const figures = await lab.locator('#this-run-summary .figures').innerText();
    assert.ok(figures.includes(`consumers stopped\n${counter}`) || figures.includes(`consumers stopped ${counter}`), figures);
    const end = await lab.locator('#comparison tr.current td').nth(8).innerText();
    assert.equal(end.trim(), counter);
  });
});

test('the way of stopping can be changed beside Play, and Play is on the first screen of a phone', async () => {
  await run(null, 'quick-strategy', VIEWPORTS.desktop, async (page) => {
    const lab = await openLab(page);
    const quick = page.locator('.controls #strategy-quick');
    assert.equal(await quick.inputValue(), 'join-terminate');
    await quick.selectOption('none');
    await lab.locator('#comparison tr.current[data-strategy="none"]').waitFor();
    assert.equal(await lab.locator('#strategy-none').isChecked(), true);
    // The lab's own picker moves the quick one too.
    await lab.locator('label[for="strategy-daemon"]').click();
    assert.equal(await quick.inputValue(), 'daemon');
  });
  for (const fragment of ['#lang=zh', '#s=termination&seed=42&lang=en']) {
    await run(null, 'phone-play', VIEWPORTS.mobile, async (page) => {
      await page.goto(new URL(fragment, session.baseUrl).href, { waitUntil: 'load' });
      const play = page.locator('#play');
      await play.waitFor({ timeout: 30_000 });
      const box = await play.boundingBox();
      assert.ok(box.y + box.height <= VIEWPORTS.mobile.height, `${fragment}: Play at ${box.y}px`);
    });
  }
});
