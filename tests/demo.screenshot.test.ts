/**
 * The demo page (web/, `npm run demo:web`) in real headless Chromium: packs the digits if needed,
 * builds the page with Vite into out/demo-web, serves it with `vite preview` on 127.0.0.1, lets it
 * train a few epochs in the browser with the WASM kernels, checks the accuracy it shows, saves a
 * screenshot (out/demo.png, printed), then runs the in-page benchmark and checks its table.
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
  execFileSync(process.execPath, [join(root, 'scripts', 'pack-digits.mjs')], { cwd: root, stdio: 'pipe' });
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
    // Ten templates and twenty held-out digits were drawn.
    expect(await page.locator('#templates canvas').count()).toBe(10);
    expect(await page.locator('#samples figure').count()).toBe(20);
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`demo page: test accuracy shown ${shown} (${value}) after ${EPOCHS} epochs, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s from page load; screenshot ${relative(process.cwd(), screenshot)}\n  ${info}`);
    expect(pageErrors).toEqual([]);
  });

  it('runs the benchmark table in the page', async () => {
    await page.click('#bench-run');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#bench')?.getAttribute('data-state') ?? ''),
      undefined, { timeout: 30_000 });
    expect(await page.getAttribute('#bench', 'data-state'), await page.textContent('#bench-status') ?? '').toBe('done');
    const rows = await page.$$eval('#bench tbody tr', (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id!,
      label: tr.querySelector('td')!.textContent!,
      ms: Object.fromEntries([...tr.querySelectorAll<HTMLElement>('td[data-engine]')].map((td) => [td.dataset.engine!, Number(td.dataset.ms)])),
      ratios: Object.fromEntries([...tr.querySelectorAll<HTMLElement>('td[data-ratio]')].map((td) => [td.dataset.ratio!, Number(td.dataset.value)])),
      diff: Number(tr.querySelector<HTMLElement>('td[data-diff]')!.dataset.diff),
    })));
    expect(rows.map((r) => r.id)).toEqual(['softmax-1x32000', 'cross-entropy-256x1000', 'linear-softmax-256x784x10']);
    const lines = ['in-browser bench (median ms per call; ratios vs WASM zero-copy):'];
    for (const r of rows) {
      for (const v of [...Object.values(r.ms), ...Object.values(r.ratios)]) {
        expect(Number.isFinite(v) && v > 0, `${r.label}: ${JSON.stringify(r)}`).toBe(true);
      }
      expect(Object.keys(r.ms)).toEqual(['wasm', 'wasmCopy', 'reference', 'plainJs']);
      expect(r.diff).toBeLessThan(1e-4); // the WASM f32 result agrees with the float64 reference
      lines.push(`  ${r.label.padEnd(30)} wasm ${fmt(r.ms.wasm)}  wasm(copy) ${fmt(r.ms.wasmCopy)}  reference ${fmt(r.ms.reference)}  ` +
        `plain JS ${fmt(r.ms.plainJs)}  ref/wasm ×${r.ratios.reference.toFixed(1)}  js/wasm ×${r.ratios.plainJs.toFixed(1)}  maxRelDiff ${r.diff.toExponential(1)}`);
    }
    console.log(lines.join('\n'));
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

function fmt(ms: number): string {
  return `${ms.toFixed(ms < 1 ? 4 : 2)} ms`;
}
