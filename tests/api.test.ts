/**
 * The API contract on both engines: every bad input throws SoftmaxInputError naming the argument
 * (before anything is computed), inputs are never modified, a failed call changes nothing, `out`
 * options are filled and returned, aliasing works, results have the input's float type.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_JACOBIAN_LENGTH, SoftmaxInputError, loadWasm, matrix, reference,
  type FloatArray, type Matrix, type SoftmaxKernels,
} from '../src/index.js';
import { detachedArray, f32, f64, randLabels, randMatrix, relErr } from './support/index.js';
import { expectInputError } from './support/vitest.js';

let wasm: SoftmaxKernels;
beforeAll(async () => { wasm = await loadWasm(); });
const engines: Array<[string, () => SoftmaxKernels]> = [['reference', () => reference], ['wasm', () => wasm]];


describe('matrix()', () => {
  it('wraps any Float32Array/Float64Array view of length rows·cols', () => {
    const buf = new Float32Array(10);
    const m = matrix(buf.subarray(2, 8), 2, 3);
    expect(m.rows).toBe(2);
    expect(m.data.byteOffset).toBe(8);
    const shared = new Float64Array(new SharedArrayBuffer(48));
    expect(matrix(shared, 3, 2).cols).toBe(2);
    expect(matrix(new Float32Array(0), 0, 5).rows).toBe(0);
  });
  it('rejects wrong types, sizes and lengths with the value seen', () => {
    expectInputError(() => matrix([1, 2, 3] as never, 1, 3), 'matrix: data', 'Array(3)');
    expectInputError(() => matrix(new Int32Array(3) as never, 1, 3), 'Int32Array(3)');
    expectInputError(() => matrix(f32([1, 2, 3]), 1.5, 2), 'matrix: rows', '1.5');
    expectInputError(() => matrix(f32([1, 2, 3]), -1, 3), 'rows', '-1');
    expectInputError(() => matrix(f32([1, 2, 3]), 1, NaN), 'cols', 'NaN');
    expectInputError(() => matrix(f32([1, 2, 3]), 2, 2), 'length rows·cols = 2·2 = 4', 'length 3');
  });
  it('rejects a detached buffer', () => {
    expectInputError(() => matrix(detachedArray('f32', 4) as Float32Array, 2, 2), 'detached');
  });
  it('checks the intrinsic length, as every call does (a subclass whose length getter lies is refused by both)', () => {
    class Liar extends Float32Array { override get length(): number { return 6; } }
    const data = new Liar(3);
    expect(data.length).toBe(6);
    expectInputError(() => matrix(data, 2, 3), 'length rows·cols = 2·3 = 6', 'length 3');
    expectInputError(() => reference.softmax({ data, rows: 2, cols: 3 }), 'x has data.length 3 but rows·cols = 2·3 = 6');
  });
});

describe.each(engines)('%s engine', (_name, get) => {
  const k = () => get();

  it('softmax: bad x, bad out, mixed types, partial overlap', () => {
    const x = matrix(f32([1, 2, 3, 4, 5, 6]), 2, 3);
    expectInputError(() => k().softmax(null as never), 'softmax: x', 'null');
    expectInputError(() => k().softmax(f32([1, 2]) as never), 'softmax: x', 'Float32Array(2)');
    expectInputError(() => k().softmax({ data: [1, 2], rows: 1, cols: 2 } as never), 'x.data', 'Array(2)');
    expectInputError(() => k().softmax({ data: f32([1, 2]), rows: 1, cols: 3 }), 'x has data.length 2 but rows·cols = 1·3 = 3');
    expectInputError(() => k().softmax(x, matrix(f32([0, 0, 0]), 1, 3)), 'softmax: out', 'must be 2×3, got 1×3');
    expectInputError(() => k().softmax(x, matrix(new Float64Array(6), 2, 3) as never), 'out.data', 'Float32Array', 'Float64Array(6)');
    const big = new Float32Array(8);
    big.set(x.data);
    expectInputError(() => k().softmax(matrix(big.subarray(0, 6), 2, 3), matrix(big.subarray(2, 8), 2, 3)), 'partially overlaps x');
    expectInputError(() => k().logSoftmax({ data: f32([1]), rows: 1, cols: 1.5 } as never), 'x.cols', '1.5');
  });

  it('softmaxBackward and softmaxJacobian: shapes and types', () => {
    const y = matrix(f64([0.5, 0.5]), 1, 2);
    expectInputError(() => k().softmaxBackward(y, matrix(f64([1, 2, 3]), 1, 3)), 'softmaxBackward: dy', 'must be 1×2, got 1×3');
    expectInputError(() => k().softmaxBackward(y, matrix(f32([1, 2]), 1, 2) as never), 'dy.data', 'Float64Array');
    expectInputError(() => k().softmaxJacobian([0.5, 0.5] as never), 'softmaxJacobian: y', 'Array(2)');
    expectInputError(() => k().softmaxJacobian(new Float32Array(MAX_JACOBIAN_LENGTH + 1)), 'softmaxJacobian: y', `n ≤ ${MAX_JACOBIAN_LENGTH}`);
  });

  it('softmaxCrossEntropy: labels, options and outputs', () => {
    const logits = matrix(f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 4, 3);
    const labels = new Int32Array([0, 1, 2, 1]);
    const ce = (l: unknown, o?: unknown) => () => k().softmaxCrossEntropy(logits, l as never, o as never);
    expectInputError(ce(new Int32Array([0, 1, 3, 1])), 'softmaxCrossEntropy: labels[2] = 3 is outside [0, 3)');
    expectInputError(ce(new Int32Array([0, 1, -1, 1])), 'labels[2] = -1 is outside [0, 3)', 'not ignoreIndex (-100)');
    expectInputError(ce(new Int32Array([0, 1, -100, 1]), { ignoreIndex: 2 }), 'labels[2] = -100 is outside [0, 3)', 'not ignoreIndex (2)');
    expectInputError(ce(new Int32Array([0, 1, 7, 1]), { ignoreIndex: -100 }), 'labels[2] = 7', 'not ignoreIndex (-100)');
    expectInputError(ce(new Int32Array([0, 1])), 'labels must have length 4', 'length 2');
    expectInputError(ce([0, 1, 2, 1]), 'labels must be an Int32Array of 4 class indices or a 4×3 matrix', 'Array(4)');
    expectInputError(ce(new Float32Array([0, 1, 2, 1])), 'labels', 'Float32Array(4)');
    expectInputError(ce(matrix(new Float32Array(6), 2, 3)), 'labels must be 4×3, got 2×3');
    expectInputError(ce(matrix(new Float32Array(12), 4, 3), { ignoreIndex: 0 }), 'ignoreIndex applies only to integer labels');
    expectInputError(ce(labels, { reduction: 'avg' }), "options.reduction must be 'mean', 'sum' or 'none'", '"avg"');
    expectInputError(ce(labels, { reduce: 'sum' }), 'options.reduce is not a known option');
    expectInputError(ce(labels, { labelSmoothing: 1.5 }), 'options.labelSmoothing', 'in [0, 1]', '1.5');
    expectInputError(ce(labels, { labelSmoothing: NaN }), 'options.labelSmoothing', 'NaN');
    expectInputError(ce(labels, { weights: f32([1, 1]) }), 'options.weights must have length 3', 'length 2');
    expectInputError(ce(labels, { weights: f64([1, 1, 1]) }), 'options.weights', 'Float64Array(3)');
    expectInputError(ce(labels, { ignoreIndex: 1.5 }), 'options.ignoreIndex', '1.5');
    expectInputError(ce(labels, { grad: 'yes' }), 'options.grad must be true or false', '"yes"');
    expectInputError(ce(labels, { grad: false, gradOut: matrix(new Float32Array(12), 4, 3) }), 'options.gradOut', 'grad: false');
    expectInputError(ce(labels, { gradOut: matrix(new Float32Array(12), 3, 4) }), 'options.gradOut must be 4×3, got 3×4');
    expectInputError(ce(labels, 'mean'), 'options must be an object', '"mean"');
  });

  it('linearSoftmaxLoss: shapes, labels, options', () => {
    const X = matrix(f64([1, 2, 3, 4, 5, 6]), 2, 3);
    const W = matrix(f64([1, 0, 0, 1, 1, 1]), 3, 2);
    const y = new Int32Array([0, 1]);
    const L = (...a: unknown[]) => () => (k().linearSoftmaxLoss as (...b: unknown[]) => unknown)(...a);
    expectInputError(L(X, y, matrix(f64([1, 2, 3, 4]), 2, 2)), 'linearSoftmaxLoss: W must be D×C with D = X.cols = 3, got 2×2');
    expectInputError(L(X, new Int32Array([0, 2]), W), 'labels[1] = 2 is outside [0, 2)');
    expectInputError(L(X, [0, 1], W), 'labels must be an Int32Array of 2 class indices', 'Array(2)');
    expectInputError(L(X, y, matrix(f32([1, 0, 0, 1, 1, 1]), 3, 2)), 'W.data', 'Float64Array', 'Float32Array(6)');
    expectInputError(L(X, y, W, { reg: -1 }), 'options.reg must be a finite number ≥ 0, got -1');
    expectInputError(L(X, y, W, { reg: Infinity }), 'options.reg', 'Infinity');
    expectInputError(L(X, y, W, { bias: f64([1, 2, 3]) }), 'options.bias must have length 2');
    expectInputError(L(X, y, W, { out: { dW: matrix(new Float64Array(6), 2, 3) } }), 'options.out.dW must be 3×2, got 2×3');
    expectInputError(L(X, y, W, { out: { dB: new Float64Array(2) } }), 'options.out.dB is not a known option');
    expectInputError(L(X, y, W, { inputGrad: false, out: { dX: matrix(new Float64Array(6), 2, 3) } }), 'options.out.dX', 'inputGrad: false');
    expectInputError(L(X, y, W, { out: { dW: matrix(X.data, 3, 2) } }), 'options.out.dW shares memory with X');
    expectInputError(L(X, y, W, { out: { db: W.data.subarray(0, 2) } }), 'options.out.db shares memory with W');
  });

  it('a failed call changes nothing (outputs untouched)', () => {
    const logits = randMatrix('f32', 3, 4, 1);
    const gradOut = matrix(new Float32Array(12).fill(7), 3, 4);
    expect(() => k().softmaxCrossEntropy(logits, new Int32Array([0, 1, 9]), { gradOut })).toThrow(SoftmaxInputError);
    expect(Array.from(gradOut.data)).toEqual(new Array(12).fill(7));
    const out = matrix(new Float32Array(12).fill(3), 3, 4);
    expect(() => k().softmax(logits, { ...out, rows: 4, cols: 3 } as Matrix<Float32Array>)).toThrow(SoftmaxInputError);
    expect(Array.from(out.data)).toEqual(new Array(12).fill(3));
  });

  it('inputs are never modified; out is returned; aliasing gives the same numbers', () => {
    for (const dt of ['f32', 'f64'] as const) {
      const x = randMatrix(dt, 5, 7, 3, 4);
      const before = x.data.slice();
      const y = k().softmax(x);
      expect(Array.from(x.data)).toEqual(Array.from(before));
      expect(y.data.constructor).toBe(x.data.constructor);
      const out = matrix(x.data.slice() as FloatArray, 5, 7);
      expect(k().softmax(x, out)).toBe(out);
      const inplace = matrix(x.data.slice() as FloatArray, 5, 7);
      k().softmax(inplace, inplace);
      expect(Array.from(inplace.data)).toEqual(Array.from(y.data));
      const lin = matrix(x.data.slice() as FloatArray, 5, 7);
      k().logSoftmax(lin, lin);
      expect(Array.from(lin.data)).toEqual(Array.from(k().logSoftmax(x).data));

      const dy = randMatrix(dt, 5, 7, 4);
      const dyBefore = dy.data.slice();
      const dx = k().softmaxBackward(y, dy);
      expect(Array.from(dy.data)).toEqual(Array.from(dyBefore));
      const dyAlias = matrix(dy.data.slice() as FloatArray, 5, 7);
      k().softmaxBackward(y, dyAlias, dyAlias);
      expect(Array.from(dyAlias.data)).toEqual(Array.from(dx.data));

      const labels = randLabels(5, 7, 9);
      const labelsBefore = labels.slice();
      const r = k().softmaxCrossEntropy(x, labels);
      expect(Array.from(labels)).toEqual(Array.from(labelsBefore));
      expect(Array.from(x.data)).toEqual(Array.from(before));
      const g = matrix(x.data.slice() as FloatArray, 5, 7);
      const r2 = k().softmaxCrossEntropy(g, labels, { gradOut: g });
      expect(r2.grad).toBe(g);
      expect(r2.loss).toBe(r.loss);
      expect(Array.from(g.data)).toEqual(Array.from(r.grad!.data));

      const X = randMatrix(dt, 6, 5, 11);
      const W = randMatrix(dt, 5, 7, 12, 0.1);
      const Xb = X.data.slice(), Wb = W.data.slice();
      const lr = k().linearSoftmaxLoss(X, randLabels(6, 7, 2), W, { reg: 0.1, inputGrad: true });
      expect(Array.from(X.data)).toEqual(Array.from(Xb));
      expect(Array.from(W.data)).toEqual(Array.from(Wb));
      const X2 = matrix(X.data.slice() as FloatArray, 6, 5), W2 = matrix(W.data.slice() as FloatArray, 5, 7);
      const lr2 = k().linearSoftmaxLoss(X2, randLabels(6, 7, 2), W2, { reg: 0.1, out: { dW: W2, dX: X2 } });
      expect(lr2.dW).toBe(W2);
      expect(lr2.dX).toBe(X2);
      expect(lr2.loss).toBe(lr.loss);
      expect(relErr(W2.data, lr.dW.data)).toBe(0);
      expect(relErr(X2.data, lr.dX!.data)).toBe(0);
    }
  });

  it('empty shapes: 0 rows or 0 columns', () => {
    expect(k().softmax(matrix(new Float32Array(0), 0, 4)).data.length).toBe(0);
    expect(k().softmax(matrix(new Float32Array(0), 3, 0)).data.length).toBe(0);
    const r = k().softmaxCrossEntropy(matrix(new Float64Array(0), 0, 3), new Int32Array(0));
    expect(r.loss).toBeNaN(); // mean over no samples, like PyTorch
    expect(k().softmaxCrossEntropy(matrix(new Float64Array(0), 0, 3), new Int32Array(0), { reduction: 'sum' }).loss).toBe(0);
  });
});

describe('WASM engine lifecycle and memory', () => {
  it('alloc() matrices skip the copies, survive memory growth and give the same answers', async () => {
    const k = await loadWasm();
    const x = k.alloc('f32', 64, 100);
    const host = randMatrix('f32', 64, 100, 5, 3);
    x.data.set(host.data);
    const out = k.alloc('f32', 64, 100);
    expect(k.softmax(x, out)).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(k.softmax(host).data));
    const before = x.data;
    const big = k.alloc('f64', 1024, 1024); // forces memory.grow: old views detach, data is re-derived
    expect(before.length).toBe(0); // the old view detached with the growth...
    expect(x.data === before).toBe(false); // ...and data is a fresh view
    expect(Array.from(x.data)).toEqual(Array.from(host.data));
    big.free();
    x.free();
    expect(() => x.data).toThrow(/freed/);
    expectInputError(() => k.softmax(x), 'freed');
    out.free();
    k.dispose();
  });

  it('repeated calls with the same shapes do not grow memory', async () => {
    const k = await loadWasm();
    const X = randMatrix('f32', 50, 300, 1);
    const W = randMatrix('f32', 300, 10, 2, 0.01);
    const y = randLabels(50, 10, 3);
    const run = () => {
      k.softmax(X);
      k.softmaxCrossEntropy(X, randLabels(50, 300, 4));
      k.linearSoftmaxLoss(X, y, W, { reg: 1e-3, inputGrad: true });
    };
    run();
    const warm = k.memoryBytes();
    for (let i = 0; i < 2000; i++) run();
    expect(k.memoryBytes()).toBe(warm);
    k.dispose();
  });

  it('dispose(): later calls throw an error that says so', async () => {
    const k = await loadWasm();
    const m = k.alloc('f64', 2, 2);
    k.dispose();
    expectInputError(() => k.softmax(matrix(f32([1, 2]), 1, 2)), 'disposed');
    expectInputError(() => k.alloc('f32', 1, 1), 'disposed');
    expect(() => m.data).toThrow(/disposed/);
  });

  it('alloc() validates its arguments and refuses what the 4 GiB address space cannot hold', async () => {
    const k = await loadWasm();
    expectInputError(() => k.alloc('f16' as never, 1, 1), "alloc: dtype must be 'f32', 'f64' or 'i32'", '"f16"');
    expectInputError(() => k.alloc('f32', -1, 1), 'alloc: rows', '-1');
    expectInputError(() => k.alloc('f64', 65536, 65536), '4 GiB');
    expectInputError(() => k.alloc('f32', 2 ** 30, 2), '4 GiB');
    expect(k.softmax(matrix(f32([0, 0]), 1, 2)).data[0]).toBe(0.5); // still works after refusals
    k.dispose();
  });

  it('several instances are independent', async () => {
    const [a, b] = await Promise.all([loadWasm(), loadWasm()]);
    const x = randMatrix('f32', 10, 33, 8, 5);
    a.alloc('f32', 1000, 1000);
    expect(Array.from(a.softmax(x).data)).toEqual(Array.from(b.softmax(x).data));
    expect(a.memoryBytes()).toBeGreaterThan(b.memoryBytes());
    a.dispose();
    expect(b.softmax(x).rows).toBe(10);
    b.dispose();
  });
});
