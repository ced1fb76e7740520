// npm run bench:engines [-- --quick] [--best] [--no-tfjs] [--runtime node20,node24,...]: softmax-wasm (baseline, relaxed
// and 'auto' builds; zero-copy, f32, one thread) on every runtime of scripts/test/runtimes.mjs, plus
// TF.js wasm on each Node, in one run: one table of medians (ms per call) and the ratios the
// engine targets are stated in (each Node 24 / Deno 'auto' figure against Node 20's relaxed one).
// --best: each figure the fastest of the 15 samples instead of their median (for a busy machine).
// --no-chromium: leave out the headless Chromium rows (scripts/bench/bench-engines-chromium.mjs: the same
// cases in a page, both builds and 'auto').
// --old-wasm DIR: also time DIR/softmax.wasm and DIR/softmax.relaxed.wasm (e.g. the previous
// release's build) on every runtime, rows 'old-baseline' / 'old-relaxed', and print the speed-ups.
// Needs the built package: npm run build. Each runtime runs scripts/bench/bench-engines-worker.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRuntimes, runtimes } from '../test/runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const i = argv.indexOf('--runtime');
const names = i >= 0 ? argv[i + 1].split(',') : undefined;
const quick = argv.includes('--quick');
const noTf = argv.includes('--no-tfjs');
ensureRuntimes({ quiet: true });

const rows = [];
const res = {};
for (const rt of runtimes(names?.filter((n) => n !== 'chromium'))) {
  const flags = rt.name === 'node20' ? ['--experimental-wasm-relaxed-simd'] : [];
  const oldDir = argv.indexOf('--old-wasm') >= 0 ? ['--old-wasm', argv[argv.indexOf('--old-wasm') + 1]] : [];
  const extra = [...(quick ? ['--quick'] : []), ...(argv.includes('--best') ? ['--best'] : []), ...(!noTf && rt.name.startsWith('node') ? ['--tfjs'] : []), ...oldDir];
  const args = rt.name === 'deno' ? [...rt.args, '--allow-sys', '--allow-net'] : rt.args;
  const r = spawnSync(rt.bin, [...args, ...flags, join(root, 'scripts', 'bench', 'bench-engines-worker.mjs'), ...extra], { cwd: root, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  let out;
  try { out = JSON.parse(line); } catch { console.error(`${rt.name}: failed (exit ${r.status})\n${r.stderr.slice(-1500)}`); continue; }
  res[rt.name] = out;
  for (const b of ['baseline', 'relaxed', 'auto', 'old-baseline', 'old-relaxed']) {
    if (!(b in out.builds)) continue;
    const v = out.builds[b];
    rows.push([rt.name, rt.version, b === 'auto' && v ? `auto → ${v.build}` : b, v ? v.softmax : null, v ? v.ce : null, v ? v.linear : null]);
  }
  if (out.tfjs) rows.push([rt.name, rt.version, 'tfjs-wasm', out.tfjs.softmax ?? null, out.tfjs.ce ?? null, out.tfjs.linear ?? null, out.tfjs.error]);
  if (out.builds.auto) console.error(`${rt.name}: ${out.builds.auto.reason}`);
}
if (!argv.includes('--no-chromium') && (!names || names.includes('chromium'))) {
  const extra = [...(quick ? ['--quick'] : []), ...(argv.includes('--best') ? ['--best'] : [])];
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'bench', 'bench-engines-chromium.mjs'), ...extra], { cwd: root, encoding: 'utf8' });
  try {
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    res.chromium = out;
    for (const b of ['baseline', 'relaxed', 'auto']) {
      const v = out.builds[b];
      rows.push(['chromium', out.version, b === 'auto' && v ? `auto → ${v.build}` : b, v ? v.softmax : null, v ? v.ce : null, v ? v.linear : null]);
    }
    if (out.builds.auto) console.error(`chromium: ${out.builds.auto.reason}`);
  } catch {
    console.error(`chromium: failed (exit ${r.status})\n${(r.stderr || r.stdout).slice(-1500)}`);
  }
}
const f = (v) => (v == null ? '—' : v < 1 ? v.toFixed(4) : v.toFixed(3));
console.log('\n| runtime | version | build | softmax 1×131072 (ms) | CE+grad 4096×1000 (ms) | linear 500×3073×10 (ms) |');
console.log('| --- | --- | --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r[0]} | ${r[1]} | ${r[2]} | ${f(r[3])} | ${f(r[4])} | ${f(r[5])} |${r[6] ? ` (${r[6]})` : ''}`);
const ref = res.node20?.builds.relaxed;
if (ref) {
  console.log('\nratios (Node 20 relaxed / this; ≥ 1 = at least as fast as Node 20 relaxed; "own" = this baseline / this auto):');
  for (const [name, out] of Object.entries(res)) {
    const a = out.builds.auto, b = out.builds.baseline, rl = out.builds.relaxed;
    if (!a) continue;
    const best = (w) => Math.min(b[w], rl ? rl[w] : Infinity);
    const parts = ['softmax', 'ce', 'linear'].map((w) => `${w} ${(ref[w] / a[w]).toFixed(2)} (own ${(b[w] / a[w]).toFixed(2)}, auto/best ${(a[w] / best(w)).toFixed(3)})`);
    console.log(`  ${name.padEnd(7)} auto: ${parts.join('; ')}`);
  }
}
if (Object.values(res).some((o) => o.builds['old-baseline'])) {
  console.log('\nthis version against the --old-wasm build (old / new, > 1 = faster now; auto vs the old build the old auto would pick):');
  for (const [name, out] of Object.entries(res)) {
    const b = out.builds, oldAuto = b['old-relaxed'] ?? b['old-baseline'];
    if (!b['old-baseline']) continue;
    const r = (o, n, w) => (o && n ? (o[w] / n[w]).toFixed(2) : '—');
    console.log(`  ${name.padEnd(7)} ` + ['softmax', 'ce', 'linear'].map((w) =>
      `${w}: baseline ${r(b['old-baseline'], b.baseline, w)}, relaxed ${r(b['old-relaxed'], b.relaxed, w)}, auto ${r(oldAuto, b.auto, w)}`).join('; '));
  }
}

