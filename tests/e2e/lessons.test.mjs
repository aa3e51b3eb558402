// The Lessons tab (issue 13 §1), walked as a learner would, in each language: every lesson in
// order, each question answered before its run — some right, one close, some wrong, one by
// keyboard — with the feedback checked (the prediction beside the run's answer, why), the jump to
// the deciding moment checked against the time the verdict names, a bad estimate and a missing
// choice refused at the field, progress that survives a reload, and a new seed asking anew.
//
// The answers for seed 42 are those of the runs (`canteen lesson N --seed 42`); the native tests
// check, for several seeds, that the page marks right exactly the run's answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, newPage, outPath, startSession, VIEWPORTS } from './browser.mjs';

let session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

// Seed 42: a choice's place (from 0) or an estimate; `mark` is how the walk answers it.
const WALK = [
  { n: 1, choice: 1, mark: 'right', keyboard: true },
  { n: 2, number: 5, mark: 'right' },
  { n: 3, number: 9, mark: 'wrong', answer: 3 },
  { n: 4, choice: 1, mark: 'right' },
  { n: 5, choice: 1, mark: 'right' },
  { n: 6, choice: 0, mark: 'right' },
  { n: 7, choice: 0, mark: 'wrong', answer: 1 },
  { n: 8, number: 1, mark: 'close', answer: 0 },
  { n: 9, choice: 1, mark: 'right' },
  { n: 10, number: 100, mark: 'wrong', answer: 504 },
];

const WORDS = {
  en: {
    right: /^Right: /,
    close: /^Close: the run says 0, 1 off/,
    wrong: /^Not this time: the run says /,
    said: 'Your prediction: ',
    notWhole: "'abc' is not a whole number.",
    pickOne: 'Pick one of the answers first',
    marks: { right: 'answered right', close: 'close', wrong: 'not right' },
    first: 'Two speeds, one place between them',
  },
  zh: {
    right: /^答对了：/,
    close: /^很接近：运行的答案是 0，差 1/,
    wrong: /^不对：运行的答案是 /,
    said: '你的预测：',
    notWhole: '“abc”不是整数。',
    pickOne: '请先选一个答案',
    marks: { right: '答对了', close: '很接近', wrong: '答错了' },
    first: '快慢不同的两方，中间只有一个位置',
  },
};

/** The time a verdict names as deciding, as the counters write it (`12.345s`). */
function decidedAt(verdict) {
  const found = verdict.match(/(\d+\.\d{3}s)/);
  assert.ok(found, `a deciding moment in '${verdict}'`);
  return found[1];
}

for (const lang of ['en', 'zh']) {
  test(`the whole path of lessons, answered before each run (${lang})`, async () => {
    const words = WORDS[lang];
    await guarded(await newPage(session.browser, VIEWPORTS.desktop), `lessons-${lang}`, async (page) => {
      await page.goto(`${session.baseUrl}#seed=42&lang=${lang}&tab=lessons&lesson=1`);
      const title = page.locator('#lesson-title');
      await title.waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#tab-lessons').getAttribute('aria-pressed'), 'true');
      const links = page.locator('.lesson-list li a');
      assert.equal(await links.count(), 10);
      assert.equal(await title.innerText(), words.first);

      for (const step of WALK) {
        // "Next" is a link: the address changes before the page shows the lesson it names,
        // so wait for the page to show it (its title, as the list's current link names it).
        await page.waitForFunction((n) => {
          const current = document.querySelectorAll('.lesson-list li a')[n - 1];
          const shown = document.querySelector('#lesson-title');
          return location.hash.endsWith(`lesson=${n}`) && current?.getAttribute('aria-current') === 'step'
            && shown !== null && current.innerText.startsWith(shown.innerText);
        }, step.n);
        // The lesson shows its place, its title (the list's current link) and its question,
        // and nothing of the run's answer yet.
        const heading = await title.innerText();
        assert.ok((await links.nth(step.n - 1).innerText()).startsWith(heading), heading);
        assert.equal(await links.nth(step.n - 1).getAttribute('aria-current'), 'step');
        assert.match(await page.locator('.lesson-place .hint').innerText(), new RegExp(`${step.n}.*42`));
        assert.equal(await page.locator('#lesson-verdict').count(), 0, `lesson ${step.n}: no answer before the run`);
        assert.equal(await page.locator('#play').count(), 0, 'no controls before the answer');

        if (step.number !== undefined) {
          // A bad estimate is said at its field, in the page's language, and nothing is checked.
          await page.fill('#lesson-estimate', 'abc');
          await page.click('#lesson-check');
          assert.equal(await page.locator('#lesson-estimate-error').innerText(), words.notWhole);
          assert.equal(await page.locator('#lesson-estimate').getAttribute('aria-invalid'), 'true');
          assert.equal(await page.locator('#lesson-verdict').count(), 0);
          await page.fill('#lesson-estimate', String(step.number));
          assert.equal(await page.locator('#lesson-estimate-error').count(), 0, 'typing clears it');
          await page.click('#lesson-check');
        } else {
          const choices = page.locator('input[name="lesson-choice"]');
          assert.ok((await choices.count()) >= 2);
          if (step.keyboard) {
            // By keyboard: Check without a choice says so; the arrows pick, Tab reaches Check.
            await page.locator('#lesson-check').focus();
            await page.keyboard.press('Enter');
            assert.equal(await page.locator('#lesson-choice-error').innerText(), words.pickOne);
            await choices.nth(0).focus();
            await page.keyboard.press('Space');
            for (let i = 0; i < step.choice; i += 1) await page.keyboard.press('ArrowDown');
            assert.ok(await choices.nth(step.choice).isChecked());
            await page.keyboard.press('Tab');
            assert.equal(await page.evaluate(() => document.activeElement?.id), 'lesson-check');
            await page.keyboard.press('Enter');
          } else {
            await choices.nth(step.choice).check();
            await page.click('#lesson-check');
          }
        }

        // The prediction beside what the run says, and why.
        const verdict = page.locator('#lesson-verdict');
        await verdict.waitFor();
        const said = await verdict.innerText();
        assert.match(said, words[step.mark], `lesson ${step.n}: ${said}`);
        assert.match(await verdict.getAttribute('class'), new RegExp(step.mark));
        const prediction = await page.locator('#lesson-prediction').innerText();
        assert.ok(prediction.startsWith(words.said), prediction);
        if (step.number !== undefined) assert.equal(prediction, `${words.said}${step.number}`);
        if (step.answer !== undefined) {
          // The run's answer, as the question words it.
          const answer = step.number !== undefined
            ? String(step.answer)
            : (await page.locator('label.choice').nth(step.answer).innerText()).trim();
          assert.ok(said.includes(answer), `'${said}' names '${answer}'`);
        }
        assert.ok((await page.locator('#lesson-why').innerText()).length > 10);
        // Answered: the choices are fixed, the list marks it.
        assert.match(await links.nth(step.n - 1).innerText(), new RegExp(words.marks[step.mark]));

        if (step.n < 10) {
          // The run is the playground's, on the same stage and counters; the jump shows the
          // moment the verdict names.
          await page.locator('#play').waitFor();
          await page.locator('#lesson-jump').click();
          const at = decidedAt(said);
          await page.waitForFunction(
            (t) => document.querySelector('#count-time dd')?.textContent === t,
            at,
            { timeout: 30_000 },
          );
          await page.locator('.lesson-result a.button').click();
        } else {
          // Peak shaving's lesson shows the peak tab's lab, with the rejections counted.
          const lab = page.locator('#peak');
          await lab.waitFor();
          await lab.locator('[data-variant="direct"] [data-stat="rejected"]').waitFor({ timeout: 30_000 });
          assert.equal((await lab.locator('[data-variant="direct"] [data-stat="rejected"]').innerText()).trim(), '504');
          assert.equal(await page.locator('#lesson-jump').count(), 0, 'no timeline to jump on');
        }
      }

      // Progress and answers are kept in the browser, and survive a reload.
      const kept = await page.evaluate(() => localStorage.getItem('canteen-lessons'));
      assert.match(kept, /^1:42:c1:r,2:42:e5:r,3:42:e9:w,/);
      await page.reload();
      await title.waitFor({ timeout: 30_000 });
      for (const step of WALK) {
        const text = await links.nth(step.n - 1).innerText();
        assert.ok(text.includes(words.marks[step.mark]), `lesson ${step.n} after a reload: ${text}`);
      }
      assert.match(await page.locator('#lesson-verdict').innerText(), words.wrong, 'the answer is shown again');
      assert.equal(await page.inputValue('#lesson-estimate'), '100');

      // Answer again: the question is asked anew.
      await page.click('#lesson-again');
      assert.equal(await page.locator('#lesson-verdict').count(), 0);
      await page.fill('#lesson-estimate', '504');
      await page.click('#lesson-check');
      assert.match(await page.locator('#lesson-verdict').innerText(), words.right);

      // A new seed: the same lesson, asked anew for a run of that seed.
      await links.nth(1).click();
      await page.waitForFunction(() => location.hash.endsWith('lesson=2'));
      await page.locator('#lesson-verdict').waitFor();
      await page.click('#lesson-seed');
      await page.waitForFunction(() => !location.hash.startsWith('#seed=42&'));
      await title.waitFor();
      assert.equal(await page.locator('#lesson-verdict').count(), 0, 'another seed: not answered yet');
      const seed = await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('seed'));
      assert.notEqual(seed, '42');
      const place = await page.locator('.lesson-place .hint').innerText();
      assert.ok(place.endsWith(` ${seed}`), `${place} names seed ${seed}`);
    });
  });
}

test('a lesson opened by its link on a phone keeps the question above the run', async () => {
  await guarded(await newPage(session.browser, VIEWPORTS.mobile), 'lessons-phone', async (page) => {
    await page.goto(`${session.baseUrl}#seed=42&lang=en&tab=lessons&lesson=5`);
    await page.locator('#lesson-title').waitFor({ timeout: 30_000 });
    const lesson = await page.locator('#lesson').boundingBox();
    const stage = await page.locator('.stage').boundingBox();
    const list = await page.locator('.lesson-list').boundingBox();
    assert.ok(lesson.y < stage.y && stage.y < list.y, 'lesson, then its run, then the list');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    await page.screenshot({ path: outPath('lessons-phone.png'), fullPage: true });
  });
});
