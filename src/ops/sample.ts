/**
 * Registry entries of the decoding sampler (docs/decoding.md): sample (processors → temperature →
 * top-nσ → top-k → top-p → min-p → typical-p, then n draws per row) and filter (the distribution
 * sample draws from). Kernel assembly/logits/sample.ts (+ prefilter.ts, processors.ts), reference
 * src/reference/logits.ts and sampler.ts; the new options are read by src/api_sampler.ts.
 */
import { newArray, newInt32, newMatrix } from '../alloc.js';
import { FILTER_EXT_OPTIONS, intOption, readExt } from '../api_sampler.js';
import { sample as refSample, type SampleArgs } from '../reference/logits.js';
import { sampleEx } from '../reference/sampler.js';
import { Rng } from '../train/rng.js';
import type { FloatArray, Matrix } from '../types_core.js';
import { checkBoolean, checkTemperature, describe, dtypeOf, fail, type DType } from '../validate.js';
import { defineOp, type WasmContext } from './op.js';

/**
 * The processors and warpers of {@link SoftmaxKernels.sample} and {@link SoftmaxKernels.filter}, applied in this order
 * (docs/decoding.md): logit bias → repetition penalty → presence / frequency penalties → allowed mask →
 * temperature → top-nσ → top-k → top-p → min-p → typical-p.
 */
export interface FilterOptions {
  /** ≥ 0 (finite). 0 = greedy (argmax of the processed logits, first index on ties). Default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (integer ≥ 1; k ≥ C keeps all). Ties: lower index first. */
  topK?: number;
  /** In (0, 1]: keep the smallest set of most likely tokens whose mass ≥ topP (of the top-k set). 1 = off. */
  topP?: number;
  /** In [0, 1]: keep tokens with p ≥ minP · p_max. 0 = off. */
  minP?: number;
  /**
   * The tokens so far (each in [0, C)): one Int32Array for every row, or one per row. The
   * penalties count them (Hugging Face counts the prompt too: pass it to match; OpenAI / vLLM count
   * only the generated tokens for presence / frequency).
   */
  history?: Int32Array | readonly Int32Array[];
  /** Integer ≥ 0: only the last n tokens of each history count (llama.cpp's penalty_last_n). Default: all. */
  penaltyWindow?: number;
  /** > 0 (finite); 1 = off. Hugging Face: over the distinct tokens seen, a logit < 0 is multiplied by it, else divided. */
  repetitionPenalty?: number;
  /** Finite; OpenAI: logit − (count > 0)·presencePenalty. 0 = off. */
  presencePenalty?: number;
  /** Finite; OpenAI: logit − count·frequencyPenalty. 0 = off. */
  frequencyPenalty?: number;
  /**
   * Additive biases by token id (OpenAI's logit_bias; finite or −∞ to ban): a Map, or distinct
   * `indices` with `values` of the same length. Applied first, to every row.
   */
  logitBias?: ReadonlyMap<number, number> | { indices: Int32Array; values: Float32Array | Float64Array };
  /** Grammar mask, token t allowed ⇔ bit t & 31 of word t >> 5: ceil(C/32) words for every row, or rows·ceil(C/32) (one mask per row). A row with nothing allowed gives −1. */
  allowed?: Uint32Array;
  /** In (0, 1]: typical sampling (Hugging Face TypicalLogitsWarper). 1 = off. */
  typicalP?: number;
  /** > 0: top-nσ (llama.cpp): keep logits ≥ max − n·σ (σ over the processed logits that are not −∞). */
  topNSigma?: number;
}

/** Options of {@link SoftmaxKernels.sample}: the filters of {@link FilterOptions}, the randomness, and what to return. */
export interface SampleOptions<A extends FloatArray = FloatArray> extends FilterOptions {
  /** Integer seed: a fresh Rng(seed) gives the uniforms (row by row, n per row). */
  seed?: number;
  /** The library's Rng: rows·n uniforms are drawn from it (it advances). */
  rng?: Rng;
  /** rows·n uniforms in [0, 1) given by the caller (row i's draws at i·n … i·n + n − 1). */
  uniforms?: A | Float64Array;
  /** Also return logProbs and filteredLogProbs. Default false. */
  logProbs?: boolean;
  /**
   * Integer in [1, C]: also return the N most likely tokens per row (by processed logit, lower index
   * first on ties) with their log-probabilities under softmax(processed logits / T), the
   * distribution `logProbs` reports (the processors applied, the truncating warpers not; T = 0:
   * 0 for the argmax, −∞ after). OpenAI's top_logprobs.
   */
  topLogProbs?: number;
  /** Integer ≥ 1: draws per row from one computation of the row; results hold rows·n entries. Default 1. */
  n?: number;
}

/** Result of {@link SoftmaxKernels.sample}; the optional fields are there exactly when their option asks (the type narrows). */
export type SampleResult<A extends FloatArray = FloatArray, O = SampleOptions<A>> = {
  /** The sampled tokens, rows·n (row-major); −1 for a row with no finite maximum (all −∞ or masked, a NaN or +∞). */
  indices: Int32Array;
} & (O extends { logProbs: true } ? {
  /** log p of each token under softmax(processed logits / T) (0 at T = 0). */
  logProbs: A;
  /** log p of each token under the filtered, renormalized distribution it was drawn from. */
  filteredLogProbs: A;
} : { logProbs?: A; filteredLogProbs?: A }) & (O extends { topLogProbs: number } ? {
  /** rows×N: the N most likely tokens per row (−1 for an invalid row). */
  topIndices: Matrix<Int32Array>;
  /** rows×N: their log-probabilities (NaN for an invalid row). */
  topLogProbs: Matrix<A>;
} : { topIndices?: Matrix<Int32Array>; topLogProbs?: Matrix<A> });

export interface SampleMethods {
  /**
   * Tokens per row (n per row, default 1) from softmax(processed logits / T) after the warpers, in
   * the order of docs/decoding.md (logit bias → repetition → presence / frequency → allowed mask →
   * temperature → top-nσ → top-k → top-p → min-p → typical-p), exactly and reproducibly: the same
   * seed / uniforms give the same tokens on every engine, build, instance and thread count.
   * Randomness: `seed`, `rng` or `uniforms` (one of them; with none, the kernels object's own Rng,
   * seeded 0 when the object was made: no state is shared between instances). The result's
   * optional fields are typed as present when their option asks for them.
   * @example
   * reference.sample(matrix(new Float32Array([0, 5, 1]), 1, 3), { topK: 1, seed: 1 }).indices // → Int32Array [1]
   */
  sample<A extends FloatArray, const O extends SampleOptions<A> = {}>(logits: Matrix<A>, options?: O): SampleResult<A, O>;

  /**
   * The logits `sample` draws from: every processor and warper applied (docs/decoding.md), the kept
   * tokens' processed logits times 1/T (T = 0: the argmax's processed logit alone), every removed
   * token −∞; so softmax(filter(x, o)) is the distribution of sample(x, o) and its finite entries
   * are exactly the tokens sample can return. A row without a finite max comes back processed but
   * not filtered. `out` may be `logits` itself (in place).
   * @param out optional rows×C of the same float type. @returns `out`, or a new matrix.
   * @example
   * reference.filter(matrix(new Float64Array([0, 2, 1]), 1, 3), { topK: 2 }).data // → Float64Array [-Infinity, 2, 1]
   */
  filter<A extends FloatArray>(logits: Matrix<A>, options?: FilterOptions, out?: Matrix<A>): Matrix<A>;
}

export type { SampleArgs };

const SAMPLE_OPTIONS = ['temperature', 'topK', 'topP', 'minP', 'seed', 'rng', 'uniforms', 'logProbs', ...FILTER_EXT_OPTIONS, 'topLogProbs', 'n'] as const;
const FILTER_OPTIONS = ['temperature', 'topK', 'topP', 'minP', ...FILTER_EXT_OPTIONS] as const;
const next = Rng.prototype.next; // the library's own draw, whatever a subclass overrides
const ptr = (slot: { ptr: number } | null): number => (slot ? slot.ptr : 0);

/** temperature, topK, topP, minP of sample / filter (minP as ln(minP), −∞ = off). */
function readFilters(fn: string, opt: Record<string, unknown>, dt: DType): { temperature: number; topK: number; topP: number; logMinP: number } {
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
  return { temperature, topK, topP, logMinP };
}

/** The reference of both entries: the original sampler, or the extended one when there is `ext`. */
const reference = (a: SampleArgs) => (a.ext ? sampleEx(a, a.ext) : refSample(a));

/** The WASM plan of both entries: sample_* (no ext: the original kernel, bit for bit) or sample_ex_set + sample_ex_*. */
function wasmSample(w: WasmContext, a: SampleArgs): void {
  const x = a.logits;
  const call = w.call();
  const sx = call.in(x.data), su = call.in(a.uniforms), so = call.out(a.indices);
  const slp = call.opt(a.logProbs, false), sflp = call.opt(a.filteredLogProbs, false);
  const e = a.ext;
  if (!e) {
    const work = call.workspace(w.kernel('sample_scratch_bytes', x.data)(x.cols));
    const k = w.kernel('sample', x.data);
    call.run(() => k(sx.ptr, x.rows, x.cols, a.temperature, a.topK, a.topP, a.logMinP, su.ptr, so.ptr,
      ptr(slp), ptr(sflp), work.ptr, 0));
    return;
  }
  const i32 = (u: Uint32Array | null) => (u ? new Int32Array(u.buffer, u.byteOffset, u.length) : null);
  const sh = call.opt(e.history), shr = call.opt(e.historyRange);
  const sbi = call.opt(e.biasIndices), sbv = call.opt(e.biasValues), sal = call.opt(i32(e.allowed));
  const sti = call.opt(e.topIndices, false), stl = call.opt(e.topLogProbs, false);
  const sf = e.filtered ? call.out(e.filtered.data) : null;
  const work = call.workspace(w.kernel('sample_ex_scratch_bytes', x.data)(x.cols));
  const set = w.raw('sample_ex_set'), k = w.kernel('sample_ex', x.data);
  call.run(() => {
    set(e.typicalP, e.topNSigma, ptr(sh), ptr(shr), e.repetitionPenalty, e.presencePenalty, e.frequencyPenalty,
      ptr(sbi), ptr(sbv), e.biasIndices ? e.biasIndices.length : 0, ptr(sal));
    k(sx.ptr, x.rows, x.cols, a.temperature, a.topK, a.topP, a.logMinP, e.n, su.ptr, so.ptr, ptr(slp), ptr(sflp),
      e.topN, ptr(sti), ptr(stl), ptr(sf), work.ptr, 0);
  });
}

const LLM = 'LLM-vocabulary logits';
const SAMPLING = { temperature: 0.8, topP: 0.9, seed: 7 };

export const sample = defineOp({
  name: 'sample',
  summary: 'Tokens per row from the processed, warped softmax (penalties, bias, mask, top-nσ, top-k, top-p, min-p, typical-p); seeded and reproducible.',
  signature: 'sample(logits, { temperature?, topK?, topP?, minP?, history?, penaltyWindow?, repetitionPenalty?, presencePenalty?, frequencyPenalty?, logitBias?, allowed?, typicalP?, topNSigma?, seed?, rng?, uniforms?, logProbs?, topLogProbs?, n? })',
  api(ctx, s, logits: unknown, options: unknown): SampleResult {
    const fn = 'sample';
    // Read order: logits; options (own keys, then each option in SAMPLE_OPTIONS order).
    const sl = s.matrix('logits', logits);
    const dt = dtypeOf(sl.data)!;
    const n = sl.rows;
    const opt = s.options('options', options, SAMPLE_OPTIONS);
    const { temperature, topK, topP, logMinP } = readFilters(fn, opt, dt);
    const ext = readExt(s, fn, opt, dt, n, sl.cols);
    const wantLogProbs = checkBoolean(fn, 'options.logProbs', opt.logProbs, false);
    const topN = intOption(fn, 'options.topLogProbs', opt.topLogProbs, 1, sl.cols, 0, `an integer in [1, ${sl.cols}] (1 ≤ N ≤ logits.cols)`);
    const nd = intOption(fn, 'options.n', opt.n, 1, 2 ** 24, 1, 'an integer in [1, 2^24] (draws per row)');
    const given = (['seed', 'rng', 'uniforms'] as const).filter((key) => opt[key] !== undefined);
    if (given.length > 1) fail(fn, `options.${given[1]}`, `was given together with options.${given[0]}; pass one source of randomness`);
    const u = opt.uniforms === undefined ? null : s.array('options.uniforms', opt.uniforms, { length: n * nd });
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
    // uniforms: n per row in [0, 1), read into a Float64Array before anything is drawn or computed
    const uniforms = new Float64Array(n * nd);
    if (u) {
      for (let i = 0; i < n * nd; i++) {
        const v = u.data[i];
        if (!(v >= 0 && v < 1)) fail(fn, `options.uniforms[${i}]`, `= ${describe(v)} is outside [0, 1)`);
        uniforms[i] = v;
      }
    } else if (temperature > 0) {
      for (let i = 0; i < n * nd; i++) uniforms[i] = next.call(rng);
    }
    const extArgs = ext.active || topN > 0 || nd > 1 ? ext.build(fn) : undefined; // checks history and bias before allocating
    const indices = newInt32(fn, n * nd);
    const logProbs = wantLogProbs ? newArray(fn, dt, n * nd) : null;
    const filteredLogProbs = wantLogProbs ? newArray(fn, dt, n * nd) : null;
    const topIndices: Matrix<Int32Array> | null = topN > 0 ? { data: newInt32(fn, n * topN), rows: n, cols: topN } : null;
    const topLogProbs: Matrix<FloatArray> | null = topN > 0 ? newMatrix(fn, dt, n, topN) : null;
    const args: SampleArgs = { logits: sl, temperature, topK, topP, logMinP, uniforms, indices, logProbs, filteredLogProbs };
    if (extArgs) args.ext = extArgs(nd, topN, topIndices?.data ?? null, topLogProbs?.data ?? null, null);
    if (n > 0) ctx.run(args);
    const result: SampleResult = { indices };
    if (logProbs) result.logProbs = logProbs;
    if (filteredLogProbs) result.filteredLogProbs = filteredLogProbs;
    if (topIndices) { result.topIndices = topIndices; result.topLogProbs = topLogProbs!; }
    return result;
  },
  reference,
  wasm: wasmSample,
  kernels: {
    sample: {
      params: 'x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support',
      by: 'caller', why: 'its workspace is one per call',
    },
    sample_ex: {
      params: 'x, rows, cols, temperature, topk, topp, logMinP, n, uniforms, out, logp, flogp, topN, topIdx, topLp, filt, work, support',
      by: 'caller', why: 'its workspace is one per call',
    },
  },
  bench: {
    inputs: (s) => ({ x: [s.rows, s.cols] }), outputs: () => ({}),
    call: (k: SampleMethods, a, _out, s) => k.sample(a.x, benchOptions(s.options, s.rows, s.cols)),
    sink: (r) => r.indices[0], result: (r) => ({ out: r.indices }),
    standard: [
      { rows: 1, cols: 32000, options: SAMPLING, note: LLM },
      { rows: 1, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9, seed: 7 }, note: LLM },
      { rows: 1, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9, seed: 7, decoding: true }, note: 'a 4,096-token history, 3 penalties, 100 biases, an allowed mask' },
      { rows: 1, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9, seed: 7, topLogProbs: 20 }, note: LLM },
      { rows: 1, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9, seed: 7, n: 8 }, note: LLM },
      { rows: 8, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9, seed: 7, decoding: true }, note: 'per-row histories' },
    ],
    tiny: [
      { rows: 3, cols: 37, options: SAMPLING },
      { rows: 3, cols: 37, options: { ...SAMPLING, decoding: true, topLogProbs: 3, n: 2 } },
    ],
  },
  digest: {
    rows: (k: SampleMethods, { r, c, x }) => {
      const dec = decodingDigest(c);
      return [
        [`sample ${r}x${c}`, () => k.sample(x, { seed: 7, topK: 40, topP: 0.9, minP: 0.01, logProbs: true })],
        [`sample decoding ${r}x${c}`, () => k.sample(x, { ...dec, seed: 7, topK: 40, topP: 0.95, n: 3, topLogProbs: Math.min(3, c), logProbs: true })],
      ];
    },
  },
});

export const filter = defineOp({
  name: 'filter',
  summary: 'The logits sample draws from: processed, kept ones times 1/T, removed ones −∞; in place if asked.',
  signature: 'filter(logits, { temperature?, topK?, topP?, minP?, history?, penaltyWindow?, repetitionPenalty?, presencePenalty?, frequencyPenalty?, logitBias?, allowed?, typicalP?, topNSigma? }, out?)',
  api(ctx, s, logits: unknown, options: unknown, out: unknown) {
    const fn = 'filter';
    // Read order: logits; options (own keys, then each option in FILTER_OPTIONS order); out.
    const sl = s.matrix('logits', logits);
    const dt = dtypeOf(sl.data)!;
    const opt = s.options('options', options, FILTER_OPTIONS);
    const { temperature, topK, topP, logMinP } = readFilters(fn, opt, dt);
    const ext = readExt(s, fn, opt, dt, sl.rows, sl.cols);
    const so = out === undefined ? null
      : s.matrix('out', out, { dtype: dt, rows: sl.rows, cols: sl.cols, out: true, mayAlias: ['logits'] });
    s.seal();
    const build = ext.build(fn);
    const o = so ?? newMatrix(fn, dt, sl.rows, sl.cols);
    if (sl.rows > 0 && sl.cols > 0) {
      ctx.run({ logits: sl, temperature, topK, topP, logMinP, uniforms: new Float64Array(0), indices: new Int32Array(0),
        logProbs: null, filteredLogProbs: null, ext: build(0, 0, null, null, o) });
    }
    return so ? out : o;
  },
  reference,
  wasm: wasmSample,
  kernels: {
    sample_ex: {
      params: 'x, rows, cols, temperature, topk, topp, logMinP, n, uniforms, out, logp, flogp, topN, topIdx, topLp, filt, work, support',
      by: 'caller', why: 'its workspace is one per call',
    },
  },
  bench: {
    inputs: (s) => ({ x: [s.rows, s.cols] }), outputs: (s) => ({ out: [s.rows, s.cols] }),
    call: (k: SampleMethods, a, out, s) => {
      const { seed: _s, n: _n, topLogProbs: _t, ...o } = benchOptions(s.options, s.rows, s.cols) ?? {};
      return k.filter(a.x, o, out?.out as Matrix<FloatArray> | undefined);
    },
    sink: (r) => r.data[0], result: (r) => ({ out: Array.from(r.data, (v) => (v === -Infinity ? -100 : v)) }), // (removed tokens counted, not −∞)
    standard: [{ rows: 1, cols: 128256, options: { temperature: 0.8, topK: 50, topP: 0.9 }, note: LLM }],
    tiny: [{ rows: 3, cols: 37, options: { temperature: 0.8, topP: 0.9, decoding: true } }],
  },
  digest: {
    rows: (k: SampleMethods, { r, c, x }) => [[`filter decoding ${r}x${c}`, () => k.filter(x, { ...decodingDigest(c), topK: 40, topP: 0.95 })]],
  },
});

/** The digest's decoding options for rows of c columns. */
function decodingDigest(c: number): FilterOptions {
  return {
    history: Int32Array.from({ length: 50 }, (_, t) => (t * 7919) % c), penaltyWindow: 40, repetitionPenalty: 1.1,
    presencePenalty: 0.3, frequencyPenalty: 0.2, logitBias: new Map([[0, 1.5], [c - 1, -2]]), typicalP: 0.9, topNSigma: 2,
  };
}

/**
 * A bench row's sample options; `decoding: true` adds the decoding load: a 4,096-token
 * history per row, the three penalties, 100 logit biases and an allowed mask (90% of the tokens),
 * seeded from the shape (the same every call).
 */
function benchOptions(b: import('./op.js').BenchOptions, rows: number, cols: number): SampleOptions | undefined {
  const o: SampleOptions = {};
  if (b.temperature !== undefined) o.temperature = b.temperature;
  if (b.topK !== undefined) o.topK = b.topK;
  if (b.topP !== undefined) o.topP = b.topP;
  if (b.seed !== undefined) o.seed = b.seed;
  if (b.topLogProbs !== undefined) o.topLogProbs = b.topLogProbs;
  if (b.n !== undefined) o.n = b.n;
  if (b.decoding) Object.assign(o, decodingLoad(rows, cols));
  return Object.keys(o).length ? o : undefined;
}

const loads = new Map<string, FilterOptions>();
function decodingLoad(rows: number, cols: number): FilterOptions {
  const key = `${rows}x${cols}`;
  let o = loads.get(key);
  if (!o) {
    const r = new Rng(rows * 7919 + cols);
    const words = (cols + 31) >>> 5;
    const allowed = new Uint32Array(rows * words);
    for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) if (r.next() < 0.9) allowed[i * words + (t >>> 5)] |= 1 << (t & 31);
    const bias = new Map<number, number>();
    for (let t = 0; bias.size < Math.min(100, cols); t++) bias.set(r.int(cols), 10 * r.next() - 5);
    o = {
      history: Array.from({ length: rows }, () => Int32Array.from({ length: Math.min(4096, 4 * cols) }, () => r.int(cols))),
      repetitionPenalty: 1.1, presencePenalty: 0.5, frequencyPenalty: 0.3, logitBias: bias, allowed,
    };
    loads.set(key, o);
  }
  return o;
}

/** This family's entries, in registry order. */
export const SAMPLE_OPS = [sample, filter] as const;
