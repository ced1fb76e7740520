// Multiply-add for the two builds from the same sources (see asconfig.json):
//   release (build/softmax.wasm):          a·b + c as a separate mul and add (baseline SIMD).
//   relaxed (build/softmax.relaxed.wasm):  relaxed_madd, which the engine may run fused (one
//                                          rounding, x86 FMA / Arm FMLA) or unfused (= baseline).
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant of asc (true with --enable relaxed-simd): the
// branch not taken is not compiled, so the baseline module contains no relaxed-SIMD opcode.
// Every caller must stay correct under BOTH semantics (the engine chooses, not us).

/** a·b + c per lane (fused or not in the relaxed build). */
// @ts-ignore: decorator
@inline export function vmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** c − a·b per lane (fused or not in the relaxed build). */
// @ts-ignore: decorator
@inline export function vnmadd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_nmadd<T>(a, b, c);
  return v128.sub<T>(c, v128.mul<T>(a, b));
}

/** acc + a·b per lane: vmadd with the accumulator first (the baseline build emits add(acc, mul)). */
// @ts-ignore: decorator
@inline export function vacc<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}
