// Row helpers over one contiguous row [p, end) of f32 or f64 (byte pointers), f32x4 / f64x2 SIMD
// with a scalar tail that uses the same operations: max, NaN test, fill, scale, the blocked
// Σ exp((x − m)·s) of softmax (optionally storing the exps), the log Σ exp of log-softmax and the
// output pass x − m − log Σ. Shared by softmax, softmax backward, cross-entropy, the linear
// classifier, the logits toolkit and the long-row phases of assembly/long_row.ts.
//
// The exp sums are blocked at fixed byte offsets from the row start (softmax: a block of
// EXPSUM_BLOCK bytes, accumulators restarting per block; log-softmax: groups of REST_GROUP bytes
// of 256-byte sub-blocks), and a row's sum is its block sums added in block order, then the tail.
// expsum_block computes one block and rest_span a run of whole groups, so a row split into chunks
// of whole blocks (assembly/long_row.ts) adds the same numbers in the same order as the single call.
import { exp_v128, exp_scalar, exp_k, exp_v128_k } from './exp';
import { hcount, hmax, hsum } from './vec';

/** Bytes per block of the softmax exp sum (each accumulator adds ≤ 64 terms, so long f32 rows keep ~1e-7). */
// @ts-ignore: decorator
@inline export const EXPSUM_BLOCK: usize = 2048;
/** Bytes per group of log-softmax's "rest" sum: 16 sub-blocks of 256 bytes. */
// @ts-ignore: decorator
@inline export const REST_GROUP: usize = 4096;

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

/** (x − m)·s for one vector; without `scaled`, x − m (s unused). */
// @ts-ignore: decorator
@inline function shifted<T>(vx: v128, vm: v128, vs: v128, scaled: bool): v128 {
  const d = v128.sub<T>(vx, vm);
  return scaled ? v128.mul<T>(d, vs) : d;
}

/**
 * One block of the blocked exp sum: Σ exp((x − m)·s) over the 32-byte steps of [p, blockEnd)
 * (the first (blockEnd − p) & ~31 bytes) as a vector of lane sums; with `store_` each exp is also
 * written d bytes further on (d = out − x: the write may be in place). `scaled` false: exp(x − m).
 */
// @ts-ignore: decorator
@inline export function expsum_block<T>(p: usize, blockEnd: usize, m: T, s: T, scaled: bool, d: usize, store_: bool): v128 {
  // splat constants; exp's constants loaded from memory once per block (see EXP_F32_K in exp.ts)
  const vm = v128.splat<T>(m);
  const vs = v128.splat<T>(s);
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  let vs0 = v128.splat<T>(0), vs1 = vs0;
  // main loop: 2 accumulators, 32 bytes per step (two exps in flight keep the pipelines busy; a
  // third and fourth only add spills)
  for (; p + 32 <= blockEnd; p += 32) {
    const ve0 = exp_v128_k<T>(shifted<T>(v128.load(p), vm, vs, scaled), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    const ve1 = exp_v128_k<T>(shifted<T>(v128.load(p, 16), vm, vs, scaled), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) {
      v128.store(p + d, ve0);
      v128.store(p + d, ve1, 16);
    }
    vs0 = v128.add<T>(vs0, ve0);
    vs1 = v128.add<T>(vs1, ve1);
  }
  // fold the block
  return v128.add<T>(vs0, vs1);
}

/**
 * The end of the blocked exp sum: vtot (the block sums, added in order) plus the last vector and
 * the scalar tail of [p, end), p being where the blocks stopped (end − p < 32); as expsum_block.
 */
// @ts-ignore: decorator
@inline export function expsum_tail<T>(p: usize, end: usize, m: T, s: T, scaled: bool, d: usize, store_: bool, vtot: v128): T {
  // vector step (0–1 vector)
  if (p + 16 <= end) {
    const ve = exp_v128<T>(shifted<T>(v128.load(p), v128.splat<T>(m), v128.splat<T>(s), scaled));
    if (store_) v128.store(p + d, ve);
    vtot = v128.add<T>(vtot, ve);
    p += 16;
  }
  let sum = hsum<T>(vtot);
  // scalar tail: same exp, lane for lane
  for (; p < end; p += sizeof<T>()) {
    const e = exp_scalar<T>(scaled ? (load<T>(p) - m) * s : load<T>(p) - m);
    if (store_) store<T>(p + d, e);
    sum += e;
  }
  return sum;
}

/**
 * Σ exp((x − m)·s) over [p, end) (s applied only when `scaled`), summed in blocks of `blockBytes`
 * (see the top of the file); when `store_` also writes each exp at the same offset in the row
 * starting `d` bytes after p (d = out − x: the write may be in place).
 */
// @ts-ignore: decorator
@inline export function row_expsum<T>(p: usize, end: usize, m: T, d: usize, store_: bool,
  s: T = 1, scaled: bool = false, blockBytes: usize = EXPSUM_BLOCK): T {
  let vtot = v128.splat<T>(0);
  // blocks: each one's lane sums added to vtot in order
  while (p + 32 <= end) {
    const blockEnd = min(end, p + blockBytes);
    vtot = v128.add<T>(vtot, expsum_block<T>(p, blockEnd, m, s, scaled, d, store_));
    p += (blockEnd - p) & ~(<usize>31);
  }
  return expsum_tail<T>(p, end, m, s, scaled, d, store_, vtot);
}

/**
 * log-softmax's rest sum Σ_{x ≠ m} exp(x − m) and the count k = #{x = m} over the 32-byte steps of
 * [p, end), in groups of REST_GROUP bytes of 256-byte sub-blocks (2 accumulators per sub-block,
 * folded into the group's sum: each lane adds 8 terms, then 16 sub-block sums), so the rest keeps
 * ~1e-7 relative accuracy in f32 also for long rows of equal terms.
 *   partials = 0: the whole row — the groups' sums added in order, then the tail (rest_tail);
 *     returns r in lane 0 (T) and k in lane 1 (i32 lanes for f32, i64 for f64).
 *   partials ≠ 0: a chunk of whole groups of a longer row — each group's lane sums stored at
 *     partials + 16·g, no tail; returns the chunk's k in lane 1.
 */
// @ts-ignore: decorator
@inline export function rest_span<T>(p: usize, end: usize, m: T, partials: usize): v128 {
  // splat constants; exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
  const vm = v128.splat<T>(m);
  const vzero = v128.splat<T>(0);
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  let vtot = vzero, vmid = vzero;
  let vk = vzero; // −(count of x = m) per lane, as integers of the lane width
  let slot = partials;
  let blocks = 0; // sub-blocks in vmid
  while (p + 32 <= end) {
    const subEnd = min(end, p + 256);
    let vs0 = vzero, vs1 = vzero;
    // main loop: 2 accumulators, 32 bytes per step
    for (; p + 32 <= subEnd; p += 32) {
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
    if (++blocks == <i32>(REST_GROUP / 256)) {
      // a whole group: into the row's sum, or stored
      if (partials) { v128.store(slot, vmid); slot += 16; }
      else vtot = v128.add<T>(vtot, vmid);
      vmid = vzero;
      blocks = 0;
    }
  }
  // the last (partial) group
  if (partials) { if (blocks) v128.store(slot, vmid); }
  else vtot = v128.add<T>(vtot, vmid);
  let k = -hcount<T>(vk);
  if (partials) return rest_result<T>(0, k);
  return rest_result<T>(rest_tail<T>(p, end, m, vtot), k + row_count_eq<T>(p, end, m));
}

/** r in lane 0 (T), k in lane 1 (the integer of the lane width): rest_span's result. */
// @ts-ignore: decorator
@inline export function rest_result<T>(r: T, k: i32): v128 {
  if (sizeof<T>() == 4) return i32x4.replace_lane(f32x4.splat(<f32>r), 1, k);
  return i64x2.replace_lane(f64x2.splat(<f64>r), 1, <i64>k);
}

/** The count k of a rest_span result. */
// @ts-ignore: decorator
@inline export function rest_count<T>(v: v128): i32 {
  if (sizeof<T>() == 4) return i32x4.extract_lane(v, 1);
  return <i32>i64x2.extract_lane(v, 1);
}

/** The end of the rest sum: vtot (the group sums, in order) plus the last vector and scalar tail of [p, end). */
// @ts-ignore: decorator
@inline export function rest_tail<T>(p: usize, end: usize, m: T, vtot: v128): T {
  const vm = v128.splat<T>(m);
  // vector step (0–1 vector)
  if (p + 16 <= end) {
    const x = v128.load(p);
    vtot = v128.add<T>(vtot, v128.andnot(exp_v128<T>(v128.sub<T>(x, vm)), v128.eq<T>(x, vm)));
    p += 16;
  }
  let s = hsum<T>(vtot);
  // scalar tail: same exp, lane for lane
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (x != m) s += exp_scalar<T>(x - m);
  }
  return s;
}

/** How many elements of [p, end) equal m (the tail of a rest sum: a few elements). */
// @ts-ignore: decorator
@inline export function row_count_eq<T>(p: usize, end: usize, m: T): i32 {
  const vm = v128.splat<T>(m);
  let vk = v128.splat<i32>(0); // −(count of x = m) per lane, as integers of the lane width
  for (; p + 16 <= end; p += 16) {
    const q = v128.eq<T>(v128.load(p), vm);
    if (sizeof<T>() == 4) vk = i32x4.add(vk, q);
    else vk = i64x2.add(vk, q);
  }
  let k = -hcount<T>(vk);
  for (; p < end; p += sizeof<T>()) if (load<T>(p) == m) k++;
  return k;
}

/**
 * log Σ exp(x − m) from the rest r = Σ_{x ≠ m} exp(x − m) and k = #{x = m}: log(k + r), taken as
 * log1p(r) when k = 1, so the dominant class keeps its precision when the rest is far below 1
 * (summed with the max's exp(0) = 1 it would round away).
 */
// @ts-ignore: decorator
@inline export function log_rest<T>(r: T, k: i32): T {
  if (sizeof<T>() == 4) return <T>(k == 1 ? Mathf.log1p(<f32>r) : Mathf.log(<f32>k + <f32>r));
  return <T>(k == 1 ? Math.log1p(<f64>r) : Math.log(<f64>k + <f64>r));
}

/** log Σ exp(x − m) over the row [p, end) with finite max m, through the rest sum (log_rest). */
// @ts-ignore: decorator
@inline export function row_log_expsum<T>(p: usize, end: usize, m: T): T {
  const rk = rest_span<T>(p, end, m, 0);
  return log_rest<T>(v128.extract_lane<T>(rk, 0), rest_count<T>(rk));
}

/**
 * log Σ exp((x − m)·s) over the row [p, end) with finite max m, temperature kernels: the rest
 * Σ_{x ≠ m} exp((x − m)·s) summed in f64 over 1 KiB blocks of vector sums, then log1p / log in f64.
 */
// @ts-ignore: decorator
@inline export function row_log_expsum_scaled<T>(p: usize, end: usize, m: T, s: T): T {
  const vm = v128.splat<T>(m);
  const vsc = v128.splat<T>(s);
  const vzero = v128.splat<T>(0);
  let total: f64 = 0;
  let k = 0;
  // blocks of 1 KiB: vector partial sums, folded into an f64 total
  while (p + 16 <= end) {
    const blockEnd = min(end, p + 1024);
    let vs = vzero;
    for (; p + 16 <= blockEnd; p += 16) {
      const x = v128.load(p);
      const q = v128.eq<T>(x, vm);
      vs = v128.add<T>(vs, v128.andnot(exp_v128<T>(v128.mul<T>(v128.sub<T>(x, vm), vsc)), q));
      if (sizeof<T>() == 4) k += popcnt<i32>(i32x4.bitmask(q));
      else k += popcnt<i32>(i64x2.bitmask(q));
    }
    total += <f64>hsum<T>(vs);
  }
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (x == m) k++;
    else total += <f64>exp_scalar<T>((x - m) * s);
  }
  return <T>(k == 1 ? Math.log1p(total) : Math.log(<f64>k + total));
}

/** Log-softmax output pass: out = (x − m)·s − ls over [p, end) (s only when `scaled`), out d bytes further on. */
// @ts-ignore: decorator
@inline export function row_log_softmax_out<T>(p: usize, end: usize, d: usize, m: T, s: T, scaled: bool, ls: T): void {
  // splat constants
  const vm = v128.splat<T>(m);
  const vs = v128.splat<T>(s);
  const vls = v128.splat<T>(ls);
  // main loop: 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    const v0 = v128.sub<T>(shifted<T>(v128.load(p), vm, vs, scaled), vls);
    const v1 = v128.sub<T>(shifted<T>(v128.load(p, 16), vm, vs, scaled), vls);
    const v2 = v128.sub<T>(shifted<T>(v128.load(p, 32), vm, vs, scaled), vls);
    const v3 = v128.sub<T>(shifted<T>(v128.load(p, 48), vm, vs, scaled), vls);
    v128.store(p + d, v0);
    v128.store(p + d, v1, 16);
    v128.store(p + d, v2, 32);
    v128.store(p + d, v3, 48);
  }
  // vector loop
  for (; p + 16 <= end; p += 16) v128.store(p + d, v128.sub<T>(shifted<T>(v128.load(p), vm, vs, scaled), vls));
  // scalar tail
  for (; p < end; p += sizeof<T>()) store<T>(p + d, (scaled ? (load<T>(p) - m) * s : load<T>(p) - m) - ls);
}
