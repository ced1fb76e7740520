// Raw linear_softmax_loss_f32 / _f64 exports of build/softmax.wasm (assembly/linear_softmax/)
// against a plain float64 JS implementation: sweeps of shapes through both paths (C ≤ 64: packed
// Wᵀ and a fused row-block sweep; C > 64: W in place, several panels), each algorithm's own export
// on the other side of C = 64, aliasing dW == W and dX == X, N = 0, dirty scratch, a byte-level
// check that nothing outside the outputs and the scratch is written, the DESIGN.md tutorial
// example, and the thread pool's phase exports run in sequence with odd chunkings (same bits as the
// single call).
import { describe, expect, it } from 'vitest';
import { LINEAR_BLOCK_ROWS, LINEAR_MAX_CHUNKS, LINEAR_SMALL_C } from '../../src/wasm/abi.js';
import { relErrScaled, rng, sameBits, TOL, type DT } from '../support/index.js';
import { ex, useRawModule } from './raw_module.js';

const GUARD = 64; // sentinel bytes before and after every array
const arena = useRawModule(GUARD);

type DType = DT;

// ---- reference -------------------------------------------------------------------------------

interface Problem {
  n: number; d: number; c: number;
  X: Float64Array; labels: Int32Array; W: Float64Array; bias: Float64Array | null; reg: number;
}
interface Grads { loss: number; dW: Float64Array; db: Float64Array; dX: Float64Array }

/**
 * Plain float64 CS231n linear softmax. Besides the results it returns, for each gradient, the sum
 * of the absolute values of its terms (the scale a rounding error of the sum is relative to).
 */
function reference(p: Problem): Grads & { abs: { dW: Float64Array; db: Float64Array; dX: Float64Array } } {
  const { n, d, c, X, labels, W, bias, reg } = p;
  const dW = new Float64Array(d * c), db = new Float64Array(c), dX = new Float64Array(n * d);
  const aW = new Float64Array(d * c), ab = new Float64Array(c), aX = new Float64Array(n * d);
  const s = new Float64Array(c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      let v = bias ? bias[j] : 0;
      for (let k = 0; k < d; k++) v += X[i * d + k] * W[k * c + j];
      s[j] = v;
    }
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, s[j]);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(s[j] - m);
    const y = labels[i];
    loss += Math.log(sum) + m - s[y];
    for (let j = 0; j < c; j++) {
      const g = (Math.exp(s[j] - m) / sum - (j === y ? 1 : 0)) / n;
      db[j] += g; ab[j] += Math.abs(g);
      for (let k = 0; k < d; k++) {
        dW[k * c + j] += X[i * d + k] * g; aW[k * c + j] += Math.abs(X[i * d + k] * g);
        dX[i * d + k] += g * W[k * c + j]; aX[i * d + k] += Math.abs(g * W[k * c + j]);
      }
    }
  }
  let w2 = 0;
  for (let k = 0; k < d * c; k++) {
    w2 += W[k] * W[k];
    dW[k] += 2 * reg * W[k]; aW[k] += Math.abs(2 * reg * W[k]);
  }
  return { loss: loss / n + reg * w2, dW, db, dX, abs: { dW: aW, db: ab, dX: aX } };
}

// ---- calling the kernel with guard regions ---------------------------------------------------


/**
 * dX: also compute dX; aliasW: dW at W's address; aliasX: dX at X's address; oddX: X (and an
 * aliased dX) only element-aligned, not 16-byte aligned (the kernel then copies blocks of X).
 */
interface CallOptions {
  dX?: boolean; aliasW?: boolean; aliasX?: boolean; oddX?: boolean;
  /** The algorithm's own export (linear_softmax_small_c_* / _large_c_*) instead of the dispatcher. */
  kernel?: 'small_c' | 'large_c';
}
interface CallResult extends Grads { dXwritten: boolean }

/** Writes the problem's inputs at their addresses and fills the scratch with 0xFF bytes. */
function place(A: Float32ArrayConstructor | Float64ArrayConstructor, p: Problem, pX: number, pL: number, pW: number,
  pB: number, pS: number, scratchBytes: number): void {
  const buf = ex.memory.buffer, { n, d, c } = p;
  new A(buf, pX, n * d).set(p.X);
  new Int32Array(buf, pL, n).set(p.labels);
  new A(buf, pW, d * c).set(p.W);
  if (pB) new A(buf, pB, c).set(p.bias!);
  new Uint8Array(buf, pS, scratchBytes).fill(0xff);
}

/**
 * Lays the problem out at heap_base (each array 16-byte aligned, between sentinel guards), fills
 * the scratch with 0xFF bytes (NaN as floats: the kernel must not assume zeros), calls the export,
 * and checks that every byte outside the outputs and the scratch is unchanged and that the scratch
 * guards are intact.
 */
function call(dtype: DType, p: Problem, o: CallOptions): CallResult {
  const A = dtype === 'f32' ? Float32Array : Float64Array;
  const E = A.BYTES_PER_ELEMENT;
  const { n, d, c } = p;
  const base = ex.heap_base();
  arena.reset();
  const alloc = (bytes: number): number => arena.alloc(bytes);
  const kernel = o.kernel ? (`linear_softmax_${o.kernel}` as const) : 'linear_softmax';
  const scratchBytes = ex[`${kernel}_scratch_bytes_${dtype}`](n, d, c);
  expect(scratchBytes % 16).toBe(0);
  const pX = alloc(n * d * E + 16) + (o.oddX ? E : 0), pL = alloc(n * 4), pW = alloc(d * c * E);
  const pB = p.bias ? alloc(c * E) : 0;
  const pdW = o.aliasW ? pW : alloc(d * c * E);
  const pdb = alloc(c * E);
  const pdX = o.dX ? (o.aliasX ? pX : alloc(n * d * E)) : 0;
  const pS = alloc(scratchBytes);
  const end = arena.end;
  const pagesBefore = ex.memory.buffer.byteLength;

  let bytes = new Uint8Array(ex.memory.buffer, base, end - base);
  bytes.fill(0xa5);
  place(A, p, pX, pL, pW, pB, pS, scratchBytes);
  const before = bytes.slice();

  const entry = o.kernel ? (`linear_softmax_${o.kernel}_${dtype}` as const) : (`linear_softmax_loss_${dtype}` as const);
  const loss = ex[entry](pX, pL, pW, pB, n, d, c, p.reg, pdW, pdb, pdX, pS);

  expect(ex.memory.buffer.byteLength).toBe(pagesBefore); // kernels never grow memory
  bytes = new Uint8Array(ex.memory.buffer, base, end - base);
  const writable: Array<[number, number]> = [[pdW, d * c * E], [pdb, c * E], [pS, scratchBytes]];
  if (pdX) writable.push([pdX, n * d * E]);
  const isWritable = (addr: number) => writable.some(([q, len]) => addr >= q && addr < q + len);
  let firstBad = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== before[i] && !isWritable(base + i)) { firstBad = base + i; break; }
  }
  expect(firstBad, `byte written outside the outputs at ${firstBad}`).toBe(-1);

  const read = (q: number, len: number) => Float64Array.from(new A(ex.memory.buffer, q, len));
  return {
    loss, dW: read(pdW, d * c), db: read(pdb, c), dX: pdX ? read(pdX, n * d) : new Float64Array(0),
    dXwritten: pdX !== 0,
  };
}



/** A random problem, rounded to the float type so the reference sees exactly the kernel's inputs. */
function problem(dtype: DType, n: number, d: number, c: number, seed: number, withBias: boolean,
  reg: number): Problem {
  const r = rng(seed);
  const round = dtype === 'f32' ? Math.fround : (v: number) => v;
  const X = Float64Array.from({ length: n * d }, () => round(r() * 2 - 1));
  const W = Float64Array.from({ length: d * c }, () => round((r() * 2 - 1) * 0.5));
  const bias = withBias ? Float64Array.from({ length: c }, () => round(r() - 0.5)) : null;
  const labels = Int32Array.from({ length: n }, () => Math.floor(r() * c));
  return { n, d, c, X, labels, W, bias, reg };
}

/** Runs one case and checks it against the reference; returns the worst relative error. */
function check(dtype: DType, p: Problem, o: CallOptions): number {
  const want = reference(p);
  const got = call(dtype, p, o);
  const label = `${dtype} n=${p.n} d=${p.d} c=${p.c} reg=${p.reg} ${JSON.stringify(o)}`;
  let worst = 0;
  if (p.n === 0) {
    expect(got.loss, label).toBeNaN();
  } else {
    const e = Math.abs(got.loss - want.loss) / Math.max(1, Math.abs(want.loss));
    expect(e, `${label}: loss ${got.loss} vs ${want.loss}`).toBeLessThanOrEqual(TOL[dtype]);
    worst = e;
  }
  for (const key of ['dW', 'db', 'dX'] as const) {
    if (key === 'dX' && !got.dXwritten) continue;
    const e = relErrScaled(got[key], want[key], want.abs[key]);
    expect(e, `${label}: ${key}`).toBeLessThanOrEqual(TOL[dtype]);
    worst = Math.max(worst, e);
  }
  return worst;
}

// ---- tests -----------------------------------------------------------------------------------

const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 31, 33];
const CLASSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 31, 33];

describe.each(['f32', 'f64'] as const)('linear_softmax_loss_%s', (dtype) => {
  it('matches the float64 reference over a sweep of shapes with C ≤ 33 (the small-C path)', () => {
    let seed = 1, worst = 0, cases = 0;
    for (const n of [1, 2, 3, 5, 9, 17, 33]) {
      for (const d of SIZES) {
        for (const c of CLASSES) {
          const k = seed++;
          const o: CallOptions = { dX: k % 3 !== 0, aliasW: k % 5 === 1, aliasX: k % 7 === 2, oddX: k % 11 === 3 };
          const p = problem(dtype, n, d, c, k, k % 2 === 0, k % 4 === 0 ? 0 : 0.05);
          worst = Math.max(worst, check(dtype, p, o));
          cases++;
        }
      }
    }
    expect(cases).toBe(7 * SIZES.length * CLASSES.length);
    expect(worst).toBeLessThanOrEqual(TOL[dtype]);
  });

  it('matches the reference over a sweep of shapes with C > 64 (the large-C path)', () => {
    let seed = 5000;
    for (const n of [1, 2, 3, 5, 6]) {
      for (const d of SIZES) {
        for (const c of [65, 67, 72, 100, 129]) {
          const k = seed++;
          const o: CallOptions = { dX: k % 3 !== 0, aliasW: k % 5 === 1, aliasX: k % 7 === 2 };
          check(dtype, problem(dtype, n, d, c, k, k % 2 === 0, k % 4 === 0 ? 0 : 0.05), o);
        }
      }
    }
  });

  it('matches the reference across the small-C chunk edges (dWᵀ partials added in chunk order)', () => {
    const B = LINEAR_BLOCK_ROWS, cr = ex.linear_softmax_small_c_chunk_rows(1);
    expect(cr).toBe(2 * B);
    let seed = 7000;
    for (const n of [cr - 1, cr, cr + 1, 2 * cr + B + 1, cr * LINEAR_MAX_CHUNKS + B + 3]) {
      for (const d of [1, 15, 16, 17, 33]) {
        for (const c of [3, 10, LINEAR_SMALL_C]) {
          const k = seed++;
          check(dtype, problem(dtype, n, d, c, k, k % 2 === 0, 0.05), { dX: true, aliasX: k % 3 === 0, oddX: k % 4 === 1 });
        }
      }
    }
  });

  it.each([
    ['small_c', LINEAR_SMALL_C + 6], ['small_c', 2 * LINEAR_SMALL_C + 1], ['large_c', 2], ['large_c', 10], ['large_c', 33],
    ['large_c', LINEAR_SMALL_C],
  ] as const)('%s on its own, at c=%i (the other side of C = LINEAR_SMALL_C)', (kernel, c) => {
    let seed = 9000 + c;
    for (const [n, d] of [[1, 1], [5, 7], [30, 33], [49, 17]]) {
      const k = seed++;
      check(dtype, problem(dtype, n, d, c, k, k % 2 === 0, 0.05), { kernel, dX: true, aliasW: k % 3 === 0, oddX: k % 2 === 1 });
    }
  });

  it.each([
    [50, 300, 10], [61, 129, 16], [25, 40, 17], [26, 64, LINEAR_SMALL_C + 1], [13, 37, 129], [9, 18, 300], [4, 3, 1000],
    [49, 3073 % 200, 10], [7, 1, 70], [30, 50, LINEAR_SMALL_C], [11, 20, LINEAR_SMALL_C - 1],
  ])('matches the reference on larger shape n=%i d=%i c=%i', (n, d, c) => {
    const cases: Array<[boolean, CallOptions]> = [
      [true, { dX: true }], [false, { dX: true, aliasW: true, aliasX: true }], [true, { oddX: true }],
    ];
    for (const [withBias, o] of cases) check(dtype, problem(dtype, n, d, c, n * 1000 + d + c, withBias, 0.01), o);
  });

  it.each([[5, 7, 3], [6, 9, 40], [30, 8, 10], [29, 16, 6], [7, 12, 100]])(
    'aliasing dW == W and dX == X, separately and together (n=%i d=%i c=%i)', (n, d, c) => {
      for (const o of [{ aliasW: true }, { dX: true, aliasX: true }, { dX: true, aliasW: true, aliasX: true },
        { dX: true, aliasX: true, oddX: true }]) {
        check(dtype, problem(dtype, n, d, c, 77 + c, true, 0.1), o);
      }
    },
  );

  it.each([3, 40])('N = 0: loss NaN, dW = 2·reg·W, db = 0 (c=%i)', (c) => {
    const p = problem(dtype, 0, 5, c, 5, true, 0.25);
    const got = call(dtype, p, { dX: true });
    expect(got.loss).toBeNaN();
    expect(Array.from(got.db)).toEqual(new Array(c).fill(0));
    const want = p.W.map((w) => 2 * 0.25 * w);
    for (let i = 0; i < want.length; i++) expect(got.dW[i]).toBeCloseTo(want[i], 6);
  });

  it.each([4, 30])('NaN in X gives a NaN loss, not a hang or a trap (c=%i)', (c) => {
    const p = problem(dtype, 6, 5, c, 9, false, 0);
    p.X[7] = NaN;
    expect(call(dtype, p, { dX: true }).loss).toBeNaN();
  });

  it('the DESIGN.md tutorial example', () => {
    const p: Problem = {
      n: 1, d: 3, c: 2, X: Float64Array.of(1, 2, 3), labels: Int32Array.of(1),
      W: Float64Array.of(-1, 1, 1, -1, 0, 0), bias: null, reg: 0,
    };
    const got = call(dtype, p, { dX: true });
    const digits = dtype === 'f32' ? 6 : 14;
    expect(got.loss).toBeCloseTo(2.1269280110429727, digits);
    const dW = [0.8807970779778823, -0.8807970779778823, 1.7615941559557646, -1.7615941559557646,
      2.642391233933647, -2.642391233933647];
    dW.forEach((v, i) => expect(got.dW[i]).toBeCloseTo(v, digits));
    [0.8807970779778823, -0.8807970779778823].forEach((v, i) => expect(got.db[i]).toBeCloseTo(v, digits));
    [-1.7615941559557646, 1.7615941559557646, 0].forEach((v, i) => expect(got.dX[i]).toBeCloseTo(v, digits));
  });

  it('scratch size grows with the problem and is 16-byte aligned', () => {
    const small = ex[`linear_softmax_scratch_bytes_${dtype}`](500, 3073, 10);
    const large = ex[`linear_softmax_scratch_bytes_${dtype}`](64, 512, 10000);
    expect(small % 16).toBe(0);
    expect(large % 16).toBe(0);
    expect(large).toBeGreaterThan(64 * 10000 * (dtype === 'f32' ? 4 : 8));
    // too large for 32-bit memory: reported in full (a double), never wrapped
    const huge = ex[`linear_softmax_scratch_bytes_${dtype}`](100000, 1000, 100000);
    expect(huge).toBeGreaterThan(100000 * 100000 * (dtype === 'f32' ? 4 : 8));
    const max = 2 ** 31 - 1;
    expect(ex[`linear_softmax_scratch_bytes_${dtype}`](max, max, max)).toBeGreaterThan(2 ** 64);
  });
});

// ---- the thread pool's phases, run here in sequence ------------------------------------------


describe.each(['f32', 'f64'] as const)('linear_softmax phases, %s', (dtype) => {
  const A = dtype === 'f32' ? Float32Array : Float64Array;
  const E = A.BYTES_PER_ELEMENT;
  /** Runs the phases of one path on a problem at heap_base with chunks `per`; returns loss, dW, db, dX. */
  function phased(p: Problem, per: { rows: number; groups: number; panels: number; kgroups: number }, oddX: boolean) {
    const { n, d, c } = p;
    const small = c <= LINEAR_SMALL_C;
    arena.reset();
    const alloc = (bytes: number): number => arena.alloc(bytes);
    const pX = alloc(n * d * E + 16) + (oddX ? E : 0), pL = alloc(n * 4), pW = alloc(d * c * E);
    const pB = p.bias ? alloc(c * E) : 0, pdW = alloc(d * c * E), pdb = alloc(c * E), pdX = alloc(n * d * E);
    const bytes = small
      ? ex[`linear_softmax_small_c_threads_scratch_bytes_${dtype}`](pX, n, d, c)
      : ex[`linear_softmax_large_c_threads_scratch_bytes_${dtype}`](n, d, c, per.panels, per.kgroups);
    const pS = alloc(bytes);
    place(A, p, pX, pL, pW, pB, pS, bytes);
    const chunks = (f: (s: number, first: number, count: number) => void, total: number, size: number) => {
      for (let i = 0; i < total; i += size) f(pS, i, Math.min(size, total - i));
    };
    const x = ex as unknown as Record<string, (...a: number[]) => number>;
    const pre = small ? `linear_softmax_small_c_` : `linear_softmax_large_c_`;
    let loss: number;
    if (small) {
      const groups = x[`${pre}prep_${dtype}`](pX, pL, pW, pB, n, d, c, p.reg, pdW, pdb, pdX, pS);
      // whole chunks of the kernel's chunk rows (per.rows of them), in any order: reversed here
      const cr = ex.linear_softmax_small_c_chunk_rows(n), size = cr * Math.max(1, Math.round(per.rows / cr));
      for (let r0 = Math.floor((n - 1) / size) * size; r0 >= 0; r0 -= size) x[`${pre}chunk_${dtype}`](pS, r0, Math.min(size, n - r0));
      chunks(x[`${pre}reduce_${dtype}`], groups, per.groups);
      loss = x[`${pre}finish_${dtype}`](pS);
    } else {
      const panels = x[`${pre}prep_${dtype}`](pX, pL, pW, pB, n, d, c, p.reg, pdW, pdb, pdX, pS, per.panels, per.kgroups);
      chunks(x[`${pre}panels_${dtype}`], panels, per.panels);
      chunks(x[`${pre}rows_${dtype}`], n, per.rows);
      chunks(x[`${pre}dx_${dtype}`], Math.ceil(d / 4), per.kgroups);
      chunks(x[`${pre}dw_${dtype}`], Math.ceil(d / 4), per.kgroups);
      loss = x[`${pre}finish_${dtype}`](pS);
    }
    const read = (q: number, len: number) => Float64Array.from(new A(ex.memory.buffer, q, len));
    return { loss, dW: read(pdW, d * c), db: read(pdb, c), dX: read(pdX, n * d) };
  }

  it.each([
    [50, 300, 10, false], [97, 33, 7, true], [61, 129, 16, false], [30, 40, 3, true],
    [20, 37, 100, false], [9, 64, 300, true], [33, 8, 65, false],
    // more than LINEAR_MAX_CHUNKS chunks of 2 blocks: several blocks per chunk, a short last one
    [2 * LINEAR_BLOCK_ROWS * LINEAR_MAX_CHUNKS + 5 * LINEAR_BLOCK_ROWS + 7, 21, 6, true],
  ] as const)('give the single call\'s bits in any chunking (n=%i d=%i c=%i oddX=%s)', (n, d, c, oddX) => {
    const p = problem(dtype, n, d, c, n + d + c, true, 0.01);
    const single = call(dtype, p, { dX: true, oddX });
    for (const per of [
      { rows: 24, groups: 1, panels: 1, kgroups: 1 }, { rows: 100, groups: 3, panels: 2, kgroups: 5 },
      { rows: 10 ** 6, groups: 10 ** 6, panels: 10 ** 6, kgroups: 10 ** 6 },
    ]) {
      const got = phased(p, per, oddX);
      const label = `${JSON.stringify(per)}`;
      expect(Object.is(got.loss, single.loss), `${label}: loss ${got.loss} vs ${single.loss}`).toBe(true);
      for (const key of ['dW', 'db', 'dX'] as const) expect(sameBits(got[key], single[key]), `${label}: ${key}`).toBe(true);
    }
  });
});
