// nllLoss (PyTorch nll_loss, ONNX NegativeLogLikelihoodLoss) through the public API: the peers' own
// cases (ONNX's negativeloglikelihoodloss.py expectations, PyTorch's NLLLoss module inputs with
// float64 values), WASM against the float64 reference on (N, C) and (N, C, d1…dk) layouts, the
// gradient, gradOut / aliasing, validation.
import { describe, expect, it } from 'vitest';
import { matrix, reference, tensor, type FloatArray, type Tensor } from '../src/index.js';
import { DTYPES, Rng, TOL, arr, randLabels, relErr, type DT } from './support/index.js';
import { floats, ints, onnxCases, onnxLossArgs, torchNllCases, values } from './support/peer_cases.js';
import { engineRows, expectInputError, useWasm } from './support/vitest.js';

const wasm = useWasm();

/** log-softmax over axis 1 of a random (N, C, …) tensor, in dt. */
function logProbs(dt: DT, shape: number[], seed: number): Tensor<FloatArray> {
  const r = new Rng(seed);
  const [N, C] = shape;
  const inner = shape.slice(2).reduce((p, d) => p * d, 1);
  const x = arr(dt, N * C * inner);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < inner; s++) {
      const z = Array.from({ length: C }, () => 3 * r.gauss());
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
      for (let c = 0; c < C; c++) x[(n * C + c) * inner + s] = z[c] - lse;
    }
  }
  return tensor(x, shape);
}

describe.each(engineRows(wasm))('%s engine', (_name, k) => {
  it('the ONNX NegativeLogLikelihoodLoss cases (onnx/backend/test/case/node/negativeloglikelihoodloss.py)', () => {
    const cases = onnxCases('NegativeLogLikelihoodLoss');
    expect(cases.length).toBe(18);
    for (const c of cases) {
      const { x, labels, options, want } = onnxLossArgs(c);
      const r = k().nllLoss(x, labels, { ...options, grad: false });
      expect(relErr(options.reduction === 'none' ? Array.from(r.losses!) : [r.loss], want), c.name).toBeLessThanOrEqual(TOL.f32);
    }
  });

  it('PyTorch NLLLoss module inputs (common_modules.py), loss and gradient in float64', () => {
    const cases = torchNllCases();
    expect(cases.length).toBe(28);
    for (const c of cases) {
      for (const dt of DTYPES) {
        const x = tensor(floats(c.input, dt), c.shape);
        const o = c.options;
        const r = k().nllLoss(x, tensor(ints(c.target), c.target.shape), {
          ...(o.reduction ? { reduction: o.reduction } : {}),
          ...(o.weight ? { weights: dt === 'f64' ? Float64Array.from(o.weight) : Float32Array.from(o.weight) } : {}),
          ...(o.ignore_index !== undefined ? { ignoreIndex: o.ignore_index } : {}),
        });
        const want = values(c.output);
        expect(relErr(o.reduction === 'none' ? Array.from(r.losses!) : [r.loss], want), `${c.name} ${dt}`).toBeLessThanOrEqual(TOL[dt]);
        expect(relErr(r.grad!.data, values(c.grad)), `${c.name} ${dt} grad`).toBeLessThanOrEqual(TOL[dt]);
        expect((r.grad as Tensor<FloatArray>).shape).toEqual(c.shape);
      }
    }
  });

  it('matrices, the default ignoreIndex −100, all ignored, axis, gradOut aliasing logProbs', () => {
    const x = matrix(Float64Array.from([-1, -2, -3, -4, -5, -6]), 3, 2);
    const r = k().nllLoss(x, Int32Array.from([1, -100, 0]));
    expect(r.loss).toBe((2 + 5) / 2);
    expect(Array.from(r.grad!.data)).toEqual([0, -0.5, 0, 0, -0.5, 0]);
    expect('rows' in r.grad!).toBe(true);
    expect(k().nllLoss(x, Int32Array.from([-100, -100, -100])).loss).toBeNaN();
    expect(k().nllLoss(x, Int32Array.from([-100, -100, -100]), { reduction: 'sum' }).loss).toBe(0);
    // the class axis last: (N, d, C) with axis −1 equals the (N, C, d) layout
    const t = logProbs('f64', [2, 3, 4], 9);
    const y = tensor(Int32Array.from([0, 2, 1, 1, 0, 2, 2, 1]), [2, 4]);
    const moved = new Float64Array(24);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let s = 0; s < 4; s++) moved[(n * 4 + s) * 3 + c] = t.data[(n * 3 + c) * 4 + s];
    const a = k().nllLoss(t, y), b = k().nllLoss(tensor(moved, [2, 4, 3]), y, { axis: -1 });
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-15);
    // gradOut may be logProbs itself
    const xs = logProbs('f32', [3, 5, 7], 4);
    const ys = tensor(randLabels(21, 5, 2), [3, 7]);
    const want = k().nllLoss(xs, ys, { reduction: 'sum' });
    const copy = tensor(xs.data.slice(), xs.shape);
    const got = k().nllLoss(copy, ys, { reduction: 'sum', gradOut: copy });
    expect(got.grad).toBe(copy);
    expect(got.loss).toBe(want.loss);
    expect(Array.from(copy.data)).toEqual(Array.from(want.grad!.data));
  });

  it('validation', () => {
    const x = tensor(new Float32Array(24), [2, 3, 4]);
    expectInputError(() => k().nllLoss(x, tensor(new Int32Array(6), [2, 3])), 'nllLoss: labels must have shape [2, 4], got [2, 3]');
    expectInputError(() => k().nllLoss(x, new Int32Array(7)), 'labels must have length 8');
    expectInputError(() => k().nllLoss(x, Int32Array.from([0, 1, 2, 3, 0, 0, 0, 0])), 'labels[3] = 3 is outside [0, 3)', 'not ignoreIndex (-100)');
    expectInputError(() => k().nllLoss(x, new Int32Array(8), { axis: 3 }), 'options.axis must be an integer in [-3, 2]', '3');
    expectInputError(() => k().nllLoss(x, new Int32Array(8), { weights: new Float32Array(4) }), 'options.weights must have length 3');
    expectInputError(() => k().nllLoss(x, new Int32Array(8), { gradOut: tensor(new Float32Array(24), [2, 4, 3]) }), 'options.gradOut must have shape [2, 3, 4], got [2, 4, 3]');
    expectInputError(() => k().nllLoss({ data: new Float32Array(5), shape: [2, 3] }, new Int32Array(2)), 'logProbs has data.length 5 but its shape [2, 3] holds 6');
    expectInputError(() => tensor(new Float32Array(5), [2, 3]), 'tensor: data must have length ∏shape = 2·3 = 6, got length 5');
    expectInputError(() => k().nllLoss({ data: new Float32Array(6), shape: [2, -3] }, new Int32Array(2)), 'logProbs.shape[1] must be a non-negative integer', '-3');
    expectInputError(() => k().nllLoss(x, new Int32Array(8), { labelSmoothing: 0.1 } as never), 'options.labelSmoothing is not a known option');
  });
});

describe('WASM against the reference', () => {
  it.each(DTYPES)('%s: layouts, weights, ignored targets, reductions', (dt) => {
    for (const shape of [[1, 1], [5, 3], [4, 10, 1], [3, 7, 5], [2, 21, 8, 9], [2, 4, 3, 2, 5]]) {
      const x = logProbs(dt, shape, shape.length * 7 + shape[1]);
      const C = shape[1];
      const n = x.data.length / C;
      const y = randLabels(n, C, 3);
      for (let i = 0; i < n; i += 5) y[i] = -100;
      const w = arr(dt, C).map((_, i) => 0.25 + (i % 4));
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        for (const weights of [undefined, w]) {
          const o = { reduction, ...(weights ? { weights } : {}) };
          const a = wasm().nllLoss(x, y, o), b = reference.nllLoss(x, y, o);
          expect(relErr([a.loss], [b.loss]), `${shape} ${reduction}`).toBeLessThanOrEqual(TOL[dt]);
          expect(relErr(a.grad!.data, b.grad!.data)).toBeLessThanOrEqual(TOL[dt]);
          if (reduction === 'none') expect(relErr(a.losses!, b.losses!)).toBeLessThanOrEqual(TOL[dt]);
        }
      }
    }
  });
});
