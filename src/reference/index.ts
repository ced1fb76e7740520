import { createKernels } from '../api.js';
import type { SoftmaxKernels } from '../types.js';
import { referenceBackend } from './backend.js';

/**
 * The reference kernels: plain TypeScript, all math in float64, written for clarity. Same API and
 * validation as the WASM kernels; results are rounded once into the inputs' float type.
 */
export const reference: SoftmaxKernels = createKernels(referenceBackend);
