/**
 * Registry entry of sample (temperature → top-k → top-p → min-p, Hugging Face's order): kernel
 * assembly/logits/sample.ts (+ prefilter.ts), reference src/reference/logits.ts.
 */
import { newArray, newInt32 } from '../alloc.js';
import { sample as refSample, type SampleArgs } from '../reference/logits.js';
import { Rng } from '../train/rng.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkBoolean, checkTemperature, describe, dtypeOf, fail } from '../validate.js';
import { defineOp } from './op.js';

/** Options of {@link SoftmaxKernels.sample}. Filters apply in Hugging Face transformers' order: temperature → top-k → top-p → min-p. */
export interface SampleOptions<A extends FloatArray = FloatArray> {
  /** ≥ 0 (finite). 0 = greedy (argmax, first index on ties). Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (integer ≥ 1; k ≥ C keeps all). Ties: lower index first. */
  topK?: number;
  /** In (0, 1]: keep the smallest set of most likely tokens whose mass ≥ topP (of the top-k set). 1 = off. */
  topP?: number;
  /** In [0, 1]: keep tokens with p ≥ minP · p_max. 0 = off. */
  minP?: number;
  /** Integer seed: a fresh Rng(seed) gives one uniform per row. */
  seed?: number;
  /** The library's Rng: one uniform per row is drawn from it (it advances). */
  rng?: Rng;
  /** One uniform in [0, 1) per row, given by the caller (Float32Array or Float64Array). */
  uniforms?: A | Float64Array;
  /** Also return logProbs and filteredLogProbs. Default false. */
  logProbs?: boolean;
}

/** Result of {@link SoftmaxKernels.sample}. */
export interface SampleResult<A extends FloatArray = FloatArray> {
  /** The sampled token per row; −1 for a row with no finite maximum (all −∞, a NaN or +∞). */
  indices: Int32Array;
  /** log p of the token under softmax(logits / T) (0 at T = 0). With `logProbs: true`. */
  logProbs?: A;
  /** log p of the token under the filtered, renormalized distribution it was drawn from. */
  filteredLogProbs?: A;
}

export interface SampleMethods {
  /**
   * One token per row from softmax(logits / T) filtered by top-k → top-p → min-p (Hugging Face's
   * order), exactly and reproducibly: the same seed / uniforms give the same tokens on every engine,
   * build and instance. Randomness: `seed`, `rng` or `uniforms` (one of them; with none, the kernels object's own Rng, seeded 0 when the object was made: no state is shared between instances).
   * @example
   * reference.sample(matrix(new Float32Array([0, 5, 1]), 1, 3), { topK: 1, seed: 1 }).indices // Int32Array [1]
   */
  sample<A extends FloatArray>(logits: Matrix<A>, options: SampleOptions<A> & { logProbs: true }): SampleResult<A> & { logProbs: A; filteredLogProbs: A };
  sample<A extends FloatArray>(logits: Matrix<A>, options?: SampleOptions<A>): SampleResult<A>;
}

export type { SampleArgs };

const SAMPLE_OPTIONS = ['temperature', 'topK', 'topP', 'minP', 'seed', 'rng', 'uniforms', 'logProbs'] as const;
const next = Rng.prototype.next; // the library's own draw, whatever a subclass overrides
const ptr = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);

export const sample = defineOp({
  name: 'sample',
  summary: 'One token per row from softmax(logits / T) filtered by top-k, top-p, min-p; seeded and reproducible.',
  signature: 'sample(logits, { temperature?, topK?, topP?, minP?, seed?, rng?, uniforms?, logProbs? })',
  api(ctx, s, logits: unknown, options: unknown): SampleResult {
    const fn = 'sample';
    // Read order: logits; options (own keys, then each option in SAMPLE_OPTIONS order).
    const sl = s.matrix('logits', logits);
    const dt = dtypeOf(sl.data)!;
    const n = sl.rows;
    const opt = s.options('options', options, SAMPLE_OPTIONS);
    const temperature = checkTemperature(fn, opt.temperature, dt, true);
    let topK = 0;
    if (opt.topK !== undefined) {
      const v = opt.topK;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(fn, 'options.topK', `must be an integer ≥ 1 (values ≥ C keep every token), got ${describe(v)}`);
      topK = Math.min(v, 2 ** 31 - 1);
    }
    let topP = 1;
    if (opt.topP !== undefined) {
      const v = opt.topP;
      if (typeof v !== 'number' || !(v > 0 && v <= 1)) fail(fn, 'options.topP', `must be a number in (0, 1], got ${describe(v)}`);
      topP = v;
    }
    let logMinP = -Infinity;
    if (opt.minP !== undefined) {
      const v = opt.minP;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(fn, 'options.minP', `must be a number in [0, 1], got ${describe(v)}`);
      logMinP = v === 0 ? -Infinity : Math.log(v);
    }
    const wantLogProbs = checkBoolean(fn, 'options.logProbs', opt.logProbs, false);
    const given = (['seed', 'rng', 'uniforms'] as const).filter((key) => opt[key] !== undefined);
    if (given.length > 1) fail(fn, `options.${given[1]}`, `was given together with options.${given[0]}; pass one source of randomness`);
    const u = opt.uniforms === undefined ? null : s.array('options.uniforms', opt.uniforms, { length: n });
    let rng: Rng = ctx.rng;
    if (opt.seed !== undefined) {
      const v = opt.seed;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(fn, 'options.seed', `must be an integer (a safe integer; its low 32 bits seed the generator), got ${describe(v)}`);
      rng = new Rng(v);
    } else if (opt.rng !== undefined) {
      // A brand check, not instanceof: instanceof runs a Proxy's getPrototypeOf trap (and throws on a
      // revoked one), and a Proxy that passed would run its traps when next() reads the state after seal().
      if (!Rng.isRng(opt.rng)) fail(fn, 'options.rng', `must be the library's Rng (import { Rng } from 'softmax-wasm'; new Rng(seed)), not a Proxy or a look-alike; got ${describe(opt.rng)}`);
      rng = opt.rng;
    }
    s.seal();
    // uniforms: one per row in [0, 1), read into a Float64Array before anything is drawn or computed
    const uniforms = new Float64Array(n);
    if (u) {
      for (let i = 0; i < n; i++) {
        const v = u.data[i];
        if (!(v >= 0 && v < 1)) fail(fn, `options.uniforms[${i}]`, `= ${describe(v)} is outside [0, 1)`);
        uniforms[i] = v;
      }
    } else if (temperature > 0) {
      for (let i = 0; i < n; i++) uniforms[i] = next.call(rng);
    }
    const indices = newInt32(fn, n);
    const logProbs = wantLogProbs ? newArray(fn, dt, n) : null;
    const filteredLogProbs = wantLogProbs ? newArray(fn, dt, n) : null;
    if (n > 0) ctx.run({ logits: sl, temperature, topK, topP, logMinP, uniforms, indices, logProbs, filteredLogProbs });
    const result: SampleResult = { indices };
    if (logProbs) result.logProbs = logProbs;
    if (filteredLogProbs) result.filteredLogProbs = filteredLogProbs;
    return result;
  },
  reference: (a: SampleArgs) => refSample(a),
  wasm(w, a) {
    const x = a.logits;
    const call = w.call();
    const sx = call.in(x.data), su = call.in(a.uniforms), so = call.out(a.indices);
    const slp = call.opt(a.logProbs, false), sflp = call.opt(a.filteredLogProbs, false);
    const work = call.workspace(w.kernel('sample_scratch_bytes', x.data)(x.cols));
    const k = w.kernel('sample', x.data);
    call.run(() => k(sx.ptr, x.rows, x.cols, a.temperature, a.topK, a.topP, a.logMinP, su.ptr, so.ptr,
      ptr(slp), ptr(sflp), work.ptr, 0));
  },
  kernels: { sample: { by: 'caller', why: 'its workspace is one per call' } },
  bench: {
    inputs: (s) => ({ x: [s.rows, s.cols] }), outputs: () => ({}),
    call: (k: SampleMethods, a, _out, s) => {
      const o: SampleOptions = {};
      if (s.options.temperature !== undefined) o.temperature = s.options.temperature;
      if (s.options.topP !== undefined) o.topP = s.options.topP;
      if (s.options.seed !== undefined) o.seed = s.options.seed;
      return k.sample(a.x, Object.keys(o).length ? o : undefined);
    },
    sink: (r) => r.indices[0], result: (r) => ({ out: r.indices }),
    standard: [{ rows: 1, cols: 32000, options: { temperature: 0.8, topP: 0.9, seed: 7 }, note: 'LLM-vocabulary logits' }],
    tiny: [{ rows: 3, cols: 37, options: { temperature: 0.8, topP: 0.9, seed: 7 } }],
  },
  digest: {
    rows: (k: SampleMethods, { r, c, x }) => [[`sample ${r}x${c}`, () => k.sample(x, { seed: 7, topK: 40, topP: 0.9, minP: 0.01, logProbs: true })]],
  },
});

/** This family's entries, in registry order. */
export const SAMPLE_OPS = [sample] as const;
