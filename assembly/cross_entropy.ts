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
// Reduction: mean → divide by D = Σ_{non-ignored} w_{y_i} (weights) or their count (no weights),
// D = rows for probability rows; D = 0 → loss NaN and grad all 0. sum / none → D = 1 ('none' writes
// losses[i]; the return value is their sum and grad is the gradient of the sum). Factors are formed
// as quotients by D in f64 (not as 1/D times), so tiny class weights (D subnormal) cannot overflow
// them; the weighted factor (ε/C)/D is applied as two multiplications (ka·kt) when it alone would
// leave the float range.
// Range: pass 2 sums Σ t·(z − m) and Σ t in f64 (f32 lanes promoted), with ε/C folded into t as the
// reference does, so f32 logits up to ±FLT_MAX and huge weights or targets give a finite loss where
// it is finite in float64 (the f64 path overflows where the reference does, up to the order of the
// sums when the loss is within a few ulps of the largest double).
// Fully masked row (all −∞): p = 0, loss_i = +∞ if T > 0 else 0, grad_j = −scale·t_j.
// NaN or +∞ anywhere in a row → that row's loss and grad are NaN.
import { exp_scalar, exp_k, exp_v128_k } from './exp';
import { row_max, row_has_nan } from './row';
import { hsum } from './vec';

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
let o_a: f64 = 0; // Σ t·(z − m) (label modes: t without the label's own share (1 − ε)·w_y)
let o_t: f64 = 0; // Σ t (probability rows)

/** Scalar target weight formed in f64 (a product w·q of two f32 numbers may leave the f32 range). */
// @ts-ignore: decorator
@inline function t_scalar64<T>(p: usize, mode: i32, wd: usize, qd: usize, omE64: f64, eC64: f64): f64 {
  if (mode == ACC_WD) return <f64>load<T>(p + wd);
  const t = omE64 * <f64>load<T>(p + qd) + eC64;
  if (mode == ACC_WQ) return <f64>load<T>(p + wd) * t;
  return t;
}

/**
 * Probability-row target weights of two lanes as an f64x2, formed in f64: lanes 0, 1 of the vector
 * at p (hi = false) or lanes 2, 3 (hi = true; f32 only).
 */
// @ts-ignore: decorator
@inline function t64_half<T>(p: usize, hi: bool, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
  let q = v128.load(p + qd);
  if (sizeof<T>() == 4) {
    if (hi) q = v128.shuffle<f32>(q, q, 2, 3, 2, 3);
    q = f64x2.promote_low_f32x4(q);
  }
  let t = f64x2.add(f64x2.mul(vomE64, q), veC64);
  if (mode == ACC_WQ) {
    let w = v128.load(p + wd);
    if (sizeof<T>() == 4) {
      if (hi) w = v128.shuffle<f32>(w, w, 2, 3, 2, 3);
      w = f64x2.promote_low_f32x4(w);
    }
    t = f64x2.mul(w, t);
  }
  return t;
}

/**
 * The target term of the gradient for the vector at g, kt·t in T, ordered so that no intermediate
 * overflows or rounds to a subnormal when the result does not: ACC_WD kt·w (f32: in f64; f64:
 * kt·(ka·w)), ACC_Q kt·q', ACC_WQ kt·(w·q') formed in f64 (f32 lanes promoted), q' = (1 − ε)·q + ε/C.
 */
// @ts-ignore: decorator
@inline function kt_vec<T>(g: usize, mode: i32, wd: usize, qd: usize, vkt: v128, vka: v128, vomE: v128, veC: v128,
  vkt64: v128, vomE64: v128, veC64: v128): v128 {
  if (mode == ACC_WD) {
    if (sizeof<T>() == 4) {
      const w = v128.load(g + wd);
      const lo = f64x2.mul(vkt64, f64x2.promote_low_f32x4(w));
      const hi = f64x2.mul(vkt64, f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 2, 3)));
      return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    }
    return v128.mul<T>(vkt, v128.mul<T>(vka, v128.load(g + wd)));
  }
  if (mode == ACC_WQ) {
    if (sizeof<T>() == 4) {
      const lo = f64x2.mul(vkt64, t64_half<T>(g, false, mode, wd, qd, vomE64, veC64));
      const hi = f64x2.mul(vkt64, t64_half<T>(g, true, mode, wd, qd, vomE64, veC64));
      return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    }
    return f64x2.mul(vkt, t64_half<T>(g, false, mode, wd, qd, vomE64, veC64));
  }
  return v128.mul<T>(vkt, v128.add<T>(v128.mul<T>(vomE, v128.load(g + qd)), veC));
}

/** t·d with 0 where t = 0 (so a masked class with no target weight adds 0, not 0·−∞ = NaN). */
// @ts-ignore: decorator
@inline function td_vec<T>(vt: v128, vd: v128): v128 {
  return v128.and(v128.mul<T>(vt, vd), v128.ne<T>(vt, v128.splat<T>(0)));
}

/**
 * t·(z − m) summed over the lanes of one vector of logits vz, as an f64x2 with 0 where t = 0 (a
 * masked class with no target weight adds 0, not 0·−∞ = NaN). In f64 whatever T is: f32 lanes are
 * promoted, so neither z − m nor the products nor their sums can overflow (f32 logits near ±3e38,
 * huge weights). t per mode: ACC_D the constant ε/C (vc64); ACC_WD (ε/C)·w (vt = w); probability
 * rows vt = t as formed in T (the same t pass 3 uses).
 */
// @ts-ignore: decorator
@inline function td64<T>(vz: v128, vm64: v128, vt: v128, vc64: v128, mode: i32): v128 {
  if (sizeof<T>() == 4) {
    const dlo = f64x2.sub(f64x2.promote_low_f32x4(vz), vm64);
    const dhi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(vz, vz, 2, 3, 2, 3)), vm64);
    if (mode == ACC_D) return f64x2.mul(f64x2.add(dlo, dhi), vc64);
    let tlo = f64x2.promote_low_f32x4(vt);
    let thi = f64x2.promote_low_f32x4(v128.shuffle<f32>(vt, vt, 2, 3, 2, 3));
    if (mode == ACC_WD) {
      tlo = f64x2.mul(tlo, vc64);
      thi = f64x2.mul(thi, vc64);
    }
    return f64x2.add(td_vec<f64>(tlo, dlo), td_vec<f64>(thi, dhi));
  }
  const d = f64x2.sub(vz, vm64);
  if (mode == ACC_D) return f64x2.mul(d, vc64);
  if (mode == ACC_WD) return td_vec<f64>(f64x2.mul(vt, vc64), d);
  return td_vec<f64>(vt, d);
}

/** Probability rows: Σ t·(z − m) over the lanes of the vector at p, as an f64x2, t formed in f64. */
// @ts-ignore: decorator
@inline function tdq64<T>(p: usize, vz: v128, vm64: v128, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
  if (sizeof<T>() == 4) {
    const dlo = f64x2.sub(f64x2.promote_low_f32x4(vz), vm64);
    const dhi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(vz, vz, 2, 3, 2, 3)), vm64);
    return f64x2.add(td_vec<f64>(t64_half<T>(p, false, mode, wd, qd, vomE64, veC64), dlo),
      td_vec<f64>(t64_half<T>(p, true, mode, wd, qd, vomE64, veC64), dhi));
  }
  return td_vec<f64>(t64_half<T>(p, false, mode, wd, qd, vomE64, veC64), f64x2.sub(vz, vm64));
}

/** Probability rows: Σ t over the lanes of the vector at p, as an f64x2, t formed in f64. */
// @ts-ignore: decorator
@inline function tq64<T>(p: usize, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
  const lo = t64_half<T>(p, false, mode, wd, qd, vomE64, veC64);
  if (sizeof<T>() == 4) return f64x2.add(lo, t64_half<T>(p, true, mode, wd, qd, vomE64, veC64));
  return lo;
}

/**
 * Pass 2 over [p, end): returns s = Σ exp(z − m); when `store_`, writes exp(z − m) at p + gd;
 * leaves Σ t·(z − m) in o_a (t including ε/C in the label modes) and Σ t in o_t (probability rows),
 * both summed in f64. wd / qd: byte distance from the logits row to the weights / targets row
 * (weights: the same vector for every row).
 */
// @ts-ignore: decorator
@inline function pass2<T>(p: usize, end: usize, m: T, gd: usize, store_: bool, mode: i32,
  wd: usize, qd: usize, omE64: f64, eC64: f64): T {
  // splat constants
  const vomE64 = f64x2.splat(omE64);
  const veC64 = f64x2.splat(eC64);
  const vm = v128.splat<T>(m);
  const vm64 = f64x2.splat(<f64>m);
  const vc64 = f64x2.splat(eC64);
  const vzero = v128.splat<T>(0);
  let vs0 = vzero, vs1 = vzero;
  const vz64 = f64x2.splat(0);
  let va0 = vz64, va1 = vz64, vt0 = vz64, vt1 = vz64;
  // exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  // main loop: 2 exp accumulators (+2 f64 ones for each extra sum), 32 bytes per step (two exps
  // in flight; more only add spills)
  for (; p + 32 <= end; p += 32) {
    const vz0 = v128.load(p);
    const vz1 = v128.load(p, 16);
    const ve0 = exp_v128_k<T>(v128.sub<T>(vz0, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    const ve1 = exp_v128_k<T>(v128.sub<T>(vz1, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) {
      v128.store(p + gd, ve0);
      v128.store(p + gd, ve1, 16);
    }
    vs0 = v128.add<T>(vs0, ve0);
    vs1 = v128.add<T>(vs1, ve1);
    if (mode == ACC_D) {
      va0 = f64x2.add(va0, td64<T>(vz0, vm64, vzero, vc64, mode));
      va1 = f64x2.add(va1, td64<T>(vz1, vm64, vzero, vc64, mode));
    } else if (mode == ACC_WD) {
      va0 = f64x2.add(va0, td64<T>(vz0, vm64, v128.load(p + wd), vc64, mode));
      va1 = f64x2.add(va1, td64<T>(vz1, vm64, v128.load(p + wd, 16), vc64, mode));
    } else if (mode != ACC_NONE) {
      va0 = f64x2.add(va0, tdq64<T>(p, vz0, vm64, mode, wd, qd, vomE64, veC64));
      va1 = f64x2.add(va1, tdq64<T>(p + 16, vz1, vm64, mode, wd, qd, vomE64, veC64));
      vt0 = f64x2.add(vt0, tq64<T>(p, mode, wd, qd, vomE64, veC64));
      vt1 = f64x2.add(vt1, tq64<T>(p + 16, mode, wd, qd, vomE64, veC64));
    }
  }
  // fold
  vs0 = v128.add<T>(vs0, vs1);
  va0 = f64x2.add(va0, va1);
  vt0 = f64x2.add(vt0, vt1);
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const vz = v128.load(p);
    const ve = exp_v128_k<T>(v128.sub<T>(vz, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) v128.store(p + gd, ve);
    vs0 = v128.add<T>(vs0, ve);
    if (mode == ACC_D) {
      va0 = f64x2.add(va0, td64<T>(vz, vm64, vzero, vc64, mode));
    } else if (mode == ACC_WD) {
      va0 = f64x2.add(va0, td64<T>(vz, vm64, v128.load(p + wd), vc64, mode));
    } else if (mode != ACC_NONE) {
      va0 = f64x2.add(va0, tdq64<T>(p, vz, vm64, mode, wd, qd, vomE64, veC64));
      vt0 = f64x2.add(vt0, tq64<T>(p, mode, wd, qd, vomE64, veC64));
    }
  }
  let s = hsum<T>(vs0);
  let a = hsum<f64>(va0);
  let tt = hsum<f64>(vt0);
  // scalar tail (f64 sums, as above)
  for (; p < end; p += sizeof<T>()) {
    const z = load<T>(p);
    const e = exp_scalar<T>(z - m);
    if (store_) store<T>(p + gd, e);
    s += e;
    const d: f64 = <f64>z - <f64>m;
    if (mode == ACC_D) {
      a += d * eC64;
    } else if (mode != ACC_NONE) {
      let t: f64 = t_scalar64<T>(p, mode, wd, qd, omE64, eC64);
      if (mode == ACC_WD) t *= eC64;
      if (t != 0) a += t * d;
      if (mode >= ACC_Q) tt += t;
    }
  }
  o_a = a;
  o_t = tt;
  return s;
}

/**
 * Pass 3 over a grad row [g, end) that holds exp(z − m): grad = ks·e − kt·t, where t is 1 (labels
 * without weights), w (labels with weights) or the probability-row target weight.
 */
// @ts-ignore: decorator
@inline function pass3<T>(g: usize, end: usize, ks: T, ka: T, mode: i32, wd: usize, qd: usize,
  kt64: f64, omE64: f64, eC64: f64): void {
  const kt = <T>kt64;
  const omE = <T>omE64;
  const eC = <T>eC64;
  // splat constants
  const vkt64 = f64x2.splat(kt64);
  const vomE64 = f64x2.splat(omE64);
  const veC64 = f64x2.splat(eC64);
  const vks = v128.splat<T>(ks);
  const vkt = v128.splat<T>(kt);
  const vka = v128.splat<T>(ka);
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
      r0 = v128.sub<T>(r0, kt_vec<T>(g, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r1 = v128.sub<T>(r1, kt_vec<T>(g + 16, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r2 = v128.sub<T>(r2, kt_vec<T>(g + 32, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r3 = v128.sub<T>(r3, kt_vec<T>(g + 48, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
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
    else r = v128.sub<T>(r, kt_vec<T>(g, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
    v128.store(g, r);
  }
  // scalar tail
  for (; g < end; g += sizeof<T>()) {
    let r: T = ks * load<T>(g);
    if (mode == ACC_NONE || mode == ACC_D) r -= kt;
    else if (mode == ACC_WD) r -= sizeof<T>() == 4 ? <T>(kt64 * <f64>load<T>(g + wd)) : kt * (ka * load<T>(g + wd));
    else {
      const q: T = omE * load<T>(g + qd) + eC;
      if (mode == ACC_WQ) r -= <T>(kt64 * t_scalar64<T>(g, mode, wd, qd, omE64, eC64));
      else r -= kt * q;
    }
    store<T>(g, r);
  }
}

/**
 * Fully masked row: grad row (possibly the logits row itself) := −num·(t/denom), in f64 (t = 1 for
 * ACC_D). A rare path; the quotient form keeps it finite for any denom.
 */
// @ts-ignore: decorator
@inline function masked_grad<T>(g: usize, end: usize, num: f64, denom: f64, mode: i32, wd: usize, qd: usize, omE64: f64, eC64: f64): void {
  for (; g < end; g += sizeof<T>()) {
    let t: f64 = 1;
    if (mode != ACC_NONE && mode != ACC_D) t = t_scalar64<T>(g, mode, wd, qd, omE64, eC64);
    store<T>(g, <T>(-num * (t / denom))); // t/D first: a subnormal num·t would lose its bits
  }
}

/**
 * A grad row [g, end) holding exp(z − m), when the factor T/(D·s) leaves T's range (huge weights or
 * targets, or tiny D): grad_j = (T/D)·(e_j/s) − t_j/D elementwise in f64.
 * y < 0 for probability rows; else the label, whose own share ty = (1 − ε)·w_y is included here.
 */
// @ts-ignore: decorator
@inline function grad_row_f64<T>(g: usize, end: usize, TD: f64, s64: f64, denom: f64, mode: i32,
  wd: usize, qd: usize, omE64: f64, eC64: f64, y: i32, ty: f64): void {
  const gy = y >= 0 ? g + <usize>y * sizeof<T>() : 0;
  for (; g < end; g += sizeof<T>()) {
    let t: f64;
    if (mode >= ACC_Q) t = t_scalar64<T>(g, mode, wd, qd, omE64, eC64);
    else {
      t = mode == ACC_WD ? eC64 * <f64>load<T>(g + wd) : eC64;
      if (g == gy) t += ty;
    }
    store<T>(g, <T>(TD * (<f64>load<T>(g) / s64) - t / denom));
  }
}

/** Σ of the target weights of a probability row (only for a fully masked row). */
// @ts-ignore: decorator
@inline function row_t_sum<T>(p: usize, end: usize, mode: i32, wd: usize, qd: usize, omE64: f64, eC64: f64): f64 {
  let tt: f64 = 0;
  for (; p < end; p += sizeof<T>()) tt += t_scalar64<T>(p, mode, wd, qd, omE64, eC64);
  return tt;
}

// @ts-ignore: decorator
@inline export function ce_rows<T>(mode: i32, logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, denom: f64, losses: usize, grad: usize): f64 {
  const rowBytes = <usize>cols * sizeof<T>();
  const hasW = weights != 0;
  const isProb = mode >= ACC_Q;
  const omE64 = 1 - smoothing;
  const eC64 = smoothing / <f64>cols;
  // Σ_c w_c (labels with smoothing: T = (1−ε)·w_y + (ε/C)·Σw)
  let wsum: f64 = <f64>cols;
  let wmax: f64 = 1; // max |w_c| (labels with weights)
  if (hasW && !isProb) {
    wsum = 0;
    for (let c = 0; c < cols; c++) {
      const w = <f64>load<T>(weights + <usize>c * sizeof<T>());
      wsum += w;
      wmax = max(wmax, Math.abs(w));
    }
  }
  const gd = grad - logits;
  // kt of probability rows is 1/D (grad = ks·e − t/D, D = rows or 1). kt of label rows: grad = ks·e − (ε/C)/D·(1 or w_j) (− the label's share). With weights, f32:
  // kt·w_j formed in f64 (one rounding; (ε/C)/D is subnormal in f32 when D is huge, ~1e38 weights);
  // f64: kt·(ka·w_j), ka a power of two when (ε/C)/D alone leaves the normal range (D subnormal or
  // near the largest double). D·ka is exact (a power-of-two scaling).
  let ktv: f64 = eC64 / denom;
  let kav: f64 = 1;
  if (sizeof<T>() == 8 && hasW && !isProb && eC64 != 0) {
    if (!(Math.abs(ktv) < 1.0e300)) kav = Math.pow(2, 537);
    else if (Math.abs(ktv) < 1.0e-290) kav = Math.pow(2, -537);
    if (kav != 1) ktv = eC64 / (denom * kav);
  }
  // the largest smoothing term (ε/C)·|w_j|/D of the gradient: beyond T's range the row goes through
  // grad_row_f64 (the gradient itself may be in range: T·p/D − t/D with both terms huge)
  const ktwmax: f64 = Math.abs(eC64 / denom) * wmax;
  const BIG: f64 = sizeof<T>() == 4 ? 3.4028234663852886e38 : 1.7976931348623157e308;
  const ka_lab = <T>kav;
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
        if (isProb) T64 = row_t_sum<T>(p, end, mode, wd, qd, omE64, eC64);
        loss = T64 > 0 ? Infinity : 0;
        if (grad) {
          // p = 0: grad_j = −t_j/D
          if (!isProb) {
            if (hasW) masked_grad<T>(p + gd, end + gd, eC64, denom, ACC_WD, wd - gd, qd - gd, omE64, eC64);
            else masked_grad<T>(p + gd, end + gd, eC64, denom, ACC_D, wd - gd, qd - gd, omE64, eC64);
            const gy = p + gd + <usize>y * sizeof<T>();
            store<T>(gy, load<T>(gy) - <T>(omE64 * (wy / denom)));
          } else {
            masked_grad<T>(p + gd, end + gd, 1, denom, mode, wd - gd, qd - gd, omE64, eC64);
          }
        }
      }
    } else {
      const zy: T = isProb ? <T>0 : load<T>(p + <usize>y * sizeof<T>()); // read before grad overwrites it
      // pass 2: e = exp(z − m) (into grad), s = Σ e, and the Σ t·(z − m) terms
      const s = grad
        ? pass2<T>(p, end, m, gd, true, mode, wd, qd, omE64, eC64)
        : pass2<T>(p, end, m, gd, false, mode, wd, qd, omE64, eC64);
      const s64 = <f64>s;
      // log s: f32 rows use Mathf.log (s is an f32 anyway; ~0.5 ulp of f32), f64 rows Math.log
      const ls: f64 = sizeof<T>() == 4 ? <f64>Mathf.log(<f32>s) : Math.log(s64);
      if (isProb) T64 = o_t;
      // loss = T·log s − Σ t·(z − m)
      loss = T64 * ls;
      if (isProb) {
        loss -= o_a;
      } else {
        const ty = omE64 * wy; // the label's own share of t_y
        if (ty != 0) loss -= ty * (<f64>zy - <f64>m); // exact in f64
        if (mode != ACC_NONE) loss -= o_a;
      }
      // pass 3: grad = (T·e/s − t)/D
      // T/D, for labels as (1 − ε)·(w_y/D) + (ε/C)·(Σw/D): with tiny weights T and D are subnormal
      // and T/D formed from them loses the bits that (w_y/D) keeps
      const TD = isProb ? T64 / denom : omE64 * (wy / denom) + eC64 * (wsum / denom);
      const ks64 = TD / s64;
      if (grad && !(Math.abs(ks64) <= BIG && (isProb || ktwmax <= BIG))) {
        grad_row_f64<T>(p + gd, end + gd, TD, s64, denom, hasW && eC64 != 0 ? mode : (isProb ? mode : ACC_D),
          wd - gd, qd - gd, omE64, eC64, isProb ? -1 : y, omE64 * wy);
      } else if (grad) {
        const ks = <T>ks64;
        if (!isProb) {
          // t_j = (ε/C)·w_j (+ the label's share, added below); unweighted or ε = 0: a constant
          if (hasW && eC64 != 0) pass3<T>(p + gd, end + gd, ks, ka_lab, ACC_WD, wd - gd, qd - gd, ktv, omE64, eC64);
          else pass3<T>(p + gd, end + gd, ks, ka_lab, ACC_D, wd - gd, qd - gd, ktv, omE64, eC64);
          const gy = p + gd + <usize>y * sizeof<T>();
          store<T>(gy, load<T>(gy) - <T>(omE64 * (wy / denom)));
        } else {
          pass3<T>(p + gd, end + gd, ks, 1, mode, wd - gd, qd - gd, 1 / denom, omE64, eC64);
        }
      }
    }
    if (losses) store<T>(losses + <usize>i * sizeof<T>(), <T>loss);
    total += loss;
  }
  return total;
}

/** The mean's denominator: rows for probability rows, else Σ w_y (or the count) of non-ignored rows. */
// @ts-ignore: decorator
@inline export function ce_denominator<T>(rows: i32, labels: usize, targets: usize, weights: usize, ignore_index: i32): f64 {
  let denom: f64 = <f64>rows;
  if (!targets) {
    denom = 0;
    for (let i = 0; i < rows; i++) {
      const y = load<i32>(labels + (<usize>i << 2));
      if (y == ignore_index) continue;
      denom += weights ? <f64>load<T>(weights + <usize>y * sizeof<T>()) : 1;
    }
  }
  return denom;
}

// @ts-ignore: decorator
@inline function cross_entropy<T>(logits: usize, rows: i32, cols: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, smoothing: f64, reduction: i32, losses: usize, grad: usize): f64 {
  // the mean's denominator first: a cheap pass over the labels
  const denom = ce_denominator<T>(rows, labels, targets, weights, ignore_index);
  const mean = reduction == 0;
  if (mean && denom == 0) {
    // nothing to average (all rows ignored, or zero total weight): loss NaN, grad 0 (PyTorch)
    if (grad) memory.fill(grad, 0, <usize>rows * <usize>cols * sizeof<T>());
    if (losses) memory.fill(losses, 0, <usize>rows * sizeof<T>());
    return NaN;
  }
  const D: f64 = mean ? denom : 1;
  // one specialised row loop per accumulation mode (ε/C = 0 in f64, e.g. ε = 5e-324: no smoothing)
  let total: f64;
  if (targets) {
    total = weights
      ? ce_rows<T>(ACC_WQ, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad)
      : ce_rows<T>(ACC_Q, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad);
  } else if (smoothing / <f64>cols == 0) {
    total = ce_rows<T>(ACC_NONE, logits, rows, cols, labels, targets, weights, ignore_index, 0, D, losses, grad);
  } else {
    total = weights
      ? ce_rows<T>(ACC_WD, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad)
      : ce_rows<T>(ACC_D, logits, rows, cols, labels, targets, weights, ignore_index, smoothing, D, losses, grad);
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
