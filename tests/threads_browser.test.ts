/**
 * loadWasm({ threads: 2 }) in headless Chromium, from the compiled package (dist/, built here with
 * tsc) served by a small node:http server: on a cross-origin-isolated page (COOP: same-origin, COEP:
 * require-corp) it runs on 2 threads (Web Workers from a Blob URL; the page's main thread spins
 * instead of Atomics.wait); on a page without those headers it falls back to 1 thread and says why.
 * Both give the same bytes as Node with the same (baseline) build. The same page in WebKit (WebKitGTK,
 * scripts/webkit.mjs; skipped where it is not installed): in its default configuration the isolated
 * page has no SharedArrayBuffer global, so it runs on 1 thread, says why, and gives the same bytes.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { findChromium } from '../scripts/chromium.mjs';
import { findWebKit, inWebKit } from '../scripts/webkit.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import { ensureDist } from './fixtures/dist.js';
import { pageBattery } from './fixtures/threads-page-battery.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MIME: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

// The kernels' modules only (dist/index.js also exports the trainer, whose dataset loaders import
// node: modules); the bare imports (the loader, the #platform alias) through an import map.
const PAGE = `<!doctype html><meta charset="utf-8"><pre id="out">pending</pre>
<script type="importmap">{ "imports": { "@assemblyscript/loader": "./node_modules/@assemblyscript/loader/index.js", "#platform": "./dist/wasm/platform.inline.js" } }</script>
<script type="module">
import { loadWasm } from './dist/wasm/load_wasm.js';
import { matrix } from './dist/matrix.js';
import { pageBattery } from './tests/fixtures/threads-page-battery.js';
pageBattery({ loadWasm, matrix }, 2).then((r) => { window.result = r; document.querySelector('#out').textContent = 'done'; },
  (e) => { window.result = { error: String(e && e.stack || e) }; document.querySelector('#out').textContent = 'done'; });
</script>`;

let server: Server;
let browser: Browser;
let base = '';

beforeAll(async () => {
  // $CHROMIUM_PATH, else chromium on PATH, else the npm package @sparticuz/chromium (scripts/chromium.mjs).
  const { path: executablePath, args } = await findChromium();
  await ensureDist();
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const isolated = url.pathname.startsWith('/coi/');
    const rel = url.pathname.replace(/^\/(coi|plain)\//, '');
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (url.pathname === '/favicon.ico') { res.statusCode = 204; res.end(); return; }
    if (rel === 'page.html') { res.setHeader('Content-Type', 'text/html'); res.end(PAGE); return; }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root) || !/^(dist|build|tests\/fixtures|node_modules\/@assemblyscript\/loader)\//.test(rel)) { res.statusCode = 404; res.end(); return; }
    try {
      const body = await readFile(file);
      res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch { res.statusCode = 404; res.end(); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
  browser = await chromium.launch({ executablePath, args });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

async function runPage(prefix: 'coi' | 'plain'): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${base}/${prefix}/page.html`);
  await page.waitForFunction(() => document.querySelector('#out')?.textContent === 'done', undefined, { timeout: 90_000 })
    .catch((e) => { throw new Error(`${(e as Error).message}; page errors: ${errors.join(' | ')}`); });
  const r = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
  await page.close();
  expect(errors).toEqual([]);
  return r;
}

describe('threads in Chromium', () => {
  let node: Awaited<ReturnType<typeof pageBattery>>;
  beforeAll(async () => { node = await pageBattery(lib, 2); }, 120_000);

  it('a cross-origin-isolated page runs on 2 threads, bit-identical to Node', async () => {
    expect(node.threads).toBe(2);
    const r = await runPage('coi');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.reason).toBeNull();
    expect(r.length).toBe(node.length);
    expect(r.sha256).toBe(node.sha256);
  }, 120_000);

  it('a page that is not cross-origin isolated falls back to 1 thread with the reason, same bytes', async () => {
    const r = await runPage('plain');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.reason).toMatch(/cross-origin isolated/);
    expect(r.sha256).toBe(node.sha256);
  }, 120_000);
});

const webkit = findWebKit();
describe.skipIf('why' in webkit)('threads in WebKit (default configuration)', () => {
  let node: Awaited<ReturnType<typeof pageBattery>>;
  beforeAll(async () => { node = await pageBattery(lib, 2); }, 120_000);

  it('a cross-origin-isolated page: 2 threads, or 1 with the reason (no SharedArrayBuffer global); the bytes of Node', async () => {
    const { value, version } = await inWebKit(`${base}/coi/page.html`, `document.querySelector('#out')?.textContent === 'done' && window.result`);
    const r = value as Record<string, unknown>;
    console.log(`threads page in WebKitGTK ${version}: isolated=${r.isolated} threads=${r.threads} reason=${r.reason}`);
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    if (r.threads !== 2) {
      expect(r.threads).toBe(1);
      expect(r.reason).toMatch(/SharedArrayBuffer/);
    }
    expect(r.length).toBe(node.length);
    expect(r.sha256).toBe(node.sha256);
  }, 120_000);
});
