// Seeded sampling is bit-identical on every runtime: runs tests/fixtures/logits_builds.mjs (raw
// sample_f32 / sample_f64 of both builds on fixed problems) under Node 20/22/24, Deno and Bun
// (scripts/test/runtimes.mjs installs them) and compares the indices and log-probs. The problems' data
// come from the library's Rng (dist/: npm run build first).
//   node scripts/test/logits-runtimes.mjs
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../dist/index.js';
import { ensureRuntimes, runtimes } from './runtimes.mjs';

const rng = new Rng(2026);
const r = () => rng.next();
const gauss = () => rng.gauss();
const problems = [];
for (const dt of ['f32', 'f64']) {
  for (const [temperature, topK, topP, minP] of [[0.8, 0, 0.9, 0], [1, 40, 1, 0], [1.3, 50, 0.95, 0.05], [0.6, 0, 1, 0], [0, 0, 1, 0]]) {
    const rows = 8, cols = 32000;
    const f = dt === 'f32' ? Math.fround : (v) => v;
    problems.push({ dt, rows, cols, x: Array.from({ length: rows * cols }, () => f(gauss() * 2.5)), u: Array.from({ length: rows }, () => r()),
      temperature, topK, topP, logMinP: minP ? Math.log(minP) : null });
  }
}
const dir = mkdtempSync(join(tmpdir(), 'logits-runtimes-'));
const file = join(dir, 'problems.json');
writeFileSync(file, JSON.stringify(problems));
const script = fileURLToPath(new URL('../../tests/fixtures/logits_builds.mjs', import.meta.url));
ensureRuntimes({ quiet: true });
const bins = Object.fromEntries(runtimes().map((x) => [x.name, x.version === 'not installed' ? null : x.bin]));
const runs = [
  ['node20', process.execPath, ['--experimental-wasm-relaxed-simd', script, file]],
  ['node22', bins.node22, [script, file]],
  ['node24', bins.node24, [script, file]],
  ['deno', bins.deno, ['run', '--allow-read', script, file]],
  ['bun', bins.bun, [script, file]],
];
const hashes = new Set();
for (const [name, bin, args] of runs) {
  if (!bin) { console.log(`${name.padEnd(7)} not installed`); continue; }
  const res = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.status !== 0) { console.log(`${name.padEnd(7)} failed: ${res.stderr.slice(0, 300)}`); hashes.add(`fail-${name}`); continue; }
  const out = JSON.parse(res.stdout);
  const h = (v) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
  const hb = h(out.results.baseline), hr = out.relaxedLoaded ? h(out.results.relaxed) : 'not loaded';
  hashes.add(hb);
  if (out.relaxedLoaded) hashes.add(hr);
  console.log(`${name.padEnd(7)} baseline ${hb}  relaxed ${hr}`);
}
console.log(hashes.size === 1 ? 'all identical' : `DIFFERENT (${hashes.size} distinct results)`);
process.exitCode = hashes.size === 1 ? 0 : 1;
