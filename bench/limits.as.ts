// @ts-nocheck — AssemblyScript, not TypeScript: compiled in memory by bench/engines/limits.ts
// (asc -O3 --runtime stub --enable simd), never by tsc. It measures what this machine can do from
// WASM SIMD-128, the ceiling the bench compares each workload against:
// - copy(): `memory.copy` of n bytes (reads n, writes n: the traffic of a streaming row kernel that
//   reads its input once and writes an output of the same size);
// - peak_f32x4() / peak_f64x2(): independent f32x4/f64x2 multiply and add chains, no FMA (plain
//   WASM SIMD has none), 6 + 6 chains to cover the latency of two multiply and two add pipes.

/** Makes sure [heap start, +bytes) exists; returns that start (64 KiB aligned, stable across calls). */
export function reserve(bytes: usize): usize {
  const base: usize = (__heap_base + 0xffff) & ~(<usize>0xffff);
  const need: usize = base + bytes;
  const have: usize = <usize>memory.size() << 16;
  if (need > have) {
    if (memory.grow(<i32>((need - have + 0xffff) >> 16)) < 0) unreachable();
  }
  return base;
}

/** memory.copy(dst, src, n): one streaming read and write of n bytes. */
export function copy(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}

/**
 * `iters` rounds of 6 f32x4 multiplies and 6 f32x4 adds on independent chains: 48 flop per round.
 * Call with m = 1 and a = 0 so values stay finite and normal (no denormal slow path).
 */
export function peak_f32x4(iters: i32, m: f32, a: f32): f32 {
  // splat constants
  const vm = f32x4.splat(m);
  const va = f32x4.splat(a);
  let p0 = f32x4.splat(1), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0;
  let s0 = f32x4.splat(1), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
  // main loop: 6 multiply chains + 6 add chains
  for (let i = 0; i < iters; i++) {
    p0 = f32x4.mul(p0, vm); s0 = f32x4.add(s0, va);
    p1 = f32x4.mul(p1, vm); s1 = f32x4.add(s1, va);
    p2 = f32x4.mul(p2, vm); s2 = f32x4.add(s2, va);
    p3 = f32x4.mul(p3, vm); s3 = f32x4.add(s3, va);
    p4 = f32x4.mul(p4, vm); s4 = f32x4.add(s4, va);
    p5 = f32x4.mul(p5, vm); s5 = f32x4.add(s5, va);
  }
  // fold
  const v = f32x4.add(
    f32x4.add(f32x4.add(p0, p1), f32x4.add(p2, p3)),
    f32x4.add(f32x4.add(f32x4.add(p4, p5), f32x4.add(s0, s1)),
      f32x4.add(f32x4.add(s2, s3), f32x4.add(s4, s5))));
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 3);
}

/** The f64x2 version of peak_f32x4: 24 flop per round. */
export function peak_f64x2(iters: i32, m: f64, a: f64): f64 {
  // splat constants
  const vm = f64x2.splat(m);
  const va = f64x2.splat(a);
  let p0 = f64x2.splat(1), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0;
  let s0 = f64x2.splat(1), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
  // main loop: 6 multiply chains + 6 add chains
  for (let i = 0; i < iters; i++) {
    p0 = f64x2.mul(p0, vm); s0 = f64x2.add(s0, va);
    p1 = f64x2.mul(p1, vm); s1 = f64x2.add(s1, va);
    p2 = f64x2.mul(p2, vm); s2 = f64x2.add(s2, va);
    p3 = f64x2.mul(p3, vm); s3 = f64x2.add(s3, va);
    p4 = f64x2.mul(p4, vm); s4 = f64x2.add(s4, va);
    p5 = f64x2.mul(p5, vm); s5 = f64x2.add(s5, va);
  }
  // fold
  const v = f64x2.add(
    f64x2.add(f64x2.add(p0, p1), f64x2.add(p2, p3)),
    f64x2.add(f64x2.add(f64x2.add(p4, p5), f64x2.add(s0, s1)),
      f64x2.add(f64x2.add(s2, s3), f64x2.add(s4, s5))));
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}
