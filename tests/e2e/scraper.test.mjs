// The scraper in headless Chromium: real fetches of the bundled sample pages, counted as Python's
// re.findall counts them; every fetch fault on its row (a second local server plays another
// origin: no CORS, an answer that never comes, 404, an image, a body over 5 MB); an invalid regex
// stops the run at its field; the plain shape ends stuck; a replay shows the same rows; matched
// strings are text, never HTML. Screenshots go to tests/e2e/out/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { VIEWPORTS, newPage, outPath, startSession, guarded } from './browser.mjs';

let session;
let other; // { url, close() }: the other origin

/** A server on another port (so another origin) with the routes the fault test needs. */
async function startOtherOrigin() {
  const hanging = new Set();
  const cors = { 'Access-Control-Allow-Origin': '*' };
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    switch (pathname) {
      case '/no-cors.html':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<img src=//a.example/x.png width=1>');
        break;
      case '/open.html':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...cors });
        res.end('<img src=//a.example/1.png width=1><img src=//a.example/2.png width=2>');
        break;
      case '/hang':
        hanging.add(res); // never answered
        break;
      case '/image.png':
        res.writeHead(200, { 'Content-Type': 'image/png', ...cors });
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
        break;
      case '/big.txt': {
        const body = Buffer.alloc(6 * 1024 * 1024, 'a');
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length, ...cors });
        res.end(body);
        break;
      }
      case '/big-chunked.txt': {
        // No Content-Length: the page reads it as a stream and stops past 5 MB.
        res.writeHead(200, { 'Content-Type': 'text/plain', ...cors });
        const chunk = Buffer.alloc(256 * 1024, 'b');
        let sent = 0;
        const more = () => {
          while (sent < 24 && !res.destroyed) {
            sent += 1;
            if (!res.write(chunk)) return res.once('drain', more);
          }
          res.end();
        };
        res.on('error', () => {});
        more();
        break;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain', ...cors });
        res.end('Not Found');
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

before(async () => {
  session = await startSession();
  other = await startOtherOrigin();
});

after(async () => {
  await other?.close();
  await session?.close();
});

/** Opens the page in `lang` and waits for the scraper section. */
async function open(lang = 'en', viewport = VIEWPORTS.desktop) {
  const opened = await newPage(session.browser, viewport);
  await opened.page.goto(`${session.baseUrl}#lang=${lang}`);
  await opened.page.locator('#tab-scraper').click({ timeout: 30_000 });
  await opened.page.locator('#scraper #scraper-start').waitFor({ timeout: 30_000 });
  return opened;
}


const outcome = (page, kind) =>
  page.locator(`#scraper-outcome[data-outcome="${kind}"]`).waitFor({ timeout: 30_000 });

const rows = (page) =>
  page.$$eval('#scraper-table tbody tr', (trs) =>
    trs.map((tr) => ({ matches: tr.dataset.matches ?? null, fault: tr.dataset.fault ?? null, state: tr.dataset.state })),
  );

test('the bundled pages are fetched and counted as Python counts them: 1, 0, 12 and 5', async () => {
  await guarded(await open('en'), 'scraper', async (page) => {
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    assert.deepEqual((await rows(page)).map((r) => r.matches), ['1', '0', '12', '5']);
    assert.equal(await page.locator('#scraper-matches').innerText(), '18');
    assert.equal(await page.locator('#scraper-failed').innerText(), '0');
    assert.match(await page.locator('#scraper-log').innerText(), /task 3 found 12 img \(pages\/gallery\.html\)/);
    assert.match(await page.locator('#scraper-speedup').innerText(), /speedup \d+\.\d\d×/);
    // The timeline has a lane per worker with a bar per phase.
    assert.equal(await page.locator('#scraper-timeline .bar.fetch').count(), 4);
    assert.equal(await page.locator('#scraper-timeline .bar.regex').count(), 4);
    await page.locator('#scraper-row-3 details summary').click();
    assert.match(await page.locator('#scraper-row-3 details').innerText(), /img\.shitang\.example\/菜单\/兰州拉面🍜\.jpg/);
    await page.locator('#scraper').screenshot({ path: outPath('scraper-desktop-en.png') });
  });
});

test('the latency column, the timeline and the log say which clock they show, and it is the same one; a count is not its sleep', async () => {
  await guarded(await open('en'), 'scraper-clock', async (page) => {
    await page.fill('#scraper-fetch-delay', 'const:300ms');
    await page.fill('#scraper-count-delay', 'const:700ms');
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    assert.match(await page.locator('#scraper-table thead').innerText(), /latency \(virtual ms\)/);
    assert.match(await page.locator('#scraper-timeline figcaption').innerText(), /Timeline \(virtual time\)/);
    assert.match(await page.locator('.scraper-log summary').innerText(), /Log \(virtual time\)/);
    // Each bar's tooltip: what · URL · its length in ms.
    const bars = await page.$$eval('#scraper-timeline .bar', (rects) =>
      rects.map((r) => {
        const [what, url, ms] = r.querySelector('title').textContent.split(' · ');
        return { kind: r.classList[1], what, url, ms: Number.parseInt(ms, 10) };
      }),
    );
    const of = (kind) => bars.filter((b) => b.kind === kind);
    // Four downloads, then each fetcher's 300 ms sleep and each counter's 700 ms sleep as bars of their own,
    // and four counts that take no virtual time.
    assert.equal(of('fetch').length, 4);
    assert.deepEqual(of('sleep').map((b) => b.ms).sort(), [300, 300, 300, 300, 700, 700, 700, 700]);
    assert.deepEqual(of('regex').map((b) => b.ms), [0, 0, 0, 0]);
    assert.match(of('regex')[0].what, /regex count \(takes no virtual time\)/);
    // A row's latency is its download's bar: the same fetch, the same clock.
    for (const [i, row] of (await page.$$eval('#scraper-table tbody tr', (trs) =>
      trs.map((tr) => ({ url: tr.querySelector('.url').innerText, latency: tr.querySelector('.latency').innerText })),
    )).entries()) {
      const download = of('fetch').find((b) => b.url === row.url);
      assert.ok(download, `a download bar for ${row.url}`);
      assert.equal(Number.parseInt(row.latency, 10), download.ms, `row ${i}: ${row.url}`);
      // The network's own time is in the cell's tooltip, named as real time.
      assert.match(await page.locator(`#scraper-row-${i} .latency`).getAttribute('title'), /^real time \d+ ms$/);
    }
    // The legend names the sleep and the count apart, in both languages.
    assert.match(await page.locator('#scraper-timeline .legend').innerText(), /sleep/);
    await page.locator('.lang-switch button[lang="zh-CN"]').click();
    assert.match(await page.locator('#scraper-table thead').innerText(), /延迟（虚拟 ms）/);
    assert.match(await page.locator('#scraper-timeline figcaption').innerText(), /时间线（虚拟时间）/);
    assert.match(await page.locator('#scraper-timeline .legend').innerText(), /休眠[\s\S]*正则计数（不占虚拟时间）/);
    assert.match(await page.locator('#scraper-row-0 .latency').getAttribute('title'), /^真实时间 \d+ ms$/);
  });
});

test('the scraper\'s settings are in the link: a reload keeps them; a bad one is named, the rest kept', async () => {
  await guarded(await open('en'), 'scraper-link', async (page) => {
    const urls = 'pages/gallery.html\npages/zh-menu.html?a=1&b=%41#x';
    await page.fill('#scraper-urls', urls);
    await page.fill('#scraper-regex', 'src="?([^" >]+)');
    await page.fill('#scraper-counters', '3');
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.click('#scraper-shape-plain');
    await page.waitForFunction(() => location.hash.includes('sc-fd='));
    assert.match(await page.evaluate(() => location.hash), /&tab=scraper&sc-shape=plain&sc-urls=pages\/gallery\.html%0Apages\/zh-menu\.html%3Fa%3D1%26b%3D%2541%23x&sc-re=/);
    const shown = async () => ({
      urls: await page.locator('#scraper-urls').inputValue(),
      regex: await page.locator('#scraper-regex').inputValue(),
      counters: await page.locator('#scraper-counters').inputValue(),
      fetchDelay: await page.locator('#scraper-fetch-delay').inputValue(),
      plain: await page.locator('#scraper-shape-plain').getAttribute('aria-pressed'),
    });
    const before = await shown();
    assert.deepEqual(before, { urls, regex: 'src="?([^" >]+)', counters: '3', fetchDelay: 'const:0ms', plain: 'true' });
    await page.reload();
    await page.locator('#scraper #scraper-start').waitFor({ timeout: 30_000 });
    assert.deepEqual(await shown(), before);
    assert.equal(await page.locator('.notice').count(), 0);

    // A link with bad values: each is named, the valid ones are kept.
    await page.goto(`${session.baseUrl}#lang=en&tab=scraper&sc-fetchers=0&sc-counters=2&sc-re=(oops&sc-shape=round`);
    await page.locator('#scraper #scraper-start').waitFor({ timeout: 30_000 });
    const notice = await page.locator('.notice').innerText();
    for (const named of [/sc-fetchers '0'/, /sc-re '\(oops'/, /sc-shape 'round' cannot be used/]) {
      assert.match(notice, named);
    }
    assert.equal(await page.locator('#scraper-counters').inputValue(), '2');
    assert.equal(await page.locator('#scraper-fetchers').inputValue(), '1', 'the default');
    assert.equal(await page.locator('#scraper-shape-joinable').getAttribute('aria-pressed'), 'true');
  });
});

test('matched strings are shown as text, never as HTML', async () => {
  await guarded(await open('en'), 'scraper-text', async (page) => {
    await page.fill('#scraper-regex', '<title>.*?</title>|<a [^>]*>');
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.fill('#scraper-count-delay', 'const:0ms');
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    await page.locator('#scraper-row-0 details summary').click();
    const shown = await page.locator('#scraper-row-0 details ol').innerText();
    assert.match(shown, /<title>搜一下，你就知道<\/title>/);
    assert.match(shown, /<a href=http:\/\/news\.sousuo\.example name=tj_trnews class=mnav>/);
    assert.equal(await page.locator('#scraper-table a, #scraper-table title').count(), 0, 'no element came from a page');
  });
});

test('every fetch fault is reported on its row and the run goes on', async () => {
  const urls = [
    'pages/search-home.html',
    'http://[::1',
    'http://127.0.0.1:9/',
    `${other.url}/no-cors.html`,
    `${other.url}/missing.html`,
    `${other.url}/hang`,
    `${other.url}/image.png`,
    `${other.url}/big.txt`,
    `${other.url}/big-chunked.txt`,
    `${other.url}/open.html`,
  ];
  // Failed requests and CORS refusals show up in the console: expected here.
  await guarded(await open('en'), 'scraper-faults', async (page) => {
    await page.fill('#scraper-urls', urls.join('\n'));
    await page.fill('#scraper-fetchers', '3');
    await page.fill('#scraper-timeout', '1500ms');
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.fill('#scraper-count-delay', 'const:50ms');
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    const got = await rows(page);
    assert.deepEqual(
      got.map((r) => r.fault),
      [null, 'malformed_url', 'network', 'cross_origin', 'http_status', 'timeout', 'not_text', 'too_large', 'too_large', null],
    );
    assert.deepEqual([got[0].matches, got[9].matches], ['1', '2'], 'a server that allows cross-origin reads works');
    assert.equal(await page.locator('#scraper-failed').innerText(), '8');
    assert.equal(await page.locator('#scraper-counted').innerText(), '2');
    assert.match(
      await page.locator('#scraper-row-3 .problem').innerText(),
      /The page's server did not allow cross-origin reads; pages from this site's own origin work\./,
    );
    assert.match(await page.locator('#scraper-row-4 .problem').innerText(), /HTTP 404/);
    assert.match(await page.locator('#scraper-log').innerText(), /fetch failed for http:\/\/127\.0\.0\.1:9\//);
    await page.locator('#scraper').screenshot({ path: outPath('scraper-faults-en.png') });
  }, { cleanConsole: false });
});

test('an invalid regex is refused at its field and the run does not start', async () => {
  await guarded(await open('en'), 'scraper-regex', async (page) => {
    await page.fill('#scraper-regex', 'src=//(.*? width');
    assert.equal(
      await page.locator('#scraper-regex-error').innerText(),
      'Python rejects this pattern: missing ), unterminated subpattern at position 6',
    );
    assert.equal(await page.locator('#scraper-start').isDisabled(), true);
    await page.fill('#scraper-regex', 'src=//(?P<src>\\S+) width');
    assert.equal(await page.locator('#scraper-regex-error').count(), 0);
    assert.match(await page.locator('#scraper-regex-notes').innerText(), /\(\?P<name>…\) is Python syntax; JavaScript writes \(\?<name>…\)/);
    assert.equal(await page.locator('#scraper-start').isDisabled(), false);
    await page.fill('#scraper-fetchers', 'two');
    assert.equal(await page.locator('#scraper-fetchers-error').innerText(), 'enter a whole number');
    assert.equal(await page.locator('#scraper-start').isDisabled(), true);
  });
});

test('the plain shape ends stuck, and a replay shows the same rows', async () => {
  await guarded(await open('zh'), 'scraper-plain', async (page) => {
    await page.click('#scraper-shape-plain');
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.fill('#scraper-count-delay', 'const:100ms');
    await page.click('#scraper-start');
    await outcome(page, 'stuck');
    assert.match(await page.locator('.scraper-stuck').innerText(), /计数者1 永远等在 get\(\)/);
    const live = await rows(page);
    await page.selectOption('#scraper-replay-speed', '64');
    await page.click('#scraper-replay');
    await outcome(page, 'stuck');
    assert.deepEqual(await rows(page), live);
    await page.locator('#scraper').screenshot({ path: outPath('scraper-plain-zh.png') });
  });
});

test('the scraper fits a phone screen', async () => {
  await guarded(await open('en', VIEWPORTS.mobile), 'scraper-mobile', async (page) => {
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    await page.locator('#scraper').screenshot({ path: outPath('scraper-mobile-en.png') });
  });
});

test('on a phone every page shows its matches on screen, and 中文 cells do not wrap a character a line', async () => {
  await guarded(await open('zh', VIEWPORTS.mobile), 'scraper-mobile-rows', async (page) => {
    await page.fill('#scraper-fetch-delay', 'const:0ms');
    await page.fill('#scraper-count-delay', 'const:0ms');
    await page.click('#scraper-start');
    await outcome(page, 'completed');
    const cells = await page.$$eval('#scraper-table tbody tr', (trs) =>
      trs.map((tr) => {
        const box = (selector) => tr.querySelector(selector).getBoundingClientRect();
        const lineHeight = (selector) => parseFloat(getComputedStyle(tr.querySelector(selector)).lineHeight);
        return {
          matches: tr.querySelector('td.matches').innerText,
          matchesRight: box('td.matches').right,
          workerLines: Math.round(box('td.worker').height / lineHeight('td.worker')),
          stateLines: Math.round(box('td.state').height / lineHeight('td.state')),
        };
      }),
    );
    const width = await page.evaluate(() => window.innerWidth);
    assert.deepEqual(cells.map((c) => c.matches.split(/\s/)[0]), ['1', '0', '12', '5']);
    for (const cell of cells) {
      assert.ok(cell.matchesRight <= width, `matches at ${cell.matchesRight}px, off a ${width}px screen`);
      assert.ok(cell.workerLines <= 1 && cell.stateLines <= 1, JSON.stringify(cell));
    }
    // The table's scroller is reachable by keyboard.
    assert.equal(await page.locator('.scraper .table-scroll').getAttribute('tabindex'), '0');
  });
});
