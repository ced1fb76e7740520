/**
 * The float64 reference's identities and special rows: softmax / logSoftmax (shift invariance,
 * masked, NaN and +∞ rows, rounding once into Float32Array outputs), softmaxBackward /
 * softmaxJacobian, and the special cases of softmaxCrossEntropy and linearSoftmaxLoss.
 */
import { describe, expect, it } from 'vitest';
import { matrix, reference as ref } from '../../src/index.js';
import { arr, f32, f64, m64, randLabels, randMatrix, relErr, relErrScalar } from '../support/index.js';
import { expectClose } from '../support/vitest.js';

describe('softmax / logSoftmax', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000])('rows sum to 1 and logSoftmax = log(softmax) (C = %i)', (C) => {
    const x = randMatrix('f64', 4, C, C, 5);
    const p = ref.softmax(x).data;
    const lp = ref.logSoftmax(x).data;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < C; j++) s += p[i * C + j];
      expect(Math.abs(s - 1)).toBeLessThanOrEqual(4e-16 * Math.max(4, Math.sqrt(C)));
    }
    for (let k = 0; k < p.length; k++) {
      expect(p[k]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(Math.exp(lp[k]) - p[k])).toBeLessThanOrEqual(1e-15 + 1e-13 * p[k]);
    }
  });

  it('is shift invariant (and stable for huge logits)', () => {
    const x = randMatrix('f64', 3, 7, 51, 4);
    const p = ref.softmax(x).data;
    const lp = ref.logSoftmax(x).data;
    for (const shift of [0.5, -3, 1000, -1e5]) {
      const xs = matrix(x.data.map((v) => v + shift) as Float64Array, 3, 7);
      // Equal up to the rounding of x + shift.
      const tol = 1e-14 * Math.max(1, Math.abs(shift));
      expect(relErr(ref.softmax(xs).data, p)).toBeLessThanOrEqual(tol);
      expect(relErr(ref.logSoftmax(xs).data, lp)).toBeLessThanOrEqual(tol);
    }
    // x + 1e300 rounds every entry to 1e300: a constant row, so a uniform softmax (no overflow).
    for (const v of ref.softmax(matrix(x.data.map((v) => v + 1e300) as Float64Array, 3, 7)).data) {
      expect(Math.abs(v - 1 / 7)).toBeLessThanOrEqual(1e-16);
    }
    const big = ref.softmax(m64([1000, 1001, 1002], 1, 3)).data;
    expectClose(big, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 1e-15);
  });

  it('logSoftmax is precise at the dominant class', () => {
    // log softmax([0, −40])_0 = −log1p(e^−40) ≈ −4.248354255291589e−18, which log(1 + e^−40) would round to 0.
    const lp = ref.logSoftmax(m64([0, -40], 1, 2)).data;
    expect(relErrScalar(lp[0], -Math.log1p(Math.exp(-40)))).toBeLessThanOrEqual(1e-15);
    expect(lp[0]).toBeLessThan(0);
    expect(lp[1]).toBe(-40 + lp[0]);
  });

  it('a fully masked row (all −∞) gives softmax 0 and logSoftmax −∞; other rows are unaffected', () => {
    const x = m64([-Infinity, -Infinity, -Infinity, 1, 2, 3], 2, 3);
    const p = ref.softmax(x).data;
    const lp = ref.logSoftmax(x).data;
    expect(Array.from(p.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(lp.subarray(0, 3))).toEqual([-Infinity, -Infinity, -Infinity]);
    expectClose(p.subarray(3), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 1e-15);
  });

  it('a partly masked row gives 0 / −∞ only at the masked entries', () => {
    const x = m64([1, -Infinity, 3, -Infinity], 1, 4);
    const p = ref.softmax(x).data;
    expectClose(p, [1 / (1 + Math.exp(2)), 0, 1 / (1 + Math.exp(-2)), 0], 1e-15);
    const lp = ref.logSoftmax(x).data;
    expect(lp[1]).toBe(-Infinity);
    expect(lp[3]).toBe(-Infinity);
    expect(relErrScalar(lp[0], -2 - Math.log1p(Math.exp(-2)))).toBeLessThanOrEqual(1e-15);
  });

  it.each([
    ['NaN', NaN], ['+Infinity', Infinity],
  ])('%s in a row makes that whole row NaN, and only that row', (_name, bad) => {
    for (const dt of ['f32', 'f64'] as const) {
      const x = matrix(arr(dt, [1, bad, 3, 4, 5, 6]), 2, 3);
      for (const out of [ref.softmax(x).data, ref.logSoftmax(x).data]) {
        expect(Array.from(out.subarray(0, 3)).every(Number.isNaN)).toBe(true);
        expect(Array.from(out.subarray(3)).some(Number.isNaN)).toBe(false);
      }
    }
  });

  it('a single column gives softmax 1 and logSoftmax 0; empty matrices are fine', () => {
    expect(Array.from(ref.softmax(m64([-5, 0, 7], 3, 1)).data)).toEqual([1, 1, 1]);
    expect(Array.from(ref.logSoftmax(m64([-5, 0, 7], 3, 1)).data)).toEqual([0, 0, 0]);
    expect(ref.softmax(m64([], 0, 4)).data.length).toBe(0);
    expect(ref.softmax(m64([], 3, 0)).data.length).toBe(0);
  });

  it('Float32Array results are the float64 results rounded once', () => {
    const x32 = randMatrix('f32', 5, 13, 61, 3);
    const x64 = matrix(Float64Array.from(x32.data), 5, 13);
    for (const fn of ['softmax', 'logSoftmax'] as const) {
      const got = ref[fn](x32).data;
      expect(got).toBeInstanceOf(Float32Array);
      expect(Array.from(got)).toEqual(Array.from(ref[fn](x64).data, Math.fround));
    }
  });
});

describe('softmaxBackward / softmaxJacobian', () => {
  it('Jacobian is diag(y) − y yᵀ, symmetric, rows sum to 0; backward = J·dy', () => {
    const y = ref.softmax(m64([0.3, -1.2, 2.0, 0.7], 1, 4)).data;
    const J = ref.softmaxJacobian(y);
    expect([J.rows, J.cols]).toEqual([4, 4]);
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) {
        const want = (i === j ? y[i] : 0) - y[i] * y[j];
        expect(Math.abs(J.data[i * 4 + j] - want)).toBeLessThanOrEqual(2e-16);
        expect(J.data[i * 4 + j]).toBe(J.data[j * 4 + i]);
        s += J.data[i * 4 + j];
      }
      expect(Math.abs(s)).toBeLessThanOrEqual(1e-16);
    }
    const dy = f64([0.5, -1, 2, 0.25]);
    const dx = ref.softmaxBackward(matrix(y, 1, 4), matrix(dy, 1, 4)).data;
    const Jdy = new Float64Array(4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) Jdy[i] += J.data[i * 4 + j] * dy[j];
    expect(relErr(dx, Jdy)).toBeLessThanOrEqual(1e-15);
  });

  it('the Jacobian keeps the float type and handles n = 0 and n = 1', () => {
    expect(ref.softmaxJacobian(f32([0.25, 0.75])).data).toBeInstanceOf(Float32Array);
    expect(Array.from(ref.softmaxJacobian(f32([0.25, 0.75])).data)).toEqual([0.1875, -0.1875, -0.1875, 0.1875]);
    expect(Array.from(ref.softmaxJacobian(f64([1])).data)).toEqual([0]);
    expect(ref.softmaxJacobian(f64([])).data.length).toBe(0);
  });
});

describe('softmaxCrossEntropy special cases', () => {
  it('a one-hot probability row equals its integer label, also with weights and smoothing', () => {
    const z = randMatrix('f64', 5, 4, 71, 2);
    const y = Int32Array.from([0, 3, 2, 2, 1]);
    const q = new Float64Array(20);
    y.forEach((c, i) => { q[i * 4 + c] = 1; });
    for (const labelSmoothing of [0, 0.2]) {
      for (const reduction of ['sum', 'none'] as const) {
        const weights = f64([0.5, 1, 2, 1.5]);
        const a = ref.softmaxCrossEntropy(z, y, { reduction, labelSmoothing, weights });
        const b = ref.softmaxCrossEntropy(z, matrix(q, 5, 4), { reduction, labelSmoothing, weights });
        expect(relErrScalar(a.loss, b.loss)).toBeLessThanOrEqual(1e-15);
        expect(relErr(a.grad!.data, b.grad!.data)).toBeLessThanOrEqual(1e-15);
      }
    }
  });

  it("'none' returns per-sample losses whose sum is the loss, and 'sum'/'mean' agree with them", () => {
    const z = randMatrix('f64', 6, 3, 81, 2);
    const y = randLabels(6, 3, 82);
    const none = ref.softmaxCrossEntropy(z, y, { reduction: 'none' });
    const sum = ref.softmaxCrossEntropy(z, y, { reduction: 'sum' });
    const mean = ref.softmaxCrossEntropy(z, y);
    expect(none.losses!.length).toBe(6);
    expect(none.loss).toBe(Array.from(none.losses!).reduce((a, b) => a + b, 0));
    expect(relErrScalar(sum.loss, none.loss)).toBeLessThanOrEqual(1e-15);
    expect(relErrScalar(mean.loss, sum.loss / 6)).toBeLessThanOrEqual(1e-15);
    expect(relErr(none.grad!.data, sum.grad!.data)).toBe(0);
    expect(relErr(mean.grad!.data, sum.grad!.data.map((g) => g / 6))).toBeLessThanOrEqual(1e-15);
    // Each per-sample loss is −log softmax at the label.
    const lp = ref.logSoftmax(z).data;
    for (let i = 0; i < 6; i++) expect(relErrScalar(none.losses![i], -lp[i * 3 + y[i]])).toBeLessThanOrEqual(1e-15);
    // Without options the rows of the gradient sum to 0.
    for (let i = 0; i < 6; i++) expect(Math.abs(sum.grad!.data[i * 3] + sum.grad!.data[i * 3 + 1] + sum.grad!.data[i * 3 + 2])).toBeLessThan(1e-15);
  });

  it("'mean' with weights divides by the sum of the non-ignored rows' class weights", () => {
    const z = randMatrix('f64', 4, 3, 91, 2);
    const y = Int32Array.from([0, 2, -1, 2]);
    const weights = f64([0.5, 1, 3]);
    const none = ref.softmaxCrossEntropy(z, y, { reduction: 'none', weights, ignoreIndex: -1 });
    const mean = ref.softmaxCrossEntropy(z, y, { weights, ignoreIndex: -1 });
    expect(none.losses![2]).toBe(0);
    expect(relErrScalar(mean.loss, none.loss / (0.5 + 3 + 3))).toBeLessThanOrEqual(1e-15);
  });

  it('every row ignored: mean is NaN with a zero gradient, sum and none are 0', () => {
    const z = randMatrix('f64', 3, 4, 101);
    const y = Int32Array.from([2, 2, 2]);
    const mean = ref.softmaxCrossEntropy(z, y, { ignoreIndex: 2, labelSmoothing: 0.3 });
    expect(mean.loss).toBeNaN();
    expect(Array.from(mean.grad!.data).every((g) => g === 0)).toBe(true);
    expect(ref.softmaxCrossEntropy(z, y, { ignoreIndex: 2, reduction: 'sum' }).loss).toBe(0);
    const none = ref.softmaxCrossEntropy(z, y, { ignoreIndex: 2, reduction: 'none' });
    expect(none.loss).toBe(0);
    expect(Array.from(none.losses!)).toEqual([0, 0, 0]);
  });

  it('N = 0: mean is NaN, sum is 0', () => {
    const z = m64([], 0, 3);
    expect(ref.softmaxCrossEntropy(z, new Int32Array(0)).loss).toBeNaN();
    expect(ref.softmaxCrossEntropy(z, m64([], 0, 3)).loss).toBeNaN();
    expect(ref.softmaxCrossEntropy(z, new Int32Array(0), { reduction: 'sum' }).loss).toBe(0);
  });

  it('a fully masked row: p = 0, loss +∞ if the target has mass, gradient −scale·t', () => {
    const z = m64([-Infinity, -Infinity, -Infinity, 0, 1, 2], 2, 3);
    const r = ref.softmaxCrossEntropy(z, Int32Array.from([1, 0]), { reduction: 'none', labelSmoothing: 0.3 });
    expect(r.losses![0]).toBe(Infinity);
    expect(r.loss).toBe(Infinity);
    expectClose(r.grad!.data.subarray(0, 3), [-0.1, -0.8, -0.1], 1e-15, 'masked-row gradient');
    expect(Number.isFinite(r.losses![1])).toBe(true);
    const mean = ref.softmaxCrossEntropy(z, Int32Array.from([1, 0]));
    expectClose(mean.grad!.data.subarray(0, 3), [0, -0.5, 0], 0, 'masked-row gradient, mean');
    // Zero target mass on the masked row: loss 0.
    const zeroW = ref.softmaxCrossEntropy(z, Int32Array.from([1, 0]), { reduction: 'none', weights: f64([1, 0, 1]) });
    expect(zeroW.losses![0]).toBe(0);
    // An ignored masked row contributes nothing.
    const ign = ref.softmaxCrossEntropy(z, Int32Array.from([1, 0]), { reduction: 'none', ignoreIndex: 1 });
    expect(ign.losses![0]).toBe(0);
    expect(Array.from(ign.grad!.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('a −∞ logit the target gives no weight costs nothing; one it does weight costs +∞', () => {
    const z = m64([-Infinity, 0, 1], 1, 3);
    const r = ref.softmaxCrossEntropy(z, Int32Array.from([2]), { reduction: 'none' });
    const want = Math.log1p(Math.exp(-1));
    expect(relErrScalar(r.loss, want)).toBeLessThanOrEqual(1e-15);
    expect(r.grad!.data[0]).toBe(0);
    expect(ref.softmaxCrossEntropy(z, Int32Array.from([0])).loss).toBe(Infinity);
    expect(ref.softmaxCrossEntropy(z, Int32Array.from([2]), { labelSmoothing: 0.1 }).loss).toBe(Infinity);
    const probs = ref.softmaxCrossEntropy(z, m64([0, 0.5, 0.5], 1, 3));
    expect(Number.isFinite(probs.loss)).toBe(true);
  });

  it.each([['NaN', NaN], ['+Infinity', Infinity]])('%s logits: that row has NaN loss and gradient, others are untouched', (_n, bad) => {
    const z = m64([0, bad, 1, 0.5, -0.5, 2], 2, 3);
    const r = ref.softmaxCrossEntropy(z, Int32Array.from([0, 2]), { reduction: 'none' });
    expect(r.losses![0]).toBeNaN();
    expect(r.loss).toBeNaN();
    expect(Array.from(r.grad!.data.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    const clean = ref.softmaxCrossEntropy(m64([0.5, -0.5, 2], 1, 3), Int32Array.from([2]), { reduction: 'none' });
    expect(r.losses![1]).toBe(clean.losses![0]);
    expect(Array.from(r.grad!.data.subarray(3))).toEqual(Array.from(clean.grad!.data));
  });

  it('grad: false returns no gradient and the same loss', () => {
    const z = randMatrix('f64', 3, 4, 111);
    const y = randLabels(3, 4, 112);
    const a = ref.softmaxCrossEntropy(z, y, { grad: false });
    expect(a.grad).toBeUndefined();
    expect(a.loss).toBe(ref.softmaxCrossEntropy(z, y).loss);
  });
});

describe('linearSoftmaxLoss special cases', () => {
  it('N = 0: loss NaN, dW = 2·reg·W, db = 0', () => {
    const W = m64([1, -2, 0.5, 3], 2, 2);
    const r = ref.linearSoftmaxLoss(m64([], 0, 2), new Int32Array(0), W, { reg: 0.25, bias: f64([1, 2]), inputGrad: true });
    expect(r.loss).toBeNaN();
    expect(Array.from(r.dW.data)).toEqual([0.5, -1, 0.25, 1.5]);
    expect(Array.from(r.db)).toEqual([0, 0]);
    expect(r.dX!.data.length).toBe(0);
  });

  it('dX only with inputGrad; reg adds reg·ΣW² and 2·reg·W', () => {
    const X = randMatrix('f64', 4, 3, 121);
    const W = randMatrix('f64', 3, 5, 122);
    const y = randLabels(4, 5, 123);
    const a = ref.linearSoftmaxLoss(X, y, W);
    expect(a.dX).toBeUndefined();
    const b = ref.linearSoftmaxLoss(X, y, W, { reg: 0.1 });
    let sumW2 = 0;
    for (const w of W.data) sumW2 += w * w;
    expect(relErrScalar(b.loss, a.loss + 0.1 * sumW2)).toBeLessThanOrEqual(1e-15);
    expect(relErr(b.dW.data, a.dW.data.map((g, k) => g + 0.2 * W.data[k]))).toBeLessThanOrEqual(1e-15);
    expect(Array.from(b.db)).toEqual(Array.from(a.db));
  });
});
