// One runtime's row group of `npm run bench:engines` (scripts/bench-engines.mjs runs it on every
// runtime): softmax-wasm from dist/ (npm run build first), zero-copy (alloc() inputs and outputs),
// f32, one thread; builds baseline, relaxed and 'auto'; workloads softmax 1×131072, CE+grad
// 4096×1000 (labels, mean), linear 500×3073×10 (loss + dW, db, reg 1e-3). Prints one JSON line.
// Each figure: the median of `reps` samples, each the mean of n calls sized to ~20 ms, after a
// warm-up of ≥ 300 ms per case (the optimising tier is in place before timing).
import { loadWasm } from '../dist/index.js';
import { relaxedSimdSupported } from '../dist/wasm/loader.js';

const argv = globalThis.Deno ? Deno.args : process.argv.slice(2);
const quick = argv.includes('--quick');
const reps = quick ? 5 : 15;
const best = argv.includes('--best'); // the fastest sample instead of the median (a busy machine)
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

function time(run) {
  const warmEnd = performance.now() + (quick ? 100 : 300);
  let calls = 0;
  while (performance.now() < warmEnd || calls < 5) { run(); calls++; }
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) run();
  const per = (performance.now() - t0) / 5;
  const n = Math.max(1, Math.round(20 / Math.max(per, 1e-3)));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    for (let i = 0; i < n; i++) run();
    samples.push((performance.now() - s) / n);
  }
  samples.sort((a, b) => a - b);
  return best ? samples[0] : samples[samples.length >> 1];
}

function cases(k) {
  const out = {};
  const fill = (m, f) => { const d = m.data; for (let i = 0; i < d.length; i++) d[i] = f(); return m; };
  { // softmax 1×131072
    const x = fill(k.alloc('f32', 1, 131072), () => rnd() * 16 - 8), o = k.alloc('f32', 1, 131072);
    out.softmax = time(() => k.softmax(x, o));
    x.free(); o.free();
  }
  { // CE + grad 4096×1000
    const R = 4096, C = 1000;
    const z = fill(k.alloc('f32', R, C), () => rnd() * 16 - 8), g = k.alloc('f32', R, C);
    const lb = k.alloc('f32', 1, R);
    const labels = () => new Int32Array(lb.data.buffer, lb.data.byteOffset, R);
    const l0 = labels(); for (let i = 0; i < R; i++) l0[i] = (rnd() * C) | 0;
    out.ce = time(() => k.softmaxCrossEntropy(z, labels(), { gradOut: g }));
    z.free(); g.free(); lb.free();
  }
  { // linear 500×3073×10
    const N = 500, D = 3073, C = 10;
    const X = fill(k.alloc('f32', N, D), () => rnd() * 2 - 1), W = fill(k.alloc('f32', D, C), () => (rnd() - 0.5) * 1e-2);
    const dW = k.alloc('f32', D, C), db = k.alloc('f32', 1, C), lb = k.alloc('f32', 1, N);
    const labels = () => new Int32Array(lb.data.buffer, lb.data.byteOffset, N);
    const l0 = labels(); for (let i = 0; i < N; i++) l0[i] = (rnd() * C) | 0;
    out.linear = time(() => k.linearSoftmaxLoss(X, labels(), W, { reg: 1e-3, out: { dW, db: db.data } }));
    for (const m of [X, W, dW, db, lb]) m.free();
  }
  return out;
}

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
    const path = await import('node:path');
    const require = createRequire(import.meta.url);
    const core = await import('@tensorflow/tfjs-core');
    const tf = core.softmax ? core : core.default;
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    (wasm.setWasmPaths ?? wasm.default.setWasmPaths)(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
    tf.enableProdMode();
    await import('@tensorflow/tfjs');
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
