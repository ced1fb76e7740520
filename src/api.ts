/**
 * The public, validating layer: turns a Backend (reference or WASM) into SoftmaxKernels, one method
 * per entry of the op registry (src/ops/). Each call gets its own CallSnapshot (src/snapshot.ts),
 * through which the entry's public body reads and checks every argument, once, before the backend
 * computes or allocates anything; missing outputs are allocated as plain typed arrays of the inputs'
 * float type.
 */
import { ENTRIES, type Backend } from './ops/index.js';
import { CallSnapshot } from './snapshot.js';
import { Rng } from './train/rng.js';
import type { SoftmaxKernels } from './types.js';

/**
 * Wraps a backend with validation. `guard` runs first on every call (when the CallSnapshot is
 * made) and again at seal() (the WASM kernels use it to refuse calls after dispose(), also a
 * dispose() from a getter). Each call reads its arguments through one CallSnapshot: every property
 * once, in the order its entry documents, then seal() re-checks and stages, and only then does the
 * backend run; no user code runs from seal() until the call returns. Each kernels object has its
 * own generator for sample() calls that give no seed, rng or uniforms (seeded 0 when the object is
 * made), so there is no state shared between instances.
 */
export function createKernels(backend: Backend, guard: (fn: string) => void = () => {}): SoftmaxKernels {
  const rng = new Rng(0);
  const kernels: Record<string, (...args: never[]) => unknown> = {};
  for (const op of ENTRIES) {
    const ctx = { rng, run: (args: unknown): number => (backend as unknown as Record<string, (a: unknown) => number>)[op.name](args) };
    kernels[op.name] = (...args: never[]) => op.api(ctx, new CallSnapshot(op.name, backend, guard, args), ...args);
  }
  return kernels as unknown as SoftmaxKernels;
}
