/**
 * The model object on its own: a classifier over the caller's own W and b, bit-exact save/load,
 * and alloc('i32') labels (the trainer's minibatch labels live in one).
 */
import { describe, expect, it } from 'vitest';
import {
  loadSoftmaxClassifier, matrix, reference, softmaxClassifier, SoftmaxInputError, trainSoftmaxClassifier,
  type FloatArray, type SoftmaxKernels,
} from '../../src/index.js';
import { Rng, sameBits, type DT } from '../support/index.js';
import { useWasm } from '../support/vitest.js';

const wasm = useWasm();

function data(dt: DT, N: number, D: number, C: number, seed: number) {
  const r = new Rng(seed);
  const X = dt === 'f32' ? new Float32Array(N * D) : new Float64Array(N * D);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) { y[i] = r.int(C); for (let j = 0; j < D; j++) X[i * D + j] = r.gauss() + (j % C === y[i] ? 2 : 0); }
  return { X: matrix(X as FloatArray, N, D), y, classes: C };
}

describe('softmaxClassifier: predicting with weights trained elsewhere', () => {
  it('the @example', () => {
    const m = softmaxClassifier(reference, { W: matrix(new Float64Array([1, -1, -1, 1]), 2, 2) });
    expect(Array.from(m.predict(matrix(new Float64Array([3, 0, 0, 3]), 2, 2)))).toEqual([0, 1]);
  });

  it.each(['f32', 'f64'] as const)('%s: scores are X·W + b, probabilities softmax of them, evaluate counts hits; W and b are copied', (dt) => {
    const { X, y } = data(dt, 40, 6, 3, 1);
    const r = new Rng(2);
    const A = dt === 'f32' ? Float32Array : Float64Array;
    const W = matrix(new A(18).map(() => r.gauss()) as FloatArray, 6, 3);
    const b = (dt === 'f32' ? Float32Array : Float64Array).from([0.5, -0.25, 0]) as FloatArray;
    for (const k of [reference, wasm()] as SoftmaxKernels[]) {
      const m = softmaxClassifier(k, { W, b });
      const s = m.scores(X);
      for (const [i, j] of [[0, 0], [17, 2], [39, 1]]) {
        let e = b[j];
        for (let d = 0; d < 6; d++) e += X.data[i * 6 + d] * W.data[d * 3 + j];
        expect(s.data[i * 3 + j]).toBeCloseTo(e, dt === 'f32' ? 4 : 10);
      }
      const p = m.predictProba(X);
      const pred = m.predict(X);
      let hits = 0;
      for (let i = 0; i < 40; i++) {
        const row = Array.from(p.data.subarray(i * 3, i * 3 + 3));
        expect(row.indexOf(Math.max(...row))).toBe(pred[i]);
        if (pred[i] === y[i]) hits++;
      }
      expect(m.evaluate(X, y).accuracy).toBe(hits / 40);
      const before = m.predict(X);
      W.data[0] += 100; // the model holds its own copy
      expect(Array.from(m.predict(X))).toEqual(Array.from(before));
      W.data[0] -= 100;
    }
  });

  it('bad arguments', () => {
    const W = matrix(new Float64Array(4), 2, 2);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => softmaxClassifier({} as never, { W }), /softmaxClassifier: kernels must be SoftmaxKernels/],
      [() => softmaxClassifier(reference, {} as never), /params\.W is missing/],
      [() => softmaxClassifier(reference, { W, bias: 1 } as never), /params\.bias is not a known option/],
      [() => softmaxClassifier(reference, { W, b: new Float64Array(3) }), /params\.b must have length 2, got length 3/],
      [() => softmaxClassifier(reference, { W, b: new Float32Array(2) as never }), /params\.b must be a Float64Array/],
      [() => softmaxClassifier(reference, { W: matrix(new Float64Array(0), 3, 0) }), /at least one column/],
      [() => softmaxClassifier(reference, { W }).predict(matrix(new Float64Array(3), 1, 3)), /predict: X must be 1×2, got 1×3/],
    ];
    for (const [f, msg] of cases) {
      expect(f).toThrow(SoftmaxInputError);
      expect(f).toThrow(msg);
    }
  });
});

describe('save and load', () => {
  it.each(['f32', 'f64'] as const)('%s: JSON.stringify(model) → loadSoftmaxClassifier gives the same bits and the same predictions', (dt) => {
    const d = data(dt, 120, 5, 4, 3);
    const m = trainSoftmaxClassifier(wasm(), d, { epochs: 3, batchSize: 16, seed: 9 });
    const text = JSON.stringify(m);
    const again = loadSoftmaxClassifier(wasm(), text);
    expect(sameBits(again.W.data, m.W.data)).toBe(true);
    expect(sameBits(again.b, m.b)).toBe(true);
    expect(again.W.data.constructor).toBe(m.W.data.constructor);
    expect([again.W.rows, again.W.cols, again.classes, again.bestEpoch]).toEqual([5, 4, 4, m.bestEpoch]);
    expect(again.history.map((h) => h.loss)).toEqual(m.history.map((h) => h.loss));
    expect(sameBits(again.predictProba(d.X).data, m.predictProba(d.X).data)).toBe(true);
    expect(loadSoftmaxClassifier(wasm(), m.toJSON()).evaluate(d.X, d.y)).toEqual(m.evaluate(d.X, d.y));
  });

  it('keeps −0, NaN, ±Infinity, subnormals and extremes exactly', () => {
    for (const A of [Float32Array, Float64Array]) {
      const vals = [-0, 0, NaN, Infinity, -Infinity, A === Float32Array ? 1e-45 : 5e-324, A === Float32Array ? 3.4028234663852886e38 : Number.MAX_VALUE, 0.1];
      const W = matrix(A.from(vals) as FloatArray, 4, 2);
      const m = softmaxClassifier(reference, { W, b: A.from([1 / 3, -2]) as FloatArray });
      const again = loadSoftmaxClassifier(reference, JSON.parse(JSON.stringify(m)));
      expect(sameBits(again.W.data, W.data)).toBe(true);
      expect(Object.is(again.W.data[0], -0)).toBe(true);
      expect(sameBits(again.b, m.b)).toBe(true);
    }
  });

  it('bad saved models', () => {
    const good = softmaxClassifier(reference, { W: matrix(new Float32Array(6), 3, 2) }).toJSON();
    const cases: Array<[unknown, RegExp]> = [
      ['{', /saved is not valid JSON/],
      [{ ...good, format: 'x' }, /saved\.format must be 'softmax-wasm\/linear-softmax-classifier'/],
      [{ ...good, version: 2 }, /saved\.version must be 1/],
      [{ ...good, dtype: 'f16' }, /saved\.dtype must be 'f32' or 'f64'/],
      [{ ...good, classes: 0 }, /saved\.classes must be an integer ≥ 1/],
      [{ ...good, W: good.b }, /saved\.W must hold 6 f32 values \(24 bytes\), got 8 bytes/],
      [{ ...good, W: '***' }, /saved\.W is not valid base64/],
      [{ ...good, extra: 1 }, /saved\.extra is not a known option/],
    ];
    for (const [saved, msg] of cases) {
      const f = () => loadSoftmaxClassifier(reference, saved as never);
      expect(f).toThrow(SoftmaxInputError);
      expect(f).toThrow(msg);
    }
  });

  it("the dtype argument: the saved type must match it ('f64' asked of an f32 model is refused); a bad dtype is refused", () => {
    const good = softmaxClassifier(reference, { W: matrix(new Float32Array(6), 3, 2) }).toJSON();
    const m = loadSoftmaxClassifier(reference, JSON.stringify(good), 'f32');
    expect(m.W.data).toBeInstanceOf(Float32Array);
    const wrong = () => loadSoftmaxClassifier(reference, JSON.stringify(good), 'f64');
    expect(wrong).toThrow(SoftmaxInputError);
    expect(wrong).toThrow(/saved\.dtype is 'f32', but dtype 'f64' was asked for/);
    expect(() => loadSoftmaxClassifier(reference, good, 'f16' as never)).toThrow(/dtype must be 'f32', 'f64' or undefined, got/);
  });
});

describe("alloc('i32'): labels in WASM memory", () => {
  it('is an Int32Array view of WASM memory, zero-filled, accepted as labels without a copy, re-derived after growth', () => {
    const k = wasm();
    const labels = k.alloc('i32', 1, 3);
    expect(labels.data).toBeInstanceOf(Int32Array);
    expect(Array.from(labels.data)).toEqual([0, 0, 0]);
    labels.data.set([2, 0, 1]);
    const logits = matrix(new Float32Array([0, 1, 5, 4, 0, 0, 1, 3, 1]), 3, 3);
    const viaAlloc = k.softmaxCrossEntropy(logits, labels.data);
    const viaCopy = k.softmaxCrossEntropy(logits, new Int32Array([2, 0, 1]));
    expect(viaAlloc.loss).toBe(viaCopy.loss);
    const big = k.alloc('f64', 512, 1024); // grows memory: the old view detaches, data is re-derived
    expect(Array.from(labels.data)).toEqual([2, 0, 1]);
    big.free();
    labels.free();
    expect(() => labels.data).toThrow(/freed/);
  });
});
