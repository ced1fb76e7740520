/**
 * Test support, one home for what the suites share: float types and constructors (./dtype.ts), the
 * tolerances of the spec (./tolerance.ts), error measures (./error.ts), seeded data (./random.ts),
 * float64 matrix products (./linalg.ts), the chi-square test (./chi_square.ts), buffers in hostile states (./buffers.ts) and the raw-kernel
 * arena (./arena.ts). None of them imports vitest: fixtures and the fuzz runner run outside it. The
 * vitest-bound helpers (engine hooks, expectClose, expectInputError) are in ./vitest.ts. See
 * tests/README.md.
 */
export * from './dtype.js';
export * from './tolerance.js';
export * from './error.js';
export * from './random.js';
export * from './buffers.js';
export * from './arena.js';
export * from './linalg.js';
export * from './chi_square.js';
