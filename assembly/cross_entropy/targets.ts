// Cross-entropy target weights (see assembly/cross_entropy.ts for the formulas): what pass 2 adds
// besides Σ exp per accumulation mode, and the target terms t of the gradient, formed in f64 where
// an f32 product or sum could leave the f32 range. Pointers: p / g address an element of the logits
// / grad row; wd / qd are the byte distances from that row to the weights (the same vector for
// every row) and to the targets row.

// What pass 2 accumulates besides Σ exp (compile-time after inlining):
// @ts-ignore: decorator
@inline export const ACC_NONE = 0; // labels, ε = 0: nothing
// @ts-ignore: decorator
@inline export const ACC_D = 1; // labels, ε > 0, no weights: Σ (z − m)
// @ts-ignore: decorator
@inline export const ACC_WD = 2; // labels, ε > 0, weights: Σ w·(z − m)
// @ts-ignore: decorator
@inline export const ACC_Q = 3; // probability rows, no weights: t = (1−ε)q + ε/C; Σ t·(z − m), Σ t
// @ts-ignore: decorator
@inline export const ACC_WQ = 4; // probability rows, weights: t = w·((1−ε)q + ε/C)

import { hsum } from '../vec';

/** Scalar target weight formed in f64 (a product w·q of two f32 numbers may leave the f32 range). */
// @ts-ignore: decorator
@inline export function t_scalar64<T>(p: usize, mode: i32, wd: usize, qd: usize, omE64: f64, eC64: f64): f64 {
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
@inline export function t64_half<T>(p: usize, hi: bool, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
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
@inline export function kt_vec<T>(g: usize, mode: i32, wd: usize, qd: usize, vkt: v128, vka: v128, vomE: v128, veC: v128,
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
@inline export function td_vec<T>(vt: v128, vd: v128): v128 {
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
@inline export function td64<T>(vz: v128, vm64: v128, vt: v128, vc64: v128, mode: i32): v128 {
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
@inline export function tdq64<T>(p: usize, vz: v128, vm64: v128, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
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
@inline export function tq64<T>(p: usize, mode: i32, wd: usize, qd: usize, vomE64: v128, veC64: v128): v128 {
  const lo = t64_half<T>(p, false, mode, wd, qd, vomE64, veC64);
  if (sizeof<T>() == 4) return f64x2.add(lo, t64_half<T>(p, true, mode, wd, qd, vomE64, veC64));
  return lo;
}

/** Σ of the target weights of a probability row, element by element (the fully masked row's T). */
// @ts-ignore: decorator
@inline export function row_t_sum<T>(p: usize, end: usize, mode: i32, wd: usize, qd: usize, omE64: f64, eC64: f64): f64 {
  let tt: f64 = 0;
  for (; p < end; p += sizeof<T>()) tt += t_scalar64<T>(p, mode, wd, qd, omE64, eC64);
  return tt;
}
