// Integer codes of the raw ABI, the same numbers as the TypeScript side's (REDUCTION_* in
// src/backend.ts, SIMD_BUILD_*, LONG_ROW_BLOCK and LINEAR_* in src/wasm/abi.ts); tests/abi_codes.test.ts
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

// ---- linear classifier (assembly/linear_softmax/; src/wasm/threaded_linear.ts reads them) ----

/** Largest C that takes the small-C algorithm (linear_softmax/small_c.ts); larger C: large_c.ts. */
// @ts-ignore: decorator
@inline export const LINEAR_SMALL_C: i32 = 64;
/** Rows per block of the small-C algorithm (a multiple of 4: its 4-row dot and dX tiles). */
// @ts-ignore: decorator
@inline export const LINEAR_BLOCK_ROWS: i32 = 24;
/**
 * Most chunks of rows a small-C call is cut into (each chunk keeps its own dWᵀ partial, added in
 * chunk order): chunks are whole numbers of blocks, at least 2 blocks, so N rows make at most this many.
 */
// @ts-ignore: decorator
@inline export const LINEAR_MAX_CHUNKS: i32 = 16;
