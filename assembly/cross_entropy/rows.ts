// The rows of one cross-entropy call, one handler per kind of row (assembly/cross_entropy.ts has
// the formulas): an ignored row (label = ignore_index), a fully masked row (max −∞, or a NaN hidden
// among −∞), a finite row (passes 1–3), and within it the overflow form of the gradient (factors
// beyond T's range). `mode` (ACC_*, targets.ts) is a compile-time constant after inlining; the
// per-call constants are in `call` (call.ts). Row geometry: the logits row [p, end), the grad row
// gd bytes further on, the weights wd and the targets row qd bytes from the logits row.
import { row_fill, row_has_nan, row_max } from '../row';
import { call, set_call } from './call';
import { grad_row_f64, masked_grad, pass2, pass3 } from './passes';
import { ACC_D, ACC_NONE, ACC_Q, ACC_WD, row_t_sum } from './targets';

/** grad[y] −= (1 − ε)·w_y/D: the label's own share of the target (label rows). */
// @ts-ignore: decorator
@inline function sub_label_share<T>(g: usize, y: i32, wy: f64): void {
  const gy = g + <usize>y * sizeof<T>();
  store<T>(gy, load<T>(gy) - <T>(call.omE * (wy / call.denom)));
}

/**
 * Fully masked row: NaN (loss and grad) if a NaN hides in it; else p = 0, loss +∞ if T > 0 else 0,
 * grad_j = −t_j/D. T64: the label row's T (probability rows: summed here).
 */
// @ts-ignore: decorator
@inline function masked_row<T>(mode: i32, p: usize, end: usize, gd: usize, wd: usize, qd: usize,
  y: i32, wy: f64, T64: f64, grad: bool): f64 {
  if (row_has_nan<T>(p, end)) {
    if (grad) row_fill<T>(p + gd, end + gd, <T>NaN);
    return NaN;
  }
  const isProb = mode >= ACC_Q;
  if (isProb) T64 = row_t_sum<T>(p, end, mode, wd, qd, call.omE, call.eC);
  if (grad) {
    // p = 0: grad_j = −t_j/D
    if (!isProb) {
      if (call.hasW) masked_grad<T>(p + gd, end + gd, call.eC, ACC_WD, wd - gd, qd - gd);
      else masked_grad<T>(p + gd, end + gd, call.eC, ACC_D, wd - gd, qd - gd);
      sub_label_share<T>(p + gd, y, wy);
    } else {
      masked_grad<T>(p + gd, end + gd, 1, mode, wd - gd, qd - gd);
    }
  }
  return T64 > 0 ? Infinity : 0;
}

/**
 * Row with a finite max m (or a NaN / +∞, which flow into NaN): pass 2 (e = exp(z − m) into grad,
 * s = Σ e, a = Σ t·(z − m)), loss = T·log s − a (labels: minus the label's share too), pass 3
 * grad = (T·e/s − t)/D, or its f64 form when T/(D·s) or the smoothing term leaves T's range.
 */
// @ts-ignore: decorator
@inline function finite_row<T>(mode: i32, p: usize, end: usize, m: T, gd: usize, wd: usize, qd: usize,
  y: i32, wy: f64, T64: f64, grad: bool): f64 {
  const isProb = mode >= ACC_Q;
  const omE64 = call.omE, eC64 = call.eC, denom = call.denom;
  const zy: T = isProb ? <T>0 : load<T>(p + <usize>y * sizeof<T>()); // read before grad overwrites it
  // pass 2: e = exp(z − m) (into grad), s = Σ e, and a = Σ t·(z − m)
  const sa = grad ? pass2<T>(p, end, m, gd, true, mode, wd, qd) : pass2<T>(p, end, m, gd, false, mode, wd, qd);
  const s64 = f64x2.extract_lane(sa, 0);
  const a = f64x2.extract_lane(sa, 1);
  if (isProb) T64 = call.rowT;
  // log s: f32 rows use Mathf.log (s is an f32 anyway; ~0.5 ulp of f32), f64 rows Math.log
  const ls: f64 = sizeof<T>() == 4 ? <f64>Mathf.log(<f32>s64) : Math.log(s64);
  // loss = T·log s − Σ t·(z − m)
  let loss = T64 * ls;
  if (isProb) {
    loss -= a;
  } else {
    const ty = omE64 * wy; // the label's own share of t_y
    if (ty != 0) loss -= ty * (<f64>zy - <f64>m); // exact in f64
    if (mode != ACC_NONE) loss -= a;
  }
  if (!grad) return loss;
  // pass 3: grad = (T·e/s − t)/D
  // T/D, for labels as (1 − ε)·(w_y/D) + (ε/C)·(Σw/D): with tiny weights T and D are subnormal
  // and T/D formed from them loses the bits that (w_y/D) keeps
  const TD = isProb ? T64 / denom : omE64 * (wy / denom) + eC64 * (call.wsum / denom);
  const ks64 = TD / s64;
  const BIG: f64 = sizeof<T>() == 4 ? 3.4028234663852886e38 : 1.7976931348623157e308;
  // labels: t_j = (ε/C)·w_j (+ the label's share, added after); unweighted or ε = 0: a constant
  const gradMode = isProb ? mode : (mode == ACC_WD ? ACC_WD : ACC_D);
  const g = p + gd;
  if (!(Math.abs(ks64) <= BIG && (isProb || call.ktwmax <= BIG))) {
    // overflow row: the factors leave T's range (the gradient itself may not)
    grad_row_f64<T>(g, end + gd, TD, s64, gradMode, wd - gd, qd - gd, isProb ? -1 : y, omE64 * wy);
  } else if (!isProb) {
    pass3<T>(g, end + gd, <T>ks64, <T>call.ka, gradMode, wd - gd, qd - gd, call.kt);
    sub_label_share<T>(g, y, wy);
  } else {
    pass3<T>(g, end + gd, <T>ks64, 1, mode, wd - gd, qd - gd, 1 / denom);
  }
  return loss;
}

/**
 * Rows [0, rows) of a cross-entropy call in accumulation mode `mode`: writes losses[i] (if losses),
 * the grad rows (if grad; grad may alias logits) and each row's loss as an f64 at loss64[i] (if
 * loss64; 0 for an ignored row); returns Σ loss_i in row order, in f64. denom: the reduction's
 * divisor D (never 0). call.wsum / call.wmax are set (set_class_sums) before.
 */
// @ts-ignore: decorator
@inline export function ce_rows<T>(mode: i32, logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, denom: f64, losses: usize, grad: usize, loss64: usize): f64 {
  const isProb = mode >= ACC_Q;
  set_call<T>(cols, weights, smoothing, denom, isProb);
  const rowBytes = <usize>cols * sizeof<T>();
  const gd = grad - logits;
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const p = logits + <usize>i * rowBytes;
    const end = p + rowBytes;
    const wd = weights - p; // weights[c] at p + wd + c·size
    const qd = targets + <usize>i * rowBytes - p;
    let y = 0;
    let wy: f64 = 1;
    let T64: f64 = 0; // probability rows: summed by the handler
    if (!isProb) {
      y = load<i32>(labels + (<usize>i << 2));
      if (y == ignore_index) {
        // ignored row: no loss (not added to the total), zero grad
        if (losses) store<T>(losses + <usize>i * sizeof<T>(), 0);
        if (grad) row_fill<T>(p + gd, end + gd, 0);
        if (loss64) store<f64>(loss64 + (<usize>i << 3), 0);
        continue;
      }
      if (weights) wy = <f64>load<T>(weights + <usize>y * sizeof<T>());
      T64 = call.omE * wy + call.eC * call.wsum;
    }
    // pass 1: row max, then the row's handler
    const m = row_max<T>(p, end);
    const loss = m == <T>-Infinity
      ? masked_row<T>(mode, p, end, gd, wd, qd, y, wy, T64, grad != 0)
      : finite_row<T>(mode, p, end, m, gd, wd, qd, y, wy, T64, grad != 0);
    if (losses) store<T>(losses + <usize>i * sizeof<T>(), <T>loss);
    if (loss64) store<f64>(loss64 + (<usize>i << 3), loss);
    total += loss;
  }
  return total;
}
