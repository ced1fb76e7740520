#!/usr/bin/env node
// `npm run bench:web`: the browser benchmark page (bench/web/) on the Vite dev server, cross-origin
// isolated (COOP/COEP headers, so SharedArrayBuffer and every threaded build work), everything —
// the peers' .wasm files included — served from this checkout (no network). Prints the URL.
//   node scripts/bench/bench-web.mjs [--port N]                         serve; open the URL in a browser
//   node scripts/bench/bench-web.mjs --headless [--query 'tiny=1&threads=2'] [--json]
//        run the page in headless Chromium (scripts/chromium.mjs), print its table (--json: and a JSON line), exit
// Needs the inlined builds (npm run build) and the bench package (scripts/bench/ensure-deps.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { findChromium } from '../chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const headless = argv.includes('--headless');
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const server = await createServer({
  configFile: false,
  root: join(root, 'bench', 'web'),
  logLevel: headless ? 'error' : 'info',
  clearScreen: false,
  // its own pre-bundled deps, apart from the demo's and vitest's
  cacheDir: join(root, 'node_modules', '.vite-bench-web'),
  // the page runs the sources with the inlined builds, as browsers get them from the package
  resolve: { alias: { '#platform': join(root, 'src', 'wasm', 'platform.inline.ts') } },
  // where the page fetches the peers' .wasm files and workers: the bench package's node_modules
  define: { __NODE_MODULES__: JSON.stringify(`/@fs${join(root, 'bench', 'node_modules')}/`) },
  // onnxruntime-web finds its worker and .wasm through ort.env.wasm.wasmPaths, not through the bundler
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'] },
  server: { host: '127.0.0.1', port: Number(opt('--port') ?? 0), fs: { allow: [root] }, headers: ISOLATED },
});
await server.listen();
const url = `http://127.0.0.1:${server.httpServer.address().port}/`;

if (!headless) {
  console.log(`softmax-wasm benchmark page (cross-origin isolated): ${url}`);
  console.log(`  options: ${url}?threads=2&filter=softmax,linear&tiny=1  Ctrl-C to stop`);
} else {
  const { chromium } = await import('playwright');
  const c = await findChromium();
  const browser = await chromium.launch({ executablePath: c.path, args: c.args, headless: true });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${url}?${opt('--query') ?? ''}`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('status')?.dataset.state ?? ''), null, { timeout: 600_000 });
    const out = JSON.parse(await page.textContent('#out'));
    if (out.error) throw new Error(out.error);
    console.log(`Chromium ${browser.version()} (${c.source}), crossOriginIsolated ${out.crossOriginIsolated}, threads ${out.threads}`);
    for (const line of out.info) console.log(`  ${line}`);
    console.log(`\n${out.table}\n`);
    const errors = new Map();
    for (const r of out.rows) for (const c of r.cells) if (c.status === 'error' && !errors.has(c.engine)) errors.set(c.engine, `${r.id}: ${c.reason}`);
    for (const [engine, why] of errors) console.log(`error: ${engine} on ${why}`);
    if (argv.includes('--json')) console.log(JSON.stringify(out));
  } finally {
    await browser.close();
    await server.close();
  }
}
