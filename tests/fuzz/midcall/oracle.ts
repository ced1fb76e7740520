/**
 * The mid-call fuzz's oracle for a call that returned: the float64 reference on clean copies of the
 * input values as they were after the last getter ran (indices exactly, values within the tolerance
 * of tests/support relative to max(largest |want|, 1)); for sample the same engine on clean copies
 * with the same randomness (see the top of ../midcall.ts).
 */
import { reference, type FloatArray, type Matrix, type SoftmaxKernels } from '../../../src/index.js';
import { Rng, TOL, errorVsLargest } from '../../support/index.js';
import { fail, type Action, type Arr, type MidcallContext, type Plan } from './plan.js';

export interface Returned {
  plan: Plan;
  /** topK's k for this plan. */
  k: number;
  /** softmax / logSoftmax called with { temperature }. */
  tempered: boolean;
  args: Record<string, Arr>;
  /** The input values as the engine had to see them. */
  values: Map<Arr, Float64Array>;
  result: unknown;
  fired: Action[];
  /** The caller's Rng given to sample(), to check it advanced as a clean call's did. */
  rngGiven: Rng | null;
}

export function checkReturned(ctx: MidcallContext, { plan, k, tempered, args, values, result, fired, rngGiven }: Returned): void {
  const { fn, dt, rows: n, cols: c, inner: d } = plan;
  const lg = plan.logits;
  const C = dt === 'f32' ? Float32Array : Float64Array;
  const val = (a: Arr | undefined): FloatArray | null => (a ? new C(values.get(a)!) : null);
  const M = (a: Arr, rr: number, cc: number): Matrix<FloatArray> => ({ data: val(a)!, rows: rr, cols: cc });
  // error relative to max(largest |want|, 1): the inputs are O(1), and gradients that cancel to ~0
  // keep the absolute error of their O(1) terms
  const cmp = (what: string, got: ArrayLike<number>, want: ArrayLike<number>): void => {
    const { err, at } = errorVsLargest(got, want, 1);
    if (!(err <= TOL[dt])) fail(`${fn} (${plan.engine} ${dt}) ${what}[${at}] = ${got[at]}, reference ${want[at]} (error ${err}; fired ${fired}, alias ${JSON.stringify(plan.alias)})`);
  };
  const exact = (what: string, got: ArrayLike<number>, want: ArrayLike<number>): void => {
    if (got.length !== want.length) fail(`${fn} (${plan.engine} ${dt}) ${what} has length ${got.length}, want ${want.length}`);
    for (let i = 0; i < want.length; i++) {
      if (got[i] !== want[i]) fail(`${fn} (${plan.engine} ${dt}) ${what}[${i}] = ${got[i]}, oracle ${want[i]} (fired ${fired}, alias ${JSON.stringify(plan.alias)})`);
    }
  };
  if ((fn === 'softmax' || fn === 'logSoftmax') && tempered) {
    cmp('out', args.out.view(), reference[fn](M(args.x, n, c), undefined, { temperature: lg.temperature }).data);
  } else if (fn === 'softmax' || fn === 'logSoftmax') {
    cmp('out', args.out.view(), reference[fn](M(args.x, n, c)).data);
  } else if (fn === 'linearScores') {
    const want = reference.linearScores(M(args.X, n, d), M(args.W, d, c), { bias: val(args.bias) ?? undefined });
    const got = args.out ? args.out.view() : (result as Matrix<FloatArray>).data;
    cmp('scores', got, want.data);
  } else if (fn === 'logSumExp') {
    cmp('out', args.out ? args.out.view() : result as FloatArray, reference.logSumExp(M(args.x, n, c)));
  } else if (fn === 'argmax') {
    exact('out', args.out ? args.out.view() : result as Int32Array, reference.argmax(M(args.x, n, c)));
  } else if (fn === 'topK') {
    const got = result as { values: Matrix<FloatArray>; indices: Matrix<Int32Array> }, want = reference.topK(M(args.x, n, c), k);
    exact('indices', got.indices.data, want.indices.data);
    cmp('values', got.values.data, want.values.data);
  } else if (fn === 'sample') {
    // Oracle: the same engine (a WASM instance no action touched, or the reference) on clean copies of the
    // values after the last getter, with the same options and the same randomness, must give the same
    // indices exactly: a comparison with the f64 reference could differ at a rounding tie of the running
    // sum. With the instance's own generator (no seed/rng/uniforms) the draws cannot be replayed: then each
    // index must be a valid token and its log-probability the reference's log softmax(x / T) at it.
    const got = result as { indices: Int32Array; logProbs?: FloatArray };
    const opts = { temperature: lg.sampleT, topK: lg.topK, topP: lg.topP, minP: lg.minP, logProbs: lg.logProbs || undefined };
    if (lg.source === 'none') {
      const lp = reference.logSoftmax(M(args.x, n, c), undefined, lg.sampleT ? { temperature: lg.sampleT } : undefined).data;
      for (let i = 0; i < n; i++) {
        const t = got.indices[i];
        if (!(Number.isInteger(t) && t >= 0 && t < c)) fail(`sample (${plan.engine} ${dt}) indices[${i}] = ${t} is not a token of ${c}`);
        if (got.logProbs) cmp(`logProbs[${i}]`, [got.logProbs[i]], [lg.sampleT === 0 ? 0 : lp[i * c + t]]);
      }
    } else {
      const oracleK: SoftmaxKernels = plan.engine === 'wasm' ? ctx.fresh : reference;
      const src = lg.source === 'seed' ? { seed: plan.seed } : lg.source === 'rng' ? { rng: new Rng(plan.seed) }
        : { uniforms: val(args.uniforms)! };
      const want = oracleK.sample(M(args.x, n, c), { ...opts, ...src } as never) as { indices: Int32Array; logProbs?: FloatArray };
      exact('indices', got.indices, want.indices);
      if (want.logProbs) exact('logProbs', got.logProbs!, want.logProbs);
      // the caller's generator advanced exactly as the clean one did
      if (rngGiven && rngGiven.next() !== (src as { rng: Rng }).rng.next()) fail(`sample (${plan.engine}) advanced the caller's rng differently from a clean call`);
    }
  } else if (fn === 'logSoftmaxBackward') {
    const got = args.out ? args.out.view() : (result as Matrix<FloatArray>).data;
    cmp('out', got, reference.logSoftmaxBackward(M(args.y, n, c), M(args.dy, n, c)).data);
  } else if (fn === 'softmaxBackward') {
    cmp('out', args.out.view(), reference.softmaxBackward(M(args.y, n, c), M(args.dy, n, c)).data);
  } else if (fn === 'softmaxCrossEntropy') {
    const labels = plan.targets ? M(args.labels, n, c) : Int32Array.from(values.get(args.labels)!);
    const want = reference.softmaxCrossEntropy(M(args.logits, n, c), labels as Int32Array, {
      reduction: plan.opts.reduction as 'mean', weights: val(args.weights) ?? undefined, labelSmoothing: plan.opts.smoothing ? 0.1 : undefined,
    });
    const got = result as { loss: number };
    cmp('loss', [got.loss], [want.loss]);
    cmp('grad', args.gradOut.view(), want.grad!.data);
  } else {
    const want = reference.linearSoftmaxLoss(M(args.X, n, d), Int32Array.from(values.get(args.labels)!), M(args.W, d, c), {
      bias: val(args.bias) ?? undefined, reg: plan.opts.reg ? 0.01 : undefined, inputGrad: !!args.dX,
    });
    const got = result as { loss: number };
    cmp('loss', [got.loss], [want.loss]);
    cmp('dW', args.dW.view(), want.dW.data);
    cmp('db', args.db.view(), want.db);
    if (args.dX) cmp('dX', args.dX.view(), want.dX!.data);
  }
}
