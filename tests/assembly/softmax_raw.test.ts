// Raw pointer-level exports of build/softmax.wasm for softmax / log_softmax, softmax_backward /
// softmax_jacobian and cross_entropy (assembly/softmax.ts, softmax_backward.ts, cross_entropy.ts),
// against the float64 reference (src/reference: its row functions and kernels), for both dtypes: sizes around the
// SIMD widths, aliasing, special rows, every cross-entropy option, and guard regions around outputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReductionCode } from '../../src/backend.js';
import { softmaxCrossEntropy } from '../../src/reference/cross_entropy.js';
import { logSoftmaxRow, softmaxRow } from '../../src/reference/softmax.js';
import { softmaxBackward } from '../../src/reference/softmax_backward.js';
import type { Matrix } from '../../src/types.js';
import type { SoftmaxWasmExports } from '../../src/wasm/abi.js';
import { relErr, rng, TOL, type DT } from '../helpers.js';

const WASM = process.env.SOFTMAX_WASM ?? fileURLToPath(new URL('../../build/softmax.wasm', import.meta.url));
let ex: SoftmaxWasmExports;

beforeAll(async () => {
  const { instance } = await WebAssembly.instantiate(readFileSync(WASM), {});
  ex = instance.exports as unknown as SoftmaxWasmExports;
});

type FA = Float32Array | Float64Array;
const DTS: DT[] = ['f32', 'f64'];
const SIZE = { f32: 4, f64: 8 } as const;
/** Accepted error relative to the largest magnitude of the expected result. */
const GUARD = 64; // bytes of sentinel on each side of every output in the guard test

// ---- a bump allocator over the module's memory (reset before each test) ----
let top = 0;
beforeEach(() => { top = ex.heap_base(); });
function alloc(bytes: number): number {
  const p = (top + 15) & ~15;
  top = p + bytes;
  const need = top - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
  return p;
}
function view(dt: DT, p: number, n: number): FA {
  return dt === 'f32' ? new Float32Array(ex.memory.buffer, p, n) : new Float64Array(ex.memory.buffer, p, n);
}
/** Copies values into fresh memory; returns the address. */
function put(dt: DT, values: ArrayLike<number>): number {
  const p = alloc(values.length * SIZE[dt]);
  view(dt, p, values.length).set(values);
  return p;
}
function putI32(values: ArrayLike<number>): number {
  const p = alloc(values.length * 4);
  new Int32Array(ex.memory.buffer, p, values.length).set(values);
  return p;
}
/** Reads n elements at p as float64. */
function get(dt: DT, p: number, n: number): Float64Array {
  return Float64Array.from(view(dt, p, n));
}
/** Rounds values to the dtype (what the kernel actually sees). */
function rounded(dt: DT, values: ArrayLike<number>): Float64Array {
  return Float64Array.from(dt === 'f32' ? Float32Array.from(values) : Float64Array.from(values));
}

// ---- data ----
function normals(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}
function uniform(n: number, seed: number, lo: number, hi: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

// ---- the f64 reference (src/reference) as the oracle ----
const mat = (data: Float64Array, rows: number, cols: number): Matrix<Float64Array> => ({ data, rows, cols });

/** Softmax (log-softmax) of each row by the reference's row functions. */
function refSoftmax(x: ArrayLike<number>, rows: number, cols: number, log: boolean): Float64Array {
  const z = Float64Array.from(x);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set((log ? logSoftmaxRow : softmaxRow)(z.subarray(i * cols, (i + 1) * cols)), i * cols);
  return out;
}

function refBackward(y: Float64Array, dy: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  softmaxBackward(mat(y, rows, cols), mat(dy, rows, cols), mat(out, rows, cols));
  return out;
}

interface CEOpts {
  labels: Int32Array | null;
  targets: Float64Array | null;
  weights: Float64Array | null;
  ignore: number;
  eps: number;
  reduction: ReductionCode;
}
/** The reference's softmaxCrossEntropy: { loss, losses, grad }. */
function refCE(z: Float64Array, rows: number, C: number, o: CEOpts): { loss: number; losses: Float64Array; grad: Float64Array } {
  const losses = new Float64Array(rows);
  const grad = new Float64Array(rows * C);
  const loss = softmaxCrossEntropy({
    logits: mat(z, rows, C), labels: o.labels, targets: o.targets ? mat(o.targets, rows, C) : null, weights: o.weights,
    ignoreIndex: o.ignore, smoothing: o.eps, reduction: o.reduction, losses, grad: mat(grad, rows, C),
  });
  return { loss, losses, grad };
}

const COLS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000, 4099];

describe.each(DTS)('softmax / log_softmax (%s)', (dt) => {
  /** Asserts each row's error against the reference within TOL; returns the largest. */
  function checkRows(got: Float64Array, want: Float64Array, rows: number, cols: number, what: string): number {
    let worst = 0;
    for (let i = 0; i < rows; i++) {
      const e = relErr(got.subarray(i * cols, (i + 1) * cols), want.subarray(i * cols, (i + 1) * cols));
      expect(e, `${what} row ${i}`).toBeLessThanOrEqual(TOL[dt]);
      worst = Math.max(worst, e);
    }
    return worst;
  }

  for (const log of [false, true]) {
    const name = `${log ? 'log_' : ''}softmax_${dt}` as const;
    it(`${name} matches f64 for cols 1..9, 15..17, 31..33, 1000, 4099 (3 data scales)`, () => {
      let worst = 0;
      for (const cols of COLS) {
        for (const [k, scale] of [1, 10, 100].entries()) {
          const rows = 3;
          const x = rounded(dt, normals(rows * cols, cols * 7 + k, scale));
          top = ex.heap_base();
          const px = put(dt, x);
          const po = alloc(x.length * SIZE[dt]);
          ex[name](px, po, rows, cols);
          worst = Math.max(worst, checkRows(get(dt, po, x.length), refSoftmax(x, rows, cols, log), rows, cols, `cols ${cols} scale ${scale}`));
          expect(Array.from(get(dt, px, x.length))).toEqual(Array.from(x)); // input untouched
        }
      }
      expect(worst).toBeGreaterThan(0);
    });

    it(`${name}: 5000 cols, logits up to ±1e4 and nearly-uniform rows`, () => {
      const cols = 5000;
      for (const [seed, lo, hi] of [[1, -1e4, 1e4], [2, -1, 1], [3, -1e-3, 1e-3], [4, 9990, 10000]] as const) {
        const rows = 2;
        const x = rounded(dt, uniform(rows * cols, seed, lo, hi));
        top = ex.heap_base();
        const px = put(dt, x);
        const po = alloc(x.length * SIZE[dt]);
        ex[name](px, po, rows, cols);
        checkRows(get(dt, po, x.length), refSoftmax(x, rows, cols, log), rows, cols, `[${lo}, ${hi}]`);
      }
    });

    it(`${name}: one row of 131072 keeps the f32 sum accurate (blocked two-level summation)`, () => {
      const cols = 131072;
      const x = rounded(dt, uniform(cols, 11, -10, 10));
      top = ex.heap_base();
      const px = put(dt, x);
      const po = alloc(cols * SIZE[dt]);
      ex[name](px, po, 1, cols);
      // one running f32 sum per lane would be off by ~6e-6 here; blocks of 4 KiB keep it ~2e-7
      expect(relErr(get(dt, po, cols), refSoftmax(x, 1, cols, log))).toBeLessThanOrEqual(dt === 'f32' ? 2e-6 : TOL.f64);
    });

    it(`${name} in place (out == x) equals the separate-output result`, () => {
      for (const cols of [3, 17, 1000]) {
        const rows = 4;
        const x = rounded(dt, normals(rows * cols, cols, 3));
        top = ex.heap_base();
        const px = put(dt, x);
        const po = alloc(x.length * SIZE[dt]);
        ex[name](px, po, rows, cols);
        ex[name](px, px, rows, cols);
        expect(Array.from(get(dt, px, x.length))).toEqual(Array.from(get(dt, po, x.length)));
      }
    });

    it(`${name}: masked, +Inf and NaN rows (any position) leave the other rows alone`, () => {
      for (const cols of [1, 3, 4, 7, 16, 37]) {
        for (const pos of [0, Math.floor(cols / 2), cols - 1]) {
          const x = Array.from(rounded(dt, normals(7 * cols, cols + pos, 2)));
          const set = (r: number, v: number, all = false) => {
            for (let j = 0; j < cols; j++) if (all || j === pos) x[r * cols + j] = v;
          };
          set(0, -Infinity, true); // fully masked
          set(1, -Infinity); // one masked class
          set(2, Infinity); // +Inf → NaN row
          set(3, NaN); // NaN → NaN row
          set(4, -Infinity, true);
          set(4, NaN); // NaN among −∞ → NaN row
          set(5, 88.5); // large but finite
          top = ex.heap_base();
          const px = put(dt, x);
          const po = alloc(x.length * SIZE[dt]);
          ex[name](px, po, 7, cols);
          const got = get(dt, po, x.length);
          const want = refSoftmax(x, 7, cols, log);
          for (let i = 0; i < 7; i++) {
            const g = got.subarray(i * cols, (i + 1) * cols), w = want.subarray(i * cols, (i + 1) * cols);
            expect(relErr(g, w), `cols ${cols} pos ${pos} row ${i}: ${Array.from(g)}`).toBeLessThanOrEqual(TOL[dt]);
          }
          // the fully masked row is exactly 0 / −∞
          for (let j = 0; j < cols; j++) expect(got[j]).toBe(log ? -Infinity : 0);
          for (let j = 0; j < cols; j++) expect(got[2 * cols + j]).toBeNaN();
          for (let j = 0; j < cols; j++) expect(got[3 * cols + j]).toBeNaN();
          for (let j = 0; j < cols; j++) expect(got[4 * cols + j]).toBeNaN();
        }
      }
    });

    it(`${name}: dominant class has a small absolute error; rows = 0 and cols = 0 do nothing`, () => {
      // (x − m) − log s at the class that takes (almost) all the mass: ≈ −Σ_others e, not log(p) noise
      const x = [0, -40, -50, -60, 1e4, 1e4 - 30];
      top = ex.heap_base();
      const px = put(dt, x);
      const po = alloc(x.length * SIZE[dt]);
      ex[name](px, po, 1, x.length);
      const got = get(dt, po, x.length);
      const want = refSoftmax(x, 1, x.length, log);
      const abs = dt === 'f32' ? 1.2e-7 : 2e-16;
      expect(Math.abs(got[4] - want[4])).toBeLessThanOrEqual(abs);
      expect(Math.abs(got[5] - want[5])).toBeLessThanOrEqual(log ? 30 * abs : abs);
      const before = Array.from(get(dt, po, x.length));
      ex[name](px, po, 0, 6);
      ex[name](px, po, 6, 0);
      expect(Array.from(get(dt, po, x.length))).toEqual(before);
    });
  }
});

describe.each(DTS)('softmax_backward / softmax_jacobian (%s)', (dt) => {
  const back = `softmax_backward_${dt}` as const;
  const jac = `softmax_jacobian_${dt}` as const;

  it(`${back} matches f64 for all sizes; out may alias y or dy`, () => {
    for (const cols of COLS) {
      const rows = 3;
      const y = rounded(dt, refSoftmax(normals(rows * cols, cols, 2), rows, cols, false));
      const dy = rounded(dt, normals(rows * cols, cols + 1));
      const want = refBackward(y, dy, rows, cols);
      for (const alias of ['none', 'y', 'dy'] as const) {
        top = ex.heap_base();
        const py = put(dt, y), pdy = put(dt, dy);
        const po = alias === 'y' ? py : alias === 'dy' ? pdy : alloc(y.length * SIZE[dt]);
        ex[back](py, pdy, po, rows, cols);
        const got = get(dt, po, y.length);
        for (let i = 0; i < rows; i++) {
          const e = relErr(got.subarray(i * cols, (i + 1) * cols), want.subarray(i * cols, (i + 1) * cols));
          expect(e, `cols ${cols} alias ${alias} row ${i}`).toBeLessThanOrEqual(TOL[dt]);
        }
        if (alias !== 'y') expect(Array.from(get(dt, py, y.length))).toEqual(Array.from(y));
        if (alias !== 'dy') expect(Array.from(get(dt, pdy, y.length))).toEqual(Array.from(dy));
      }
    }
  });

  it(`${jac} matches diag(y) − y yᵀ`, () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100]) {
      const y = rounded(dt, refSoftmax(normals(n, n, 2), 1, n, false));
      top = ex.heap_base();
      const py = put(dt, y);
      const po = alloc(n * n * SIZE[dt]);
      ex[jac](py, po, n);
      const got = get(dt, po, n * n);
      const want = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) want[i * n + j] = (i === j ? y[i] : 0) - y[i] * y[j];
      expect(relErr(got, want), `n ${n}`).toBeLessThanOrEqual(TOL[dt]);
    }
  });
});

describe.each(DTS)('cross_entropy (%s)', (dt) => {
  const ce = `cross_entropy_${dt}` as const;

  /** Runs the kernel on fresh copies; gradMode: 'off' | 'on' | 'alias' (grad written over logits). */
  function run(z: Float64Array, rows: number, C: number, o: CEOpts, gradMode: 'off' | 'on' | 'alias') {
    top = ex.heap_base();
    const pz = put(dt, z);
    const pl = o.labels ? putI32(o.labels) : 0;
    const pt = o.targets ? put(dt, o.targets) : 0;
    const pw = o.weights ? put(dt, o.weights) : 0;
    const pls = o.reduction === 2 ? alloc(rows * SIZE[dt]) : 0;
    const pg = gradMode === 'on' ? alloc(rows * C * SIZE[dt]) : gradMode === 'alias' ? pz : 0;
    const loss = ex[ce](pz, rows, C, pl, pt, pw, o.ignore, o.eps, o.reduction, pls, pg);
    return {
      loss,
      losses: pls ? get(dt, pls, rows) : null,
      grad: pg ? get(dt, pg, rows * C) : null,
      logits: gradMode === 'alias' ? null : get(dt, pz, rows * C),
    };
  }

  function check(z: Float64Array, rows: number, C: number, o: CEOpts, label: string) {
    const want = refCE(z, rows, C, o);
    for (const gradMode of ['off', 'on', 'alias'] as const) {
      const got = run(z, rows, C, o, gradMode);
      const what = `${label} grad ${gradMode}`;
      if (Number.isNaN(want.loss)) expect(got.loss, what).toBeNaN();
      else if (!Number.isFinite(want.loss)) expect(got.loss, what).toBe(want.loss);
      else expect(Math.abs(got.loss - want.loss) / Math.max(1, Math.abs(want.loss)), what).toBeLessThanOrEqual(TOL[dt]);
      if (got.losses) expect(relErr(got.losses, want.losses), what).toBeLessThanOrEqual(TOL[dt]);
      if (got.grad) {
        for (let i = 0; i < rows; i++) {
          const g = got.grad.subarray(i * C, (i + 1) * C), w = want.grad.subarray(i * C, (i + 1) * C);
          // relative to the largest gradient of the whole matrix (a row's gradient can be all tiny)
          let scale = 0;
          for (const v of want.grad) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
          for (let j = 0; j < C; j++) {
            if (Number.isNaN(w[j])) expect(g[j], `${what} [${i}, ${j}]`).toBeNaN();
            else expect(Math.abs(g[j] - w[j]) / (scale || 1), `${what} [${i}, ${j}]`).toBeLessThanOrEqual(TOL[dt]);
          }
        }
      }
      if (got.logits) expect(Array.from(got.logits)).toEqual(Array.from(z));
    }
  }

  const SHAPES: [number, number][] = [[7, 10], [5, 37], [3, 1000], [4, 1], [6, 3]];

  it('integer labels: every combination of weights, ignore_index, smoothing, reduction and grad', () => {
    for (const [rows, C] of SHAPES) {
      const z = rounded(dt, normals(rows * C, rows * C, 3));
      const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7 + 3) % C);
      const weights = rounded(dt, uniform(C, C, 0.2, 2));
      for (const useW of [false, true]) {
        for (const ignore of [-1, -100, labels[1]]) {
          const lab = labels.slice();
          if (ignore === -100) lab[rows - 1] = -100;
          for (const eps of [0, 0.1, 1]) {
            for (const reduction of [0, 1, 2] as const) {
              check(z, rows, C, { labels: lab, targets: null, weights: useW ? weights : null, ignore, eps, reduction },
                `${rows}x${C} w ${useW} ignore ${ignore} eps ${eps} red ${reduction}`);
            }
          }
        }
      }
    }
  });

  it('probability rows: every combination of weights, smoothing, reduction and grad', () => {
    for (const [rows, C] of SHAPES) {
      const z = rounded(dt, normals(rows * C, rows * C + 1, 3));
      const q = rounded(dt, refSoftmax(normals(rows * C, 5, 2), rows, C, false));
      // one one-hot row: most of its targets are exactly 0
      for (let j = 0; j < C; j++) q[j] = j === C - 1 ? 1 : 0;
      const weights = rounded(dt, uniform(C, C + 2, 0.2, 2));
      for (const useW of [false, true]) {
        for (const eps of [0, 0.25]) {
          for (const reduction of [0, 1, 2] as const) {
            check(z, rows, C, { labels: null, targets: q, weights: useW ? weights : null, ignore: -1, eps, reduction },
              `${rows}x${C} w ${useW} eps ${eps} red ${reduction}`);
          }
        }
      }
    }
  });

  it('special rows: fully masked, masked label, masked class with zero weight, NaN and +Inf', () => {
    const C = 9;
    const rows = 6;
    const z = Array.from(rounded(dt, normals(rows * C, 77, 2)));
    for (let j = 0; j < C; j++) z[j] = -Infinity; // row 0 fully masked
    z[1 * C + 2] = -Infinity; // row 1: its label's logit is masked → loss +∞
    z[2 * C + 4] = -Infinity; // row 2: a masked class that is not the label (ε = 0: costs nothing)
    z[3 * C + 8] = NaN; // row 3: NaN
    z[4 * C + 0] = Infinity; // row 4: +∞
    const labels = Int32Array.from([1, 2, 0, 5, 3, 4]);
    const zz = Float64Array.from(z);
    const weights = Float64Array.from({ length: C }, (_, c) => (c === 4 ? 0 : 1 + c / 10));
    for (const eps of [0, 0.2]) {
      for (const useW of [false, true]) {
        for (const reduction of [0, 1, 2] as const) {
          check(zz, rows, C, { labels, targets: null, weights: useW ? weights : null, ignore: -100, eps, reduction },
            `eps ${eps} w ${useW} red ${reduction}`);
        }
      }
    }
    // probability rows with the same logits; a target of exactly 0 on the masked class of row 2
    const q = new Float64Array(rows * C).fill(1 / C);
    for (let j = 0; j < C; j++) q[2 * C + j] = j === 4 ? 0 : 1 / (C - 1);
    for (const reduction of [0, 1, 2] as const) {
      check(zz, rows, C, { labels: null, targets: q, weights: null, ignore: -1, eps: 0, reduction }, `prob red ${reduction}`);
    }
  });

  it("mean over nothing (all rows ignored) is NaN with a zero gradient; rows = 0", () => {
    const C = 5, rows = 4;
    const z = rounded(dt, normals(rows * C, 5));
    const labels = new Int32Array(rows).fill(-100);
    const o: CEOpts = { labels, targets: null, weights: null, ignore: -100, eps: 0.1, reduction: 0 };
    check(z, rows, C, o, 'all ignored');
    const got = run(z, rows, C, o, 'on');
    expect(got.loss).toBeNaN();
    expect(Array.from(got.grad!).every((v) => v === 0)).toBe(true);
    expect(run(z, 0, C, { ...o, reduction: 1 }, 'on').loss).toBe(0);
    expect(run(z, 0, C, o, 'on').loss).toBeNaN();
  });

  it('matches a hand-computed value (logits [1, 2, 3], label 2)', () => {
    const z = Float64Array.from([1, 2, 3]);
    const got = run(z, 1, 3, { labels: Int32Array.from([2]), targets: null, weights: null, ignore: -1, eps: 0, reduction: 0 }, 'on');
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(Math.abs(got.loss - (lse - 3))).toBeLessThan(dt === 'f32' ? 1e-6 : 1e-15);
    expect(Math.abs(got.grad![2] - (Math.exp(3 - lse) - 1))).toBeLessThan(dt === 'f32' ? 1e-6 : 1e-15);
  });
});

describe.each(DTS)('no kernel writes outside its outputs (%s)', (dt) => {
  /** An output region of n elements with GUARD sentinel bytes on each side; check() verifies them. */
  function guarded(n: number) {
    const base = alloc(n * SIZE[dt] + 2 * GUARD);
    const bytes = () => new Uint8Array(ex.memory.buffer, base, n * SIZE[dt] + 2 * GUARD);
    bytes().fill(0xa5);
    return {
      p: base + GUARD,
      intact(): boolean {
        const b = bytes();
        for (let i = 0; i < GUARD; i++) if (b[i] !== 0xa5 || b[b.length - 1 - i] !== 0xa5) return false;
        return true;
      },
    };
  }

  it('softmax, log_softmax, backward, jacobian, cross_entropy, exp', () => {
    for (const cols of [1, 2, 3, 5, 7, 9, 15, 17, 33, 65]) {
      const rows = 3;
      const n = rows * cols;
      top = ex.heap_base();
      const x = put(dt, normals(n, cols, 2));
      const dy = put(dt, normals(n, cols + 1));
      const labels = putI32(Int32Array.from({ length: rows }, (_, i) => i % cols));
      const targets = put(dt, new Float64Array(n).fill(1 / cols));
      const weights = put(dt, new Float64Array(cols).fill(0.5));
      const kernels: [string, number, (o: number) => void][] = [
        ['softmax', n, (o) => ex[`softmax_${dt}`](x, o, rows, cols)],
        ['log_softmax', n, (o) => ex[`log_softmax_${dt}`](x, o, rows, cols)],
        ['softmax_backward', n, (o) => ex[`softmax_backward_${dt}`](x, dy, o, rows, cols)],
        ['softmax_jacobian', cols * cols, (o) => ex[`softmax_jacobian_${dt}`](x, o, cols)],
        ['exp', n, (o) => ex[`exp_${dt}`](x, o, n)],
        ['ce grad', n, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, labels, 0, weights, -1, 0.1, 0, 0, o)],
        ['ce prob grad', n, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, 0, targets, 0, -1, 0.1, 1, 0, o)],
        ['ce losses', rows, (o) => ex[`cross_entropy_${dt}`](x, rows, cols, labels, 0, 0, -1, 0, 2, o, 0)],
      ];
      for (const [name, len, f] of kernels) {
        const g = guarded(len);
        f(g.p);
        expect(g.intact(), `${name} cols ${cols}`).toBe(true);
      }
      // in place: the guard is around the shared input/output
      for (const name of ['softmax', 'log_softmax', 'exp'] as const) {
        const g = guarded(n);
        view(dt, g.p, n).set(normals(n, 3));
        if (name === 'exp') ex[`exp_${dt}`](g.p, g.p, n);
        else ex[`${name}_${dt}`](g.p, g.p, rows, cols);
        expect(g.intact(), `${name} in place cols ${cols}`).toBe(true);
      }
      const g = guarded(n);
      view(dt, g.p, n).set(normals(n, 4));
      ex[`cross_entropy_${dt}`](g.p, rows, cols, labels, 0, 0, -1, 0, 1, 0, g.p);
      expect(g.intact(), `ce grad aliasing logits cols ${cols}`).toBe(true);
    }
  });
});
