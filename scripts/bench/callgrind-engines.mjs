// Instruction counts per kernel call on every engine (valgrind --tool=callgrind): deterministic, not
// disturbed by other load on the machine. Each (runtime, build, kernel) runs scripts/bench/kernel-loop.mjs
// twice, with N1 and N2 calls; (Ir(N2) − Ir(N1)) / (N2 − N1) is the steady-state cost of one call
// (start-up, compilation and tier-up cancel out). Only the main thread is counted
// (--separate-threads=yes): the engines' background threads (compiler, GC, platform workers) do
// time-dependent work that would otherwise leak into the difference. Usage:
//   node scripts/bench/callgrind-engines.mjs [--runtime node20,node24] [--kernel softmax,ce,exp] [--build baseline,relaxed] [--dir build] [--tiering]
// (--dir: a directory holding softmax.wasm and softmax.relaxed.wasm, e.g. a copy of an older build)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRuntimes, runtimes } from '../test/runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1].split(',') : def;
};
const kernels = arg('kernel', ['softmax', 'ce']);
const builds = arg('build', ['baseline', 'relaxed']);
const noLiftoff = !process.argv.includes('--tiering'); // --tiering: V8's default tiering instead
const N = { softmax: [20, 220], ce: [1, 5], exp: [20, 220] };
ensureRuntimes({ quiet: true });
const tmp = mkdtempSync(join(tmpdir(), 'cg-'));

function irOf(rt, wasm, kernel, iters) {
  // V8: --no-liftoff, so the counted calls run the optimising tier (TurboFan / Turboshaft) in every
  // run; with dynamic tiering the moment of tier-up under valgrind varies from run to run, and a
  // run that counts Liftoff calls reads up to 2× high
  const v8 = [...(rt.name === 'node20' && wasm.includes('relaxed') ? ['--experimental-wasm-relaxed-simd'] : []), ...(noLiftoff ? ['--no-liftoff'] : [])];
  const flags = rt.name === 'bun' || !v8.length ? [] : rt.name === 'deno' ? [`--v8-flags=${v8.join(',')}`] : v8;
  const out = join(tmp, `out.${rt.name}.${iters}`);
  const r = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', '--separate-threads=yes', `--callgrind-out-file=${out}`,
    rt.bin, ...rt.args, ...flags, join(root, 'scripts', 'bench', 'kernel-loop.mjs'), wasm, kernel, String(iters)], { encoding: 'utf8' });
  const m = existsSync(`${out}-01`) && /^totals: (\d+)/m.exec(readFileSync(`${out}-01`, 'utf8'));
  if (!m) throw new Error(`${rt.name}: no callgrind total\n${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

console.log('| runtime | build | kernel | instructions per call |');
console.log('| --- | --- | --- | ---: |');
for (const rt of runtimes(arg('runtime', undefined))) {
  for (const b of builds) {
    const wasm = join(arg('dir', [join(root, 'build')])[0], b === 'relaxed' ? 'softmax.relaxed.wasm' : 'softmax.wasm');
    for (const k of kernels) {
      const [n1, n2] = N[k];
      const per = (irOf(rt, wasm, k, n2) - irOf(rt, wasm, k, n1)) / (n2 - n1);
      console.log(`| ${rt.name} | ${b} | ${k} | ${Math.round(per).toLocaleString('en')} |`);
    }
  }
}
rmSync(tmp, { recursive: true, force: true });
