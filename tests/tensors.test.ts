// N-d tensors through the public API (docs/tensors.md): tensor(), softmax / logSoftmax along any
// axis (with temperature), the peers' own cases (ONNX Softmax / LogSoftmax node tests, the
// log_prob outputs of SoftmaxCrossEntropyLoss), WASM (the in-place axis kernels,
// assembly/axis/softmax.ts) against the float64 reference on shapes around the SIMD widths, with
// masked, NaN and +∞ lines; out / aliasing; validation.
import { describe, expect, it } from 'vitest';
import { matrix, reference, tensor, type FloatArray, type Tensor } from '../src/index.js';
import { DTYPES, Rng, TOL, arr, relErr, type DT } from './support/index.js';
import { floats, onnxCases, onnxLossArgs, values } from './support/peer_cases.js';
import { engineRows, expectInputError, useWasm } from './support/vitest.js';

const wasm = useWasm();

/** A random tensor with some special lines along `axis` (masked, a NaN, a +∞, ties). */
function specialTensor(dt: DT, shape: number[], axis: number, seed: number): Tensor<FloatArray> {
  const r = new Rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const x = arr(dt, n);
  for (let i = 0; i < n; i++) x[i] = 4 * r.gauss();
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1), C = shape[axis];
  const outer = n / (inner * C);
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < inner; s++) {
      const at = (c: number) => (o * C + c) * inner + s;
      const kind = r.int(10);
      if (kind === 1) for (let c = 0; c < C; c++) x[at(c)] = -Infinity;
      if (kind === 2) x[at(r.int(C))] = NaN;
      if (kind === 3) x[at(r.int(C))] = Infinity;
      if (kind === 4) for (let c = 0; c < C; c++) if (r.next() < 0.5) x[at(c)] = -Infinity;
      if (kind === 5) for (let c = 0; c < C; c++) x[at(c)] = Math.round(x[at(c)]);
    }
  }
  return tensor(x, shape);
}

describe('tensor()', () => {
  it('wraps a typed array with its shape, checks sizes and length', () => {
    const t = tensor(new Float32Array(24), [2, 3, 4]);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(tensor(new Int32Array(1), []).shape).toEqual([]);
    expectInputError(() => tensor(new Float32Array(5), [2, 3]), 'tensor: data must have length ∏shape = 2·3 = 6, got length 5');
    expectInputError(() => tensor([1, 2] as never, [2]), 'tensor: data must be a Float32Array, Float64Array or Int32Array', 'Array(2)');
    expectInputError(() => tensor(new Float32Array(2), [2.5] as never), 'shape[0] must be a non-negative integer', '2.5');
  });
});

describe.each(engineRows(wasm))('%s engine', (_name, k) => {
  it('the ONNX Softmax / LogSoftmax cases (onnx/backend/test/case/node/softmax.py, logsoftmax.py)', () => {
    let n = 0;
    for (const op of ['Softmax', 'LogSoftmax'] as const) {
      for (const c of onnxCases(op)) {
        const x = tensor(floats(c.inputs[0]), c.inputs[0].shape);
        const axis = c.attrs.axis as number | undefined;
        const fn = op === 'Softmax' ? k().softmax : k().logSoftmax;
        const got = fn(x, undefined, axis === undefined ? {} : { axis });
        expect(got.shape).toEqual(x.shape);
        expect(relErr(got.data, values(c.outputs[0])), c.name).toBeLessThanOrEqual(TOL.f32);
        n++;
      }
    }
    expect(n).toBe(14);
  });

  it('the log_prob outputs of the ONNX SoftmaxCrossEntropyLoss cases: logSoftmax over axis 1 of (N, C, d1…dk)', () => {
    let n = 0;
    for (const c of onnxCases('SoftmaxCrossEntropyLoss')) {
      if (c.outputs.length < 2) continue;
      const x = tensor(floats(c.inputs[0]), c.inputs[0].shape);
      const got = k().logSoftmax(x, undefined, { axis: 1 });
      expect(relErr(got.data, values(c.outputs[1])), c.name).toBeLessThanOrEqual(TOL.f32);
      n++;
    }
    expect(n).toBe(17);
  });

  it('a matrix with an axis; the last axis of a tensor is the 2-D kernel; out and aliasing; validation', () => {
    const m = matrix(Float64Array.from([1, 2, 3, 4]), 2, 2);
    const col = k().softmax(m, undefined, { axis: 0 });
    expect('rows' in col && col.rows === 2).toBe(true);
    expect(relErr(col.data, [1 / (1 + Math.E ** 2), 1 / (1 + Math.E ** 2), 1 / (1 + Math.E ** -2), 1 / (1 + Math.E ** -2)])).toBeLessThan(1e-15);
    const t = specialTensor('f32', [3, 5, 7], 2, 1);
    expect(Array.from(k().softmax(t).data)).toEqual(Array.from(k().softmax(matrix(t.data, 15, 7)).data));
    expect(Array.from(k().logSoftmax(t, undefined, { axis: -1, temperature: 2 }).data))
      .toEqual(Array.from(k().logSoftmax(matrix(t.data, 15, 7), undefined, { temperature: 2 }).data));
    const want = k().softmax(t, undefined, { axis: 1 });
    const out = tensor(new Float32Array(105), [3, 5, 7]);
    expect(k().softmax(t, out, { axis: 1 })).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(want.data));
    const copy = tensor(t.data.slice(), t.shape);
    k().softmax(copy, copy, { axis: -2 });
    expect(Array.from(copy.data)).toEqual(Array.from(want.data));
    expectInputError(() => k().softmax(t, undefined, { axis: 3 }), 'softmax: options.axis must be an integer in [-3, 2] for a 3-d input, got 3');
    expectInputError(() => k().softmax(t, tensor(new Float32Array(105), [3, 7, 5])), 'softmax: out must have shape [3, 5, 7], got [3, 7, 5]');
    expectInputError(() => k().softmax(t, tensor(new Float64Array(105), [3, 5, 7]) as never), 'out.data must be a Float32Array');
    expectInputError(() => k().logSoftmax(t, undefined, { axis: 0, temperature: 0 }), 'options.temperature');
    expectInputError(() => k().softmax(tensor(new Float32Array(1), []), undefined), '0-d tensor');
  });
});

describe('WASM against the reference', () => {
  const INNER = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100];
  it.each(DTYPES)('%s: softmax / logSoftmax over every axis, SIMD edge widths, special lines, temperature', (dt) => {
    for (const inner of INNER) {
      for (const C of [1, 2, 5, 21]) {
        const shape = [3, C, inner];
        const x = specialTensor(dt, shape, 1, inner * 31 + C);
        for (const [fn, T] of [['softmax', 1], ['logSoftmax', 1], ['softmax', 0.7], ['logSoftmax', 3]] as const) {
          const o = { axis: 1, ...(T !== 1 ? { temperature: T } : {}) };
          const a = wasm()[fn](x, undefined, o), b = reference[fn](x, undefined, o);
          expect(relErr(a.data, b.data), `${fn} T=${T} [${shape}]`).toBeLessThanOrEqual(TOL[dt]);
        }
      }
    }
    for (const [shape, axis] of [[[4, 3, 5, 6], 0], [[4, 3, 5, 6], 1], [[4, 3, 5, 6], 2], [[2, 3000, 5], 1], [[1, 7, 4099], -2]] as const) {
      const x = specialTensor(dt, [...shape], axis < 0 ? axis + shape.length : axis, 9);
      for (const fn of ['softmax', 'logSoftmax'] as const) {
        const a = wasm()[fn](x, undefined, { axis }), b = reference[fn](x, undefined, { axis });
        expect(relErr(a.data, b.data), `${fn} [${shape}] axis ${axis}`).toBeLessThanOrEqual(TOL[dt]);
      }
    }
  });
});

describe.each(engineRows(wasm))('%s engine: softmaxCrossEntropy on (N, C, d1…dk)', (_name, k) => {
  it('the ONNX SoftmaxCrossEntropyLoss cases (onnx/backend/test/case/node/softmax_cross_entropy_loss.py)', () => {
    const cases = onnxCases('SoftmaxCrossEntropyLoss');
    expect(cases.length).toBe(34);
    for (const c of cases) {
      const { x, labels, options, want } = onnxLossArgs(c);
      const r = k().softmaxCrossEntropy(x, labels, options);
      expect(relErr(options.reduction === 'none' ? Array.from(r.losses!) : [r.loss], want), c.name).toBeLessThanOrEqual(TOL.f32);
      expect(r.grad!.shape).toEqual(x.shape);
    }
  });

  it('equals the 2-D form on the transposed layout; labels as a tensor or flat; probabilities; gradOut aliasing', () => {
    const [N, C, D] = [3, 5, 19];
    const x = specialTensor('f64', [N, C, D], 1, 77);
    const rows = new Float64Array(N * D * C);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) rows[(n * D + d) * C + c] = x.data[(n * C + c) * D + d];
    const y = Int32Array.from({ length: N * D }, (_, i) => (i % 7 === 3 ? -100 : (i * 3) % C));
    const w = Float64Array.from([0.5, 1, 2, 1.5, 0.25]);
    for (const o of [{}, { reduction: 'sum' as const }, { reduction: 'none' as const, weights: w }, { labelSmoothing: 0.2, weights: w }]) {
      const a = k().softmaxCrossEntropy(x, y, o), b = k().softmaxCrossEntropy(matrix(rows, N * D, C), y, o);
      const t = k().softmaxCrossEntropy(x, tensor(y, [N, D]), o);
      expect(t.loss).toBe(a.loss);
      expect(relErr([a.loss], [b.loss])).toBeLessThanOrEqual(1e-12);
      const g = new Float64Array(N * C * D);
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) g[(n * C + c) * D + d] = b.grad!.data[(n * D + d) * C + c];
      expect(relErr(a.grad!.data, g)).toBeLessThanOrEqual(1e-12);
      if (a.losses) expect(relErr(a.losses, b.losses!)).toBeLessThanOrEqual(1e-12);
    }
    const q = k().softmax(tensor(x.data.map((v) => (Number.isFinite(v) ? v : 0)), x.shape), undefined, { axis: 1 });
    const pq = k().softmaxCrossEntropy(tensor(x.data.map((v) => (Number.isFinite(v) ? v : 0)), x.shape), q, { labelSmoothing: 0.1 });
    expect(Number.isFinite(pq.loss)).toBe(true);
    const copy = tensor(x.data.slice(), x.shape);
    const want = k().softmaxCrossEntropy(x, y, { reduction: 'sum' });
    const got = k().softmaxCrossEntropy(copy, y, { reduction: 'sum', gradOut: copy });
    expect(got.grad).toBe(copy);
    expect(Object.is(got.loss, want.loss)).toBe(true);
    expect(Array.from(copy.data)).toEqual(Array.from(want.grad!.data));
    expectInputError(() => k().softmaxCrossEntropy(x, tensor(new Int32Array(N * D), [D, N])), 'labels must have shape [3, 19], got [19, 3]');
    expectInputError(() => k().softmaxCrossEntropy(x, y, { axis: 5 }), 'options.axis must be an integer in [-3, 2]');
    expectInputError(() => k().softmaxCrossEntropy(x, q, { ignoreIndex: 1 }), 'ignoreIndex applies only to integer labels');
  });
});

describe('WASM against the reference: softmaxCrossEntropy on (N, C, d1…dk)', () => {
  it.each(DTYPES)('%s: every option, SIMD edge widths, special positions', (dt) => {
    for (const inner of [2, 3, 4, 5, 7, 8, 9, 17, 33]) {
      for (const C of [1, 3, 21]) {
        const shape = [2, C, inner];
        const x = specialTensor(dt, shape, 1, inner * 17 + C);
        const n = 2 * inner;
        const r = new Rng(inner + C);
        const y = Int32Array.from({ length: n }, () => (r.next() < 0.2 ? -100 : r.int(C)));
        const w = arr(dt, C).map((_, i) => 0.5 + (i % 3));
        for (const o of [{}, { reduction: 'sum' as const }, { reduction: 'none' as const }, { weights: w }, { labelSmoothing: 0.3 }, { weights: w, labelSmoothing: 0.1, reduction: 'none' as const }]) {
          const a = wasm().softmaxCrossEntropy(x, y, o), b = reference.softmaxCrossEntropy(x, y, o);
          expect(relErr([a.loss], [b.loss]), `[${shape}] ${JSON.stringify(o)}`).toBeLessThanOrEqual(TOL[dt]);
          expect(relErr(a.grad!.data, b.grad!.data), `[${shape}] ${JSON.stringify(o)} grad`).toBeLessThanOrEqual(TOL[dt]);
          if (a.losses) expect(relErr(a.losses, b.losses!)).toBeLessThanOrEqual(TOL[dt]);
        }
        const probs = reference.softmax(tensor(arr(dt, 2 * C * inner).map((_, i) => Math.sin(i)), shape), undefined, { axis: 1 });
        for (const o of [{}, { weights: w, labelSmoothing: 0.2 }]) {
          const a = wasm().softmaxCrossEntropy(x, probs, o), b = reference.softmaxCrossEntropy(x, probs, o);
          expect(relErr([a.loss], [b.loss]), `probs [${shape}]`).toBeLessThanOrEqual(TOL[dt]);
          expect(relErr(a.grad!.data, b.grad!.data)).toBeLessThanOrEqual(TOL[dt]);
        }
      }
    }
  });
});
