// Integer codes of the raw ABI, the same numbers as the TypeScript side's (REDUCTION_* in
// src/backend.ts, SIMD_BUILD_* and LONG_ROW_BLOCK in src/wasm/abi.ts); tests/abi_codes.test.ts
// reads this file and fails when the two differ.

/** cross_entropy_*: `reduction` — the mean over the denominator D. */
// @ts-ignore: decorator
@inline export const REDUCTION_MEAN: i32 = 0;
/** cross_entropy_*: `reduction` — the sum. */
// @ts-ignore: decorator
@inline export const REDUCTION_SUM: i32 = 1;
/** cross_entropy_*: `reduction` — per-sample losses (the return value is their sum). */
// @ts-ignore: decorator
@inline export const REDUCTION_NONE: i32 = 2;

/** simd_build(): the baseline SIMD build (softmax.wasm, softmax.threads.wasm). */
// @ts-ignore: decorator
@inline export const SIMD_BUILD_BASELINE: i32 = 0;
/** simd_build(): the relaxed SIMD build (softmax.relaxed.wasm, softmax.relaxed.threads.wasm). */
// @ts-ignore: decorator
@inline export const SIMD_BUILD_RELAXED: i32 = 1;

/**
 * Elements per block of one long row split across threads (assembly/long_row.ts, src/wasm/threaded.ts):
 * a multiple of the 2 KiB / 4 KiB sum blocks of row.ts for both float types.
 */
// @ts-ignore: decorator
@inline export const LONG_ROW_BLOCK: i32 = 8192;
