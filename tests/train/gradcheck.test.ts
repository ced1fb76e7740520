/** gradCheck (src/train/gradcheck.ts): its @example, the kernels' gradients on both engines against central differences, parameters restored bit for bit, relError and bad arguments. */
import { describe, expect, it } from 'vitest';
import { SoftmaxInputError, matrix, reference } from '../../src/index.js';
import { checkCrossEntropyGradients, checkLinearSoftmaxGradients, gradCheck, relError } from '../../src/train/gradcheck.js';
import { Rng, bytesOf } from '../support/index.js';
import { engineRows, useWasm } from '../support/vitest.js';

const ENGINES = engineRows(useWasm());

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
    const before = bytesOf(W32.data).slice();
    const g = reference.linearSoftmaxLoss(X32, p.y, W32, { bias: b32 });
    const res = gradCheck(() => reference.linearSoftmaxLoss(X32, p.y, W32, { bias: b32 }).loss,
      [{ value: W32, grad: g.dW }, { value: b32, grad: g.db }], { h: 1e-2, samples: 10, seed: 3 });
    expect(Object.keys(res.perParam)).toEqual(['p0', 'p1']);
    expect(res.maxRelError).toBeLessThan(1e-2);
    expect(Buffer.compare(bytesOf(W32.data), before)).toBe(0);
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
