/**
 * The fuzz properties of softmax-wasm, shared by tests/fuzz.test.ts (fixed seed, bounded runs, part
 * of `npm test`) and scripts/numerics/fuzz.ts (`npm run fuzz`: random seed, many runs).
 *
 * fast-check generates a *plan* (plain data: function, engine, float type, shapes, value recipes,
 * storage of every array, options, and at most one deliberately bad argument); `runPlan` builds the
 * arguments from it, calls the public function on BOTH engines (the float64 `reference` and one
 * long-lived WASM instance) and checks, for every call:
 *
 *  1. Outcome: a valid plan returns normally, a plan with a bad argument throws SoftmaxInputError
 *     (both engines; a few bads, e.g. a view of WASM memory outside any live alloc() block, are
 *     WASM-only). Any other exception (TypeError, RangeError, a WASM trap = RuntimeError) fails.
 *  2. Answer: the result equals the float64 reference computed on clean plain copies of the same
 *     (dtype-rounded) values: f32 within 2e-5 and f64 within 1e-10 of the largest magnitude of each
 *     output (magnitudes below the smallest normal number count as the smallest normal: subnormals
 *     carry fewer bits), NaN exactly where the reference has NaN, equal infinities; the scalar loss
 *     is compared relative to max(|loss|, the sum of the magnitudes of its terms) (see lossMagnitude
 *     in ./plans/cross_entropy.ts, linearScales in ./plans/linear_softmax_loss.ts).
 *     Results have the input's float type and shape; a given `out` is returned and filled.
 *  3. Nothing else changes: every input array (bytes of the view), the guard bytes around every view
 *     we created with a non-zero byteOffset, every live alloc() matrix not passed to the call, and —
 *     when the call throws — every output too. After a thrown error the WASM instance still answers a
 *     normal call correctly.
 *  4. No hang: every call is timed; a call slower than `hangMs` fails (scripts/numerics/fuzz.ts runs the fuzz
 *     in a worker and reports a call that never returns, with the seed, from a watchdog thread).
 *
 * Strictness: where an f32 kernel computes in f32 by design (the GEMMs of linearSoftmaxLoss, the dot
 * product of softmaxBackward), inputs whose float64 intermediates exceed the f32 range or are badly
 * conditioned (large terms cancelling to a small result) cannot be held to the f32 tolerance; such
 * outputs are compared non-strictly (checks 1, 3 and 4 only), counted per reason and printed.
 * softmax, logSoftmax and softmaxJacobian are always strict; softmaxCrossEntropy too, except with an
 * infinite class weight or target (T·p is then ±∞ or NaN depending on whether p underflowed).
 * Gradients and per-sample losses, which cancel, are compared relative to their largest term too
 * (checkArray's floor, ./oracle.ts).
 *
 * Bugs found and not fixed yet are listed in KNOWN_BUGS (./known_bugs.ts): the fuzz steers around
 * them so that it keeps finding others, and each has a minimal failing test. FUZZ_STRICT=1 turns the
 * steering off.
 *
 * Layout: ./generators.ts (value recipes, shapes), ./storage.ts (where arrays live, the Builder),
 * ./bad_args.ts (bad-argument builders), ./oracle.ts (one call checked against the reference),
 * ./context.ts (instances, statistics), and one plan per public function in ./plans/. This file
 * joins the plans into one property; the weights and order below fix the random sequence of a seed.
 */
import fc from 'fast-check';
import type { FuzzContext } from './context.js';
import { allocArb, runAlloc, type AllocPlan } from './plans/alloc.js';
import { ceArb, runCrossEntropy, type CEPlan } from './plans/cross_entropy.js';
import { linearArb, runLinear, type LinearPlan } from './plans/linear_softmax_loss.js';
import { matrixArb, runMatrix, type MatrixPlan } from './plans/matrix.js';
import { rowwiseArb, runRowwise, type RowwisePlan } from './plans/softmax.js';
import { backwardArb, runBackward, type BackwardPlan } from './plans/softmax_backward.js';
import { jacobianArb, runJacobian, type JacobianPlan } from './plans/softmax_jacobian.js';

export { createContext, disposeContext, formatStats, type FuzzContext } from './context.js';

export type Plan =
  | ({ kind: 'rowwise' } & RowwisePlan)
  | ({ kind: 'backward' } & BackwardPlan)
  | ({ kind: 'jacobian' } & JacobianPlan)
  | ({ kind: 'crossEntropy' } & CEPlan)
  | ({ kind: 'linear' } & LinearPlan)
  | ({ kind: 'matrix' } & MatrixPlan)
  | ({ kind: 'alloc' } & AllocPlan);

const tagged = <K extends string, T>(kind: K, a: fc.Arbitrary<T>) => a.map((v) => ({ kind, ...v }) as { kind: K } & T);

/** Every public function, weighted towards the ones with the most options. */
export const planArb: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 4, arbitrary: tagged('rowwise', rowwiseArb) },
  { weight: 3, arbitrary: tagged('backward', backwardArb) },
  { weight: 2, arbitrary: tagged('jacobian', jacobianArb) },
  { weight: 6, arbitrary: tagged('crossEntropy', ceArb) },
  { weight: 5, arbitrary: tagged('linear', linearArb) },
  { weight: 1, arbitrary: tagged('matrix', matrixArb) },
  { weight: 1, arbitrary: tagged('alloc', allocArb) },
) as fc.Arbitrary<Plan>;

/** Runs one plan on both engines; throws FuzzViolation (or an assertion error) on any failure. */
export function runPlan(ctx: FuzzContext, plan: Plan): void {
  ctx.stats.plans++;
  switch (plan.kind) {
    case 'rowwise': return runRowwise(ctx, plan);
    case 'backward': return runBackward(ctx, plan);
    case 'jacobian': return runJacobian(ctx, plan);
    case 'crossEntropy': return runCrossEntropy(ctx, plan);
    case 'linear': return runLinear(ctx, plan);
    case 'matrix': return runMatrix(ctx, plan);
    case 'alloc': return runAlloc(ctx, plan);
  }
}

/** The fast-check property over planArb. */
export function fuzzProperty(ctx: FuzzContext): fc.IProperty<[Plan]> {
  return fc.property(planArb, (plan) => { runPlan(ctx, plan); });
}
