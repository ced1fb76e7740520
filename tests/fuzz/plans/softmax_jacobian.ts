/** The fuzz plan of softmaxJacobian: probability or arbitrary vectors, bad vectors and a length beyond MAX_JACOBIAN_LENGTH. */
import fc from 'fast-check';
import { MAX_JACOBIAN_LENGTH, reference } from '../../../src/index.js';
import { arr, ctorOf } from '../../support/index.js';
import { VECTOR_BADS, WASM_ONLY_BADS, badVector, type VectorBad } from '../bad_args.js';
import type { FuzzContext } from '../context.js';
import { badArb, callStyleArb, dtArb, materialize, seedArb, valuesArb, type ArbValue } from '../generators.js';
import { checkMatrixResult, engines, execute, invoke, kernels, type CallInfo } from '../oracle.js';
import { Builder, storageArb } from '../storage.js';

const JACOBIAN_BADS = [...VECTOR_BADS.filter((k) => k !== 'other' && k !== 'short' && k !== 'long'), 'tooLong', 'undefined'];
export const jacobianArb = fc.record({
  dt: dtArb, n: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 13, max: 90 }) }),
  y: fc.oneof(valuesArb(['probs'], [1, 5]), valuesArb(['gauss', 'unit'], [1, 1e20, 1e38])),
  ys: storageArb, seed: seedArb, style: callStyleArb, bad: badArb(JACOBIAN_BADS, 4),
});
export type JacobianPlan = ArbValue<typeof jacobianArb>;

export function runJacobian(ctx: FuzzContext, p: JacobianPlan): void {
  const { dt, n, bad } = p;
  const yv = materialize(dt, 1, n, p.y);
  const want = reference.softmaxJacobian(arr(dt, yv));
  for (const engine of engines(bad, WASM_ONLY_BADS)) {
    const b = new Builder(ctx, dt, p.seed);
    try {
      const hy = b.float(yv, p.ys);
      let y: unknown = hy.get();
      if (bad === 'tooLong') y = new (ctorOf(dt))(MAX_JACOBIAN_LENGTH + 1);
      else if (bad === 'undefined') y = undefined;
      else if (bad) y = badVector(bad as VectorBad, n, dt);
      if (!bad) b.track('y', 'in', () => hy.get());
      const c: CallInfo = { fn: 'softmaxJacobian', engine, dt, bad, strict: true };
      execute(ctx, c, b, () => invoke(kernels(ctx, engine), 'softmaxJacobian', [y], p.style), bad !== null, (res) => {
        checkMatrixResult(ctx, c, 'J', res, want);
      });
    } finally { b.dispose(); }
  }
}
