// The softmax cross-entropy step of the linear classifier, per row of scores, and the two in-order
// sums over rows that follow it (db, the loss). Both paths (small_c.ts, large_c.ts) and every thread
// count use these, so db and the loss are always summed in row order from the kept per-row values:
// the result does not depend on how the rows were split.
//
// ce_row reuses the row helpers of row.ts where they give the same bits (row_has_nan, row_fill,
// row_scale). Its first pass stays fused (bias add + max in one sweep; row_max would need a separate
// pass for the bias), and its exp pass keeps one accumulator: row_expsum adds with two accumulators
// in 2 KiB blocks, another order, so other bits.
import { exp_v128 } from '../exp';
import { hsum, hmax_nan } from '../vec';
import { row_fill, row_has_nan, row_scale } from '../row';
import { CePlan, MASKED } from './plan';

/**
 * One row, in place: s (end bytes: raw scores of c classes, cE = c·sizeof<T> bytes, then padding)
 * becomes G = (softmax(s + bp) − onehot(y))·invN. Stores G[y] before the − invN at gy (as f64) and
 * returns lse − (s + bp)[y] (in f64). The padding of G is left exactly 0, whatever the row holds (a
 * NaN row must not leave NaN there: the small-C path reuses its row buffers). A row whose scores are
 * all −∞ follows the fully masked row rule: p = 0, G = −onehot(y)·invN, loss +∞, gy not written.
 */
export function ce_row<T>(s: usize, bp: usize, end: usize, cE: usize, y: i32, invN: T, gy: usize): f64 {
  // pass 1: add the bias, running max
  let vm = v128.splat<T>(<T>-Infinity);
  for (let k: usize = 0; k < end; k += 16) {
    const v = v128.add<T>(v128.load(s + k), v128.load(bp + k));
    v128.store(s + k, v);
    vm = v128.pmax<T>(vm, v); // a NaN score is skipped here but makes the sum NaN below
  }
  const m = hmax_nan<T>(vm);
  const oy = <usize>y * sizeof<T>();
  const sy = load<T>(s + oy);
  // all −∞, unless a NaN (skipped by pmax) hides among the c real classes: then the general path
  // gives NaN (a padded class may hold 0·∞ = NaN from a ±∞ in X: it has no probability anyway)
  if (m == <T>-Infinity && !row_has_nan<T>(s, s + cE)) {
    row_fill<T>(s, s + end, 0);
    store<T>(s + oy, -invN);
    return Infinity;
  }
  // pass 2: e = exp(s − m), sum
  const vmax = v128.splat<T>(m);
  let vs = v128.splat<i32>(0);
  for (let k: usize = 0; k < end; k += 16) {
    const e = exp_v128<T>(v128.sub<T>(v128.load(s + k), vmax));
    v128.store(s + k, e);
    vs = v128.add<T>(vs, e);
  }
  const sum = hsum<T>(vs);
  // pass 3: G = e·invN/sum, padding 0, G[y] kept, then − invN
  row_scale<T>(s, s + end, invN / sum);
  row_fill<T>(s + cE, s + end, 0);
  store<f64>(gy, <f64>load<T>(s + oy));
  store<T>(s + oy, load<T>(s + oy) - invN);
  return Math.log(<f64>sum) + (<f64>m - <f64>sy);
}

/** ce_row on rows [r0, r1) whose scores start at g (row r0) p.rowS bytes apart: losses and G[y] kept. */
export function ce_rows<T>(p: CePlan, g: usize, r0: i32, r1: i32): void {
  const E = sizeof<T>();
  const end = p.Cs * E, cE = p.C * E, rowS = p.rowS, invN = <T>p.invN;
  for (let i = r0; i < r1; i++) {
    const y = load<i32>(p.labels + (<usize>i << 2));
    const l = ce_row<T>(g + <usize>(i - r0) * rowS, p.bp, end, cE, y, invN, p.gy + (<usize>i << 3));
    store<f64>(p.loss + (<usize>i << 3), l);
  }
}

/**
 * db += G over rows [r0, r1) (G rows from g, row r0), in row order and in f64, exactly as if each
 * row had added itself when it was computed: db[j] += G[j] (db[y] += G[y] before the − 1/N), then
 * db[y] −= 1/N. A fully masked row adds only the − 1/N (its G is 0 elsewhere). db is a sum of N
 * terms that mostly cancel: in f32 its error relative to max|db| reached 1.3e-5, in f64 it stays at
 * the f32 rounding of G.
 */
export function db_rows<T>(p: CePlan, g: usize, r0: i32, r1: i32): void {
  const E = sizeof<T>();
  const dbs = p.dbs, end = p.Cs * E, rowS = p.rowS, invN = p.invN;
  for (let i = r0; i < r1; i++) {
    const y = load<i32>(p.labels + (<usize>i << 2));
    const gy = p.gy + (<usize>i << 3), dy = dbs + (<usize>y << 3);
    if (load<u64>(gy) != MASKED) {
      const row = g + <usize>(i - r0) * rowS;
      const by = load<f64>(dy) + load<f64>(gy);
      for (let k: usize = 0; k < end; k += 16) {
        const v = v128.load(row + k);
        if (sizeof<T>() == 4) {
          const d0 = dbs + (k << 1), d1 = d0 + 16;
          v128.store(d0, f64x2.add(v128.load(d0), f64x2.promote_low_f32x4(v)));
          v128.store(d1, f64x2.add(v128.load(d1), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))));
        } else {
          v128.store(dbs + k, f64x2.add(v128.load(dbs + k), v));
        }
      }
      store<f64>(dy, by);
    }
    store<f64>(dy, load<f64>(dy) - invN);
  }
}

/** mean over rows of the kept losses (summed in row order) + reg·ΣW² (reg = 0: no penalty, not 0·∞). */
export function loss_total(p: CePlan): f64 {
  let lsum: f64 = 0;
  for (let i = 0; i < p.n; i++) lsum += load<f64>(p.loss + (<usize>i << 3));
  const n = <f64>p.n;
  return p.reg == 0 ? lsum / n : lsum / n + p.reg * p.sumw2;
}
