/**
 * The reference Backend: plain TypeScript, all math in float64, one file per kernel family as in
 * assembly/. Each op's reference function is named by its registry entry (src/ops/); arguments
 * arrive validated and normalized, every output exists.
 */
import { backendOf } from '../ops/index.js';

export const referenceBackend = backendOf((op, args) => op.reference(args));
