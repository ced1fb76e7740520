// Fused softmax cross-entropy + gradient w.r.t. the logits (f32x4 / f64x2), PyTorch cross_entropy
// semantics (integer labels with weights / ignore_index / label smoothing, or probability rows).
// One sweep per row: max; exp(z − m) (stored into grad when wanted) with Σ exp and Σ t·(z − m);
// grad = scale·(T·e/s − t). Per-row scalars and the total are f64 (log s: Mathf.log for f32 rows).
// Error of the f32 path against f64 (256×1000, logits in ±8, with and without weights + smoothing):
// loss 3e-9 relative, grad 8e-8 relative to max |grad|; tests/assembly/softmax_raw.test.ts asserts 2e-5.
// Speed (f32, this 2-core machine, busy): 4096×1000 with grad 3.1 ms, without 2.7 ms; 4096×10 0.11 ms.
//
// Per row i, with target weights t_c (w_c = 1 without weights, ε = smoothing, C = cols):
//   integer label y:  t_c = (1−ε)·w_y·[c = y] + (ε/C)·w_c     (ignored rows: loss 0, grad 0)
//   probability row q: t_c = w_c·((1−ε)·q_c + ε/C)
//   T = Σ t_c,  m = max z,  s = Σ exp(z − m)
//   loss_i = T·log s + Σ_c t_c·(m − z_c)          (every term ≥ 0: no cancellation)
//   ∂loss_i/∂z_j = T·p_j − t_j,  p_j = exp(z_j − m)/s
// A term with t_c = 0 counts 0 even when z_c = −∞ (a masked class that carries no target weight).
// Reduction: mean → scale = 1/D with D = Σ_{non-ignored} w_{y_i} (weights) or their count (no
// weights), D = rows for probability rows; D = 0 → loss NaN and grad all 0. sum / none → scale 1
// ('none' writes losses[i]; the return value is their sum and grad is the gradient of the sum).
// Fully masked row (all −∞): p = 0, loss_i = +∞ if T > 0 else 0, grad_j = −scale·t_j.
// NaN or +∞ anywhere in a row → that row's loss and grad are NaN.
import { exp_v128, exp_scalar } from './exp';
import { row_max, row_has_nan, hsum } from './softmax';

// What pass 2 accumulates besides Σ exp (compile-time after inlining):
// @ts-ignore: decorator
@inline const ACC_NONE = 0; // labels, ε = 0: nothing
// @ts-ignore: decorator
@inline const ACC_D = 1; // labels, ε > 0, no weights: Σ (z − m)
// @ts-ignore: decorator
@inline const ACC_WD = 2; // labels, ε > 0, weights: Σ w·(z − m)
// @ts-ignore: decorator
@inline const ACC_Q = 3; // probability rows, no weights: t = (1−ε)q + ε/C; Σ t·(z − m), Σ t
// @ts-ignore: decorator
@inline const ACC_WQ = 4; // probability rows, weights: t = w·((1−ε)q + ε/C)

// second and third results of pass 2
let o_a: f64 = 0; // Σ t'·(z − m) (t' as per mode, before the row's constant factor)
let o_t: f64 = 0; // Σ t (probability rows)

/** Vector of target weights t for the lanes at p (modes ACC_WD..ACC_WQ). */
// @ts-ignore: decorator
@inline function t_vec<T>(p: usize, mode: i32, wd: usize, qd: usize, vomE: v128, veC: v128): v128 {
  if (mode == ACC_WD) return v128.load(p + wd);
  const vt = v128.add<T>(v128.mul<T>(vomE, v128.load(p + qd)), veC);
  if (mode == ACC_WQ) return v128.mul<T>(v128.load(p + wd), vt);
  return vt;
}

/** Scalar target weight, same operations as one lane of t_vec. */
// @ts-ignore: decorator
@inline function t_scalar<T>(p: usize, mode: i32, wd: usize, qd: usize, omE: T, eC: T): T {
  if (mode == ACC_WD) return load<T>(p + wd);
  const t: T = omE * load<T>(p + qd) + eC;
  if (mode == ACC_WQ) return load<T>(p + wd) * t;
  return t;
}

/** t·d with 0 where t = 0 (so a masked class with no target weight adds 0, not 0·−∞ = NaN). */
// @ts-ignore: decorator
@inline function td_vec<T>(vt: v128, vd: v128): v128 {
  return v128.and(v128.mul<T>(vt, vd), v128.ne<T>(vt, v128.splat<T>(0)));
}

/**
 * Pass 2 over [p, end): returns s = Σ exp(z − m); when `store_`, writes exp(z − m) at p + gd;
 * leaves Σ t·(z − m) in o_a and Σ t in o_t as the mode asks. wd / qd: byte distance from the logits
 * row to the weights / targets row (weights: the same vector for every row).
 */
// @ts-ignore: decorator
@inline function pass2<T>(p: usize, end: usize, m: T, gd: usize, store_: bool, mode: i32,
  wd: usize, qd: usize, omE: T, eC: T): T {
  // splat constants
  const vm = v128.splat<T>(m);
  const vomE = v128.splat<T>(omE);
  const veC = v128.splat<T>(eC);
  let vs0 = v128.splat<T>(0), vs1 = vs0, vs2 = vs0, vs3 = vs0;
  let va0 = vs0, va1 = vs0, vt0 = vs0, vt1 = vs0;
  // main loop: 4 exp accumulators (+2 for each extra sum), 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    const vd0 = v128.sub<T>(v128.load(p), vm);
    const vd1 = v128.sub<T>(v128.load(p, 16), vm);
    const vd2 = v128.sub<T>(v128.load(p, 32), vm);
    const vd3 = v128.sub<T>(v128.load(p, 48), vm);
    const ve0 = exp_v128<T>(vd0);
    const ve1 = exp_v128<T>(vd1);
    const ve2 = exp_v128<T>(vd2);
    const ve3 = exp_v128<T>(vd3);
    if (store_) {
      v128.store(p + gd, ve0);
      v128.store(p + gd, ve1, 16);
      v128.store(p + gd, ve2, 32);
      v128.store(p + gd, ve3, 48);
    }
    vs0 = v128.add<T>(vs0, ve0);
    vs1 = v128.add<T>(vs1, ve1);
    vs2 = v128.add<T>(vs2, ve2);
    vs3 = v128.add<T>(vs3, ve3);
    if (mode == ACC_D) {
      va0 = v128.add<T>(va0, v128.add<T>(vd0, vd1));
      va1 = v128.add<T>(va1, v128.add<T>(vd2, vd3));
    } else if (mode != ACC_NONE) {
      const t0 = t_vec<T>(p, mode, wd, qd, vomE, veC);
      const t1 = t_vec<T>(p + 16, mode, wd, qd, vomE, veC);
      const t2 = t_vec<T>(p + 32, mode, wd, qd, vomE, veC);
      const t3 = t_vec<T>(p + 48, mode, wd, qd, vomE, veC);
      va0 = v128.add<T>(va0, v128.add<T>(td_vec<T>(t0, vd0), td_vec<T>(t1, vd1)));
      va1 = v128.add<T>(va1, v128.add<T>(td_vec<T>(t2, vd2), td_vec<T>(t3, vd3)));
      if (mode >= ACC_Q) {
        vt0 = v128.add<T>(vt0, v128.add<T>(t0, t1));
        vt1 = v128.add<T>(vt1, v128.add<T>(t2, t3));
      }
    }
  }
  // fold
  vs0 = v128.add<T>(v128.add<T>(vs0, vs1), v128.add<T>(vs2, vs3));
  va0 = v128.add<T>(va0, va1);
  vt0 = v128.add<T>(vt0, vt1);
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const vd = v128.sub<T>(v128.load(p), vm);
    const ve = exp_v128<T>(vd);
    if (store_) v128.store(p + gd, ve);
    vs0 = v128.add<T>(vs0, ve);
    if (mode == ACC_D) {
      va0 = v128.add<T>(va0, vd);
    } else if (mode != ACC_NONE) {
      const vt = t_vec<T>(p, mode, wd, qd, vomE, veC);
      va0 = v128.add<T>(va0, td_vec<T>(vt, vd));
      if (mode >= ACC_Q) vt0 = v128.add<T>(vt0, vt);
    }
  }
  let s = hsum<T>(vs0);
  let a = hsum<T>(va0);
  let tt = hsum<T>(vt0);
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const d = load<T>(p) - m;
    const e = exp_scalar<T>(d);
    if (store_) store<T>(p + gd, e);
    s += e;
    if (mode == ACC_D) {
      a += d;
    } else if (mode != ACC_NONE) {
      const t = t_scalar<T>(p, mode, wd, qd, omE, eC);
      if (t != 0) a += t * d;
      if (mode >= ACC_Q) tt += t;
    }
  }
  o_a = <f64>a;
  o_t = <f64>tt;
  return s;
}

/**
 * Pass 3 over a grad row [g, end) that holds exp(z − m): grad = ks·e − kt·t, where t is 1 (labels
 * without weights), w (labels with weights) or the probability-row target weight.
 */
// @ts-ignore: decorator
@inline function pass3<T>(g: usize, end: usize, ks: T, kt: T, mode: i32, wd: usize, qd: usize,
  omE: T, eC: T): void {
  // splat constants
  const vks = v128.splat<T>(ks);
  const vkt = v128.splat<T>(kt);
  const vomE = v128.splat<T>(omE);
  const veC = v128.splat<T>(eC);
  // main loop: 64 bytes per step
  for (; g + 64 <= end; g += 64) {
    let r0 = v128.mul<T>(vks, v128.load(g));
    let r1 = v128.mul<T>(vks, v128.load(g, 16));
    let r2 = v128.mul<T>(vks, v128.load(g, 32));
    let r3 = v128.mul<T>(vks, v128.load(g, 48));
    if (mode == ACC_NONE || mode == ACC_D) {
      r0 = v128.sub<T>(r0, vkt);
      r1 = v128.sub<T>(r1, vkt);
      r2 = v128.sub<T>(r2, vkt);
      r3 = v128.sub<T>(r3, vkt);
    } else {
      r0 = v128.sub<T>(r0, v128.mul<T>(vkt, t_vec<T>(g, mode, wd, qd, vomE, veC)));
      r1 = v128.sub<T>(r1, v128.mul<T>(vkt, t_vec<T>(g + 16, mode, wd, qd, vomE, veC)));
      r2 = v128.sub<T>(r2, v128.mul<T>(vkt, t_vec<T>(g + 32, mode, wd, qd, vomE, veC)));
      r3 = v128.sub<T>(r3, v128.mul<T>(vkt, t_vec<T>(g + 48, mode, wd, qd, vomE, veC)));
    }
    v128.store(g, r0);
    v128.store(g, r1, 16);
    v128.store(g, r2, 32);
    v128.store(g, r3, 48);
  }
  // vector loop
  for (; g + 16 <= end; g += 16) {
    let r = v128.mul<T>(vks, v128.load(g));
    if (mode == ACC_NONE || mode == ACC_D) r = v128.sub<T>(r, vkt);
    else r = v128.sub<T>(r, v128.mul<T>(vkt, t_vec<T>(g, mode, wd, qd, vomE, veC)));
    v128.store(g, r);
  }
  // scalar tail
  for (; g < end; g += sizeof<T>()) {
    let r: T = ks * load<T>(g);
    if (mode == ACC_NONE || mode == ACC_D) r -= kt;
    else r -= kt * t_scalar<T>(g, mode, wd, qd, omE, eC);
    store<T>(g, r);
  }
}

/** Fully masked row: grad row (possibly the logits row itself) := −kt·t (t = 1 for ACC_D). */
// @ts-ignore: decorator
@inline function masked_grad<T>(g: usize, end: usize, kt: T, mode: i32, wd: usize, qd: usize, omE: T, eC: T): void {
  for (; g < end; g += sizeof<T>()) {
    let t: T = 1;
    if (mode != ACC_NONE && mode != ACC_D) t = t_scalar<T>(g, mode, wd, qd, omE, eC);
    store<T>(g, -kt * t);
  }
}

/** Σ of the target weights of a probability row (only for a fully masked row). */
// @ts-ignore: decorator
@inline function row_t_sum<T>(p: usize, end: usize, mode: i32, wd: usize, qd: usize, omE: T, eC: T): f64 {
  let tt: f64 = 0;
  for (; p < end; p += sizeof<T>()) tt += <f64>t_scalar<T>(p, mode, wd, qd, omE, eC);
  return tt;
}

// @ts-ignore: decorator
@inline function ce_rows<T>(mode: i32, logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, scale: f64, losses: usize, grad: usize): f64 {
  const rowBytes = <usize>cols * sizeof<T>();
  const hasW = weights != 0;
  const isProb = mode >= ACC_Q;
  const omE64 = 1 - smoothing;
  const eC64 = smoothing / <f64>cols;
  const omE = <T>omE64;
  const eC = <T>eC64;
  // Σ_c w_c (labels with smoothing: T = (1−ε)·w_y + (ε/C)·Σw)
  let wsum: f64 = <f64>cols;
  if (hasW && !isProb) {
    wsum = 0;
    for (let c = 0; c < cols; c++) wsum += <f64>load<T>(weights + <usize>c * sizeof<T>());
  }
  const gd = grad - logits;
  const ks0 = <T>scale; // kt of probability rows: grad = ks·e − scale·t
  let total: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const p = logits + <usize>i * rowBytes;
    const end = p + rowBytes;
    const wd = weights - p; // weights[c] at p + wd + c·size
    const qd = targets + <usize>i * rowBytes - p;
    let y = 0;
    let wy: f64 = 1;
    let T64: f64;
    if (!isProb) {
      y = load<i32>(labels + (<usize>i << 2));
      if (y == ignore_index) {
        // ignored row: no loss, zero grad
        if (losses) store<T>(losses + <usize>i * sizeof<T>(), 0);
        if (grad) {
          const g = p + gd;
          const vz = v128.splat<T>(0);
          let q = g;
          for (; q + 16 <= end + gd; q += 16) v128.store(q, vz);
          for (; q < end + gd; q += sizeof<T>()) store<T>(q, 0);
        }
        continue;
      }
      if (hasW) wy = <f64>load<T>(weights + <usize>y * sizeof<T>());
      T64 = omE64 * wy + eC64 * wsum;
    } else {
      T64 = 0; // computed in pass 2
    }
    // pass 1: row max
    const m = row_max<T>(p, end);
    let loss: f64;
    if (m == <T>-Infinity) {
      // fully masked row (all −∞), unless a NaN hides in it
      if (row_has_nan<T>(p, end)) {
        loss = NaN;
        if (grad) {
          const vn = v128.splat<T>(<T>NaN);
          let q = p + gd;
          for (; q + 16 <= end + gd; q += 16) v128.store(q, vn);
          for (; q < end + gd; q += sizeof<T>()) store<T>(q, <T>NaN);
        }
      } else {
        if (isProb) T64 = row_t_sum<T>(p, end, mode, wd, qd, omE, eC);
        loss = T64 > 0 ? Infinity : 0;
        if (grad) {
          // p = 0: grad_j = −scale·t_j
          if (!isProb) {
            if (hasW) masked_grad<T>(p + gd, end + gd, <T>(scale * eC64), ACC_WD, wd - gd, qd - gd, omE, eC);
            else masked_grad<T>(p + gd, end + gd, <T>(scale * eC64), ACC_D, wd - gd, qd - gd, omE, eC);
            const gy = p + gd + <usize>y * sizeof<T>();
            store<T>(gy, load<T>(gy) - <T>(scale * omE64 * wy));
          } else {
            masked_grad<T>(p + gd, end + gd, ks0, mode, wd - gd, qd - gd, omE, eC);
          }
        }
      }
    } else {
      const zy: T = isProb ? <T>0 : load<T>(p + <usize>y * sizeof<T>()); // read before grad overwrites it
      // pass 2: e = exp(z − m) (into grad), s = Σ e, and the Σ t·(z − m) terms
      const s = grad
        ? pass2<T>(p, end, m, gd, true, mode, wd, qd, omE, eC)
        : pass2<T>(p, end, m, gd, false, mode, wd, qd, omE, eC);
      const s64 = <f64>s;
      // log s: f32 rows use Mathf.log (s is an f32 anyway; ~0.5 ulp of f32), f64 rows Math.log
      const ls: f64 = sizeof<T>() == 4 ? <f64>Mathf.log(<f32>s) : Math.log(s64);
      // loss = T·log s − Σ t·(z − m)
      if (isProb) {
        T64 = o_t;
        loss = T64 * ls - o_a;
      } else {
        const ty = omE64 * wy; // the label's own share of t_y
        loss = T64 * ls;
        if (ty != 0) loss -= ty * (<f64>zy - <f64>m); // exact in f64
        if (mode == ACC_D || mode == ACC_WD) loss -= eC64 * o_a;
      }
      // pass 3: grad = scale·(T·e/s − t)
      if (grad) {
        const ks = <T>(scale * T64 / s64);
        if (!isProb) {
          // t_j = (ε/C)·w_j (+ the label's share, added below); unweighted or ε = 0: a constant
          if (hasW && eC64 != 0) pass3<T>(p + gd, end + gd, ks, <T>(scale * eC64), ACC_WD, wd - gd, qd - gd, omE, eC);
          else pass3<T>(p + gd, end + gd, ks, <T>(scale * eC64), ACC_D, wd - gd, qd - gd, omE, eC);
          const gy = p + gd + <usize>y * sizeof<T>();
          store<T>(gy, load<T>(gy) - <T>(scale * omE64 * wy));
        } else {
          pass3<T>(p + gd, end + gd, ks, ks0, mode, wd - gd, qd - gd, omE, eC);
        }
      }
    }
    if (losses) store<T>(losses + <usize>i * sizeof<T>(), <T>loss);
    total += loss;
  }
  return total;
}

// @ts-ignore: decorator
@inline function cross_entropy<T>(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  // the mean's denominator first: a cheap pass over the labels
  let denom: f64 = <f64>rows;
  if (!targets) {
    denom = 0;
    for (let i = 0; i < rows; i++) {
      const y = load<i32>(labels + (<usize>i << 2));
      if (y == ignore_index) continue;
      denom += weights ? <f64>load<T>(weights + <usize>y * sizeof<T>()) : 1;
    }
  }
  const mean = reduction == 0;
  if (mean && denom == 0) {
    // nothing to average (all rows ignored, or zero total weight): loss NaN, grad 0 (PyTorch)
    if (grad) memory.fill(grad, 0, <usize>rows * <usize>cols * sizeof<T>());
    if (losses) memory.fill(losses, 0, <usize>rows * sizeof<T>());
    return NaN;
  }
  const scale = mean ? 1 / denom : 1;
  // one specialised row loop per accumulation mode
  let total: f64;
  if (targets) {
    total = weights
      ? ce_rows<T>(ACC_WQ, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, scale, losses, grad)
      : ce_rows<T>(ACC_Q, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, scale, losses, grad);
  } else if (smoothing == 0) {
    total = ce_rows<T>(ACC_NONE, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, scale, losses, grad);
  } else {
    total = weights
      ? ce_rows<T>(ACC_WD, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, scale, losses, grad)
      : ce_rows<T>(ACC_D, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, scale, losses, grad);
  }
  return mean ? total / denom : total;
}

/**
 * Fused softmax cross-entropy (+ gradient) of logits (rows×cols). Exactly one of labels (i32[rows])
 * and targets (rows×cols probabilities) is non-zero; weights (cols) or 0; reduction 0 mean, 1 sum,
 * 2 none; losses (rows) or 0; grad (rows×cols) or 0, may alias logits. Returns the reduced loss.
 */
export function cross_entropy_f32(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  return cross_entropy<f32>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, reduction, losses, grad);
}

/** Fused softmax cross-entropy (+ gradient), f64. Same parameters as cross_entropy_f32. */
export function cross_entropy_f64(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  return cross_entropy<f64>(logits, rows, cols, labels, targets, weights, ignore_index, smoothing, reduction, losses, grad);
}
