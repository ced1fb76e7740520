/**
 * The integer codes the public layer passes to both engines and the kernels read (the same numbers
 * as assembly/abi_codes.ts; tests/abi_codes.test.ts compares the two files).
 */

/** softmaxCrossEntropy's `reduction`: the mean over the denominator D. */
export const REDUCTION_MEAN = 0;
/** The sum. */
export const REDUCTION_SUM = 1;
/** Per-sample losses (the return value is their sum). */
export const REDUCTION_NONE = 2;
export type ReductionCode = 0 | 1 | 2;
