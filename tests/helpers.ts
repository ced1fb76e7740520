/** Shared test helpers: seeded data, matrices, error measures. */
import { matrix, type FloatArray, type Matrix } from '../src/index.js';
import { Rng } from '../src/train/rng.js';

/** A seeded uniform [0, 1) generator (the library's mulberry32 Rng), so test data is the same on every run. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** Standard normal samples (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export type DT = 'f32' | 'f64';
export const DTYPES: DT[] = ['f32', 'f64'];

export function arr(dt: DT, values: ArrayLike<number> | number): FloatArray {
  return dt === 'f32' ? new Float32Array(values as ArrayLike<number>) : new Float64Array(values as ArrayLike<number>);
}

export function randMatrix(dt: DT, rows: number, cols: number, seed: number, scale = 1): Matrix<FloatArray> {
  const g = gaussian(rng(seed));
  const a = arr(dt, rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = scale * g();
  return matrix(a, rows, cols);
}

export function randLabels(n: number, c: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(r() * c));
}

/** max |a − b| / max(max|b|, tiny): the "relative to the largest magnitude" error of the spec. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a[i], y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) return Infinity;
      continue;
    }
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x !== y) return Infinity;
      continue;
    }
    scale = Math.max(scale, Math.abs(y));
    diff = Math.max(diff, Math.abs(x - y));
  }
  return diff === 0 ? 0 : diff / Math.max(scale, 1e-300);
}

/** max |got − want| / max(|want|, scale): the error relative to the largest magnitude of the output or of
 * `scale` (e.g. the magnitudes of the terms a result is a sum of, where it cancels). */
export function relErrScaled(got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>): number {
  let err = 0, s = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    s = Math.max(s, Math.abs(want[i]), scale[i]);
  }
  return s === 0 ? err : err / s;
}

/** Relative error of two scalars (exact match for non-finite values). */
export function relErrScalar(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** The spec's tolerances: f32 within 2e-5 of the f64 reference, f64 within 1e-10. */
export const TOL: Record<DT, number> = { f32: 2e-5, f64: 1e-10 };

/** A copy of a float array in float64 (for the reference at full precision). */
export function toF64(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a);
}
