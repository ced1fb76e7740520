// The Chromium row group of `npm run bench:engines`: the same cases (scripts/bench/bench-engines-cases.mjs)
// in a headless Chromium page (the Chromium of scripts/chromium.mjs), on the built package (dist/,
// unbundled; the page's import map gives `#platform` the inlined builds), for the baseline, relaxed
// and 'auto' builds. Prints one JSON line like scripts/bench/bench-engines-worker.mjs.
//   node scripts/bench/bench-engines-chromium.mjs [--quick] [--best]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opts = JSON.stringify({ quick: argv.includes('--quick'), best: argv.includes('--best') });
const PAGE = `<!doctype html><meta charset="utf-8"><pre id="out">pending</pre>
<script type="importmap">{ "imports": { "@assemblyscript/loader": "/node_modules/@assemblyscript/loader/index.js", "#platform": "/dist/wasm/platform.inline.js" } }</script>
<script type="module">
import { loadWasm } from '/dist/index.js';
import { relaxedSimdSupported } from '/dist/wasm/loader.js';
import { makeCases } from '/scripts/bench/bench-engines-cases.mjs';
const out = document.getElementById('out');
try {
  const { cases } = makeCases(${opts});
  const result = { builds: {}, version: navigator.userAgent };
  for (const simd of ['baseline', 'relaxed', 'auto']) {
    if (simd === 'relaxed' && !relaxedSimdSupported()) { result.builds.relaxed = null; continue; }
    const k = await loadWasm({ simd });
    result.builds[simd] = { build: k.build, reason: k.buildReason, ...cases(k) };
    k.dispose();
  }
  out.textContent = JSON.stringify(result);
} catch (e) { out.textContent = 'error: ' + (e && e.stack || e); }
</script>`;
const MIME = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (path === '/' || path === '/index.html') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(PAGE); return; }
  try {
    const body = await readFile(join(root, path));
    res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { chromium } = await import('playwright');
const c = await findChromium();
const browser = await chromium.launch({ executablePath: c.path, args: c.args, headless: true });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.getElementById('out').textContent !== 'pending', null, { timeout: 300_000 });
  const text = await page.textContent('#out');
  if (text.startsWith('error')) throw new Error(text);
  const r = JSON.parse(text);
  r.version = browser.version();
  console.log(JSON.stringify(r));
} finally {
  await browser.close();
  server.close();
}
