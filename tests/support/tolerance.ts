/**
 * The accuracy contract of DESIGN.md: an f32 result within 2e-5 and an f64 result within 1e-10 of the
 * float64 reference, relative to the largest magnitude of the output (see relErr in ./error.ts).
 * tests/conformance/suite.mjs keeps its own copy of the figures: it is plain JavaScript run by
 * every runtime of the matrix and imports nothing.
 */
import type { DT } from './dtype.js';

export const TOL: Record<DT, number> = { f32: 2e-5, f64: 1e-10 };
