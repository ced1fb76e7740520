// assembly/linear_scores.ts through the public linearScores: X·W + b against the float64 reference
// on every remainder of its 4-row blocks and L-lane column vectors (L = 4 for f32, 2 for f64), with
// and without bias, with a given `out`; and the API contract (returns out, no input modified,
// overlap refused). Runs in the node project (baseline build) and node-relaxed (relaxed build).
import { describe, expect, it } from 'vitest';
import { matrix, reference, SoftmaxInputError, type FloatArray, type Matrix, type WasmMatrix } from '../../src/index.js';
import { Rng } from '../../src/train/rng.js';
import { ctorOf, DTYPES, relErr, TOL, type DT } from '../support/index.js';
import { useWasm } from '../support/vitest.js';

const wasm = useWasm();

function rand(dt: DT, n: number, r: Rng, scale = 1): FloatArray {
  const a = new (ctorOf(dt))(n);
  for (let i = 0; i < n; i++) a[i] = scale * r.gauss();
  return a;
}

describe.each(DTYPES)('linearScores %s', (dt) => {
  const rows = [1, 2, 3, 4, 5, 7, 8, 9, 61];
  const cols = [1, 2, 3, 4, 5, 7, 8, 9, 10, 16, 17, 1003];
  it('matches the float64 reference for every row and column remainder, with and without bias', () => {
    const r = new Rng(dt === 'f32' ? 1 : 2);
    let worst = 0;
    for (const n of rows) for (const c of cols) for (const d of [1, 3, 64]) {
      const X = matrix(rand(dt, n * d, r), n, d), W = matrix(rand(dt, d * c, r, 0.5), d, c);
      const bias = r.next() < 0.5 ? rand(dt, c, r) : undefined;
      const got = wasm().linearScores(X, W, { bias });
      const want = reference.linearScores(X, W, { bias });
      expect([got.rows, got.cols]).toEqual([n, c]);
      expect(got.data).toBeInstanceOf(ctorOf(dt));
      worst = Math.max(worst, relErr(got.data, want.data));
    }
    expect(worst).toBeLessThan(TOL[dt]);
  });

  it('the tutorial example: scores [1, −1]; bias is added', () => {
    const X = matrix(new (ctorOf(dt))([1, 2, 3]), 1, 3);
    const W = matrix(new (ctorOf(dt))([-1, 1, 1, -1, 0, 0]), 3, 2);
    expect(Array.from(wasm().linearScores(X, W).data)).toEqual([1, -1]);
    expect(Array.from(reference.linearScores(X, W).data)).toEqual([1, -1]);
    expect(Array.from(wasm().linearScores(X, W, { bias: new (ctorOf(dt))([0.5, 2]) }).data)).toEqual([1.5, 1]);
  });

  it('writes into out and returns it, touches nothing else, leaves the inputs unchanged; D = 0 gives the bias', () => {
    const r = new Rng(3);
    const X = matrix(rand(dt, 6 * 5, r), 6, 5), W = matrix(rand(dt, 5 * 3, r), 5, 3), bias = rand(dt, 3, r);
    const copies = [X.data.slice(), W.data.slice(), bias.slice()];
    const big = new (ctorOf(dt))(6 * 3 + 2).fill(7);
    const out: Matrix<FloatArray> = matrix(big.subarray(1, 19), 6, 3);
    expect(wasm().linearScores(X, W, { bias, out })).toBe(out);
    expect([big[0], big[19]]).toEqual([7, 7]);
    expect(relErr(out.data, reference.linearScores(X, W, { bias }).data)).toBeLessThan(TOL[dt]);
    expect([X.data, W.data, bias]).toEqual(copies);
    const empty = wasm().linearScores(matrix(new (ctorOf(dt))(0), 2, 0), matrix(new (ctorOf(dt))(0), 0, 3), { bias });
    expect(Array.from(empty.data)).toEqual([...bias, ...bias]);
  });

  it('with alloc() matrices (no copies) gives the same bits as the plain API', () => {
    const r = new Rng(4);
    const X = matrix(rand(dt, 33 * 20, r), 33, 20), W = matrix(rand(dt, 20 * 10, r), 20, 10);
    const alloc = (r: number, c: number) => wasm().alloc(dt, r, c) as WasmMatrix<FloatArray>;
    const aX = alloc(33, 20), aW = alloc(20, 10), aO = alloc(33, 10);
    aX.data.set(X.data); aW.data.set(W.data);
    wasm().linearScores(aX, aW, { out: aO });
    expect(Array.from(aO.data)).toEqual(Array.from(wasm().linearScores(X, W).data));
    aX.free(); aW.free(); aO.free();
  });

  it.each(['wasm', 'reference'] as const)('bad input → SoftmaxInputError naming the argument (%s)', (engine) => {
    const e = engine === 'wasm' ? wasm() : reference;
    const X = matrix(new (ctorOf(dt))(6), 2, 3), W = matrix(new (ctorOf(dt))(6), 3, 2);
    const other = dt === 'f32' ? Float64Array : Float32Array;
    const cases: Array<[() => unknown, RegExp]> = [
      [() => e.linearScores(X, matrix(new (ctorOf(dt))(8), 4, 2)), /linearScores: W must be D×C with D = X.cols = 3, got 4×2/],
      [() => e.linearScores(X, matrix(new other(6), 3, 2) as never), /linearScores: W\.data must be a/],
      [() => e.linearScores(X, W, { bias: new (ctorOf(dt))(3) }), /options\.bias must have length 2, got length 3/],
      [() => e.linearScores(X, W, { out: matrix(new (ctorOf(dt))(6), 3, 2) }), /options\.out must be 2×2, got 3×2/],
      [() => e.linearScores(X, W, { out: matrix(X.data.subarray(0, 4), 2, 2) }), /options\.out shares memory with X/],
      [() => e.linearScores(X, W, { outt: 1 } as never), /options\.outt is not a known option/],
    ];
    for (const [f, msg] of cases) {
      expect(f).toThrow(SoftmaxInputError);
      expect(f).toThrow(msg);
    }
  });
});
