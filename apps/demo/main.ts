/**
 * `npm start`: the tutorial's example done right, then a CIFAR-10-sized softmax classifier
 * (N=500, D=3073, C=10) on the WASM f32 kernels and on the float64 reference, then a softmax
 * classifier trained on the handwritten digits with the WASM engine (and one epoch on the reference).
 */
import { loadWasm, matrix, reference } from 'softmax-wasm';
import { runTrainingDemo } from './train.js';
import { solveTutorial, tutorialLines } from '../shared/tutorial.js';

const wasm = await loadWasm();

console.log('== The tutorial\'s example, done right (x = [1, 2, 3], W = [[-1, 1], [1, -1], [0, 0]], label 1)');
for (const line of tutorialLines(solveTutorial(wasm), 10)) console.log(line);

console.log('\n== A CIFAR-10-sized linear softmax classifier: N=500, D=3073, C=10, reg=5e-6');
// Seeded data: X ~ N(0, 1), W ~ 0.01·N(0, 1), labels uniform.
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const N = 500, D = 3073, C = 10;
const X = matrix(Float32Array.from({ length: N * D }, gauss), N, D);
const W = matrix(Float32Array.from({ length: D * C }, () => 0.01 * gauss()), D, C);
const labels = Int32Array.from({ length: N }, () => Math.floor(rand() * C));
const opts = { reg: 5e-6 };

function time(f: () => void, minMs = 400): number {
  f();
  const samples: number[] = [];
  const end = performance.now() + minMs;
  do {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  } while (performance.now() < end || samples.length < 3);
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const w = wasm.linearSoftmaxLoss(X, labels, W, opts);
const X64 = matrix(Float64Array.from(X.data), N, D), W64 = matrix(Float64Array.from(W.data), D, C);
const r = reference.linearSoftmaxLoss(X64, labels, W64, opts);
let dWerr = 0, dWmax = 0;
for (let i = 0; i < r.dW.data.length; i++) {
  dWerr = Math.max(dWerr, Math.abs(w.dW.data[i] - r.dW.data[i]));
  dWmax = Math.max(dWmax, Math.abs(r.dW.data[i]));
}
console.log(`loss: WASM f32 ${w.loss.toFixed(9)}, reference f64 ${r.loss.toFixed(9)} (relative difference ${(Math.abs(w.loss - r.loss) / r.loss).toExponential(2)})`);
console.log(`dW: max |WASM f32 − reference f64| / max |dW| = ${(dWerr / dWmax).toExponential(2)}`);
const tw = time(() => wasm.linearSoftmaxLoss(X, labels, W, opts));
const tr = time(() => reference.linearSoftmaxLoss(X64, labels, W64, opts), 1500);
const gflops = (2 * 2 * N * D * C) / (tw * 1e6);
console.log(`time per loss + dW + db (median): WASM f32 ${tw.toFixed(2)} ms (${gflops.toFixed(1)} GFLOP/s), reference ${tr.toFixed(2)} ms → WASM is ${(tr / tw).toFixed(1)}× faster`);
console.log();
await runTrainingDemo(process.stdout, wasm);
wasm.dispose();
