/** The float64 reference's gradients against central finite differences, for every option of softmaxCrossEntropy and linearSoftmaxLoss. */
import { describe, expect, it } from 'vitest';
import { matrix, reference as ref, type CrossEntropyOptions, type Matrix } from '../../src/index.js';
import { f64, matmulBias, randLabels, randMatrix, relErr, relErrScalar, rng } from '../support/index.js';

/** Central differences of f at x (perturbs x in place and restores it). */
function numericGrad(f: () => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const x0 = x[k];
    x[k] = x0 + h;
    const fp = f();
    x[k] = x0 - h;
    const fm = f();
    x[k] = x0;
    g[k] = (fp - fm) / (2 * h);
  }
  return g;
}

type LabelKind = 'int' | 'probs';
interface CeCombo {
  kind: LabelKind; reduction: 'mean' | 'sum' | 'none'; weights: boolean; smoothing: number; ignore: 'none' | 'inside' | '-100';
}
const combos: CeCombo[] = [];
for (const kind of ['int', 'probs'] as const) for (const reduction of ['mean', 'sum', 'none'] as const)
  for (const weights of [false, true]) for (const smoothing of [0, 0.1, 1])
    for (const ignore of kind === 'int' ? ['none', 'inside', '-100'] as const : ['none'] as const)
      combos.push({ kind, reduction, weights, smoothing, ignore });

function probRows(n: number, c: number, seed: number): Float64Array {
  const r = rng(seed);
  const q = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += (q[i * c + j] = r() ** 2);
    for (let j = 0; j < c; j++) q[i * c + j] /= s;
  }
  return q;
}

describe('finite-difference gradient checks (float64, relative error < 1e-6)', () => {
  it.each(combos.map((o) => [`${o.kind} ${o.reduction} weights=${o.weights} ε=${o.smoothing} ignore=${o.ignore}`, o] as const))(
    'softmaxCrossEntropy d loss / d logits: %s', (_name, o) => {
      const N = 6, C = 5;
      const z = randMatrix('f64', N, C, 11, 2) as Matrix<Float64Array>;
      let labels: Int32Array | Matrix<Float64Array>;
      const options: CrossEntropyOptions<Float64Array> = { reduction: o.reduction, labelSmoothing: o.smoothing };
      if (o.weights) options.weights = f64([0.5, 1.7, 0.3, 1.1, 2.0]);
      if (o.kind === 'int') {
        const y = Int32Array.from([3, 1, 4, 0, 1, 2]);
        if (o.ignore === 'inside') { options.ignoreIndex = 1; }
        if (o.ignore === '-100') { options.ignoreIndex = -100; y[2] = -100; y[5] = -100; }
        labels = y;
      } else {
        labels = matrix(probRows(N, C, 5), N, C);
      }
      const r = ref.softmaxCrossEntropy(z, labels, options);
      expect(Number.isFinite(r.loss)).toBe(true);
      const num = numericGrad(() => ref.softmaxCrossEntropy(z, labels, { ...options, grad: false }).loss, z.data);
      expect(relErr(r.grad!.data, num)).toBeLessThan(1e-6);
      if (o.ignore !== 'none') {
        // Ignored rows have zero gradient.
        const y = labels as Int32Array;
        for (let i = 0; i < N; i++) if (y[i] === options.ignoreIndex) {
          for (let j = 0; j < C; j++) expect(r.grad!.data[i * C + j]).toBe(0);
        }
      }
    });

  it.each([
    ['bias and reg', true, 0.3],
    ['no bias, no reg', false, 0],
  ] as const)('linearSoftmaxLoss dW, db, dX (%s)', (_name, withBias, reg) => {
    const N = 7, D = 4, C = 3;
    const X = randMatrix('f64', N, D, 21) as Matrix<Float64Array>;
    const W = randMatrix('f64', D, C, 22, 0.8) as Matrix<Float64Array>;
    const b = f64([0.2, -0.4, 0.1]);
    const y = randLabels(N, C, 23);
    const opts = () => ({ reg, ...(withBias ? { bias: b } : {}) });
    const r = ref.linearSoftmaxLoss(X, y, W, { ...opts(), inputGrad: true });
    const f = () => ref.linearSoftmaxLoss(X, y, W, opts()).loss;
    expect(relErr(r.dW.data, numericGrad(f, W.data))).toBeLessThan(1e-6);
    expect(relErr(r.dX!.data, numericGrad(f, X.data))).toBeLessThan(1e-6);
    if (withBias) expect(relErr(r.db, numericGrad(f, b))).toBeLessThan(1e-6);
    // Loss is mean CE of the scores + reg·ΣW².
    const S = matmulBias(X.data, W.data, N, D, C, withBias ? b : undefined);
    let sumW2 = 0;
    for (const w of W.data) sumW2 += w * w;
    const ce = ref.softmaxCrossEntropy(matrix(S, N, C), y, { grad: false }).loss;
    expect(relErrScalar(r.loss, ce + reg * sumW2)).toBeLessThan(1e-14);
  });

  it('softmaxBackward is the gradient of Σ dy ⊙ softmax(x)', () => {
    const x = randMatrix('f64', 3, 6, 31) as Matrix<Float64Array>;
    const dy = randMatrix('f64', 3, 6, 32) as Matrix<Float64Array>;
    const dx = ref.softmaxBackward(ref.softmax(x), dy);
    const f = () => {
      const p = ref.softmax(x).data;
      let s = 0;
      for (let k = 0; k < p.length; k++) s += dy.data[k] * p[k];
      return s;
    };
    expect(relErr(dx.data, numericGrad(f, x.data))).toBeLessThan(1e-6);
  });

  it('logSoftmax rows: d/dx Σ dy ⊙ logSoftmax(x) = dy − p·Σdy', () => {
    const x = randMatrix('f64', 2, 5, 41) as Matrix<Float64Array>;
    const dy = randMatrix('f64', 2, 5, 42) as Matrix<Float64Array>;
    const p = ref.softmax(x).data;
    const want = new Float64Array(10);
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += dy.data[i * 5 + j];
      for (let j = 0; j < 5; j++) want[i * 5 + j] = dy.data[i * 5 + j] - p[i * 5 + j] * s;
    }
    const f = () => {
      const lp = ref.logSoftmax(x).data;
      let s = 0;
      for (let k = 0; k < lp.length; k++) s += dy.data[k] * lp[k];
      return s;
    };
    expect(relErr(want, numericGrad(f, x.data))).toBeLessThan(1e-6);
  });
});
