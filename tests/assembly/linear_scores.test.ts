// assembly/linear_scores.ts through the public linearScores: X·W + b against the float64 reference
// on every remainder of its 4-row blocks and L-lane column vectors (L = 4 for f32, 2 for f64), with
// and without bias, with a given `out`; and the API contract (returns out, no input modified,
// overlap refused). Then the raw exports: the edges of its 256-byte column panels and 12-row
// blocks with W at the very end of memory (a partial vector must not read past it) and guard bytes
// around out, and column chunks in any order (the thread pool's split) giving the whole call's
// bits. Runs in the node project (baseline build) and node-relaxed (relaxed build).
import { describe, expect, it } from 'vitest';
import { matrix, reference, SoftmaxInputError, type FloatArray, type Matrix, type WasmMatrix } from '../../src/index.js';
import { Rng } from '../../src/train/rng.js';
import { BYTES, ctorOf, DTYPES, relErr, TOL, type DT } from '../support/index.js';
import { useWasm } from '../support/vitest.js';
import { alloc, ex, get, normals, put, rounded, useRawModule, view } from './raw_module.js';

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

// ---- the raw exports: panels, row blocks, column chunks, the end of memory ----
describe.each(['f32', 'f64'] as const)('linear_scores raw exports, %s', (dt) => {
  useRawModule();
  const E = BYTES[dt], L = 16 / E;
  const raw = () => ex as unknown as Record<string, (...a: number[]) => number>;
  /** scores through the raw export (columns [j0, j0 + count) with `cols`), W placed last in memory. */
  function run(n: number, d: number, c: number, seed: number, withBias: boolean, cols?: Array<[number, number]>) {
    const X = normals(n * d, seed), W = normals(d * c, seed + 1, 0.5), b = normals(c, seed + 2);
    const pX = put(dt, X), pb = withBias ? put(dt, b) : 0;
    const GUARD = 64;
    const pO = alloc(n * c * E + 2 * GUARD) + GUARD;
    new Uint8Array(ex.memory.buffer, pO - GUARD, n * c * E + 2 * GUARD).fill(0xa5);
    // W at the very end of memory: a read past it would trap
    const bytes = d * c * E;
    const end = ex.memory.buffer.byteLength;
    const room = end - alloc(0);
    if (room < bytes + 16) ex.memory.grow(Math.ceil((bytes + 16 - room) / 65536) + 1);
    const pW = ex.memory.buffer.byteLength - bytes;
    view(dt, pW, d * c).set(W);
    if (cols) for (const [j0, count] of cols) raw()[`linear_scores_columns_${dt}`](pX, pW, pb, n, d, c, pO, j0, count);
    else raw()[`linear_scores_${dt}`](pX, pW, pb, n, d, c, pO);
    const guards = [...new Uint8Array(ex.memory.buffer, pO - GUARD, GUARD), ...new Uint8Array(ex.memory.buffer, pO + n * c * E, GUARD)];
    const want = new Float64Array(n * c);
    const x = rounded(dt, X), w = rounded(dt, W), bb = rounded(dt, b);
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) {
      let s = withBias ? bb[j] : 0;
      for (let k2 = 0; k2 < d; k2++) s += x[i * d + k2] * w[k2 * c + j];
      want[i * c + j] = s;
    }
    return { got: get(dt, pO, n * c), want, guards };
  }
  const PW = () => ex[`linear_scores_panel_cols_${dt}`]();

  it('panel, row-block and vector edges: matches the reference, writes nothing outside out, reads nothing past W', () => {
    expect(PW() * E).toBe(256);
    let worst = 0, seed = 1;
    for (const n of [1, 5, 6, 11, 12, 13, 23, 25]) {
      for (const c of [1, L - 1, L + 1, 2 * L + 1, PW() - 1, PW(), PW() + 1, 2 * PW() + L + 1]) {
        for (const d of [1, 2, 7]) {
          const r = run(n, d, c, seed++, seed % 2 === 0);
          expect(r.guards.every((v) => v === 0xa5), `n=${n} d=${d} c=${c}`).toBe(true);
          worst = Math.max(worst, relErr(r.got, r.want));
        }
      }
    }
    expect(worst).toBeLessThan(TOL[dt]);
  });

  it('any split of the columns in whole panels gives the whole call\'s bits', () => {
    for (const [n, d, c] of [[13, 9, 3 * PW() + 3], [7, 30, 2 * PW()], [25, 5, PW() + L - 1]]) {
      const whole = run(n, d, c, n + c, true);
      const p = PW();
      const splits: Array<Array<[number, number]>> = [
        Array.from({ length: Math.ceil(c / p) }, (_, i) => [i * p, p] as [number, number]).reverse(),
        [[0, 2 * p], [2 * p, c]],
      ];
      for (const cols of splits) {
        const got = run(n, d, c, n + c, true, cols);
        expect(Buffer.from(new Float64Array(got.got).buffer).equals(Buffer.from(new Float64Array(whole.got).buffer)), JSON.stringify(cols)).toBe(true);
      }
    }
  });
});
