/** The float64 reference with aliased outputs (the same numbers as with separate ones), inputs left unmodified, and larger shapes that stay well-behaved. */
import { describe, expect, it } from 'vitest';
import { matrix, reference as ref, type FloatArray, type Matrix } from '../../src/index.js';
import { Rng, arr, randLabels, randMatrix } from '../support/index.js';

const clone = <A extends FloatArray>(m: Matrix<A>): Matrix<A> => matrix(m.data.slice() as A, m.rows, m.cols);

describe.each(['f32', 'f64'] as const)('%s: aliasing gives the same numbers; inputs are not modified', (dt) => {
  it('softmax / logSoftmax with out === x', () => {
    for (const fn of ['softmax', 'logSoftmax'] as const) {
      const x = randMatrix(dt, 4, 9, 131, 3);
      const x0 = clone(x);
      const sep = ref[fn](x);
      expect(Array.from(x.data)).toEqual(Array.from(x0.data));
      const out = matrix(arr(dt, x.data.length), 4, 9);
      expect(ref[fn](x, out)).toBe(out);
      expect(Array.from(out.data)).toEqual(Array.from(sep.data));
      expect(ref[fn](x, x)).toBe(x);
      expect(Array.from(x.data)).toEqual(Array.from(sep.data));
    }
  });

  it('softmaxBackward with out === y and out === dy', () => {
    const y = ref.softmax(randMatrix(dt, 3, 5, 141));
    const dy = randMatrix(dt, 3, 5, 142);
    const y0 = clone(y), dy0 = clone(dy);
    const sep = ref.softmaxBackward(y, dy);
    expect(Array.from(y.data)).toEqual(Array.from(y0.data));
    expect(Array.from(dy.data)).toEqual(Array.from(dy0.data));
    const a = clone(y);
    expect(ref.softmaxBackward(a, dy, a)).toBe(a);
    expect(Array.from(a.data)).toEqual(Array.from(sep.data));
    const b = clone(dy);
    ref.softmaxBackward(y, b, b);
    expect(Array.from(b.data)).toEqual(Array.from(sep.data));
  });

  it('softmaxCrossEntropy with gradOut === logits; labels, targets and weights unmodified', () => {
    const z = randMatrix(dt, 5, 4, 151, 2);
    const y = Int32Array.from([1, 3, 0, 0, 2]);
    const q = randMatrix(dt, 5, 4, 152);
    q.data.forEach((v, k) => { q.data[k] = Math.abs(v); });
    const weights = arr(dt, [0.5, 1, 2, 1.5]);
    const snapshots = [z.data.slice(), y.slice(), q.data.slice(), weights.slice()];
    for (const labels of [y, q]) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const options = { reduction, weights, labelSmoothing: 0.1, ...(labels === y ? { ignoreIndex: 0 } : {}) };
        const sep = ref.softmaxCrossEntropy(z, labels, options);
        expect([z.data, y, q.data, weights].map((a) => Array.from(a))).toEqual(snapshots.map((a) => Array.from(a)));
        const out = matrix(arr(dt, 20), 5, 4);
        const viaOut = ref.softmaxCrossEntropy(z, labels, { ...options, gradOut: out });
        expect(viaOut.grad).toBe(out);
        expect(Array.from(out.data)).toEqual(Array.from(sep.grad!.data));
        const zz = clone(z);
        const aliased = ref.softmaxCrossEntropy(zz, labels, { ...options, gradOut: zz });
        expect(aliased.grad).toBe(zz);
        expect(aliased.loss).toBe(sep.loss);
        expect(Array.from(zz.data)).toEqual(Array.from(sep.grad!.data));
        if (reduction === 'none') expect(Array.from(aliased.losses!)).toEqual(Array.from(sep.losses!));
      }
    }
  });

  it('linearSoftmaxLoss with dW === W and dX === X; X, W, bias, labels unmodified', () => {
    const X = randMatrix(dt, 6, 4, 161);
    const W = randMatrix(dt, 4, 3, 162);
    const bias = arr(dt, [0.1, -0.2, 0.3]);
    const y = randLabels(6, 3, 163);
    const snapshots = [X.data.slice(), W.data.slice(), bias.slice(), y.slice()];
    const sep = ref.linearSoftmaxLoss(X, y, W, { bias, reg: 0.05, inputGrad: true });
    expect([X.data, W.data, bias, y].map((a) => Array.from(a))).toEqual(snapshots.map((a) => Array.from(a)));

    const out = { dW: matrix(arr(dt, 12), 4, 3), db: arr(dt, 3), dX: matrix(arr(dt, 24), 6, 4) };
    const viaOut = ref.linearSoftmaxLoss(X, y, W, { bias, reg: 0.05, out });
    expect(viaOut.dW).toBe(out.dW);
    expect(viaOut.db).toBe(out.db);
    expect(viaOut.dX).toBe(out.dX);
    expect(Array.from(out.dX.data)).toEqual(Array.from(sep.dX!.data));

    const XX = clone(X), WW = clone(W);
    const aliased = ref.linearSoftmaxLoss(XX, y, WW, { bias, reg: 0.05, out: { dW: WW, dX: XX } });
    expect(aliased.loss).toBe(sep.loss);
    expect(Array.from(WW.data)).toEqual(Array.from(sep.dW.data));
    expect(Array.from(XX.data)).toEqual(Array.from(sep.dX!.data));
    expect(Array.from(aliased.db)).toEqual(Array.from(sep.db));
  });
});

describe('larger shapes stay well-behaved', () => {
  it('4099 classes, big logits: finite loss, gradient rows sum to 0', () => {
    const r171 = new Rng(171);
    const C = 4099;
    const z = matrix(Float64Array.from({ length: 2 * C }, () => 50 * r171.gauss()), 2, C);
    const r = ref.softmaxCrossEntropy(z, Int32Array.from([7, 4098]), { reduction: 'sum' });
    expect(Number.isFinite(r.loss)).toBe(true);
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < C; j++) s += r.grad!.data[i * C + j];
      expect(Math.abs(s)).toBeLessThan(1e-14);
    }
  });
});
