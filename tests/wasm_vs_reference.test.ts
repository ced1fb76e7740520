/**
 * Property tests: the WASM kernels against the float64 reference on random shapes and scales
 * (fast-check, fixed seed). f32 results must be within 2e-5 of the f64 reference computed on the same
 * (f32-representable) inputs, relative to the largest magnitude; f64 results within 1e-10.
 * The worst errors seen are printed at the end (they go into the issue note).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, matrix, reference, type FloatArray, type Matrix, type WasmKernels } from '../src/index.js';
import { DTYPES, TOL, randMatrix, relErr, relErrScalar, rng, toF64, type DT } from './support/index.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });

const worst: Record<string, number> = {};
function record(key: string, err: number): number {
  worst[key] = Math.max(worst[key] ?? 0, err);
  return err;
}
afterAll(() => {
  const lines = Object.entries(worst).sort().map(([k, v]) => `  ${k.padEnd(34)} ${v.toExponential(2)}`);
  console.log(`worst relative error, WASM vs float64 reference:\n${lines.join('\n')}`);
});

const SEED = 20261124;
const RUNS = 60;

/** A random matrix whose values are representable in dt, plus its float64 copy. */
function sample(dt: DT, rows: number, cols: number, seed: number, scale: number) {
  const m = randMatrix(dt, rows, cols, seed, scale);
  return { m, f64: matrix(toF64(m.data), rows, cols) };
}

const shape = fc.record({
  rows: fc.integer({ min: 1, max: 300 }),
  cols: fc.oneof(fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 5000 })),
  scale: fc.constantFrom(1, 10, 100, 1e4),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
}).filter((s) => s.rows * s.cols <= 300_000);

describe.each(DTYPES)('%s', (dt) => {
  const tol = TOL[dt];

  it('softmax and logSoftmax match the reference; rows sum to 1; shift invariant', () => {
    fc.assert(fc.property(shape, ({ rows, cols, scale, seed }) => {
      const { m, f64 } = sample(dt, rows, cols, seed, scale);
      const p = wasm.softmax(m);
      expect(record(`${dt} softmax`, relErr(p.data, reference.softmax(f64).data))).toBeLessThanOrEqual(tol);
      const lp = wasm.logSoftmax(m);
      const lpRef = reference.logSoftmax(f64).data;
      expect(record(`${dt} logSoftmax`, relErr(lp.data, lpRef))).toBeLessThanOrEqual(tol);
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += p.data[i * cols + j];
        expect(Math.abs(s - 1)).toBeLessThanOrEqual(dt === 'f32' ? 1e-5 : 1e-12);
      }
      // shift invariance: adding a per-row constant (exact in f32 for an integer of small size) changes nothing
      const shifted = m.data.slice() as FloatArray;
      for (let i = 0; i < shifted.length; i++) shifted[i] += 8;
      expect(relErr(wasm.softmax(matrix(shifted, rows, cols)).data, p.data)).toBeLessThanOrEqual(scale >= 100 ? tol : 4 * tol);
    }), { seed: SEED, numRuns: RUNS });
  });

  it('softmaxBackward matches the reference', () => {
    fc.assert(fc.property(shape, ({ rows, cols, seed }) => {
      const x = sample(dt, rows, cols, seed, 3);
      const y = wasm.softmax(x.m);
      const dy = sample(dt, rows, cols, seed + 1, 1);
      const dx = wasm.softmaxBackward(y, dy.m);
      const ref = reference.softmaxBackward(matrix(toF64(y.data), rows, cols), dy.f64);
      expect(record(`${dt} softmaxBackward`, relErr(dx.data, ref.data))).toBeLessThanOrEqual(tol);
    }), { seed: SEED, numRuns: RUNS });
  });

  it('softmaxJacobian matches the reference', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.integer(), (n, seed) => {
      const y = wasm.softmax(sample(dt, 1, n, seed, 2).m).data;
      const J = wasm.softmaxJacobian(y);
      expect(J.rows).toBe(n);
      expect(record(`${dt} softmaxJacobian`, relErr(J.data, reference.softmaxJacobian(toF64(y)).data))).toBeLessThanOrEqual(tol);
    }), { seed: SEED, numRuns: 30 });
  });

  const ceOptions = fc.record({
    reduction: fc.constantFrom('mean', 'sum', 'none') as fc.Arbitrary<'mean' | 'sum' | 'none'>,
    useWeights: fc.boolean(),
    ignore: fc.constantFrom('none', 'outside', 'inside'),
    labelSmoothing: fc.constantFrom(0, 0, 0.1, 1),
    probs: fc.boolean(),
  });

  it('softmaxCrossEntropy matches the reference (every option); gradient rows sum to 0 without weights/smoothing', () => {
    fc.assert(fc.property(shape, ceOptions, ({ rows, cols, scale, seed }, o) => {
      const { m, f64 } = sample(dt, rows, cols, seed, scale);
      const r = rng(seed + 7);
      let labels: Int32Array | Matrix<FloatArray>;
      let labels64: Int32Array | Matrix<Float64Array>;
      let ignoreIndex: number | undefined;
      if (o.probs) {
        const t = sample(dt, rows, cols, seed + 3, 1);
        const p = wasm.softmax(t.m); // valid probability rows, representable in dt
        labels = p;
        labels64 = matrix(toF64(p.data), rows, cols);
      } else {
        labels = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
        if (o.ignore !== 'none') {
          ignoreIndex = o.ignore === 'outside' ? -100 : Math.floor(r() * cols);
          for (let i = 0; i < rows; i += 3) labels[i] = ignoreIndex;
        }
        labels64 = labels;
      }
      const w = o.useWeights ? Array.from({ length: cols }, () => 0.25 + r() * 2) : null;
      const opts = (ty: DT) => ({
        reduction: o.reduction,
        labelSmoothing: o.labelSmoothing,
        ...(w ? { weights: ty === 'f32' ? new Float32Array(w) : new Float64Array(w) } : {}),
        ...(ignoreIndex !== undefined ? { ignoreIndex } : {}),
      });
      const got = wasm.softmaxCrossEntropy(m, labels, opts(dt) as never);
      const ref = reference.softmaxCrossEntropy(f64, labels64, opts('f64') as never);
      const key = `${dt} crossEntropy`;
      if (Number.isNaN(ref.loss)) expect(got.loss).toBeNaN();
      else expect(record(`${key} loss`, relErrScalar(got.loss, ref.loss))).toBeLessThanOrEqual(tol);
      expect(record(`${key} grad`, relErr(got.grad!.data, ref.grad!.data))).toBeLessThanOrEqual(tol);
      if (o.reduction === 'none') expect(record(`${key} losses`, relErr(got.losses!, ref.losses!))).toBeLessThanOrEqual(tol);
      if (!w && o.labelSmoothing === 0 && !o.probs) {
        let worstRow = 0, gmax = 0;
        for (let i = 0; i < rows; i++) {
          let s = 0;
          for (let j = 0; j < cols; j++) { s += got.grad!.data[i * cols + j]; gmax = Math.max(gmax, Math.abs(got.grad!.data[i * cols + j])); }
          worstRow = Math.max(worstRow, Math.abs(s));
        }
        expect(worstRow).toBeLessThanOrEqual(Math.max(gmax, 1e-30) * (dt === 'f32' ? 1e-5 : 1e-12) * Math.max(1, Math.sqrt(cols)));
      }
    }), { seed: SEED, numRuns: RUNS });
  });

  it('linearSoftmaxLoss matches the reference (bias, reg, dX)', () => {
    const lshape = fc.record({
      n: fc.integer({ min: 1, max: 64 }),
      d: fc.integer({ min: 1, max: 300 }),
      c: fc.oneof(fc.integer({ min: 1, max: 17 }), fc.constant(10), fc.integer({ min: 18, max: 200 })),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      bias: fc.boolean(),
      reg: fc.constantFrom(0, 5e-6, 0.1),
      inputGrad: fc.boolean(),
    });
    fc.assert(fc.property(lshape, ({ n, d, c, seed, bias, reg, inputGrad }) => {
      const X = sample(dt, n, d, seed, 1);
      const W = sample(dt, d, c, seed + 1, 0.01);
      const b = sample(dt, 1, c, seed + 2, 0.1);
      const labels = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % c);
      const got = wasm.linearSoftmaxLoss(X.m, labels, W.m, { reg, inputGrad, ...(bias ? { bias: b.m.data } : {}) });
      const ref = reference.linearSoftmaxLoss(X.f64, labels, W.f64, { reg, inputGrad, ...(bias ? { bias: b.f64.data } : {}) });
      const key = `${dt} linearSoftmaxLoss`;
      expect(record(`${key} loss`, relErrScalar(got.loss, ref.loss))).toBeLessThanOrEqual(tol);
      expect(record(`${key} dW`, relErr(got.dW.data, ref.dW.data))).toBeLessThanOrEqual(tol);
      expect(record(`${key} db`, relErr(got.db, ref.db))).toBeLessThanOrEqual(tol);
      if (inputGrad) expect(record(`${key} dX`, relErr(got.dX!.data, ref.dX!.data))).toBeLessThanOrEqual(tol);
      else expect(got.dX).toBeUndefined();
    }), { seed: SEED, numRuns: RUNS });
  });
});
