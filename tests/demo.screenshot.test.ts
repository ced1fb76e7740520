/**
 * The demo page (apps/web/, `npm run demo:web`) in real headless Chromium: packs the digits if needed,
 * builds the page with Vite into out/demo-web, serves it with `vite preview` on 127.0.0.1, lets it
 * train a few epochs in the browser with the WASM kernels, checks the accuracy it shows, saves a
 * screenshot (out/demo.png, printed). (The benchmark page is tested by tests/bench_web.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { findChromium } from '../scripts/chromium.mjs';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configFile = join(root, 'vite.web.config.ts');
const outDir = join(root, 'out', 'demo-web');
const screenshot = join(root, 'out', 'demo.png');
const EPOCHS = 5;

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let page: Page;
let url = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  // $CHROMIUM_PATH, else chromium on PATH, else the npm package @sparticuz/chromium (scripts/chromium.mjs).
  const { path: executablePath, args: chromiumArgs } = await findChromium();
  if (!existsSync(join(root, 'build', 'softmax.wasm'))) throw new Error('build/softmax.wasm is missing: run npm run asbuild');
  execFileSync(process.execPath, [join(root, 'scripts', 'demo', 'pack-digits.mjs')], { cwd: root, stdio: 'pipe' });
  await build({ configFile, logLevel: 'error', build: { outDir } });
  server = await preview({ configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('vite preview did not listen on a TCP port');
  url = `http://127.0.0.1:${addr.port}/`;
  browser = await chromium.launch({ executablePath, args: chromiumArgs });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`); });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
});

describe('demo page in Chromium', () => {
  it(`trains ${EPOCHS} epochs on the digits in the page and shows > 80% test accuracy`, async () => {
    const t0 = performance.now();
    await page.goto(`${url}?epochs=${EPOCHS}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#status')?.getAttribute('data-status') ?? ''),
      undefined, { timeout: 30_000 });
    const status = await page.textContent('#status');
    const error = await page.textContent('#error');
    expect(status, `page error: ${error}; ${pageErrors.join('; ')}`).toBe('done');
    const value = Number(await page.getAttribute('#accuracy', 'data-value'));
    const shown = (await page.textContent('#accuracy'))!.trim();
    const epochs = (await page.textContent('#epoch'))!.trim();
    const info = (await page.textContent('#info'))!.trim();
    expect(epochs).toBe(`${EPOCHS} / ${EPOCHS}`);
    // served cross-origin isolated (vite.web.config.ts): the worker's kernels run on every core
    expect(info).toMatch(new RegExp(`on ${availableParallelism()} threads?[,(]`));
    expect(value).toBeGreaterThan(0.8);
    expect(Number.parseFloat(shown) / 100).toBeCloseTo(value, 4);
    // Ten templates and twenty held-out digits were drawn: a random sample, whose wrong ones the note counts.
    expect(await page.locator('#templates canvas').count()).toBe(10);
    expect(await page.locator('#samples figure').count()).toBe(20);
    const wrong = await page.locator('#samples figure.bad').count();
    expect(await page.textContent('#samples-note')).toContain(`${wrong} of these 20 are wrong; on all 2,000 test digits the model is wrong`);
    // The thread count, where it is seen.
    expect(await page.getAttribute('#threads', 'data-value')).toBe(String(availableParallelism()));
    // Autostarted: the time is from the page load, not "from the click".
    expect(info).not.toContain('from the click');
    // What is fast: plain JavaScript, WebAssembly on 1 thread and on all of them, timed in the page.
    await page.waitForSelector('#speed-rows[data-done]', { timeout: 60_000 });
    const rows = await page.$$eval('#speed-rows tr', (trs) => trs.map((tr) => ({
      engine: tr.getAttribute('data-engine'), threads: Number(tr.getAttribute('data-threads')), ms: Number(tr.getAttribute('data-ms')),
      loss: Number(tr.children[5]?.textContent),
    })));
    expect(rows.map((r) => `${r.engine} ×${r.threads}`)).toEqual(['plain JavaScript ×1', 'WebAssembly SIMD ×1',
      ...(availableParallelism() > 1 ? [`WebAssembly SIMD ×${availableParallelism()}`] : [])]);
    for (const r of rows) {
      expect(r.ms).toBeGreaterThan(0);
      expect(Math.abs(r.loss - rows[0].loss)).toBeLessThan(1e-4 * Math.max(1, rows[0].loss));
    }
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    // A phone-width window: the plot's legend wraps instead of clipping (looked at in out/demo-400.png).
    await page.setViewportSize({ width: 400, height: 900 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-400.png'), fullPage: true });
    console.log(`demo page: test accuracy shown ${shown} (${value}) after ${EPOCHS} epochs, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s from page load; screenshot ${relative(process.cwd(), screenshot)}\n  ${info}\n  ` +
      rows.map((r) => `${r.engine} ×${r.threads}: ${r.ms.toFixed(2)} ms`).join(', '));
    expect(pageErrors).toEqual([]);
  });
});
