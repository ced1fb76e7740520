/**
 * Seeded test data from the library's generator (src/train/rng.ts, mulberry32), so every run sees
 * the same numbers. `Rng.gauss()` is Box–Muller on two `next()` draws; code that mixes uniform and
 * normal draws on one generator gets the same sequence as before these helpers moved here.
 */
import { matrix, type FloatArray, type Matrix } from '../../src/index.js';
import { Rng } from '../../src/train/rng.js';
import { arr, type DT } from './dtype.js';

export { Rng };

/** The next-uniform function of a seeded Rng, for code that takes a plain `() => number`. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** A rows×cols matrix of dt filled with scale·N(0, 1) samples of seed. */
export function randMatrix(dt: DT, rows: number, cols: number, seed: number, scale = 1): Matrix<FloatArray> {
  const r = new Rng(seed);
  const a = arr(dt, rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = scale * r.gauss();
  return matrix(a, rows, cols);
}

/** n class labels uniform in [0, c). */
export function randLabels(n: number, c: number, seed: number): Int32Array {
  const r = new Rng(seed);
  return Int32Array.from({ length: n }, () => r.int(c));
}

/**
 * A row mix for the order-based ops (argmax, topK, sample): gaussian·3, rounded to create ties, with
 * some ±∞ / NaN / masked / ±0 rows. `twice`: the NaN and +∞ rows get two of them (first vs last index).
 */
export function specialMatrix(dt: DT, rows: number, cols: number, seed: number, twice = false): Matrix<FloatArray> {
  const r = new Rng(seed);
  const m = randMatrix(dt, rows, cols, seed, 3);
  for (let i = 0; i < rows; i++) {
    const kind = r.int(8);
    const row = m.data.subarray(i * cols, (i + 1) * cols);
    if (kind === 1) for (let j = 0; j < cols; j++) row[j] = Math.round(row[j]); // ties
    if (kind === 2) row.fill(-Infinity); // masked
    if (kind === 3) { row[r.int(cols)] = NaN; if (twice) row[r.int(cols)] = NaN; }
    if (kind === 4) { row[r.int(cols)] = Infinity; if (twice) row[r.int(cols)] = Infinity; }
    if (kind === 5) for (let j = 0; j < cols; j++) if (r.next() < 0.5) row[j] = -Infinity; // partly masked
    if (kind === 6) { row.fill(0); row[r.int(cols)] = -0; } // ±0 ties
  }
  return m;
}
