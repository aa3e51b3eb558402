// The whole page in one language at a time. The walk visits every part of the page: each
// scenario of the playground (opened, stepped, playing, run to its end, scrubbed), the
// termination lab with each strategy and each failure option, every kind of bad value in every
// field of every form (settings, lab, peak shaving, scraper) and in links, peak shaving with its
// presets, and the scraper run, stuck, stopped, replayed and over faulty URLs. At each state it
// reads what is shown: the visible text, the title / aria-label / placeholder / alt of visible
// elements, and the document's title. On the 中文 page a Latin-script word must be code, a unit,
// a URL, something the test typed, or on the short list in language-allowlist.mjs; on the English
// page, Chinese must be on that list. The failure lists every word with the states it showed in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { outPath, startSession, VIEWPORTS } from './browser.mjs';
import { CODE_CALL, HAN_WORDS, LATIN_SHAPES, LATIN_WORDS } from './language-allowlist.mjs';

let session;
let other; // a second origin for the scraper's faults

before(async () => {
  session = await startSession();
  other = await startOtherOrigin();
});

after(async () => {
  await other?.close();
  await session?.close();
});

/** A server on another port, so another origin: no CORS, an answer that never comes, an image, 6 MB. */
async function startOtherOrigin() {
  const hanging = new Set();
  const cors = { 'Access-Control-Allow-Origin': '*' };
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/no-cors.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<img src=//a.example/x.png width=1>');
    } else if (pathname === '/hang') {
      hanging.add(res);
    } else if (pathname === '/image.png') {
      res.writeHead(200, { 'Content-Type': 'image/png', ...cors }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
    } else if (pathname === '/big.txt') {
      const body = Buffer.alloc(6 * 1024 * 1024, 'a');
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length, ...cors }).end(body);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...cors }).end('Not Found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---- reading the page --------------------------------------------------------------------------

/**
 * Everything shown, as strings: visible text nodes (an <option> counts when its <select> is
 * visible; an SVG <title> when its parent is), the labelling attributes of visible elements,
 * and the document's title. With `skipCode`, text inside <pre> and <code> is left out.
 */
function shownTexts(skipCode) {
  const visible = (el) => el.checkVisibility({ visibilityProperty: true });
  const isCode = (el) => skipCode && el.closest('pre, code') !== null;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.nodeValue.trim() || el === null || el.closest('script, style, noscript, template') || isCode(el)) {
      continue;
    }
    const shownBy = el.closest('select') ?? (el.closest('svg title') ? el.closest('svg title').parentElement : el);
    if (shownBy !== null && visible(shownBy)) texts.push(node.nodeValue);
  }
  const attributes = ['title', 'aria-label', 'placeholder', 'alt', 'aria-valuetext', 'aria-description'];
  for (const el of document.body.querySelectorAll(attributes.map((a) => `[${a}]`).join(', '))) {
    if (!visible(el) || isCode(el)) continue;
    for (const a of attributes) {
      const value = el.getAttribute(a);
      if (value?.trim()) texts.push(value);
    }
  }
  texts.push(document.title);
  return texts;
}

// Chinese characters and Chinese punctuation (CJK symbols, full-width forms).
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+/gu;
const SEPARATORS = /[\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef·—–…→←↔×≥≤]+/u;

/** The words of `text`, without the punctuation around them. */
const wordsOf = (text) => text.split(SEPARATORS).map(trimToken).filter((word) => word !== '');

/** A word without the punctuation around it: brackets only when unbalanced or around it all. */
function trimToken(token) {
  let t = token;
  for (let before = ''; before !== t; ) {
    before = t;
    t = t.replace(/^["'“‘«,;:!?]+|["'”’»,.;:!?]+$/gu, '');
    const open = (t.match(/\(/g) ?? []).length;
    const close = (t.match(/\)/g) ?? []).length;
    if (t.startsWith('(') && !t.startsWith('(?') && t.indexOf(')') === t.length - 1 && open === 1) t = t.slice(1, -1);
    if (t.startsWith('(') && open > close) t = t.slice(1);
    if (t.endsWith(')') && close > open) t = t.slice(0, -1);
    if (t.startsWith('[') && !t.includes(']')) t = t.slice(1);
    if (t.endsWith(']') && !t.includes('[')) t = t.slice(0, -1);
  }
  return t;
}

/** Which allowlist entry lets `word` through on the 中文 page, or null for a leak. */
function latinAllowedBy(word, typed) {
  if (!/[A-Za-z]/.test(word)) return 'not Latin';
  if (LATIN_WORDS.has(word)) return word;
  const shape = LATIN_SHAPES.find(([re]) => re.test(word));
  if (shape) return shape[1];
  // An echo of a value the test typed, quoted back in its message.
  if (typed.has(word)) return 'typed';
  return null;
}

/** The Latin-script words in `text` that the 中文 page may not show; notes what let others through. */
function latinLeaks(text, typed, used) {
  const leaks = [];
  for (const word of wordsOf(text.replace(CODE_CALL, ' '))) {
    const by = latinAllowedBy(word, typed);
    if (by === null) leaks.push(word);
    else used.add(by);
  }
  return leaks;
}

/** The Chinese in `text` that the English page may not show; notes the allowed runs it shows. */
function hanLeaks(text, used = new Set()) {
  const runs = text.match(HAN) ?? [];
  runs.filter((run) => HAN_WORDS.has(run)).forEach((run) => used.add(run));
  return runs.filter((run) => !HAN_WORDS.has(run));
}

// ---- walking -----------------------------------------------------------------------------------

/** Lets Yew render what the last event changed. */
const settle = (page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

class Walk {
  constructor(page, lang) {
    this.page = page;
    this.lang = lang;
    /** { state, texts, typed } for each state visited. */
    this.seen = [];
    /**
     * Values typed into fields and links since the last look, which that state's messages may
     * quote back (only that state's: an echo allowed everywhere would hide words like "ack").
     */
    this.typedValues = new Set();
    /** States the walk did not reach as expected. */
    this.missed = [];
  }

  /** Notes a value the test typed, which the page may quote back whole. */
  typed(value) {
    this.typedValues.add(trimToken(value.trim()));
  }

  /** Reads what the page shows now, as `state`. */
  async look(state) {
    await settle(this.page);
    const texts = await this.page.evaluate(shownTexts, this.lang === 'zh');
    this.seen.push({ state, texts, typed: this.typedValues });
    this.typedValues = new Set();
  }

  async click(selector, state) {
    await this.page.locator(selector).click();
    await this.look(state);
  }

  /** Opens a run by its link (the page reads a new fragment without reloading). */
  async open(fragment, state) {
    const hash = `${fragment}&lang=${this.lang}`;
    await this.page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await this.page.locator('#tab-playground').click();
    await this.page.locator('#status').waitFor();
    if (state) await this.look(state);
  }

  /** Runs the current scenario to its end. */
  async toEnd(state) {
    await this.page.locator('#run-to-end').click();
    await this.page.locator('#status.completed, #status.stuck, #status.limit').waitFor();
    await this.look(state);
  }

  /**
   * Types each bad value into `field` (restoring what was there after each) and expects the
   * message at `error` (default: the field's id with -error).
   */
  async badValues(part, field, values, error = `${field}-error`) {
    const input = this.page.locator(field);
    const before = await input.inputValue();
    for (const value of values) {
      this.typed(value);
      await input.fill(value);
      const state = `${part}: ${field} = ${JSON.stringify(value)}`;
      try {
        await this.page.locator(error).waitFor({ timeout: 2_000 });
      } catch {
        this.missed.push(`${state}: no message at ${error}`);
      }
      await this.look(state);
    }
    await input.fill(before);
    await settle(this.page);
  }
}

async function walkPlayground(w) {
  const { page } = w;
  for (const scenario of ['plain', 'hotdog', 'custom']) {
    await w.open(`s=${scenario}&seed=42`, `${scenario}: opened`);
    await w.click('#step', `${scenario}: one step`);
    await page.selectOption('#speed', '1');
    await w.click('#play', `${scenario}: playing`);
    await w.click('#play', `${scenario}: paused`);
    await w.toEnd(`${scenario}: run to its end`);
    const slider = page.locator('#timeline');
    await slider.fill(String(Math.floor(Number(await slider.getAttribute('max')) / 2)));
    await w.look(`${scenario}: the timeline at the middle`);
  }
  // The playground's other faces: many actors, the M/M/c theory, a uniform delay, a copy.
  await w.open('s=custom&seed=3&p=40&c=30&n=3&cap=5', 'custom: 40 producers, 30 consumers');
  await w.toEnd('custom: 40 producers, 30 consumers, run to its end');
  await w.open('s=custom&seed=3&p=2&c=3&n=40&cap=0&pd=exp:100ms&cd=exp:250ms', 'custom: M/M/c theory');
  await w.toEnd('custom: M/M/c theory, run to its end');
  await w.click('#reset', 'custom: reset');
  await page.selectOption('#produce-delay-kind', 'uniform');
  await w.look('settings: a uniform delay');
  await page.selectOption('#produce-delay-kind', 'exp');
  await w.look('settings: an exponential delay');
  await w.click('#copy-link', 'share: the link copied');
}

async function walkSettings(w) {
  await w.open('s=custom&seed=42', null);
  const part = 'settings';
  await w.badValues(part, '#seed', ['', 'abc', '-1', '99999999999999999999']);
  await w.badValues(part, '#producers', ['0', '1001', '1.5', 'two', '-3']);
  await w.badValues(part, '#consumers', ['0', 'x']);
  await w.badValues(part, '#items', ['10000001', 'many']);
  await w.badValues(part, '#capacity', ['1000001', 'x']);
  const durations = ['', '5', 'xms', '-1s', '100000s'];
  await w.badValues(part, '#produce-delay-a', durations, '#produce-delay-error');
  await w.page.selectOption('#consume-delay-kind', 'uniform');
  await w.page.fill('#consume-delay-a', '2s');
  await w.badValues(part, '#consume-delay-b', ['1s', 'soon'], '#consume-delay-error');
  await w.page.fill('#consumers', '0');
  await w.page.locator('#settings-blocked').waitFor();
  await w.look('settings: a bad value blocks the run');
}

async function walkLinks(w) {
  const links = [
    's=hotdog&p=<b>2</b>',
    'p2',
    's=hotdog&colour=red',
    's=hotdog&p=2&p=3',
    's=lunch',
    's=hotdog&speed=fast',
    's=hotdog&n=abc',
    's=custom&pd=gauss:1s',
    's=custom&cd=uniform:2s..1s',
    's=custom&pd=const:5',
    's=termination&st=bogus',
    's=termination&kill=x',
    's=termination&kill=9@1s',
    's=termination&ack=0ms',
    's=termination&forget=999',
  ];
  for (const link of links) {
    for (const part of link.split('&')) {
      w.typed(part);
      part.split('=').forEach((side) => w.typed(side));
    }
    await w.open(link, null);
    const state = `link #${link}`;
    try {
      await w.page.locator('.notice').waitFor({ timeout: 2_000 });
    } catch {
      w.missed.push(`${state}: no notice`);
    }
    await w.look(state);
  }
  // A language the page does not know: the link is refused, the browser's language is used.
  await w.page.evaluate(() => {
    location.hash = 's=hotdog&lang=fr';
  });
  w.typed('fr');
  await w.page.locator('.notice').waitFor({ timeout: 2_000 }).catch(() => w.missed.push('link lang=fr: no notice'));
  await w.look('link #s=hotdog&lang=fr');
}

async function walkLab(w) {
  const { page } = w;
  const part = 'lab';
  await w.open('s=termination&seed=42', 'lab: opened');
  const strategies = ['none', 'daemon', 'sentinel', 'sentinel-bug', 'shutdown', 'shutdown-immediate', 'join-terminate'];
  for (const strategy of strategies) {
    await w.click(`label[for="strategy-${strategy}"]`, `lab: strategy ${strategy}`);
    await w.toEnd(`lab: strategy ${strategy}, run to its end`);
  }
  for (const mistake of ['forget', 'extra']) {
    await w.click(`#mistake-${mistake}`, `lab: mistake ${mistake}`);
    await w.toEnd(`lab: mistake ${mistake}, run to its end`);
    await page.locator(`#mistake-${mistake}`).click();
  }
  await page.locator('#kill-consumer').selectOption('2');
  await w.look('lab: kill consumer 2');
  await w.toEnd('lab: kill consumer 2, run to its end');
  await page.locator('#broker-ack').check();
  await w.look('lab: kill consumer 2 with broker acks');
  await w.toEnd('lab: kill consumer 2 with broker acks, run to its end');
  await w.badValues(part, '#kill-at', ['soon', '', '-1s', 'xs', '100000s']);
  await w.badValues(part, '#visibility-timeout', ['0ms', 'soon', '100000s'], '#visibility-error');
  await page.locator('#broker-ack').uncheck();
  await page.locator('#kill-consumer').selectOption('');
  await w.badValues(part, '#visibility-timeout', ['3s'], '#visibility-error');
  await w.open('s=termination&seed=1&p=2&c=2&n=5000', null);
  await page.locator('#lab-too-big').waitFor({ timeout: 5_000 }).catch(() => w.missed.push('lab: 10000 items: not too big'));
  await w.look('lab: too many items to compare');
}

async function walkPeak(w) {
  const { page } = w;
  const part = 'peak';
  await page.locator('#tab-peak').click();
  await page.locator('#peak').waitFor();
  await w.look('peak: opened');
  for (const preset of ['steady', 'two-bursts', 'flash-sale']) {
    await w.click(`#peak-preset-${preset}`, `peak: preset ${preset}`);
  }
  await page.locator('#peak-overload').check();
  await w.look('peak: overload');
  await w.badValues(part, '#peak-capacity', ['0'], '#peak-overload-error');
  await page.locator('#peak-overload').uncheck();
  await w.badValues(part, '#peak-workers', ['1'], '.peak-warning');
  await w.badValues(part, '#peak-seed', ['abc', '-1']);
  await w.badValues(part, '#peak-base-rate', ['fast', '-5', '2000000']);
  await w.badValues(part, '#peak-base-rate', ['100000'], '#peak-duration-error');
  const nine = Array.from({ length: 9 }, (_, i) => `${i}s,1s,10`).join('; ');
  await w.badValues(part, '#peak-bursts', ['x', '1s,2s,10; nope', nine, '1s,2s,2000000', '1s,0s,10', '999s,1s,10']);
  await w.badValues(part, '#peak-duration', ['long', '0s', '100000s']);
  await w.badValues(part, '#peak-workers', ['x', '0', '1001']);
  await w.badValues(part, '#peak-service-delay', ['fast', 'const:0ms']);
  await w.badValues(part, '#peak-capacity', ['x', '99999999999']);
}

async function walkScraper(w) {
  const { page } = w;
  const part = 'scraper';
  const outcome = (kind) => page.locator(`#scraper-outcome[data-outcome="${kind}"]`).waitFor({ timeout: 30_000 });
  await page.locator('#tab-scraper').click();
  await page.locator('#scraper-start').waitFor();
  await w.look('scraper: opened');
  await page.fill('#scraper-fetch-delay', 'const:0ms');
  await page.fill('#scraper-count-delay', 'const:10ms');
  await page.click('#scraper-start');
  await outcome('completed');
  await w.look('scraper: the sample pages, counted');
  await page.selectOption('#scraper-replay-speed', '64');
  await page.click('#scraper-replay');
  await w.look('scraper: replaying');
  await outcome('completed');
  await w.look('scraper: replayed');

  await page.click('#scraper-shape-plain');
  await w.look('scraper: plain shape');
  await page.click('#scraper-start');
  await outcome('stuck');
  await w.look('scraper: plain shape, stuck');
  await page.click('#scraper-shape-joinable');

  await page.fill('#scraper-count-delay', 'const:5s');
  await page.click('#scraper-start');
  await w.look('scraper: running');
  await page.click('#scraper-stop');
  await w.look('scraper: stopped');
  await page.fill('#scraper-count-delay', 'const:10ms');

  const urls = [
    'pages/search-home.html',
    'pages/missing.html',
    'http://[::1',
    'ftp://example.com/',
    'http://127.0.0.1:9/',
    `${other.url}/no-cors.html`,
    `${other.url}/hang`,
    `${other.url}/image.png`,
    `${other.url}/big.txt`,
  ];
  urls.forEach((url) => w.typed(url));
  await page.fill('#scraper-urls', urls.join('\n'));
  await page.fill('#scraper-timeout', '1500ms');
  await page.click('#scraper-start');
  await outcome('completed');
  await w.look('scraper: every fault');
  await page.click('#scraper-sample-urls');
  await page.fill('#scraper-timeout', '10s');

  const regexes = [
    'src=//(.*? width',
    '[z-a]',
    '*src',
    '(a)\\2',
    'a(?i)',
    '\\q',
    '(?(1)a|b)',
    '(?>src)',
    'src*+',
    '\\N{DIGIT ONE}',
  ];
  await w.badValues(part, '#scraper-regex', regexes);
  const noted = ['src=//(?P<src>\\S+) width', '(?i)src', '\\Asrc', 'a??', '(?x) src # c', '(?#c)src'];
  await w.badValues(part, '#scraper-regex', noted, '#scraper-regex-notes');
  const many = Array.from({ length: 1001 }, (_, i) => `pages/p${i}.html`).join('\n');
  w.typed('pages/p1000.html');
  await w.badValues(part, '#scraper-urls', ['', many]);
  await w.badValues(part, '#scraper-fetchers', ['two', '0', '101']);
  await w.badValues(part, '#scraper-counters', ['x', '0']);
  await w.badValues(part, '#scraper-capacity', ['x', '1000001']);
  await w.badValues(part, '#scraper-timeout', ['soon', '5ms', '301s']);
  await w.badValues(part, '#scraper-fetch-delay', ['fast', 'exp:x']);
  await w.badValues(part, '#scraper-count-delay', ['fast']);
  await w.badValues(part, '#scraper-seed', ['abc']);
}

/** Walks the whole page in `lang`; returns the walk. */
async function walkLessons(w) {
  const { page } = w;
  const part = 'lessons';
  await page.locator('#tab-lessons').click();
  await page.locator('#lesson-title').waitFor({ timeout: 30_000 });
  await w.look('lessons: opened');
  await page.locator('#lesson-check').click();
  await w.look('lessons: checked with no choice');
  const links = page.locator('.lesson-list li a');
  for (let n = 1; n <= 10; n += 1) {
    await links.nth(n - 1).click();
    await page.waitForFunction((k) => location.hash.endsWith(`lesson=${k}`), n);
    await page.locator('#lesson-title').waitFor();
    await w.look(`lessons: lesson ${n}`);
    if (await page.locator('#lesson-estimate').count()) {
      // An estimate is read when checked: its message shows then.
      for (const value of ['abc', '-1', '99999999999']) {
        w.typed(value);
        await page.fill('#lesson-estimate', value);
        await page.locator('#lesson-check').click();
        const state = `${part}: lesson ${n} estimate = ${JSON.stringify(value)}`;
        try {
          await page.locator('#lesson-estimate-error').waitFor({ timeout: 2_000 });
        } catch {
          w.missed.push(`${state}: no message at #lesson-estimate-error`);
        }
        await w.look(state);
      }
      await page.fill('#lesson-estimate', '1');
    } else {
      await page.locator('input[name="lesson-choice"]').first().check();
    }
    await page.locator('#lesson-check').click();
    await page.locator('#lesson-verdict').waitFor();
    await w.look(`lessons: lesson ${n} answered`);
  }
}

async function walkAll(lang) {
  const context = await session.browser.newContext({
    viewport: VIEWPORTS.desktop,
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
  });
  const page = await context.newPage();
  const walk = new Walk(page, lang);
  try {
    await page.goto(`${session.baseUrl}#s=hotdog&seed=42&lang=${lang}`);
    await page.locator('#status').waitFor({ timeout: 30_000 });
    for (const part of [walkPlayground, walkSettings, walkLinks, walkLab, walkPeak, walkScraper, walkLessons]) {
      await part(walk);
    }
  } catch (err) {
    await page.screenshot({ path: outPath(`language-${lang}-failure.png`), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
  return walk;
}

/**
 * The report: each text that shows a word it should not, with those words and the states it
 * showed in; then the states the walk did not reach.
 */
function report(walk, leaksOf, heading) {
  // Texts that differ only in their numbers are one entry (P1-1, P1-2, …; 160 ms, 983 ms).
  const byText = new Map();
  for (const { state, texts, typed } of walk.seen) {
    for (const text of texts) {
      const leaks = leaksOf(text, typed);
      if (leaks.length === 0) continue;
      const shown = text.trim().replace(/\s+/g, ' ');
      const key = shown.replace(/\d+/g, 'N');
      const entry = byText.get(key) ?? { text: shown, words: new Set(), states: [] };
      leaks.forEach((word) => entry.words.add(word));
      if (!entry.states.includes(state)) entry.states.push(state);
      byText.set(key, entry);
    }
  }
  const lines = [];
  for (const { text, words, states } of byText.values()) {
    const shownIn = states.length > 4 ? `${states.slice(0, 4).join('; ')}; and ${states.length - 4} more` : states.join('; ');
    const quoted = text.length > 160 ? `${text.slice(0, 160)}…` : text;
    const listed = [...words].slice(0, 8).map((x) => JSON.stringify(x));
    if (words.size > 8) listed.push(`and ${words.size - 8} more`);
    lines.push(`  ${listed.join(', ')} in “${quoted}”\n      shown in: ${shownIn}`);
  }
  const missed = walk.missed.map((m) => `  ${m}`);
  let message = '';
  if (lines.length > 0) message += `${heading} (${lines.length} texts, ${walk.seen.length} states walked):\n${lines.join('\n')}\n`;
  if (missed.length > 0) message += `states the walk expected and did not reach:\n${missed.join('\n')}\n`;
  return message;
}

test('the word checks tell leaks from code, units, names and echoes', () => {
  const used = new Set();
  const latin = (text, typed = []) => latinLeaks(text, new Set(typed), used);
  assert.deepEqual(latin('消费者1 永远等在 get() 上 · 主程序 q.join() 后 terminate()'), []);
  assert.deepEqual(latin('q.put(上海分店的热狗1) · 最长 160 ms · 延迟 p99 (ms) · 0ms..1s'), []);
  assert.deepEqual(latin('“abc”不是整数', ['abc']), []);
  assert.deepEqual(latin('(?P<name>…) 是 Python 写法；下载 .py；见 pages/gallery.html'), []);
  assert.deepEqual(latin('must be longer than 0'), ['must', 'be', 'longer', 'than']);
  assert.deepEqual(latin('等在 p.join() (consumer 2)，stuck。'), ['consumer', 'stuck']);
  assert.deepEqual(latin('“abc”不是整数'), ['abc'], 'an echo only of what was typed');
  assert.deepEqual(hanLeaks('Canteen · 中文'), []);
  assert.deepEqual(hanLeaks('Canteen 食堂'), ['食堂']);
  assert.deepEqual(hanLeaks('ate 上海分店的热狗1 · 已完成'), ['上海分店的热狗', '已完成']);
});

test('the 中文 page shows no English: every part, every state, every problem message', { timeout: 150_000 }, async (t) => {
  const walk = await walkAll('zh');
  assert.ok(walk.seen.length > 100, `walked ${walk.seen.length} states`);
  assert.ok(walk.seen[0].texts.includes('English'), 'the walk reads the language switch');
  const used = new Set();
  const message = report(walk, (text, typed) => latinLeaks(text, typed, used), 'English on the 中文 page');
  const unused = [...LATIN_WORDS.keys()].filter((word) => !used.has(word));
  if (unused.length > 0) t.diagnostic(`allowed words not seen on the page (remove them?): ${unused.join(', ')}`);
  if (message !== '') assert.fail(`\n${message}`);
});

test('the English page shows no Chinese: every part, every state, every problem message', { timeout: 150_000 }, async (t) => {
  const walk = await walkAll('en');
  assert.ok(walk.seen.length > 100, `walked ${walk.seen.length} states`);
  assert.ok(walk.seen[0].texts.includes('中文'), 'the walk reads the language switch');
  const used = new Set();
  const message = report(walk, (text) => hanLeaks(text, used), 'Chinese on the English page');
  const unused = [...HAN_WORDS.keys()].filter((word) => !used.has(word));
  if (unused.length > 0) t.diagnostic(`allowed words not seen on the page (remove them?): ${unused.join(', ')}`);
  if (message !== '') assert.fail(`\n${message}`);
});
