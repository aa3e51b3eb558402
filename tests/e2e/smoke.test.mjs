// Smoke test: the trunk build in dist/ loads in Chromium, its wasm module is served as
// application/wasm and instantiated, and the Yew app mounts <main id="app-root">.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, outPath, startSession } from './browser.mjs';

let session;

before(async () => {
  session = await startSession();
});

after(async () => {
  await session?.close();
});

test('the page loads its wasm and mounts #app-root', async () => {
  const { page, context, problems } = await newPage(session.browser);
  try {
    const wasmResponse = page.waitForResponse((res) => new URL(res.url()).pathname.endsWith('.wasm'), {
      timeout: 30_000,
    });

    const response = await page.goto(session.baseUrl, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, 'index.html is served');

    const wasm = await wasmResponse;
    assert.equal(wasm.status(), 200, `${wasm.url()} is served`);
    assert.equal(wasm.headers()['content-type'], 'application/wasm');

    const root = page.locator('#app-root');
    await root.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await root.evaluate((el) => el.tagName), 'MAIN');
    assert.ok(await root.isVisible(), '#app-root is visible');

    await page.screenshot({ path: outPath('smoke-desktop.png'), fullPage: true });
    assert.deepEqual(problems, [], 'no console errors, uncaught exceptions or failed requests');
  } catch (err) {
    // Keep a picture of whatever the page showed when it failed.
    await page.screenshot({ path: outPath('smoke-desktop-failure.png'), fullPage: true }).catch(() => {});
    if (problems.length > 0) err.message += `\npage problems:\n  ${problems.join('\n  ')}`;
    throw err;
  } finally {
    await context.close();
  }
});
