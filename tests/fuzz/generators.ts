/**
 * Generators of the fuzz plans' data: value recipes (seeded base values plus injected hostile values
 * and filled rows, materialized already rounded to the float type), shapes, seeds and call styles.
 */
import fc from 'fast-check';
import { FLT_MAX, Rng, type DT } from '../support/index.js';

// -------------------------------------------------------------------------------------------------
// Values
// -------------------------------------------------------------------------------------------------

/** Values injected into otherwise ordinary arrays. */
export const HOSTILE = [
  NaN, Infinity, -Infinity, 0, -0, 1.401298464324817e-45, -1.401298464324817e-45, 1e-40, 1.1754943508222875e-38,
  5e-324, -5e-324, 2.2250738585072014e-308, 1e38, -1e38, 3e38, -3e38, FLT_MAX, -FLT_MAX, 1e4, -1e4, 1e30, -1e30,
  88.8, -87.4, -104, -745, 710, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5,
];
/** The special values only: they propagate the same way through every order of operations. */
export const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1.401298464324817e-45, -1e-40, 5e-324, 1e-30];
/** Values a whole row is filled with (a fully masked row, a NaN row, ...). */
export const ROW_FILL = [-Infinity, -Infinity, NaN, Infinity, 3e38, -3e38, 0, -0, 1.401298464324817e-45, -1e4];
/** Injected into class weights (PyTorch allows any value; zero and negative weights included). */
export const WEIGHT_HOSTILE = [0, -0, 1, 1e-45, 1e-30, 1e30, -1, NaN, Infinity, 3e38, 5e-324];
/** Injected into probability-row targets (they are not validated: any value is a legal target). */
export const TARGET_HOSTILE = [0, 1, -0, NaN, Infinity, -1, 2, 1e-45, 1e30];

/** A recipe for the values of an array: seeded base values plus injected hostile values. */
export interface Values {
  seed: number;
  kind: 'gauss' | 'unit' | 'probs';
  scale: number;
  inject: Array<[number, number]>; // [position as a fraction of the length, value]
  rowFill: Array<[number, number]>; // [row as a fraction of the rows, value]
}

export function valuesArb(kinds: Values['kind'][], scales: number[], pool = HOSTILE, rowFill = ROW_FILL): fc.Arbitrary<Values> {
  const frac = fc.integer({ min: 0, max: 9999 }).map((v) => v / 10000);
  return fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    kind: fc.constantFrom(...kinds),
    scale: fc.constantFrom(...scales),
    inject: fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as Array<[number, number]>) },
      { weight: 2, arbitrary: fc.array(fc.tuple(frac, fc.constantFrom(...pool)), { minLength: 1, maxLength: 5 }) },
    ),
    rowFill: fc.oneof(
      { weight: 4, arbitrary: fc.constant([] as Array<[number, number]>) },
      { weight: 1, arbitrary: fc.array(fc.tuple(frac, fc.constantFrom(...rowFill)), { minLength: 1, maxLength: 2 }) },
    ),
  });
}

/** The values of a rows×cols array from its recipe, already rounded to dt. */
export function materialize(dt: DT, rows: number, cols: number, v: Values): Float64Array {
  const n = rows * cols;
  const r = new Rng(v.seed);
  const a = new Float64Array(n);
  if (v.kind === 'unit') for (let i = 0; i < n; i++) a[i] = v.scale * r.next();
  else if (v.kind === 'gauss') for (let i = 0; i < n; i++) a[i] = v.scale * r.gauss();
  else {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) { a[i * cols + j] = Math.exp(v.scale * r.gauss()); s += a[i * cols + j]; }
      for (let j = 0; j < cols; j++) a[i * cols + j] /= s;
    }
  }
  if (n > 0) for (const [f, val] of v.inject) a[Math.floor(f * n)] = val;
  if (rows > 0 && cols > 0) for (const [f, val] of v.rowFill) a.fill(val, Math.floor(f * rows) * cols, (Math.floor(f * rows) + 1) * cols);
  if (dt === 'f32') for (let i = 0; i < n; i++) a[i] = Math.fround(a[i]);
  return a;
}

// -------------------------------------------------------------------------------------------------
// Shapes, seeds, call styles, bad-argument slots
// -------------------------------------------------------------------------------------------------

export const dtArb = fc.constantFrom<DT>('f32', 'f64');
export const dim = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 9 }) },
  { weight: 3, arbitrary: fc.integer({ min: 10, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 41, max: 130 }) },
);
export const posDim = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 9 }) },
  { weight: 3, arbitrary: fc.integer({ min: 10, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 41, max: 130 }) },
);
export function badArb(list: readonly string[], weightGood = 3): fc.Arbitrary<string | null> {
  return fc.oneof({ weight: weightGood, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...list) });
}
export const prefixed = (p: string, l: readonly string[]) => l.map((k) => `${p}:${k}`);
export const logitsArb = valuesArb(['gauss'], [1, 1, 10, 100, 1e4, 1e-3, 3e38]);
export const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
export const callStyleArb = fc.constantFrom('method', 'method', 'method', 'detached', 'extraArgs');

export type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;
