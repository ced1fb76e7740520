// Vectorized exp for softmax (domain x ≤ 0): exp_f32x4 = rr2-p5 (two-constant range reduction,
// degree-5 polynomial), exp_f64x2 = rr2-p11. Plain WASM SIMD (no FMA; relaxed_madd in the relaxed
// build, see below), magic-bias rounding.
//
//   n = round(x·log2 e)                      via (x·LOG2E + MAGIC) − MAGIC, MAGIC = 1.5·2^p + bias
//   r = (x − n·LN2_HI) − n·LN2_LO            LN2_HI has few significant bits: n·LN2_HI is exact
//   s = 2^n                                  the low bits of x·LOG2E + MAGIC shifted into the exponent
//   exp(x) = s + (s·r)·P(r)                  1 + r·P(r) ≈ e^r, minimax relative error, p(0) = 1
//   x < CUTOFF (below the normal range, or −∞) → +0;  NaN → NaN (it flows through every step).
//
// MEASURED max error (scripts/numerics/exp-ulp.mjs, against the f64 Math.exp for f32 and a double-double
// exp for f64; ulp = spacing of the result format in the binade of the exact value):
//   exp_f32x4: 2.264 ulp (at x = −27.3332) over [−87.3, 0]: every f32 in the range, 1 118 738 843 inputs.
//   exp_f64x2: 1.145 ulp (at x = −636.650) over [−708, 0]: 2^22 + 1 evenly spaced inputs, 2^20 random
//              ones in [−708, 0] and 2^20 random ones in [−1, 0] (6 291 457 inputs).
// Bounds asserted by tests/assembly/exp.test.ts: 2.5 ulp (f32), 1.5 ulp (f64).
//
// RELAXED build (build/softmax.relaxed.wasm, ASC_FEATURE_RELAXED_SIMD): every multiply-add below is
// vmadd / vnmadd (madd.ts) = relaxed_madd / relaxed_nmadd, which the engine may fuse or not.
//   unfused: exactly the baseline operations (mul rounded, then add), so exactly the numbers above.
//   fused (V8 on x86 with FMA, measured with node --experimental-wasm-relaxed-simd
//   scripts/numerics/exp-ulp.mjs --wasm build/softmax.relaxed.wasm, same inputs as above):
//     exp_f32x4: 1.975 ulp (at x = −48.8178);  exp_f64x2: 0.883 ulp (at x = −707.979).
// The range reduction keeps the short LN2_HI in both builds: with relaxed_nmadd unfused, the FMA
// split below would give the 64.5 ulp of the trap, so it is not allowed even in the relaxed build.
// The scalar tails of the relaxed build run one lane of the vector code (exp_scalar), so the
// results stay independent of the position either way.
// The approximation error of the polynomials alone is 9.2e-8 (f32, ≈ 0.8–1.5 ulp) and 3.7e-18
// (f64, ≈ 0.03 ulp); the rest is rounding in the evaluation. See scripts/numerics/fit-exp.py for every
// constant below (fit: Remez exchange in 60 digits, then coefficient-by-coefficient rounding with
// a minimax re-fit of the remaining ones). Positive x also works up to n = 127 / 1023 (x ≈ 88.37 /
// 709.43); above that the result is garbage (softmax never gets there: its inputs are x − max ≤ 0).
//
// Do NOT replace LN2_HI by the FMA split (0x1.62E43p-1, 21 significant bits): without FMA, n·hi is
// rounded for |n| > 8; an op-for-op Math.fround emulation of exp_f32x4 with that split measured
// 64.5 ulp (at x = −72.09) over 4e6 points of [−87.3, 0], against 2.2 ulp with this one.

import { vmadd, vnmadd } from "./madd";

// ---- f32 constants (bit patterns; values from scripts/numerics/fit-exp.py) ----
// @ts-ignore: decorator
@lazy const LOG2E_F32: f32 = reinterpret<f32>(0x3FB8AA3B); // 0x1.715476p+0 = 1.44269502 = f32(log2 e)
// @ts-ignore: decorator
@lazy const MAGIC_F32: f32 = reinterpret<f32>(0x4B40007F); // 0x1.8000FEp+23 = 12583039 = 1.5·2^23 + 127
// @ts-ignore: decorator
@lazy const LN2_HI_F32: f32 = reinterpret<f32>(0x3F317200); // 0x1.62E400p-1 = 0.693145751953125 (15 bits)
// @ts-ignore: decorator
@lazy const LN2_LO_F32: f32 = reinterpret<f32>(0x35BFBE8E); // 0x1.7F7D1Cp-20 = 1.42860677e-6 = f32(ln2 − HI)
// @ts-ignore: decorator
@lazy const CUTOFF_F32: f32 = reinterpret<f32>(0xC2AEAC50); // -0x1.5D58A0p+6 = -87.3365479 ≈ ln(2^-126)
// degree-5 minimax of e^r = 1 + r·P(r) on |r| ≤ ln2·(1/2 + 2^-15), rounded to f32 (fit-exp.py)
// @ts-ignore: decorator
@lazy const C1_F32: f32 = reinterpret<f32>(0x3F7FFFFB); // 0x1.FFFFF6p-1 = 9.999997020e-1
// @ts-ignore: decorator
@lazy const C2_F32: f32 = reinterpret<f32>(0x3EFFFEE3); // 0x1.FFFDC6p-2 = 4.999915063e-1
// @ts-ignore: decorator
@lazy const C3_F32: f32 = reinterpret<f32>(0x3E2AAD3D); // 0x1.555A7Ap-3 = 1.666764766e-1
// @ts-ignore: decorator
@lazy const C4_F32: f32 = reinterpret<f32>(0x3D2B9D11); // 0x1.573A22p-5 = 4.189783707e-2
// @ts-ignore: decorator
@lazy const C5_F32: f32 = reinterpret<f32>(0x3C07D191); // 0x1.0FA322p-7 = 8.289710619e-3

// ---- f64 constants ----
// @ts-ignore: decorator
@lazy const LOG2E_F64: f64 = reinterpret<f64>(0x3FF71547652B82FE); // 0x1.71547652B82FEp+0 = 1.4426950408889634
// @ts-ignore: decorator
@lazy const MAGIC_F64: f64 = reinterpret<f64>(0x43380000000003FF); // 1.5·2^52 + 1023 = 6755399441056767
// fdlibm's split: LN2_HI keeps 32 significant bits, so n·LN2_HI is exact for |n| ≤ 2^21.
// @ts-ignore: decorator
@lazy const LN2_HI_F64: f64 = reinterpret<f64>(0x3FE62E42FEE00000); // 0x1.62E42FEEp-1 = 6.93147180369123816490e-1
// @ts-ignore: decorator
@lazy const LN2_LO_F64: f64 = reinterpret<f64>(0x3DEA39EF35793C76); // 0x1.A39EF35793C76p-33 = 1.90821492927058770002e-10
// @ts-ignore: decorator
@lazy const CUTOFF_F64: f64 = reinterpret<f64>(0xC086232BDD7ABCD2); // -0x1.6232BDD7ABCD2p+9 = -708.39641853226408 ≈ ln(2^-1022)
// degree-11 minimax of e^r = 1 + r·P(r) on |r| ≤ ln2·(1/2 + 2^-40), rounded to f64 (fit-exp.py)
// @ts-ignore: decorator
@lazy const D1_F64: f64 = reinterpret<f64>(0x3FF0000000000000); // 1.0
// @ts-ignore: decorator
@lazy const D2_F64: f64 = reinterpret<f64>(0x3FE000000000000A); // 0x1.000000000000Ap-1 = 5.00000000000001110e-1
// @ts-ignore: decorator
@lazy const D3_F64: f64 = reinterpret<f64>(0x3FC555555555550D); // 0x1.555555555550Dp-3 = 1.66666666666664659e-1
// @ts-ignore: decorator
@lazy const D4_F64: f64 = reinterpret<f64>(0x3FA55555555507BA); // 0x1.55555555507BAp-5 = 4.16666666665288093e-2
// @ts-ignore: decorator
@lazy const D5_F64: f64 = reinterpret<f64>(0x3F8111111112453F); // 0x1.111111112453Fp-7 = 8.33333333347019249e-3
// @ts-ignore: decorator
@lazy const D6_F64: f64 = reinterpret<f64>(0x3F56C16C184319E2); // 0x1.6C16C184319E2p-10 = 1.38888889436971546e-3
// @ts-ignore: decorator
@lazy const D7_F64: f64 = reinterpret<f64>(0x3F2A01A01385047F); // 0x1.A01A01385047Fp-13 = 1.98412695462866329e-4
// @ts-ignore: decorator
@lazy const D8_F64: f64 = reinterpret<f64>(0x3EFA0199A21BCEB8); // 0x1.A0199A21BCEB8p-16 = 2.48014931746992618e-5
// @ts-ignore: decorator
@lazy const D9_F64: f64 = reinterpret<f64>(0x3EC71DF0CC1DA82A); // 0x1.71DF0CC1DA82Ap-19 = 2.75575584478706922e-6
// @ts-ignore: decorator
@lazy const D10_F64: f64 = reinterpret<f64>(0x3E928AD4C1CD575E); // 0x1.28AD4C1CD575Ep-22 = 2.76301934045365953e-7
// @ts-ignore: decorator
@lazy const D11_F64: f64 = reinterpret<f64>(0x3E5AD9EF02417D27); // 0x1.AD9EF02417D27p-26 = 2.50072248606412153e-8

// ---- the constants as vectors in static memory, for loops (see exp_v128_k) ----
// V8 ≥ 12.x (Turboshaft's Wasm pipeline: Node 24, Deno, Chromium) materialises every v128.const
// at each use inside a loop (movq r, imm64; vmovq; vpunpcklqdq: 3 instructions per constant and
// use, 40 per exp_f32x4), where V8 11 kept the splat constants of the loop in registers. A vector
// loaded from memory before the loop is an ordinary value instead: the register allocator keeps it
// in a register or spills it (one reload). So the kernels' exp loops load these tables once per
// call and pass the vectors in; the f32x4 constants are i32 bit patterns, each 4 times.
// Order (f32): LOG2E MAGIC LN2_HI LN2_LO C1 C2 C3 C4 C5 CUTOFF;
// (f64): LOG2E MAGIC LN2_HI LN2_LO D1 … D11 CUTOFF.
const EXP_F32_K: usize = memory.data<i32>([
  0x3FB8AA3B, 0x3FB8AA3B, 0x3FB8AA3B, 0x3FB8AA3B,
  0x4B40007F, 0x4B40007F, 0x4B40007F, 0x4B40007F,
  0x3F317200, 0x3F317200, 0x3F317200, 0x3F317200,
  0x35BFBE8E, 0x35BFBE8E, 0x35BFBE8E, 0x35BFBE8E,
  0x3F7FFFFB, 0x3F7FFFFB, 0x3F7FFFFB, 0x3F7FFFFB,
  0x3EFFFEE3, 0x3EFFFEE3, 0x3EFFFEE3, 0x3EFFFEE3,
  0x3E2AAD3D, 0x3E2AAD3D, 0x3E2AAD3D, 0x3E2AAD3D,
  0x3D2B9D11, 0x3D2B9D11, 0x3D2B9D11, 0x3D2B9D11,
  0x3C07D191, 0x3C07D191, 0x3C07D191, 0x3C07D191,
  0xC2AEAC50, 0xC2AEAC50, 0xC2AEAC50, 0xC2AEAC50,
], 16);
const EXP_F64_K: usize = memory.data<i64>([
  0x3FF71547652B82FE, 0x3FF71547652B82FE,
  0x43380000000003FF, 0x43380000000003FF,
  0x3FE62E42FEE00000, 0x3FE62E42FEE00000,
  0x3DEA39EF35793C76, 0x3DEA39EF35793C76,
  0x3FF0000000000000, 0x3FF0000000000000,
  0x3FE000000000000A, 0x3FE000000000000A,
  0x3FC555555555550D, 0x3FC555555555550D,
  0x3FA55555555507BA, 0x3FA55555555507BA,
  0x3F8111111112453F, 0x3F8111111112453F,
  0x3F56C16C184319E2, 0x3F56C16C184319E2,
  0x3F2A01A01385047F, 0x3F2A01A01385047F,
  0x3EFA0199A21BCEB8, 0x3EFA0199A21BCEB8,
  0x3EC71DF0CC1DA82A, 0x3EC71DF0CC1DA82A,
  0x3E928AD4C1CD575E, 0x3E928AD4C1CD575E,
  0x3E5AD9EF02417D27, 0x3E5AD9EF02417D27,
  0xC086232BDD7ABCD2, 0xC086232BDD7ABCD2,
], 16);

/**
 * Constant i of exp_v128_k<T> as a vector, read from static memory (i: a literal 0–9 for f32,
 * 0–15 for f64; call it before the loop and keep the result in a local).
 */
// @ts-ignore: decorator
@inline export function exp_k<T>(i: i32): v128 {
  if (sizeof<T>() == 4) return v128.load(EXP_F32_K + (<usize>min(i, 9) << 4));
  return v128.load(EXP_F64_K + (<usize>i << 4));
}

/** a·b + c: vmadd (fused or not in the relaxed build) when `relaxed`, else a separate mul and add in every build. */
// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, c: v128, relaxed: bool): v128 {
  return relaxed ? vmadd<T>(a, b, c) : v128.add<T>(v128.mul<T>(a, b), c);
}

/** c − a·b: vnmadd when `relaxed`, else a separate mul and sub in every build. */
// @ts-ignore: decorator
@inline function nmadd<T>(a: v128, b: v128, c: v128, relaxed: bool): v128 {
  return relaxed ? vnmadd<T>(a, b, c) : v128.sub<T>(c, v128.mul<T>(a, b));
}

/**
 * exp_f32x4 / exp_f64x2 with the constants passed in: k0…k15 = exp_k<T>(0…15), loaded before the
 * loop (f32 uses k0…k9 — LOG2E MAGIC LN2_HI LN2_LO C1…C5 CUTOFF; for f32 pass anything as
 * k10…k15, e.g. exp_k<f32>(10…15)); the same operations, so the same results bit for bit.
 * `relaxed` false: never relaxed_madd, so the relaxed build computes the baseline build's bits
 * (the sampler's decisions, assembly/logits/sample.ts).
 */
// @ts-ignore: decorator
@inline export function exp_v128_k<T>(vx: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128,
  k5: v128, k6: v128, k7: v128, k8: v128, k9: v128, k10: v128, k11: v128, k12: v128, k13: v128,
  k14: v128, k15: v128, relaxed: bool = true): v128 {
  const single = sizeof<T>() == 4;
  // n = round(x·log2e): the sum with MAGIC rounds to an integer and leaves n + bias in the low bits
  let vn = madd<T>(vx, k0, k1, relaxed);
  const vs = single ? i32x4.shl(vn, 23) : i64x2.shl(vn, 52); // 2^n
  vn = v128.sub<T>(vn, k1);
  // r = x − n·ln2 in two steps (n·LN2_HI exact)
  let vt = nmadd<T>(vn, k2, vx, relaxed);
  vt = nmadd<T>(vn, k3, vt, relaxed);
  // P(r) by Horner: f32 C5…C1 = k8…k4; f64 D11…D1 = k14…k4 (its extra high-degree terms first)
  let vp: v128;
  if (single) {
    vp = madd<T>(k8, vt, k7, relaxed);
  } else {
    vp = madd<T>(k14, vt, k13, relaxed);
    vp = madd<T>(vp, vt, k12, relaxed);
    vp = madd<T>(vp, vt, k11, relaxed);
    vp = madd<T>(vp, vt, k10, relaxed);
    vp = madd<T>(vp, vt, k9, relaxed);
    vp = madd<T>(vp, vt, k8, relaxed);
    vp = madd<T>(vp, vt, k7, relaxed);
  }
  vp = madd<T>(vp, vt, k6, relaxed);
  vp = madd<T>(vp, vt, k5, relaxed);
  vp = madd<T>(vp, vt, k4, relaxed);
  // s + (s·r)·P(r)
  vt = v128.mul<T>(vt, vs);
  const vf = madd<T>(vt, vp, vs, relaxed);
  // below the cutoff (also −∞) → +0; NaN compares false and stays NaN
  return v128.andnot(vf, v128.lt<T>(vx, single ? k9 : k15));
}

/** exp of each f32 lane (x ≤ 0; NaN → NaN; x < −87.3365 or −∞ → 0). See the header for the error. */
// @ts-ignore: decorator
@inline export function exp_f32x4(vx: v128): v128 {
  const kCut = f32x4.splat(CUTOFF_F32);
  return exp_v128_k<f32>(vx, f32x4.splat(LOG2E_F32), f32x4.splat(MAGIC_F32), f32x4.splat(LN2_HI_F32),
    f32x4.splat(LN2_LO_F32), f32x4.splat(C1_F32), f32x4.splat(C2_F32), f32x4.splat(C3_F32),
    f32x4.splat(C4_F32), f32x4.splat(C5_F32), kCut, kCut, kCut, kCut, kCut, kCut, kCut);
}

/** exp of each f64 lane (x ≤ 0; NaN → NaN; x < −708.3964 or −∞ → 0). See the header for the error. */
// @ts-ignore: decorator
@inline export function exp_f64x2(vx: v128): v128 {
  return exp_v128_k<f64>(vx, f64x2.splat(LOG2E_F64), f64x2.splat(MAGIC_F64), f64x2.splat(LN2_HI_F64),
    f64x2.splat(LN2_LO_F64), f64x2.splat(D1_F64), f64x2.splat(D2_F64), f64x2.splat(D3_F64),
    f64x2.splat(D4_F64), f64x2.splat(D5_F64), f64x2.splat(D6_F64), f64x2.splat(D7_F64),
    f64x2.splat(D8_F64), f64x2.splat(D9_F64), f64x2.splat(D10_F64), f64x2.splat(D11_F64),
    f64x2.splat(CUTOFF_F64));
}

/** exp of a vector of either element type (compile-time dispatch for the generic kernels). */
// @ts-ignore: decorator
@inline export function exp_v128<T>(vx: v128): v128 {
  if (sizeof<T>() == 4) return exp_f32x4(vx);
  return exp_f64x2(vx);
}

/**
 * exp of one element of either type, the same operations as one lane of exp_v128<T> (bit-identical
 * results): scalar code in the baseline build; in the relaxed build one lane of the vector code
 * (relaxed_madd has no scalar form, and a scalar mul + add could round differently from a fused lane).
 */
// @ts-ignore: decorator
@inline export function exp_scalar<T>(x: T): T {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.extract_lane<T>(exp_v128<T>(v128.splat<T>(x)), 0);
  const single = sizeof<T>() == 4;
  // n = round(x·log2e), s = 2^n from its low bits
  let n: T = x * <T>(single ? LOG2E_F32 : LOG2E_F64) + <T>(single ? MAGIC_F32 : MAGIC_F64);
  const s: T = single
    ? <T>reinterpret<f32>(reinterpret<i32>(<f32>n) << 23)
    : <T>reinterpret<f64>(reinterpret<i64>(<f64>n) << 52);
  n -= <T>(single ? MAGIC_F32 : MAGIC_F64);
  // r = x − n·ln2 in two steps
  let t: T = x - n * <T>(single ? LN2_HI_F32 : LN2_HI_F64);
  t = t - n * <T>(single ? LN2_LO_F32 : LN2_LO_F64);
  // P(r) by Horner: the f64 polynomial's extra high-degree terms, then the four both share
  let p: T;
  if (single) {
    p = <T>C5_F32 * t + <T>C4_F32;
  } else {
    p = <T>D11_F64 * t + <T>D10_F64;
    p = p * t + <T>D9_F64;
    p = p * t + <T>D8_F64;
    p = p * t + <T>D7_F64;
    p = p * t + <T>D6_F64;
    p = p * t + <T>D5_F64;
    p = p * t + <T>D4_F64;
  }
  p = p * t + <T>(single ? C3_F32 : D3_F64);
  p = p * t + <T>(single ? C2_F32 : D2_F64);
  p = p * t + <T>(single ? C1_F32 : D1_F64);
  // s + (s·r)·P(r); below the cutoff (also −∞) → +0
  t = t * s;
  const f = t * p + s;
  return select<T>(0, f, x < <T>(single ? CUTOFF_F32 : CUTOFF_F64));
}

/**
 * out[i] = exp(x[i]), i < n (x ≤ 0; see the header for the error and the special values).
 * `out` may alias `x`. Results do not depend on the position (the tail uses the same operations).
 */
export function exp_f32(x: usize, out: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  const d = out - x;
  let p = x;
  // the constants, loaded once (see EXP_F32_K)
  const k0 = exp_k<f32>(0), k1 = exp_k<f32>(1), k2 = exp_k<f32>(2), k3 = exp_k<f32>(3), k4 = exp_k<f32>(4);
  const k5 = exp_k<f32>(5), k6 = exp_k<f32>(6), k7 = exp_k<f32>(7), k8 = exp_k<f32>(8), k9 = exp_k<f32>(9);
  // main loop: 8 floats per step (2 independent vectors; more only add spills)
  for (; p + 32 <= end; p += 32) {
    const v0 = exp_v128_k<f32>(v128.load(p), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k9, k9, k9, k9, k9, k9);
    const v1 = exp_v128_k<f32>(v128.load(p, 16), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k9, k9, k9, k9, k9, k9);
    v128.store(p + d, v0);
    v128.store(p + d, v1, 16);
  }
  // 4-wide loop
  for (; p + 16 <= end; p += 16) {
    v128.store(p + d, exp_v128_k<f32>(v128.load(p), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k9, k9, k9, k9, k9, k9));
  }
  // scalar tail (0–3 elements)
  for (; p < end; p += 4) store<f32>(p + d, exp_scalar<f32>(load<f32>(p)));
}

/** out[i] = exp(x[i]), i < n, f64 (x ≤ 0). `out` may alias `x`. */
export function exp_f64(x: usize, out: usize, n: i32): void {
  const end = x + (<usize>n << 3);
  const d = out - x;
  let p = x;
  // main loop: 8 doubles per step
  for (; p + 64 <= end; p += 64) {
    const v0 = exp_f64x2(v128.load(p));
    const v1 = exp_f64x2(v128.load(p, 16));
    const v2 = exp_f64x2(v128.load(p, 32));
    const v3 = exp_f64x2(v128.load(p, 48));
    v128.store(p + d, v0);
    v128.store(p + d, v1, 16);
    v128.store(p + d, v2, 32);
    v128.store(p + d, v3, 48);
  }
  // 2-wide loop
  for (; p + 16 <= end; p += 16) v128.store(p + d, exp_f64x2(v128.load(p)));
  // scalar tail (0–1 element)
  if (p < end) store<f64>(p + d, exp_scalar<f64>(load<f64>(p)));
}
