/**
 * Numerics under stress, on both engines:
 *  1. logits of ±1e4 … ±3e38 (f32; f64 up to ±1e300) give finite losses wherever the loss is
 *     mathematically finite (it is a float64 number: even 6e38 is finite), with every option;
 *  2. log-softmax keeps precision at the dominant class as far as the float type allows: the
 *     dominant entry is −log1p(Σ_{j≠max} e^{z_j − m}), representable to full relative precision
 *     while that sum is a normal number. Bound asserted (and the measured errors printed):
 *       |got − exact| ≤ max(B·|exact|, smallest normal), B = 1e-6 (f32, ≈ 8 ulp) or 2e-13 (f64),
 *     the error of the vectorized exp (≈ 2.3 ulp) and of summing C terms;
 *  3. the fully masked row of DESIGN.md (all −∞: softmax 0, logSoftmax −∞, cross-entropy loss +∞
 *     with gradient −t/D, or 0 when the row carries no target weight) holds in every function that
 *     takes logits — softmax, logSoftmax, softmaxCrossEntropy (every option) — and in
 *     softmaxBackward of its output (a zero row: dx = 0), at every SIMD width and next to normal rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadWasm, matrix, reference, type CrossEntropyOptions, type FloatArray, type SoftmaxKernels, type WasmKernels,
} from '../src/index.js';
import { arr, randMatrix, relErr, TOL, type DT } from './support/index.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });
afterAll(() => wasm?.dispose());
const engines: Array<[string, () => SoftmaxKernels]> = [['reference', () => reference], ['wasm', () => wasm]];

// -------------------------------------------------------------------------------------------------
// 1. Huge logits, finite losses
// -------------------------------------------------------------------------------------------------

const F32_MAGNITUDES = [1e4, 1e6, 1e10, 1e20, 1e30, 1e37, 1e38, 3e38];
const F64_MAGNITUDES = [1e4, 1e20, 1e38, 3e38, 1e100, 1e200, 1e300];

/** Rows mixing ±M with ordinary values; the labels point at every kind of entry (min, max, 0). */
function hugeLogits(dt: DT, M: number, cols: number): { x: FloatArray; rows: number } {
  const rows = 6;
  const x = arr(dt, rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = (i * 7 + j * 3) % 5;
      x[i * cols + j] = k === 0 ? M : k === 1 ? -M : k === 2 ? M / 2 : k === 3 ? 0 : -M / 3;
    }
  }
  return { x, rows };
}

const CE_OPTIONS: Array<[string, (c: number, dt: DT) => CrossEntropyOptions]> = [
  ['mean', () => ({})],
  ['sum', () => ({ reduction: 'sum' })],
  ['none', () => ({ reduction: 'none' })],
  ['smoothing 0.1', () => ({ labelSmoothing: 0.1 })],
  ['smoothing 1', () => ({ labelSmoothing: 1, reduction: 'sum' })],
  ['weights + smoothing', (c, dt) => ({ weights: arr(dt, Array.from({ length: c }, (_, j) => 0.5 + (j % 3))), labelSmoothing: 0.2 })],
  ['ignoreIndex', () => ({ ignoreIndex: 1 })],
];

describe.each(engines)('%s: logits of ±1e4 … ±3e38 give finite losses', (_name, k) => {
  for (const dt of ['f32', 'f64'] as const) {
    const magnitudes = dt === 'f32' ? F32_MAGNITUDES : F64_MAGNITUDES;
    it(`${dt}: integer labels, every option`, () => {
      for (const M of magnitudes) {
        for (const cols of [2, 5, 17]) {
          const { x, rows } = hugeLogits(dt, M, cols);
          const logits = matrix(x, rows, cols);
          const labels = Int32Array.from({ length: rows }, (_, i) => (i * 2) % cols);
          for (const [what, opts] of CE_OPTIONS) {
            const o = opts(cols, dt);
            const got = k().softmaxCrossEntropy(logits, labels, o);
            const want = reference.softmaxCrossEntropy(matrix(Float64Array.from(x), rows, cols), labels, { ...o, gradOut: undefined, weights: o.weights ? Float64Array.from(o.weights) : undefined });
            const where = `${dt} M=${M} C=${cols} ${what}: loss ${got.loss}, float64 reference ${want.loss}`;
            expect(Number.isFinite(want.loss), where).toBe(true); // mathematically finite: ≤ 2·M·(weights)
            expect(Number.isFinite(got.loss), where).toBe(true);
            expect(Math.abs(got.loss - want.loss), where).toBeLessThanOrEqual(TOL[dt] * Math.abs(want.loss) + 1e-6);
            expect(got.grad!.data.every(Number.isFinite), `${where}: gradient`).toBe(true);
            if (got.losses) {
              // per-sample losses are stored in the input's type: a loss beyond its range is ±∞ there
              const rounded = arr(dt, want.losses!);
              expect(relErr(got.losses, rounded), `${where}: losses`).toBeLessThanOrEqual(TOL[dt]);
            }
          }
        }
      }
    });

    it(`${dt}: probability targets, and softmax / logSoftmax of the same logits`, () => {
      for (const M of magnitudes) {
        const cols = 7;
        const { x, rows } = hugeLogits(dt, M, cols);
        const logits = matrix(x, rows, cols);
        const targets = reference.softmax(randMatrix(dt, rows, cols, 11, 2));
        const got = k().softmaxCrossEntropy(logits, targets, { labelSmoothing: 0.05 });
        const want = reference.softmaxCrossEntropy(matrix(Float64Array.from(x), rows, cols), matrix(Float64Array.from(targets.data), rows, cols), { labelSmoothing: 0.05 });
        const where = `${dt} M=${M}: loss ${got.loss}, reference ${want.loss}`;
        expect(Number.isFinite(got.loss), where).toBe(true);
        expect(Math.abs(got.loss - want.loss), where).toBeLessThanOrEqual(TOL[dt] * Math.abs(want.loss));
        const p = k().softmax(logits).data;
        expect(p.every((v) => v >= 0 && v <= 1), `${dt} M=${M} softmax in [0, 1]`).toBe(true);
        expect(relErr(p, reference.softmax(logits).data)).toBeLessThanOrEqual(TOL[dt]);
        // log-softmax values below −FLT_MAX are −∞ in f32 (as the reference rounds them)
        expect(relErr(k().logSoftmax(logits).data, reference.logSoftmax(logits).data)).toBeLessThanOrEqual(TOL[dt]);
      }
    });
  }
});

// -------------------------------------------------------------------------------------------------
// 2. Precision at the dominant class
// -------------------------------------------------------------------------------------------------

const BOUND: Record<DT, number> = { f32: 1e-6, f64: 2e-13 };
const TINY: Record<DT, number> = { f32: 1.1754943508222875e-38, f64: 2.2250738585072014e-308 };
const MARGINS = [0.5, 1, 2, 5, 10, 15, 17, 20, 25, 30, 36, 40, 50, 80, 87, 100, 300, 700, 745, 800];

describe.each(engines)('%s: logSoftmax at the dominant class', (name, k) => {
  const table: string[] = [];
  afterAll(() => console.log(`${name} logSoftmax, relative error at the dominant class (row [0, −g, …, −g]):\n${table.join('\n')}`));

  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: |got − exact| ≤ max(${BOUND[dt]}·|exact|, smallest normal) for margins up to 800 and C up to 1000`, () => {
      const failures: string[] = [];
      for (const C of [2, 10, 1000]) {
        const line: string[] = [];
        for (const g of MARGINS) {
          const x = arr(dt, C).fill(-g);
          x[C >> 1] = 0; // the dominant class, in the middle (SIMD body, not the tail)
          const got = k().logSoftmax(matrix(x, 1, C)).data;
          const exact = -Math.log1p((C - 1) * Math.exp(-Math.fround(g) * 1)); // the inputs are exact in both types
          const e = Math.abs(got[C >> 1] - exact);
          const rel = exact === 0 ? (e === 0 ? 0 : Infinity) : e / Math.abs(exact);
          line.push(`${g}:${rel.toExponential(1)}`);
          if (!(e <= Math.max(BOUND[dt] * Math.abs(exact), TINY[dt]))) failures.push(`C=${C} g=${g}: got ${got[C >> 1]}, exact ${exact}`);
          // the other classes: within the usual tolerance of the row's largest magnitude
          const ref = reference.logSoftmax(matrix(Float64Array.from(x), 1, C)).data;
          expect(relErr(got, dt === 'f32' ? Float32Array.from(ref) : ref)).toBeLessThanOrEqual(TOL[dt]);
        }
        table.push(`  ${dt} C=${String(C).padEnd(4)} ${line.join(' ')}`);
      }
      expect(failures, `dominant class less precise than ${BOUND[dt]} relative:\n${failures.join('\n')}`).toEqual([]);
    });
  }
});

// -------------------------------------------------------------------------------------------------
// 3. The fully masked row
// -------------------------------------------------------------------------------------------------

describe.each(engines)('%s: the fully masked row (all −∞)', (_name, k) => {
  const WIDTHS = [1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 64, 65, 130];

  /** Rows: normal, masked, normal, masked (the masked ones at the SIMD-aligned and unaligned starts). */
  function withMasked(dt: DT, C: number) {
    const x = randMatrix(dt, 4, C, C * 11, 3);
    x.data.fill(-Infinity, C, 2 * C);
    x.data.fill(-Infinity, 3 * C, 4 * C);
    const normal = randMatrix(dt, 2, C, C * 11, 3); // rows 0 and 2 alone, for comparison
    normal.data.set(x.data.subarray(0, C), 0);
    normal.data.set(x.data.subarray(2 * C, 3 * C), C);
    return { x, normal };
  }

  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt}: softmax 0, logSoftmax −∞, softmaxBackward of that output 0; other rows unaffected`, () => {
      for (const C of WIDTHS) {
        const { x, normal } = withMasked(dt, C);
        const p = k().softmax(x).data;
        const lp = k().logSoftmax(x).data;
        const pn = k().softmax(normal).data, lpn = k().logSoftmax(normal).data;
        for (const r of [1, 3]) {
          expect(Array.from(p.subarray(r * C, (r + 1) * C)).every((v) => v === 0), `softmax C=${C} row ${r}`).toBe(true);
          expect(Array.from(lp.subarray(r * C, (r + 1) * C)).every((v) => v === -Infinity), `logSoftmax C=${C} row ${r}`).toBe(true);
        }
        expect(Array.from(p.subarray(0, C))).toEqual(Array.from(pn.subarray(0, C)));
        expect(Array.from(p.subarray(2 * C, 3 * C))).toEqual(Array.from(pn.subarray(C)));
        expect(Array.from(lp.subarray(2 * C, 3 * C))).toEqual(Array.from(lpn.subarray(C)));
        // in place too
        const inplace = matrix(x.data.slice() as FloatArray, 4, C);
        k().softmax(inplace, inplace);
        expect(Array.from(inplace.data)).toEqual(Array.from(p));
        // softmaxBackward of the softmax output: the masked rows' y is 0, so dx = 0 for any finite dy
        const y = matrix(p, 4, C);
        const dy = randMatrix(dt, 4, C, C + 5, 10);
        const dx = k().softmaxBackward(y, dy).data;
        for (const r of [1, 3]) expect(Array.from(dx.subarray(r * C, (r + 1) * C)).every((v) => v === 0), `backward C=${C} row ${r}`).toBe(true);
        expect(relErr(dx, reference.softmaxBackward(y, dy).data)).toBeLessThanOrEqual(TOL[dt]);
      }
    });

    it(`${dt}: softmaxCrossEntropy — loss +∞ (or 0 without target weight), gradient −t/D, every option`, () => {
      for (const C of WIDTHS) {
        const { x } = withMasked(dt, C);
        const labels = Int32Array.from([0, C - 1, C >> 1, 0]);
        const w = arr(dt, Array.from({ length: C }, (_, j) => 0.5 + (j % 4)));
        const cases: Array<[string, Int32Array | ReturnType<typeof reference.softmax>, CrossEntropyOptions]> = [
          ['mean', labels, {}],
          ['sum', labels, { reduction: 'sum' }],
          ['none', labels, { reduction: 'none' }],
          ['weights', labels, { weights: w, reduction: 'none' }],
          ['smoothing', labels, { labelSmoothing: 0.3, reduction: 'none' }],
          ['weights + smoothing', labels, { weights: w, labelSmoothing: 0.3 }],
          ['masked rows ignored', Int32Array.from([0, -100, C >> 1, -100]), { ignoreIndex: -100, reduction: 'none' }],
          ['probability targets', reference.softmax(randMatrix(dt, 4, C, C + 1)), { reduction: 'none' }],
          ['probability targets + weights + smoothing', reference.softmax(randMatrix(dt, 4, C, C + 2)), { weights: w, labelSmoothing: 0.1, reduction: 'none' }],
        ];
        for (const [what, lab, opts] of cases) {
          const where = `C=${C} ${what}`;
          const got = k().softmaxCrossEntropy(x, lab, opts);
          const want = reference.softmaxCrossEntropy(x, lab, opts);
          const ignored = what === 'masked rows ignored';
          if (ignored) expect(Number.isFinite(got.loss), where).toBe(true);
          else expect(got.loss, where).toBe(Infinity);
          if (got.losses) {
            for (const r of [1, 3]) expect(got.losses[r], `${where} losses[${r}]`).toBe(ignored ? 0 : Infinity);
            expect(relErr(got.losses, want.losses!), where).toBeLessThanOrEqual(TOL[dt]);
          }
          // gradient of a masked row: −t (times the reduction's scale); finite everywhere
          expect(got.grad!.data.every(Number.isFinite), `${where}: gradient finite`).toBe(true);
          expect(relErr(got.grad!.data, want.grad!.data), `${where}: gradient`).toBeLessThanOrEqual(TOL[dt]);
          if (!Array.isArray(lab) && lab instanceof Int32Array && !opts.weights && !opts.labelSmoothing && !ignored) {
            const scale = (opts.reduction ?? 'mean') === 'mean' ? 1 / 4 : 1;
            for (const r of [1, 3]) {
              for (let j = 0; j < C; j++) {
                const g = got.grad!.data[r * C + j];
                expect(g === (j === lab[r] ? -scale : 0), `${where} grad[${r}][${j}] = ${g}`).toBe(true); // ±0 alike
              }
            }
          }
        }
        // a masked row whose label's class has no weight and no smoothing: loss 0 (nothing to pay)
        const w0 = arr(dt, C).fill(1);
        w0[C - 1] = 0;
        const r0 = k().softmaxCrossEntropy(x, labels, { weights: w0, reduction: 'none' });
        expect(r0.losses![1], `C=${C} zero-weight label`).toBe(0);
      }
    });
  }
});
