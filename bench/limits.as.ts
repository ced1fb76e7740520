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
 * `iters` rounds of 6 T-vector multiplies and 6 T-vector adds on independent chains: 48 flop per
 * round for f32x4, 24 for f64x2. Call with m = 1 and a = 0 so values stay finite and normal (no
 * denormal slow path).
 */
@inline function peak<T>(iters: i32, m: T, a: T): T {
  const vm = v128.splat<T>(m);
  const va = v128.splat<T>(a);
  let p0 = v128.splat<T>(1), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0;
  let s0 = v128.splat<T>(1), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
  for (let i = 0; i < iters; i++) {
    p0 = v128.mul<T>(p0, vm); s0 = v128.add<T>(s0, va);
    p1 = v128.mul<T>(p1, vm); s1 = v128.add<T>(s1, va);
    p2 = v128.mul<T>(p2, vm); s2 = v128.add<T>(s2, va);
    p3 = v128.mul<T>(p3, vm); s3 = v128.add<T>(s3, va);
    p4 = v128.mul<T>(p4, vm); s4 = v128.add<T>(s4, va);
    p5 = v128.mul<T>(p5, vm); s5 = v128.add<T>(s5, va);
  }
  // fold every chain into one vector, so none is dead code
  const v = v128.add<T>(
    v128.add<T>(v128.add<T>(p0, p1), v128.add<T>(p2, p3)),
    v128.add<T>(v128.add<T>(v128.add<T>(p4, p5), v128.add<T>(s0, s1)),
      v128.add<T>(v128.add<T>(s2, s3), v128.add<T>(s4, s5))));
  if (sizeof<T>() == 4) return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 3));
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

export function peak_f32x4(iters: i32, m: f32, a: f32): f32 {
  return peak<f32>(iters, m, a);
}

export function peak_f64x2(iters: i32, m: f64, a: f64): f64 {
  return peak<f64>(iters, m, a);
}
