/**
 * trainSoftmaxClassifier on both engines, f32 and f64: optimizers, schedules, early stopping,
 * callbacks, batches, predict; on WASM the hot loop (WASM-resident batches, flat memory) and
 * agreement with the reference; validation of its options and the @example.
 */
import { describe, expect, it } from 'vitest';
import { SoftmaxInputError, matrix, reference, type FloatArray, type LinearSoftmaxOptions, type Matrix, type SoftmaxKernels, type WasmKernels } from '../../src/index.js';
import { loadIris } from '../../apps/datasets/index.js';
import { RECIPES } from '../../apps/shared/recipes.js';
import { trainSoftmaxClassifier, type TrainOptions } from '../../src/train/trainer.js';
import { Rng, TOL, sameBits, type DT } from '../support/index.js';
import { engineRows, useWasm } from '../support/vitest.js';

const wasm = useWasm();
const ENGINES = engineRows(wasm);

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
      ...wasm(),
      linearSoftmaxLoss(X: Matrix<FloatArray>, y: Int32Array, W: Matrix<FloatArray>, opts?: LinearSoftmaxOptions<FloatArray>) {
        seen.push({ X: X.data, y, W: W.data, opts: opts! });
        return wasm().linearSoftmaxLoss(X, y, W, opts);
      },
    } as SoftmaxKernels;
    (spy as WasmKernels).alloc = wasm().alloc.bind(wasm());
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
    const opts: TrainOptions<FloatArray> = { epochs: 5, batchSize: 50, validationSplit: 0.1, onEpoch: () => { sizes.push(wasm().memoryBytes()); } };
    trainSoftmaxClassifier(wasm(), data, opts);
    expect(new Set(sizes).size).toBe(1);
    const after = wasm().memoryBytes();
    trainSoftmaxClassifier(wasm(), data, opts);
    expect(wasm().memoryBytes()).toBe(after);
  });

  it('WASM f64 and the reference train to the same weights (to rounding)', () => {
    const data = blobs('f64', 200, 5, 3, 22);
    const opts = { epochs: 5, batchSize: 20, seed: 3 };
    const a = trainSoftmaxClassifier(wasm(), data, opts);
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
