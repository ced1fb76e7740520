/**
 * The internal interface between the validating API layer (src/api.ts) and the two engines
 * (src/reference, src/wasm): the Backend type is derived from the op registry (src/ops/index.ts),
 * one method per op taking that op's normalized arguments; the argument types live with each op's
 * reference function. Re-exported here under the names the engines and tests use.
 */
export type { Backend, OpName, ArgsOf } from './ops/index.js';
export type { CrossEntropyArgs } from './reference/cross_entropy.js';
export type { LinearSoftmaxArgs } from './reference/linear_softmax.js';
export type { SampleArgs } from './reference/logits.js';
export type { EngineMemory, MemoryHost } from './snapshot_seal.js';
export { REDUCTION_MEAN, REDUCTION_NONE, REDUCTION_SUM, type ReductionCode } from './codes.js';
