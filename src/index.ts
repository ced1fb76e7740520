/**
 * softmax-wasm: exact and fast softmax, cross-entropy and softmax-classifier gradients, with a
 * WebAssembly SIMD core (loadWasm) and a plain-TypeScript float64 reference (reference).
 */
export type {
  CrossEntropyOptions, CrossEntropyResult, CrossEntropyResultFor, FloatArray, LinearScoresOptions, LinearSoftmaxOptions, LinearSoftmaxResult,
  LoadWasmOptions, Matrix, Reduction, SoftmaxKernels, WasmKernels, WasmMatrix,
  WasmBytes, WasmModuleLike, WasmResponseLike, WasmUrlLike,
} from './types.js';
export { SoftmaxInputError } from './errors.js';
export { matrix } from './matrix.js';
export { reference } from './reference/index.js';
export { loadWasm } from './wasm/load_wasm.js';
export { MAX_JACOBIAN_LENGTH } from './ops/backward.js';
export { trainSoftmaxClassifier } from './train/trainer.js';
export { loadSoftmaxClassifier, softmaxClassifier } from './train/model.js';
export type {
  ArrayOf, DTypeOf, EarlyStopping, EpochRecord, LabelledSet, LrSchedule, SavedSoftmaxClassifier, SoftmaxClassifier, TrainData, TrainOptions,
} from './train/types.js';
export { gradCheck, checkLinearSoftmaxGradients, checkCrossEntropyGradients, relError } from './train/gradcheck.js';
export type { GradCheckEntry, GradCheckOptions, GradCheckParam, GradCheckResult } from './train/gradcheck.js';
export { Rng } from './train/rng.js';
export type { FilterOptions, SampleOptions, SampleResult, SoftmaxOptions, TopKResult } from './types.js';
export { generationConfig } from './generation_config.js';
export type { ArgmaxOptions, NllLossOptions, NllLossResult, Tensor, TopKOptions } from './types.js';
export { tensor } from './tensor.js';
