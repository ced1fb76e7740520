// Softmax / log-softmax over a non-last axis of a row-major (outer, C, inner) block, computed in
// place of a transpose: SIMD across the contiguous inner dimension (XNNPACK's "channels last"
// trick turned around). For (N, C, H·W) over C, one f32x4 holds four spatial positions; a step
// takes four vectors (16 f32 / 8 f64 positions) through three passes over the C strided rows
// (max; exp(x − m) stored + summed; scale), all in L1 (C·64 bytes per step).
//
// Per position the same special rows as assembly/softmax.ts: all −∞ → softmax 0, log-softmax −∞;
// NaN or +∞ among the C values → NaN (the max here propagates NaN: f32x4.max / f64x2.max).
// Sums: f64 lanes for f32 inputs (two promoted halves), so a long C axis keeps f32 accuracy without
// blocking; the f64 path sums in f64 lanes directly. Each position is computed on its own, in c order,
// so any split of the (outer, inner) positions across threads gives the same bits.
// Error against the f64 reference (tests/assembly/axis.test.ts): f32 ≤ 2e-7, f64 ≤ 1e-14 of the
// largest output; exp: assembly/exp.ts (exp_v128_k, constants hoisted out of the loops).
import { exp_k, exp_scalar, exp_v128_k } from '../exp';

// @ts-ignore: decorator
@inline const STEP_VECS: i32 = 4;

/** exp((v − m)·s) of one vector, the constants in locals (see exp_v128_k). */
// @ts-ignore: decorator
@inline function vexp<T>(v: v128, vm: v128, vs: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128,
  k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, k11: v128, k12: v128, k13: v128, k14: v128, k15: v128): v128 {
  return exp_v128_k<T>(v128.mul<T>(v128.sub<T>(v, vm), vs), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
}

/** Adds the lanes of e (T) into the f64x2 pair (lo, hi); for f64 only lo is used. */
// @ts-ignore: decorator
@inline function acc_lo<T>(lo: v128, e: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.add(lo, f64x2.promote_low_f32x4(e)) : f64x2.add(lo, e);
}
// @ts-ignore: decorator
@inline function acc_hi<T>(hi: v128, e: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1))) : hi;
}

/** The factor of pass 3 from the f64 sums (lo, hi): 1/sum per lane (0 where the max is −∞: masked). */
// @ts-ignore: decorator
@inline function inv_of<T>(lo: v128, hi: v128, vm: v128): v128 {
  const one = f64x2.splat(1);
  let r: v128;
  if (sizeof<T>() == 4) {
    const a = f32x4.demote_f64x2_zero(f64x2.div(one, lo));
    const b = f32x4.demote_f64x2_zero(f64x2.div(one, hi));
    r = i32x4.shuffle(a, b, 0, 1, 4, 5);
  } else {
    r = f64x2.div(one, lo);
  }
  return v128.andnot(r, v128.eq<T>(vm, v128.splat<T>(<T>-Infinity)));
}

/** log Σ of one lane: +∞ where the max is −∞ (masked, so that (x − 0)·s − ls = −∞). */
// @ts-ignore: decorator
@inline function lg<T>(sum: f64, m: T): T {
  return m == <T>-Infinity ? <T>Infinity : <T>Math.log(sum);
}

/** log-softmax's log Σ per lane from the f64 sums (lo, hi) and the maxes vm. */
// @ts-ignore: decorator
@inline function log_term<T>(lo: v128, hi: v128, vm: v128): v128 {
  if (sizeof<T>() == 4) {
    let r = f32x4.splat(<f32>lg<f32>(f64x2.extract_lane(lo, 0), f32x4.extract_lane(vm, 0)));
    r = f32x4.replace_lane(r, 1, lg<f32>(f64x2.extract_lane(lo, 1), f32x4.extract_lane(vm, 1)));
    r = f32x4.replace_lane(r, 2, lg<f32>(f64x2.extract_lane(hi, 0), f32x4.extract_lane(vm, 2)));
    return f32x4.replace_lane(r, 3, lg<f32>(f64x2.extract_lane(hi, 1), f32x4.extract_lane(vm, 3)));
  }
  const r = f64x2.splat(<f64>lg<f64>(f64x2.extract_lane(lo, 0), f64x2.extract_lane(vm, 0)));
  return f64x2.replace_lane(r, 1, lg<f64>(f64x2.extract_lane(lo, 1), f64x2.extract_lane(vm, 1)));
}

/** log-softmax's output (x − a)·s − ls (a: the max, 0 where masked). */
// @ts-ignore: decorator
@inline function log_out<T>(v: v128, va: v128, vs: v128, vls: v128): v128 {
  return v128.sub<T>(v128.mul<T>(v128.sub<T>(v, va), vs), vls);
}

/**
 * Softmax (log-softmax when `log`) of x·s over the C axis of each (C, inner) block, for the first
 * `count` positions of the inner dimension in each of the `outer` blocks (x and out already offset
 * to the first position a caller wants: the thread pool splits the positions in multiples of 16);
 * out may alias x.
 */
// @ts-ignore: decorator
@inline function softmax_axis<T>(x: usize, out: usize, outer: i32, C: i32, inner: i32, s: T, count: i32, log: bool): void {
  const lanes = 16 / sizeof<T>();
  const stride = <usize>inner << alignof<T>();     // bytes from one class to the next
  const plane = <usize>C * stride;                  // bytes of one (C, inner) block
  const d = out - x;
  const vs = v128.splat<T>(s);
  const vninf = v128.splat<T>(<T>-Infinity);
  // splat constants once
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4), k5 = exp_k<T>(5);
  const k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9), k10 = exp_k<T>(10), k11 = exp_k<T>(11);
  const k12 = exp_k<T>(12), k13 = exp_k<T>(13), k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * plane;
    let j = 0;
    // main loop: four vectors of positions at a time
    for (; j + STEP_VECS * lanes <= count; j += STEP_VECS * lanes) {
      const p = base + (<usize>j << alignof<T>());
      // pass 1: max over c (NaN propagates)
      let m0 = vninf, m1 = vninf, m2 = vninf, m3 = vninf;
      for (let c = 0; c < C; c++) {
        const q = p + <usize>c * stride;
        m0 = v128.max<T>(m0, v128.load(q)); m1 = v128.max<T>(m1, v128.load(q, 16));
        m2 = v128.max<T>(m2, v128.load(q, 32)); m3 = v128.max<T>(m3, v128.load(q, 48));
      }
      // masked positions (max −∞) subtract 0 instead: exp(−∞) = 0, and the factor below is 0
      const a0 = v128.andnot(m0, v128.eq<T>(m0, vninf)), a1 = v128.andnot(m1, v128.eq<T>(m1, vninf));
      const a2 = v128.andnot(m2, v128.eq<T>(m2, vninf)), a3 = v128.andnot(m3, v128.eq<T>(m3, vninf));
      // pass 2: e = exp((x − m)·s), stored unless log; sums in f64 lanes
      const z = f64x2.splat(0);
      let l0 = z, h0 = z, l1 = z, h1 = z, l2 = z, h2 = z, l3 = z, h3 = z;
      for (let c = 0; c < C; c++) {
        const q = p + <usize>c * stride;
        const e0 = vexp<T>(v128.load(q), a0, vs, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
        const e1 = vexp<T>(v128.load(q, 16), a1, vs, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
        const e2 = vexp<T>(v128.load(q, 32), a2, vs, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
        const e3 = vexp<T>(v128.load(q, 48), a3, vs, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
        if (!log) { v128.store(q + d, e0); v128.store(q + d, e1, 16); v128.store(q + d, e2, 32); v128.store(q + d, e3, 48); }
        l0 = acc_lo<T>(l0, e0); h0 = acc_hi<T>(h0, e0); l1 = acc_lo<T>(l1, e1); h1 = acc_hi<T>(h1, e1);
        l2 = acc_lo<T>(l2, e2); h2 = acc_hi<T>(h2, e2); l3 = acc_lo<T>(l3, e3); h3 = acc_hi<T>(h3, e3);
      }
      // pass 3: out = e / sum (softmax) or (x − m)·s − log sum (log-softmax)
      if (!log) {
        const f0 = inv_of<T>(l0, h0, m0), f1 = inv_of<T>(l1, h1, m1), f2 = inv_of<T>(l2, h2, m2), f3 = inv_of<T>(l3, h3, m3);
        for (let c = 0; c < C; c++) {
          const q = p + <usize>c * stride + d;
          v128.store(q, v128.mul<T>(v128.load(q), f0)); v128.store(q, v128.mul<T>(v128.load(q, 16), f1), 16);
          v128.store(q, v128.mul<T>(v128.load(q, 32), f2), 32); v128.store(q, v128.mul<T>(v128.load(q, 48), f3), 48);
        }
      } else {
        const t0 = log_term<T>(l0, h0, m0), t1 = log_term<T>(l1, h1, m1);
        const t2 = log_term<T>(l2, h2, m2), t3 = log_term<T>(l3, h3, m3);
        for (let c = 0; c < C; c++) {
          const q = p + <usize>c * stride;
          v128.store(q + d, log_out<T>(v128.load(q), a0, vs, t0)); v128.store(q + d, log_out<T>(v128.load(q, 16), a1, vs, t1), 16);
          v128.store(q + d, log_out<T>(v128.load(q, 32), a2, vs, t2), 32); v128.store(q + d, log_out<T>(v128.load(q, 48), a3, vs, t3), 48);
        }
      }
    }
    // one vector of positions at a time
    for (; j + lanes <= count; j += lanes) {
      const p = base + (<usize>j << alignof<T>());
      let m0 = vninf;
      for (let c = 0; c < C; c++) m0 = v128.max<T>(m0, v128.load(p + <usize>c * stride));
      const a0 = v128.andnot(m0, v128.eq<T>(m0, vninf));
      let l0 = f64x2.splat(0), h0 = l0;
      for (let c = 0; c < C; c++) {
        const q = p + <usize>c * stride;
        const e0 = vexp<T>(v128.load(q), a0, vs, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
        if (!log) v128.store(q + d, e0);
        l0 = acc_lo<T>(l0, e0); h0 = acc_hi<T>(h0, e0);
      }
      if (!log) {
        const f0 = inv_of<T>(l0, h0, m0);
        for (let c = 0; c < C; c++) { const q = p + <usize>c * stride + d; v128.store(q, v128.mul<T>(v128.load(q), f0)); }
      } else {
        const t0 = log_term<T>(l0, h0, m0);
        for (let c = 0; c < C; c++) { const q = p + <usize>c * stride; v128.store(q + d, log_out<T>(v128.load(q), a0, vs, t0)); }
      }
    }
    // scalar tail: the same operations on one position
    for (; j < count; j++) {
      const p = base + (<usize>j << alignof<T>());
      let m: T = <T>-Infinity;
      for (let c = 0; c < C; c++) { const v = load<T>(p + <usize>c * stride); m = m != m || v != v ? <T>NaN : max<T>(m, v); }
      const a: T = m == <T>-Infinity ? <T>0 : m;
      let sum: f64 = 0;
      for (let c = 0; c < C; c++) {
        const q = p + <usize>c * stride;
        const e = exp_scalar<T>((load<T>(q) - a) * s);
        if (!log) store<T>(q + d, e);
        sum += <f64>e;
      }
      if (!log) {
        const f: T = m == <T>-Infinity ? <T>0 : <T>(1.0 / sum);
        for (let c = 0; c < C; c++) { const q = p + <usize>c * stride + d; store<T>(q, load<T>(q) * f); }
      } else {
        const ls: T = m == <T>-Infinity ? <T>Infinity : <T>Math.log(sum);
        for (let c = 0; c < C; c++) { const q = p + <usize>c * stride; store<T>(q + d, (load<T>(q) - a) * s - ls); }
      }
    }
  }
}

/**
 * Softmax of x·s over the middle axis of x (outer×C×inner f32, row-major) into out (may alias x),
 * for the first `count` inner positions of every outer block (inner: all; the thread pool splits
 * them, offsetting x and out). s = 1/T > 0; s = 1 is the plain softmax.
 */
export function softmax_axis_f32(x: usize, out: usize, outer: i32, C: i32, inner: i32, s: f32, count: i32): void {
  softmax_axis<f32>(x, out, outer, C, inner, s, count, false);
}

/** softmax_axis_f32 for f64. */
export function softmax_axis_f64(x: usize, out: usize, outer: i32, C: i32, inner: i32, s: f64, count: i32): void {
  softmax_axis<f64>(x, out, outer, C, inner, s, count, false);
}

/** Log-softmax of x·s over the middle axis (same arguments as softmax_axis_f32). */
export function log_softmax_axis_f32(x: usize, out: usize, outer: i32, C: i32, inner: i32, s: f32, count: i32): void {
  softmax_axis<f32>(x, out, outer, C, inner, s, count, true);
}

/** log_softmax_axis_f32 for f64. */
export function log_softmax_axis_f64(x: usize, out: usize, outer: i32, C: i32, inner: i32, s: f64, count: i32): void {
  softmax_axis<f64>(x, out, outer, C, inner, s, count, true);
}
