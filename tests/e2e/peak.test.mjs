// Peak shaving on the page: the flash-sale preset shows rejections in the direct variant and
// none (or fewer) in the queued one, states the trade-off, and a bad field gets its own message.
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

/** The number shown for a figure (`data-stat`) of a variant (`direct` or `queued`). */
async function stat(lab, variant, key) {
  const text = await lab.locator(`[data-variant="${variant}"] [data-stat="${key}"]`).innerText();
  const value = Number(text.trim());
  assert.ok(Number.isInteger(value), `${variant} ${key} is a count: '${text}'`);
  return value;
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`flash sale: direct rejects, the queue does not (${name})`, async () => {
    const { page, context, problems } = await newPage(session.browser, viewport);
    try {
      await page.goto(session.baseUrl, { waitUntil: 'load' });
      await page.locator('.lang-switch button[lang="en"]').click();
      await page.locator('#tab-peak').click();
      const lab = page.locator('#peak');
      await lab.waitFor({ state: 'attached', timeout: 30_000 });
      await lab.locator('#peak-preset-flash-sale').click();
      assert.equal(await lab.locator('#peak-preset-flash-sale').getAttribute('aria-pressed'), 'true');
      // The page's worker runs it: "computing…" until the report arrives.
      await lab.locator('#peak-computing').waitFor({ state: 'detached', timeout: 30_000 });

      const arrivals = await stat(lab, 'direct', 'arrivals');
      assert.equal(await stat(lab, 'queued', 'arrivals'), arrivals, 'the same arrivals on both sides');
      const rejected = await stat(lab, 'direct', 'rejected');
      const dropped = await stat(lab, 'queued', 'dropped');
      assert.ok(rejected > 0, `direct rejected ${rejected}`);
      assert.ok(dropped < rejected, `queued dropped ${dropped}, direct rejected ${rejected}`);
      assert.equal(await stat(lab, 'queued', 'served'), arrivals - dropped);

      // The trade-off is said plainly, and both sides draw their charts.
      assert.match(await lab.locator('#peak-plainly').innerText(), /turns rejections into waiting/);
      assert.equal(await lab.locator('[data-variant] svg').count(), 4);
      assert.match(await lab.locator('.peak-warning').first().innerText(), /ρ = 3\.00 ≥ 1/);

      await lab.scrollIntoViewIfNeeded();
      await lab.screenshot({ path: outPath(`peak-flash-sale-${name}.png`) });
      assert.deepEqual(problems, [], 'no console errors, uncaught exceptions or failed requests');
    } catch (err) {
      await page.screenshot({ path: outPath(`peak-${name}-failure.png`), fullPage: true }).catch(() => {});
      if (problems.length > 0) err.message += `\npage problems:\n  ${problems.join('\n  ')}`;
      throw err;
    } finally {
      await context.close();
    }
  });
}

test('steady traffic shows the M/M/c theory; a bad field says what is wrong', async () => {
  const { page, context, problems } = await newPage(session.browser);
  try {
    await page.goto(session.baseUrl, { waitUntil: 'load' });
    await page.locator('.lang-switch button[lang="en"]').click();
    await page.locator('#tab-peak').click();
    const lab = page.locator('#peak');
    await lab.waitFor({ state: 'attached', timeout: 30_000 });
    await lab.locator('#peak-preset-steady').click();
    const table = lab.locator('.peak-theory-table');
    await table.waitFor();
    assert.match(await table.innerText(), /M\/M\/4\/1004/);
    await lab.locator('#peak-theory').screenshot({ path: outPath('peak-theory.png') });

    const workers = lab.locator('#peak-workers');
    await workers.fill('0');
    const error = lab.locator('#peak-workers-error');
    await error.waitFor();
    assert.match(await error.innerText(), /use 1 to 1000 workers/);
    assert.equal(await workers.getAttribute('aria-invalid'), 'true');
    assert.equal(await lab.locator('[data-variant]').count(), 0, 'no results for invalid settings');
    await workers.fill('4');
    await lab.locator('[data-variant="direct"]').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`the results show when the tab opens, and the settings say they rerun at once (${name})`, async () => {
    const { page, context, problems } = await newPage(session.browser, viewport);
    try {
      await page.goto(`${session.baseUrl}#lang=zh`, { waitUntil: 'load' });
      await page.locator('#tab-peak').click();
      const lab = page.locator('#peak');
      const rejected = lab.locator('[data-variant="direct"] [data-stat="rejected"]');
      await rejected.waitFor({ timeout: 30_000 });
      const box = await rejected.boundingBox();
      assert.ok(box.y + box.height <= viewport.height, `the first result is at ${box.y}px, below the fold`);
      // The subtitle does not repeat the title's 削峰.
      const title = await lab.locator('#peak-title').innerText();
      const subtitle = await lab.locator('.subtitle').first().innerText();
      assert.ok(!subtitle.startsWith(title.split('：')[0]), `${title} / ${subtitle}`);
      assert.match(await lab.locator('.peak-form').innerText(), /立即重新运行/);
      const seed = await lab.locator('#peak-seed').boundingBox();
      assert.ok(seed.width <= 260, `the seed field is ${seed.width}px wide`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the tab and its settings are in the link: a reload keeps them; a bad one is named, the rest kept', async () => {
  const { page, context, problems } = await newPage(session.browser);
  try {
    await page.goto(`${session.baseUrl}#lang=en`, { waitUntil: 'load' });
    await page.locator('#tab-peak').click();
    const lab = page.locator('#peak');
    await lab.locator('#peak-preset-two-bursts').click();
    await lab.locator('#peak-seed').fill('7');
    await lab.locator('#peak-workers').fill('6');
    await lab.locator('#peak-bursts').fill('5s,2s,90; 20s,3s,150');
    await lab.locator('#peak-overload').check();
    await lab.locator('[data-variant="direct"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => location.hash.includes('pk-over=1'));
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /&tab=peak-shaving&pk-preset=two-bursts&pk-seed=7&pk-bursts=5s,2s,90;%2020s,3s,150&pk-workers=6&pk-over=1/);
    const shown = async () => ({
      preset: await lab.locator('#peak-preset-two-bursts').getAttribute('aria-pressed'),
      seed: await lab.locator('#peak-seed').inputValue(),
      workers: await lab.locator('#peak-workers').inputValue(),
      bursts: await lab.locator('#peak-bursts').inputValue(),
      overload: await lab.locator('#peak-overload').isChecked(),
    });
    const before = await shown();
    const rejected = await lab.locator('[data-variant="direct"] [data-stat="rejected"]').innerText();
    await page.reload({ waitUntil: 'load' });
    await lab.locator('[data-variant="direct"]').waitFor({ timeout: 30_000 });
    assert.deepEqual(await shown(), before);
    assert.deepEqual(before, { preset: 'true', seed: '7', workers: '6', bursts: '5s,2s,90; 20s,3s,150', overload: true });
    assert.equal(await lab.locator('[data-variant="direct"] [data-stat="rejected"]').innerText(), rejected, 'the same run');
    assert.equal(await page.locator('.notice').count(), 0);

    // A link with a bad value: it is named (its text shortened), the valid ones are kept.
    // (Opened as the address bar opens it: no reload, which would load the page's own link, rewritten
    // without the bad parts.)
    await page.goto(`${session.baseUrl}#lang=en&tab=peak-shaving&pk-workers=lots&pk-rate=12&pk-dur=${'9'.repeat(3000)}s`);
    await lab.locator('[data-variant="direct"]').waitFor({ timeout: 30_000 });
    const notice = await page.locator('.notice').innerText();
    assert.match(notice, /pk-workers 'lots' cannot be used/);
    assert.match(notice, /pk-dur '9{40}…'/);
    assert.ok(notice.length < 600, `the notice is ${notice.length} characters`);
    assert.equal(await lab.locator('#peak-base-rate').inputValue(), '12');
    assert.equal(await lab.locator('#peak-workers').inputValue(), '4', 'the preset\'s');
    assert.deepEqual(problems, []);
  } catch (err) {
    await page.screenshot({ path: outPath('peak-link-failure.png'), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
});
