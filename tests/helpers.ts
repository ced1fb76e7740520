/**
 * Moved to tests/support/ (import from './support/index.js'). This re-export stays only until the
 * branches that still import tests/helpers.ts (raw kernel and threads suites) are merged.
 */
export * from './support/index.js';
