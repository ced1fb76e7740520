/**
 * The training layer: trainSoftmaxClassifier (both engines, f32 and f64), gradCheck, the datasets
 * and the recipes' accuracy floors on the fixed splits (Iris ≥ 95%, digits ≥ 90% within 20 epochs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadWasm, matrix, reference, SoftmaxInputError,
  type FloatArray, type LinearSoftmaxOptions, type Matrix, type SoftmaxKernels, type WasmKernels,
} from '../src/index.js';
import { DIGITS_TEST, DIGITS_TRAIN, loadDataset, loadDigits, loadIris } from '../src/datasets/index.js';
import { checkCrossEntropyGradients, checkLinearSoftmaxGradients, gradCheck, relError } from '../src/train/gradcheck.js';
import { runTrainingDemo } from '../src/demo/train.js';
import { RECIPES } from '../src/train/recipes.js';
import { Rng } from '../src/train/rng.js';
import { trainSoftmaxClassifier, type TrainOptions } from '../src/train/trainer.js';
import { TOL, type DT } from './support/index.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });

const ENGINES = [['reference', () => reference as SoftmaxKernels], ['wasm', () => wasm as SoftmaxKernels]] as const;

/** C Gaussian blobs in D dimensions, N points; separable enough to learn, noisy enough to not be trivial. */
function blobs(dt: DT, N: number, D: number, C: number, seed: number) {
  const r = new Rng(seed);
  const centers = Array.from({ length: C }, () => Array.from({ length: D }, () => 2 * r.gauss()));
  const X = dt === 'f32' ? new Float32Array(N * D) : new Float64Array(N * D);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = r.int(C);
    y[i] = c;
    for (let j = 0; j < D; j++) X[i * D + j] = centers[c][j] + r.gauss();
  }
  return { X: matrix(X as FloatArray, N, D), y, classes: C };
}

const bits = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
/** Bit-identical arrays (Buffer.compare: fast on megabytes, where a deep toEqual is not). */
const sameBits = (a: FloatArray, b: FloatArray): boolean =>
  a.byteLength === b.byteLength && Buffer.compare(bits(a), bits(b)) === 0 && a.constructor === b.constructor;

describe.each(ENGINES)('trainSoftmaxClassifier on %s', (_name, k) => {
  describe.each(['f32', 'f64'] as const)('%s', (dt) => {
    it('decreases the loss and learns separable blobs', () => {
      const data = blobs(dt, 400, 6, 4, 11);
      const m = trainSoftmaxClassifier(k(), data, { epochs: 10, batchSize: 32, lr: 0.05 });
      const losses = m.history.map((h) => h.loss);
      expect(losses).toHaveLength(10);
      expect(losses[9]).toBeLessThan(losses[0]);
      expect(losses[0]).toBeLessThan(Math.log(4)); // below chance already after one epoch
      expect(m.evaluate(data.X, data.y).accuracy).toBeGreaterThan(0.9);
      expect(m.W.data).toBeInstanceOf(dt === 'f32' ? Float32Array : Float64Array);
      expect(m.b).toBeInstanceOf(dt === 'f32' ? Float32Array : Float64Array);
      expect([m.W.rows, m.W.cols, m.b.length]).toEqual([6, 4, 4]);
    });

    it('is deterministic with a seed: identical W bits and accuracy twice; another seed differs', () => {
      const data = blobs(dt, 300, 5, 3, 12);
      const opts: TrainOptions<FloatArray> = { epochs: 4, batchSize: 25, seed: 42, validationSplit: 0.2 };
      const a = trainSoftmaxClassifier(k(), data, opts);
      const b = trainSoftmaxClassifier(k(), data, opts);
      const c = trainSoftmaxClassifier(k(), data, { ...opts, seed: 43 });
      expect(sameBits(a.W.data, b.W.data)).toBe(true);
      expect(sameBits(a.b, b.b)).toBe(true);
      expect(a.history.map((h) => h.valAccuracy)).toEqual(b.history.map((h) => h.valAccuracy));
      expect(sameBits(c.W.data, a.W.data)).toBe(false);
    });

    it('Iris: ≥ 95% test accuracy on the fixed split with the recipe', () => {
      const ds = loadIris({ dtype: dt });
      const r = RECIPES.iris;
      const m = trainSoftmaxClassifier(k(), { X: ds.train.X as Matrix<FloatArray>, y: ds.train.y, classes: 3 },
        { epochs: r.epochs, batchSize: r.batchSize, lr: r.lr.sgd, reg: r.reg, schedule: r.schedule, seed: 1 });
      const acc = m.evaluate(ds.test.X as Matrix<FloatArray>, ds.test.y).accuracy;
      expect(acc).toBeGreaterThanOrEqual(0.95);
    });
  });

  it('Adam, Nesterov, plain SGD and every schedule train', () => {
    const data = blobs('f64', 300, 5, 3, 13);
    const variants: TrainOptions<FloatArray>[] = [
      { optimizer: 'adam', lr: 0.01 }, { optimizer: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 },
      { nesterov: true }, { momentum: 0 }, { schedule: 'step' }, { schedule: { type: 'step', every: 2, gamma: 0.5 } },
      { schedule: 'cosine' }, { schedule: { type: 'cosine', minLr: 0.001 } }, { schedule: { type: 'constant' } },
    ];
    for (const v of variants) {
      const m = trainSoftmaxClassifier(k(), data, { epochs: 6, batchSize: 30, ...v });
      expect(m.history[5].loss, JSON.stringify(v)).toBeLessThan(m.history[0].loss);
    }
  });

  it('learning-rate schedules: step multiplies by gamma every `every` epochs, cosine ends at minLr', () => {
    const data = blobs('f64', 100, 3, 2, 14);
    const step = trainSoftmaxClassifier(k(), data, { epochs: 5, batchSize: 100, lr: 0.1, schedule: { type: 'step', every: 2, gamma: 0.5 } });
    expect(step.history.map((h) => h.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const cos = trainSoftmaxClassifier(k(), data, { epochs: 4, batchSize: 10, lr: 0.1, schedule: { type: 'cosine', minLr: 0.01 } });
    const lrs = cos.history.map((h) => h.lr);
    for (let i = 1; i < lrs.length; i++) expect(lrs[i]).toBeLessThan(lrs[i - 1]);
    // the last of T = 40 steps (t = 39): minLr + (lr − minLr)·(1 + cos(π·39/40))/2
    expect(lrs[3]).toBeCloseTo(0.01 + (0.09 * (1 + Math.cos((Math.PI * 39) / 40))) / 2, 15);
    expect(lrs[3]).toBeLessThan(0.0102);
  });

  it('early stopping stops, reports the best epoch and restores its weights', () => {
    const data = blobs('f64', 400, 8, 3, 15);
    const val = blobs('f64', 200, 8, 3, 16); // other centers: the validation loss soon rises
    const m = trainSoftmaxClassifier(k(), data, {
      epochs: 50, batchSize: 20, lr: 0.2, validation: val, earlyStopping: { patience: 2 },
    });
    expect(m.stoppedEarly).toBe(true);
    expect(m.history.length).toBeLessThan(50);
    const best = m.history[m.bestEpoch - 1];
    expect(best.valLoss).toBe(Math.min(...m.history.map((h) => h.valLoss!)));
    expect(m.history.length).toBe(m.bestEpoch + 2);
    // the returned weights are those of the best epoch: same validation loss, bit for bit
    expect(m.evaluate(val.X, val.y).loss).toBe(best.valLoss);
  });

  it('onEpoch returning false stops; onBatch sees every step; validationSplit and test are measured', () => {
    const data = blobs('f32', 250, 4, 3, 17);
    const test = blobs('f32', 50, 4, 3, 17);
    const steps: number[][] = [];
    const m = trainSoftmaxClassifier(k(), data, {
      epochs: 10, batchSize: 40, validationSplit: 0.2, test, evalTrain: true,
      onBatch: (e, b, n, loss) => { steps.push([e, b, n]); expect(Number.isFinite(loss)).toBe(true); },
      onEpoch: (r) => r.epoch < 3,
    });
    expect(m.history).toHaveLength(3);
    expect(m.stoppedEarly).toBe(true);
    expect(steps).toHaveLength(3 * 5); // 200 training rows / 40
    expect(steps[4]).toEqual([1, 5, 5]);
    for (const h of m.history) {
      for (const key of ['valLoss', 'valAccuracy', 'testLoss', 'testAccuracy', 'trainAccuracy'] as const) {
        expect(h[key], key).toBeTypeOf('number');
      }
      expect(h.samplesPerSecond).toBeGreaterThan(0);
    }
    expect(m.history[2].testAccuracy).toBe(m.evaluate(test.X, test.y).accuracy);
  });

  it('a last batch smaller than batchSize is used (N not a multiple of the batch)', () => {
    const data = blobs('f64', 103, 3, 2, 18);
    let n = 0;
    trainSoftmaxClassifier(k(), data, { epochs: 1, batchSize: 25, onBatch: () => { n++; } });
    expect(n).toBe(5);
    // batchSize larger than N: one full-batch step per epoch
    let m = 0;
    trainSoftmaxClassifier(k(), data, { epochs: 2, batchSize: 1000, onBatch: () => { m++; } });
    expect(m).toBe(2);
  });

  it('predict, predictProba and scores agree', () => {
    const data = blobs('f64', 200, 4, 3, 19);
    const m = trainSoftmaxClassifier(k(), data, { epochs: 3 });
    const p = m.predictProba(data.X);
    const s = m.scores(data.X);
    const pred = m.predict(data.X);
    for (let i = 0; i < 200; i++) {
      const row = Array.from(p.data.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      expect(row.indexOf(Math.max(...row))).toBe(pred[i]);
      // scores = X·W + b
      for (let c = 0; c < 3; c++) {
        let v = m.b[c];
        for (let j = 0; j < 4; j++) v += data.X.data[i * 4 + j] * m.W.data[j * 3 + c];
        expect(s.data[i * 3 + c]).toBeCloseTo(v, 12);
      }
    }
  });
});

describe('trainSoftmaxClassifier on WASM: the hot loop', () => {
  it('passes WASM-resident minibatch, labels and outputs (no copies), the same objects every step', () => {
    const data = blobs('f32', 300, 7, 3, 20);
    const seen: Array<{ X: FloatArray; y: Int32Array; W: FloatArray; opts: LinearSoftmaxOptions<FloatArray> }> = [];
    const spy = {
      ...wasm,
      linearSoftmaxLoss(X: Matrix<FloatArray>, y: Int32Array, W: Matrix<FloatArray>, opts?: LinearSoftmaxOptions<FloatArray>) {
        seen.push({ X: X.data, y, W: W.data, opts: opts! });
        return wasm.linearSoftmaxLoss(X, y, W, opts);
      },
    } as SoftmaxKernels;
    (spy as WasmKernels).alloc = wasm.alloc.bind(wasm);
    trainSoftmaxClassifier(spy, data, { epochs: 3, batchSize: 64, reg: 1e-3 });
    expect(seen).toHaveLength(3 * 5);
    const memory = seen[seen.length - 1].W.buffer;
    for (const s of seen.slice(1)) {
      expect(s.opts).toBe(seen[1].opts); // one options object, reused
      expect(s.opts.out!.dW).toBe(seen[1].opts.out!.dW);
      expect(s.opts.reg).toBe(1e-3);
      for (const a of [s.X, s.y, s.W, s.opts.bias!, s.opts.out!.dW!.data, s.opts.out!.db!]) expect(a.buffer).toBe(memory);
    }
  });

  it('WASM memory does not grow after the first epoch, and a second run reuses the freed blocks', () => {
    const data = blobs('f32', 500, 30, 10, 21);
    const sizes: number[] = [];
    const opts: TrainOptions<FloatArray> = { epochs: 5, batchSize: 50, validationSplit: 0.1, onEpoch: () => { sizes.push(wasm.memoryBytes()); } };
    trainSoftmaxClassifier(wasm, data, opts);
    expect(new Set(sizes).size).toBe(1);
    const after = wasm.memoryBytes();
    trainSoftmaxClassifier(wasm, data, opts);
    expect(wasm.memoryBytes()).toBe(after);
  });

  it('WASM f64 and the reference train to the same weights (to rounding)', () => {
    const data = blobs('f64', 200, 5, 3, 22);
    const opts = { epochs: 5, batchSize: 20, seed: 3 };
    const a = trainSoftmaxClassifier(wasm, data, opts);
    const b = trainSoftmaxClassifier(reference, data, opts);
    let d = 0, s = 0;
    for (let i = 0; i < a.W.data.length; i++) { d = Math.max(d, Math.abs(a.W.data[i] - b.W.data[i])); s = Math.max(s, Math.abs(b.W.data[i])); }
    expect(d / s).toBeLessThan(TOL.f64);
  });
});

describe('trainSoftmaxClassifier: validation', () => {
  const data = blobs('f64', 50, 3, 2, 23);
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['kernels', () => trainSoftmaxClassifier({} as SoftmaxKernels, data), /kernels must be SoftmaxKernels/],
    ['classes', () => trainSoftmaxClassifier(reference, { ...data, classes: 0 }), /data\.classes must be an integer/],
    ['no classes', () => trainSoftmaxClassifier(reference, { X: data.X, y: data.y } as never), /data\.classes is missing/],
    ['labels', () => trainSoftmaxClassifier(reference, { ...data, classes: 1 }), /data\.y\[\d+\] = 1 is outside \[0, 1\)/],
    ['X', () => trainSoftmaxClassifier(reference, { ...data, X: [1, 2] as never }), /data\.X must be a matrix/],
    ['unknown option', () => trainSoftmaxClassifier(reference, data, { learningRate: 1 } as never), /options\.learningRate is not a known option/],
    ['lr', () => trainSoftmaxClassifier(reference, data, { lr: 0 }), /options\.lr must be a finite number in \(0, ∞\), got 0/],
    ['epochs', () => trainSoftmaxClassifier(reference, data, { epochs: 1.5 }), /options\.epochs must be an integer/],
    ['batchSize', () => trainSoftmaxClassifier(reference, data, { batchSize: 0 }), /options\.batchSize/],
    ['momentum', () => trainSoftmaxClassifier(reference, data, { momentum: 1 }), /options\.momentum must be a finite number in \[0, 1\)/],
    ['optimizer', () => trainSoftmaxClassifier(reference, data, { optimizer: 'rmsprop' as never }), /options\.optimizer must be 'sgd' or 'adam'/],
    ['adam + momentum', () => trainSoftmaxClassifier(reference, data, { optimizer: 'adam', momentum: 0.5 }), /apply to optimizer 'sgd' only/],
    ['reg', () => trainSoftmaxClassifier(reference, data, { reg: -1 }), /options\.reg/],
    ['schedule', () => trainSoftmaxClassifier(reference, data, { schedule: 'linear' as never }), /options\.schedule must be/],
    ['split', () => trainSoftmaxClassifier(reference, data, { validationSplit: 1 }), /options\.validationSplit/],
    ['split too small', () => trainSoftmaxClassifier(reference, data, { validationSplit: 0.001 }), /leaves no validation sample/],
    ['early without val', () => trainSoftmaxClassifier(reference, data, { earlyStopping: true }), /needs a validation set/],
    ['test dtype', () => trainSoftmaxClassifier(reference, data, { test: blobs('f32', 5, 3, 2, 1) as never }), /options\.test\.X\.data must be a Float64Array/],
    ['test width', () => trainSoftmaxClassifier(reference, data, { test: blobs('f64', 5, 4, 2, 1) }), /options\.test\.X must be 5×3/],
    ['onEpoch', () => trainSoftmaxClassifier(reference, data, { onEpoch: 1 as never }), /options\.onEpoch must be a function/],
  ];
  it.each(bad)('%s → SoftmaxInputError', (_n, f, msg) => {
    expect(f).toThrow(SoftmaxInputError);
    expect(f).toThrow(msg);
  });

  it('a diverging run says the learning rate is probably too large', () => {
    const big = blobs('f64', 100, 3, 2, 24);
    for (let i = 0; i < big.X.data.length; i++) big.X.data[i] *= 1e150;
    expect(() => trainSoftmaxClassifier(reference, big, { lr: 1e10, epochs: 3 })).toThrow(/learning rate .* too large/);
  });

  it('the @example: learns OR', () => {
    const X = matrix(new Float64Array([0, 0, 0, 1, 1, 0, 1, 1]), 4, 2);
    const y = new Int32Array([0, 1, 1, 1]);
    const m = trainSoftmaxClassifier(reference, { X, y, classes: 2 }, { epochs: 200, batchSize: 4, lr: 0.5 });
    expect(Array.from(m.predict(X))).toEqual([0, 1, 1, 1]);
  });
});

describe('digits (MNIST from the mnist package)', () => {
  it('≥ 90% test accuracy on the 2,000 held-out digits within 20 epochs, WASM f32, same result twice', () => {
    const ds = loadDigits();
    const r = RECIPES.digits;
    const run = () => trainSoftmaxClassifier(wasm, { X: ds.train.X, y: ds.train.y, classes: 10 }, {
      epochs: r.epochs, batchSize: r.batchSize, lr: r.lr.sgd, reg: r.reg, schedule: r.schedule, seed: 1, test: ds.test,
    });
    const a = run();
    expect(a.history.length).toBeLessThanOrEqual(20);
    const acc = a.evaluate(ds.test.X, ds.test.y).accuracy;
    console.log(`digits: test accuracy ${(100 * acc).toFixed(2)}% after ${a.history.length} epochs; ≥ 90% from epoch ` +
      `${a.history.find((h) => h.testAccuracy! >= 0.9)?.epoch}; ${(1000 * a.history.reduce((s, h) => s + h.seconds, 0) / a.history.length).toFixed(1)} ms per epoch (WASM f32)`);
    expect(acc).toBeGreaterThanOrEqual(0.9);
    const b = run();
    expect(b.evaluate(ds.test.X, ds.test.y).accuracy).toBe(acc);
    expect(sameBits(b.W.data, a.W.data)).toBe(true);
  });

  it('the npm start part (runTrainingDemo): prints progress, accuracy, time per epoch and the speed ratio', async () => {
    const lines: string[] = [];
    const r = await runTrainingDemo({ write: (s: string) => { lines.push(s); return true; } }, wasm);
    const text = lines.join('');
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.epochs).toBe(20);
    expect(r.epochTo90).toBeLessThanOrEqual(20);
    expect(r.speedup).toBeGreaterThan(1); // the ≥ 10× target is measured by npm start, not asserted on a shared machine
    expect(text).toMatch(/epoch 20\/20 .*test_acc/);
    expect(text).toMatch(/test accuracy \d+\.\d\d% on the 2,000 held-out digits after 20 epochs/);
    expect(text).toMatch(/train [\d.]+× faster/);
    console.log(`npm start training part: WASM f32 ${r.wasmEpochMs.toFixed(1)} ms/epoch, reference ${r.referenceEpochMs.toFixed(1)} ms/epoch, ${r.speedup.toFixed(1)}×`);
  });

  it('the reference learns too (one epoch on a 2,000-image subset)', () => {
    const ds = loadDigits({ dtype: 'f64' });
    const n = 2000;
    const X = matrix(ds.train.X.data.subarray(0, n * 784), n, 784);
    const m = trainSoftmaxClassifier(reference, { X, y: ds.train.y.subarray(0, n), classes: 10 }, { epochs: 1, batchSize: 100, lr: 0.1 });
    expect(m.evaluate(ds.test.X, ds.test.y).accuracy).toBeGreaterThan(0.8);
  });
});

describe('datasets', () => {
  it('digits: fixed 8,000/2,000 split, pixels in [0, 1], every class in both sets, the same on every load', () => {
    const a = loadDigits(), b = loadDataset('digits');
    expect([a.train.X.rows, a.train.X.cols, a.test.X.rows, a.test.X.cols]).toEqual([DIGITS_TRAIN, 784, DIGITS_TEST, 784]);
    expect(a.train.X.data).toBeInstanceOf(Float32Array);
    expect(a.classes).toBe(10);
    let lo = Infinity, hi = -Infinity;
    for (const v of a.train.X.data) { if (v < lo) lo = v; if (v > hi) hi = v; }
    expect([lo, hi]).toEqual([0, 1]);
    const counts = (y: Int32Array) => Array.from({ length: 10 }, (_, c) => y.filter((v) => v === c).length);
    const tr = counts(a.train.y), te = counts(a.test.y);
    for (let c = 0; c < 10; c++) { expect(tr[c]).toBeGreaterThan(600); expect(te[c]).toBeGreaterThan(120); }
    // the package's per-digit counts
    expect(tr.map((v, c) => v + te[c])).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(sameBits(b.train.X.data, a.train.X.data)).toBe(true);
    expect(sameBits(b.test.X.data, a.test.X.data)).toBe(true);
    expect(Buffer.compare(Buffer.from(b.test.y.buffer), Buffer.from(a.test.y.buffer))).toBe(0);
    const f64 = loadDigits({ dtype: 'f64' });
    expect(f64.train.X.data).toBeInstanceOf(Float64Array);
    for (let i = 0; i < f64.train.X.data.length; i += 997) expect(f64.train.X.data[i]).toBe(a.train.X.data[i]);
  });

  it('iris: 120/30 split (40/10 per species), features standardized on the training rows', () => {
    const ds = loadIris({ dtype: 'f64' });
    expect([ds.train.X.rows, ds.train.X.cols, ds.test.X.rows]).toEqual([120, 4, 30]);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    for (let c = 0; c < 3; c++) {
      expect(ds.train.y.filter((v) => v === c).length).toBe(40);
      expect(ds.test.y.filter((v) => v === c).length).toBe(10);
    }
    for (let j = 0; j < 4; j++) {
      let m = 0, v = 0;
      for (let i = 0; i < 120; i++) m += ds.train.X.data[i * 4 + j] / 120;
      for (let i = 0; i < 120; i++) v += (ds.train.X.data[i * 4 + j] - m) ** 2 / 120;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
    expect(loadIris().train.X.data).toBeInstanceOf(Float32Array);
  });
});

describe('gradCheck', () => {
  it('the @example', () => {
    const w = new Float64Array([1, -2]);
    const f = () => w[0] ** 2 + 3 * w[1];
    const r = gradCheck(f, { w: { value: w, grad: new Float64Array([2, 3]) } });
    expect(r.maxRelError).toBeLessThan(1e-9);
    expect(Array.from(w)).toEqual([1, -2]);
  });

  const problem = (seed: number) => {
    const r = new Rng(seed);
    const g = (n: number, s: number) => Float64Array.from({ length: n }, () => s * r.gauss());
    const N = 40, D = 12, C = 5;
    return { X: matrix(g(N * D, 1), N, D), W: matrix(g(D * C, 0.1), D, C), b: g(C, 0.1), y: Int32Array.from({ length: N }, () => r.int(C)), reg: 0.05 };
  };

  describe.each(ENGINES)('%s, float64', (_name, k) => {
    it('passes (< 1e-7) on the real dW and db: centered difference (CS231n) and five-point stencil', () => {
      const p = problem(5);
      const r2 = checkLinearSoftmaxGradients(k(), p, { samples: 30 });
      const r4 = checkLinearSoftmaxGradients(k(), p, { samples: 30, order: 4 });
      console.log(`gradCheck (${_name}, f64) worst relative error: centered W ${r2.perParam.W.toExponential(2)}, b ${r2.perParam.b.toExponential(2)}, X ${r2.perParam.X.toExponential(2)}; ` +
        `five-point W ${r4.perParam.W.toExponential(2)}, b ${r4.perParam.b.toExponential(2)}, X ${r4.perParam.X.toExponential(2)}`);
      expect(r2.perParam.W).toBeLessThan(1e-7);
      expect(r2.perParam.b).toBeLessThan(1e-7);
      expect(r4.maxRelError).toBeLessThan(1e-7);
      expect(r2.checks.filter((c) => c.param === 'W')).toHaveLength(30);
      expect(r2.checks.filter((c) => c.param === 'b')).toHaveLength(5); // all of them: b is smaller
    });

    it('passes on softmaxCrossEntropy with label smoothing, class weights, ignoreIndex', () => {
      const r = new Rng(6);
      const logits = matrix(Float64Array.from({ length: 60 }, () => 2 * r.gauss()), 12, 5);
      const y = Int32Array.from({ length: 12 }, (_, i) => (i % 5 === 4 ? -100 : r.int(5)));
      const weights = Float64Array.from({ length: 5 }, () => 0.5 + r.next());
      const res = checkCrossEntropyGradients(k(), logits, y, { labelSmoothing: 0.2, weights, ignoreIndex: -100 }, { samples: 60, order: 4 });
      expect(res.maxRelError).toBeLessThan(1e-7);
    });

    it("catches a deliberately wrong gradient (the tutorial's diagonal-only Jacobian, and a 1% scale error)", () => {
      const p = problem(7);
      const { X, W, b, y } = p;
      const N = X.rows, D = X.cols, C = W.cols;
      const loss = () => k().linearSoftmaxLoss(X, y, W, { bias: b }).loss;
      // Diagonal-only: dL/ds_c = −(1 − p_y) for c = y and 0 elsewhere (the off-diagonal −p_c dropped).
      const probs = k().softmax(matrix(Float64Array.from({ length: N * C }, (_, ic) => {
        const i = Math.floor(ic / C), c = ic % C;
        let s = b[c];
        for (let j = 0; j < D; j++) s += X.data[i * D + j] * W.data[j * C + c];
        return s;
      }), N, C));
      const wrong = new Float64Array(D * C);
      for (let i = 0; i < N; i++) {
        const g = -(1 - probs.data[i * C + y[i]]) / N;
        for (let j = 0; j < D; j++) wrong[j * C + y[i]] += X.data[i * D + j] * g;
      }
      expect(gradCheck(loss, { W: { value: W, grad: wrong } }).maxRelError).toBeGreaterThan(0.1);
      const right = k().linearSoftmaxLoss(X, y, W, { bias: b }).dW;
      const scaled = Float64Array.from(right.data, (v) => 1.01 * v);
      const res = gradCheck(loss, { W: { value: W, grad: scaled } });
      expect(res.maxRelError).toBeGreaterThan(1e-3);
      expect(res.worst.param).toBe('W');
      expect(gradCheck(loss, { W: { value: W, grad: right } }).maxRelError).toBeLessThan(1e-7);
    });
  });

  it('restores every parameter bit for bit, accepts arrays of params and float32 with a larger h', () => {
    const p = problem(8);
    const W32 = matrix(Float32Array.from(p.W.data), p.W.rows, p.W.cols), X32 = matrix(Float32Array.from(p.X.data), p.X.rows, p.X.cols);
    const b32 = Float32Array.from(p.b);
    const before = bits(W32.data).slice();
    const g = reference.linearSoftmaxLoss(X32, p.y, W32, { bias: b32 });
    const res = gradCheck(() => reference.linearSoftmaxLoss(X32, p.y, W32, { bias: b32 }).loss,
      [{ value: W32, grad: g.dW }, { value: b32, grad: g.db }], { h: 1e-2, samples: 10, seed: 3 });
    expect(Object.keys(res.perParam)).toEqual(['p0', 'p1']);
    expect(res.maxRelError).toBeLessThan(1e-2);
    expect(Buffer.compare(bits(W32.data), before)).toBe(0);
  });

  it('relError and bad arguments', () => {
    expect(relError(0, 0)).toBe(0);
    expect(relError(1, -1)).toBe(1);
    const v = new Float64Array(3);
    expect(() => gradCheck(() => 0, { v: { value: v, grad: new Float64Array(2) } })).toThrow(/params\.v\.grad must have length 3/);
    expect(() => gradCheck(() => 0, {})).toThrow(/params is empty/);
    expect(() => gradCheck(() => 0, { v: { value: v, grad: v } }, { h: 0 })).toThrow(/options\.h must be a finite number > 0/);
    expect(() => gradCheck(() => 0, { v: { value: v, grad: v } }, { order: 3 as never })).toThrow(/options\.order must be 2 or 4/);
    expect(() => gradCheck(() => 0, { v: { value: v, grad: v } }, { samples: 0 })).toThrow(SoftmaxInputError);
  });
});
