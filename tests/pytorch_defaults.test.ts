// PyTorch's and ONNX's conventions the API follows this round (docs/tensors.md): ignoreIndex −100 by
// default, argmax with selectLastIndex, topK with largest: false — WASM against the float64
// reference and against hand-checked rows (ties, ±∞, NaN, masked rows, −0), both float types.
import { describe, expect, it } from 'vitest';
import { matrix, reference, type Matrix } from '../src/index.js';
import { DTYPES, randLabels, randMatrix, relErr, specialMatrix, TOL } from './support/index.js';
import { engineRows, expectInputError, useWasm } from './support/vitest.js';

const wasm = useWasm();
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 1000, 1025, 4099, 5000];

describe.each(engineRows(wasm))('%s engine', (_name, k) => {
  it('softmaxCrossEntropy: label −100 is ignored by default (PyTorch ignore_index), other labels outside [0, C) are errors', () => {
    const logits = randMatrix('f32', 6, 5, 3) as Matrix<Float32Array>;
    const y = Int32Array.from([0, -100, 4, -100, 2, 1]);
    const kept = Int32Array.from([0, 4, 2, 1]);
    const keptLogits = matrix(Float32Array.from([0, 2, 4, 5].flatMap((i) => Array.from(logits.data.subarray(i * 5, i * 5 + 5)))), 4, 5);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const got = k().softmaxCrossEntropy(logits, y, { reduction });
      const explicit = k().softmaxCrossEntropy(logits, y, { reduction, ignoreIndex: -100 });
      expect(got.loss).toBe(explicit.loss);
      expect(Array.from(got.grad!.data)).toEqual(Array.from(explicit.grad!.data));
      const want = k().softmaxCrossEntropy(keptLogits, kept, { reduction });
      expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(want.loss));
      for (const i of [1, 3]) expect(Array.from(got.grad!.data.subarray(i * 5, i * 5 + 5))).toEqual([0, 0, 0, 0, 0]);
    }
    expectInputError(() => k().softmaxCrossEntropy(logits, Int32Array.from([0, -1, 0, 0, 0, 0])), 'labels[1] = -1 is outside [0, 5)', 'not ignoreIndex (-100)');
    expectInputError(() => k().softmaxCrossEntropy(logits, Int32Array.from([0, 5, 0, 0, 0, 0])), 'labels[1] = 5');
    // another ignoreIndex replaces the default: −100 is then an error
    expectInputError(() => k().softmaxCrossEntropy(logits, y, { ignoreIndex: 3 }), 'labels[1] = -100', 'not ignoreIndex (3)');
  });

  it('argmax selectLastIndex: last index on ties, last NaN, an all −∞ row its last index (ONNX select_last_index)', () => {
    const last = (v: number[]) => k().argmax(matrix(Float32Array.from(v), 1, v.length), undefined, { selectLastIndex: true })[0];
    expect(last([1, 3, 3, 2])).toBe(2);
    expect(last([1, NaN, 5, NaN, 2])).toBe(3);
    expect(last([-Infinity, -Infinity, -Infinity])).toBe(2);
    expect(last([0, -0, 0, -0])).toBe(3);
    expect(last([Infinity, 1, Infinity, 2])).toBe(2);
    const long = new Float32Array(3000).fill(1);
    long[700] = 5; long[2400] = 5;
    expect(last(Array.from(long))).toBe(2400);
    expect(Array.from(k().argmax(matrix(new Float32Array(0), 2, 0), undefined, { selectLastIndex: true }))).toEqual([-1, -1]);
    expect(k().argmax(matrix(Float32Array.from([1, 3, 3]), 1, 3), undefined, { selectLastIndex: false })[0]).toBe(1);
    expectInputError(() => k().argmax(matrix(new Float32Array(3), 1, 3), undefined, { selectLastIndex: 1 } as never), 'options.selectLastIndex', 'true or false');
    expectInputError(() => k().argmax(matrix(new Float32Array(3), 1, 3), undefined, { last: true } as never), 'options.last is not a known option');
  });

  it('topK largest: false: the k smallest ascending, ties by lower index, NaN after +∞ (ONNX TopK largest = 0)', () => {
    const small = (v: number[], kk: number) => {
      const r = k().topK(matrix(Float64Array.from(v), 1, v.length), kk, { largest: false });
      return { v: Array.from(r.values.data), i: Array.from(r.indices.data) };
    };
    expect(small([1, 3, 3, 2], 2)).toEqual({ v: [1, 2], i: [0, 3] });
    expect(small([3, 1, 1, 2, 1], 3)).toEqual({ v: [1, 1, 1], i: [1, 2, 4] });
    expect(small([NaN, Infinity, 0, -Infinity], 4)).toEqual({ v: [-Infinity, 0, Infinity, NaN], i: [3, 2, 1, 0] });
    expect(small([-0, 0, -1], 3)).toEqual({ v: [-1, -0, 0], i: [2, 0, 1] });
    // the ONNX case test_top_k_smallest (onnx/backend/test/case/node/topk.py)
    const x = matrix(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 9, 8]), 3, 4);
    const r = k().topK(x, 3, { largest: false });
    expect(Array.from(r.indices.data)).toEqual([0, 1, 2, 0, 1, 2, 3, 2, 1]);
    expect(Array.from(r.values.data)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10]);
    expectInputError(() => k().topK(x, 2, { largest: 'no' } as never), 'options.largest', 'true or false');
  });
});

describe('WASM against the reference', () => {
  it.each(DTYPES)('%s: argmax selectLastIndex and topK smallest over many widths and special rows', (dt) => {
    for (const cols of SIZES) {
      const x = specialMatrix(dt, 9, cols, cols + 11, true);
      const o = { selectLastIndex: true };
      expect(Array.from(wasm().argmax(x, undefined, o)), `argmax cols ${cols}`).toEqual(Array.from(reference.argmax(x, undefined, o)));
      for (const kk of new Set([1, Math.min(cols, 2), Math.min(cols, 7), Math.max(1, cols >> 1), cols])) {
        const a = wasm().topK(x, kk, { largest: false }), b = reference.topK(x, kk, { largest: false });
        expect(Array.from(a.indices.data), `topK cols ${cols} k ${kk}`).toEqual(Array.from(b.indices.data));
        expect(Array.from(a.values.data)).toEqual(Array.from(b.values.data));
        // and the largest-first path is unchanged by the order parameter
        const c = wasm().topK(x, kk), d = reference.topK(x, kk);
        expect(Array.from(c.indices.data)).toEqual(Array.from(d.indices.data));
      }
    }
  });

  it.each(DTYPES)('%s: cross-entropy with −100 labels by default matches the reference', (dt) => {
    const x = randMatrix(dt, 37, 11, 5);
    const y = randLabels(37, 11, 6);
    for (let i = 0; i < 37; i += 4) y[i] = -100;
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const a = wasm().softmaxCrossEntropy(x, y, { reduction }), b = reference.softmaxCrossEntropy(x, y, { reduction });
      expect(relErr([a.loss], [b.loss])).toBeLessThanOrEqual(TOL[dt]);
      expect(relErr(a.grad!.data, b.grad!.data)).toBeLessThanOrEqual(TOL[dt]);
    }
  });
});
