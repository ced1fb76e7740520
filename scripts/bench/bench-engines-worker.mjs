// One runtime's row group of `npm run bench:engines` (scripts/bench/bench-engines.mjs runs it on every
// runtime): softmax-wasm from dist/ (npm run build first), zero-copy (alloc() inputs and outputs),
// f32, one thread; builds baseline, relaxed and 'auto'; workloads softmax 1×131072, CE+grad
// 4096×1000 (labels, mean), linear 500×3073×10 (loss + dW, db, reg 1e-3). Prints one JSON line.
// Each figure: the median of `reps` samples, each the mean of n calls sized to ~20 ms, after a
// warm-up of ≥ 300 ms per case (the optimising tier is in place before timing).
import { loadWasm } from '../../dist/index.js';
import { relaxedSimdSupported } from '../../dist/wasm/loader.js';
import { makeCases } from './bench-engines-cases.mjs';

const argv = globalThis.Deno ? Deno.args : process.argv.slice(2);
const quick = argv.includes('--quick');
const best = argv.includes('--best'); // the fastest sample instead of the median (a busy machine)
const { cases, rnd, time } = makeCases({ quick, best });

const result = { builds: {} };
for (const simd of ['baseline', 'relaxed', 'auto']) {
  if (simd === 'relaxed' && !relaxedSimdSupported()) { result.builds.relaxed = null; continue; }
  const k = await loadWasm({ simd });
  const t = cases(k);
  result.builds[simd] = { build: k.build, reason: k.buildReason, ...t };
  k.dispose();
}
// --old-wasm DIR: the same cases on another build's modules (e.g. a previous release's
// softmax.wasm / softmax.relaxed.wasm), through this version's API, for before/after in one run.
const oi = argv.indexOf('--old-wasm');
if (oi >= 0) {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  for (const [name, file] of [['old-baseline', 'softmax.wasm'], ['old-relaxed', 'softmax.relaxed.wasm']]) {
    if (name === 'old-relaxed' && !relaxedSimdSupported()) continue;
    const k = await loadWasm({ wasm: await readFile(join(argv[oi + 1], file)) });
    result.builds[name] = { build: k.build, reason: `${argv[oi + 1]}/${file}`, ...cases(k) };
    k.dispose();
  }
}
if (argv.includes('--tfjs')) {
  // TF.js 4.22 on tfjs-backend-wasm (XNNPACK, SIMD, one thread), as bench/engines/tfjs.ts: tensors
  // uploaded before timing, results read back with dataSync() in the timed call
  try {
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const path = await import('node:path');
    // the peers live in the bench package (bench/node_modules), not beside this script
    const require = createRequire(new URL('../../bench/package.json', import.meta.url));
    const load = (name) => import(pathToFileURL(require.resolve(name)).href);
    const core = await load('@tensorflow/tfjs-core');
    const tf = core.softmax ? core : core.default;
    const wasm = await load('@tensorflow/tfjs-backend-wasm');
    (wasm.setWasmPaths ?? wasm.default.setWasmPaths)(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
    tf.enableProdMode();
    await load('@tensorflow/tfjs');
    await tf.setBackend('wasm');
    await tf.ready();
    const t = {};
    const rand = (n, f) => Float32Array.from({ length: n }, f);
    const x = tf.tensor2d(rand(131072, () => rnd() * 16 - 8), [1, 131072]);
    t.softmax = time(() => tf.tidy(() => tf.softmax(x).dataSync()[0]));
    const R = 4096, C = 1000;
    const lt = tf.tensor2d(rand(R * C, () => rnd() * 16 - 8), [R, C]);
    const oh = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from({ length: R }, () => (rnd() * C) | 0), 'int32'), C), 'float32'));
    const vg = tf.valueAndGrads((l) => tf.losses.softmaxCrossEntropy(oh, l));
    t.ce = time(() => tf.tidy(() => { const { value, grads } = vg([lt]); grads[0].dataSync(); return value.dataSync()[0]; }));
    const N = 500, D = 3073, K = 10;
    const Xt = tf.tensor2d(rand(N * D, () => rnd() * 2 - 1), [N, D]), Wt = tf.tensor2d(rand(D * K, () => (rnd() - 0.5) * 1e-2), [D, K]);
    const bt = tf.zeros([K]), reg = tf.scalar(1e-3);
    const oh2 = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from({ length: N }, () => (rnd() * K) | 0), 'int32'), K), 'float32'));
    const vg2 = tf.valueAndGrads((Wv, bv) => tf.add(tf.losses.softmaxCrossEntropy(oh2, tf.add(tf.matMul(Xt, Wv), bv)), tf.mul(reg, tf.sum(tf.square(Wv)))));
    t.linear = time(() => tf.tidy(() => { const { value, grads } = vg2([Wt, bt]); grads[0].dataSync(); grads[1].dataSync(); return value.dataSync()[0]; }));
    result.tfjs = t;
  } catch (e) {
    result.tfjs = { error: String(e.message ?? e).split('\n')[0] };
  }
}
console.log(JSON.stringify(result));
