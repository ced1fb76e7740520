// Row helpers over one contiguous row [p, end) of f32 or f64 (byte pointers), f32x4 / f64x2 SIMD
// with a scalar tail that uses the same operations: max, NaN test, fill, Σ exp(x − m) (optionally
// storing the exps), the "rest" sum of log-softmax, and scale. Shared by softmax, softmax backward,
// cross-entropy, the linear classifier and the logits toolkit.
import { exp_v128, exp_scalar, exp_k, exp_v128_k } from './exp';
import { hmax, hsum } from './vec';


/** max over the row [p, end) (byte pointers); −∞ for an empty or all −∞ row. NaN may be skipped. */
// @ts-ignore: decorator
@inline export function row_max<T>(p: usize, end: usize): T {
  // splat constants
  let v0 = v128.splat<T>(<T>-Infinity);
  let v1 = v0, v2 = v0, v3 = v0;
  // main loop: 4 accumulators, 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    v0 = v128.pmax<T>(v0, v128.load(p));
    v1 = v128.pmax<T>(v1, v128.load(p, 16));
    v2 = v128.pmax<T>(v2, v128.load(p, 32));
    v3 = v128.pmax<T>(v3, v128.load(p, 48));
  }
  // fold
  v0 = v128.pmax<T>(v128.pmax<T>(v0, v1), v128.pmax<T>(v2, v3));
  // vector loop
  for (; p + 16 <= end; p += 16) v0 = v128.pmax<T>(v0, v128.load(p));
  let m = hmax<T>(v0);
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    m = select<T>(x, m, x > m);
  }
  return m;
}

/** true when the row [p, end) holds a NaN (only asked on the rare fully masked path). */
// @ts-ignore: decorator
@inline export function row_has_nan<T>(p: usize, end: usize): bool {
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (x != x) return true;
  }
  return false;
}

/** Fills [p, end) with v. */
// @ts-ignore: decorator
@inline export function row_fill<T>(p: usize, end: usize, v: T): void {
  const vv = v128.splat<T>(v);
  for (; p + 16 <= end; p += 16) v128.store(p, vv);
  for (; p < end; p += sizeof<T>()) store<T>(p, v);
}

/**
 * Σ exp(x − m) over [p, end); when `store_ > 0` also writes each exp(x − m) at the same offset in
 * the row starting `d` bytes after p (d = out − x: the write may be in place).
 */
// @ts-ignore: decorator
@inline export function row_expsum<T>(p: usize, end: usize, m: T, d: usize, store_: bool): T {
  // splat constants; exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
  const vm = v128.splat<T>(m);
  const vzero = v128.splat<T>(0);
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  let vs0 = vzero, vs1 = vzero, vtot = vzero;
  // main loop: 2 accumulators, 32 bytes per step (two exps in flight keep the pipelines busy; a
  // third and fourth only add spills), in blocks of 2 KiB whose sums go into vtot (two-level
  // summation: each accumulator adds ≤ 64 terms, so long rows keep ~1e-7 accuracy)
  while (p + 32 <= end) {
    const blockEnd = min(end, p + 2048);
    for (; p + 32 <= blockEnd; p += 32) {
      const ve0 = exp_v128_k<T>(v128.sub<T>(v128.load(p), vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
      const ve1 = exp_v128_k<T>(v128.sub<T>(v128.load(p, 16), vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
      if (store_) {
        v128.store(p + d, ve0);
        v128.store(p + d, ve1, 16);
      }
      vs0 = v128.add<T>(vs0, ve0);
      vs1 = v128.add<T>(vs1, ve1);
    }
    // fold the block
    vtot = v128.add<T>(vtot, v128.add<T>(vs0, vs1));
    vs0 = vzero; vs1 = vzero;
  }
  vs0 = vtot;
  // vector loop (0–1 vector)
  for (; p + 16 <= end; p += 16) {
    const ve = exp_v128_k<T>(v128.sub<T>(v128.load(p), vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) v128.store(p + d, ve);
    vs0 = v128.add<T>(vs0, ve);
  }
  let s = hsum<T>(vs0);
  // scalar tail: same exp, lane for lane
  for (; p < end; p += sizeof<T>()) {
    const e = exp_scalar<T>(load<T>(p) - m);
    if (store_) store<T>(p + d, e);
    s += e;
  }
  return s;
}

/** How many elements of the row equal its max (set by row_expsum_rest). */
export let o_kmax: i32 = 0;

/**
 * Σ exp(x − m) over the elements x ≠ m of [p, end) (the "rest"), and the number of x = m in o_kmax.
 * log-softmax takes log Σ exp = log(k + rest) as log1p(rest) when k = 1: the dominant class keeps its
 * precision when the rest is far below 1 (summed with the max's exp(0) = 1 it would round away).
 */
// @ts-ignore: decorator
@inline export function row_expsum_rest<T>(p: usize, end: usize, m: T): T {
  // splat constants
  const vm = v128.splat<T>(m);
  const vzero = v128.splat<T>(0);
  // exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  let vs0 = vzero, vs1 = vzero, vmid = vzero, vtot = vzero;
  let vk = vzero; // −(count of x = m) per lane, as integers of the lane width
  // main loop: 2 accumulators, 32 bytes per step; three-level sums (each lane of vs0/vs1 adds 8
  // terms per 256 bytes into vmid, vmid 16 of those per 4 KiB into vtot), so the rest keeps ~1e-7
  // relative accuracy in f32 also for long rows of equal terms
  let blocks = 0;
  while (p + 32 <= end) {
    const blockEnd = min(end, p + 256);
    for (; p + 32 <= blockEnd; p += 32) {
      const x0 = v128.load(p);
      const x1 = v128.load(p, 16);
      const q0 = v128.eq<T>(x0, vm);
      const q1 = v128.eq<T>(x1, vm);
      vs0 = v128.add<T>(vs0, v128.andnot(exp_v128_k<T>(v128.sub<T>(x0, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15), q0));
      vs1 = v128.add<T>(vs1, v128.andnot(exp_v128_k<T>(v128.sub<T>(x1, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15), q1));
      if (sizeof<T>() == 4) vk = i32x4.add(vk, i32x4.add(q0, q1));
      else vk = i64x2.add(vk, i64x2.add(q0, q1));
    }
    vmid = v128.add<T>(vmid, v128.add<T>(vs0, vs1));
    vs0 = vzero; vs1 = vzero;
    if (++blocks == 16) {
      vtot = v128.add<T>(vtot, vmid);
      vmid = vzero;
      blocks = 0;
    }
  }
  vtot = v128.add<T>(vtot, vmid);
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const x = v128.load(p);
    const q = v128.eq<T>(x, vm);
    vtot = v128.add<T>(vtot, v128.andnot(exp_v128_k<T>(v128.sub<T>(x, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15), q));
    if (sizeof<T>() == 4) vk = i32x4.add(vk, q);
    else vk = i64x2.add(vk, q);
  }
  let s = hsum<T>(vtot);
  let k: i32;
  if (sizeof<T>() == 4) {
    k = -(i32x4.extract_lane(vk, 0) + i32x4.extract_lane(vk, 1) + i32x4.extract_lane(vk, 2) + i32x4.extract_lane(vk, 3));
  } else {
    k = -<i32>(i64x2.extract_lane(vk, 0) + i64x2.extract_lane(vk, 1));
  }
  // scalar tail: same exp, lane for lane
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (x == m) k++;
    else s += exp_scalar<T>(x - m);
  }
  o_kmax = k;
  return s;
}

/** [p, end) *= k (in place). */
// @ts-ignore: decorator
@inline export function row_scale<T>(p: usize, end: usize, k: T): void {
  // splat constants
  const vk = v128.splat<T>(k);
  // main loop: 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    v128.store(p, v128.mul<T>(v128.load(p), vk));
    v128.store(p, v128.mul<T>(v128.load(p, 16), vk), 16);
    v128.store(p, v128.mul<T>(v128.load(p, 32), vk), 32);
    v128.store(p, v128.mul<T>(v128.load(p, 48), vk), 48);
  }
  // vector loop
  for (; p + 16 <= end; p += 16) v128.store(p, v128.mul<T>(v128.load(p), vk));
  // scalar tail
  for (; p < end; p += sizeof<T>()) store<T>(p, load<T>(p) * k);
}

// ---- kernels ----
