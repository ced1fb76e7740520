/**
 * The validating layer of the decoding sampler's options (sample's and filter's processors and
 * warpers, n, topLogProbs): read through the call's CallSnapshot before seal(), turned into the
 * backend's normalized SampleExt after it (src/backend.ts). Used by src/ops/sample.ts.
 */
import type { SampleExt } from './reference/sampler.js';
import type { CallSnapshot, Held } from './snapshot.js';
import type { FloatArray, Matrix } from './types_core.js';
import { bufferOf, describe, fail, isDetached, lengthOf, typedArrayName, type DType } from './validate.js';

/** The filter options (besides temperature, topK, topP, minP), in the order they are read. */
export const FILTER_EXT_OPTIONS = ['history', 'penaltyWindow', 'repetitionPenalty', 'presencePenalty', 'frequencyPenalty',
  'logitBias', 'allowed', 'typicalP', 'topNSigma'] as const;

/** What was read before seal(); build() makes the backend's arguments after it. */
export interface ReadExt {
  /** true when any processor or extra warper is on. */
  readonly active: boolean;
  /** After seal(): checks the history and bias on private copies (may throw), then returns the maker of the backend's arguments. */
  build(fn: string): <A extends FloatArray>(n: number, topN: number, topIndices: Int32Array | null, topLogProbs: A | null, filtered: Matrix<A> | null) => SampleExt<A>;
}

function finite(fn: string, arg: string, v: unknown, ok: (v: number) => boolean, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(fn, arg, `must be ${what}, got ${describe(v)}`);
  return v;
}

/** An integer option in [lo, hi] (undefined → dflt). */
export function intOption(fn: string, arg: string, v: unknown, lo: number, hi: number, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) fail(fn, arg, `must be ${what}, got ${describe(v)}`);
  return v;
}

/** Map brand check that runs no user code (a Proxy or look-alike fails). */
function isMap(v: unknown): v is ReadonlyMap<unknown, unknown> {
  try { Map.prototype.has.call(v, 0); return true; } catch { return false; }
}

/**
 * Reads the processors' and extra warpers' options of `opt` (already snapshotted by s.options):
 * history, penaltyWindow, the three penalties, logitBias, allowed, typicalP, topNSigma.
 */
export function readExt(s: CallSnapshot, fn: string, opt: Record<string, unknown>, dt: DType, rows: number, cols: number): ReadExt {
  const repetitionPenalty = finite(fn, 'options.repetitionPenalty', opt.repetitionPenalty, (v) => v > 0, 'a finite number > 0 (1 = off)', 1);
  const presencePenalty = finite(fn, 'options.presencePenalty', opt.presencePenalty, () => true, 'a finite number (0 = off)', 0);
  const frequencyPenalty = finite(fn, 'options.frequencyPenalty', opt.frequencyPenalty, () => true, 'a finite number (0 = off)', 0);
  const typicalP = finite(fn, 'options.typicalP', opt.typicalP, (v) => v > 0 && v <= 1, 'a number in (0, 1] (1 = off)', 1);
  const topNSigma = finite(fn, 'options.topNSigma', opt.topNSigma, (v) => v >= 0, 'a finite number ≥ 0 (0 = off)', 0);
  const window = intOption(fn, 'options.penaltyWindow', opt.penaltyWindow, 0, Number.MAX_SAFE_INTEGER, Infinity, 'an integer ≥ 0 (the last n tokens of history count)');
  // history: one Int32Array for every row, or an array of rows Int32Arrays
  let hist: Array<Held<Int32Array>> | null = null;
  let shared = false;
  const h = opt.history;
  if (h !== undefined) {
    if (typedArrayName(h) !== undefined) {
      hist = [s.int32('options.history', h)];
      shared = true;
    } else if (s.read('options.history', () => Array.isArray(h))) {
      const arr = h as readonly unknown[];
      const len = s.read('options.history.length', () => arr.length);
      if (len !== rows) fail(fn, 'options.history', `must have one Int32Array per row (${rows}), got ${len}`);
      hist = [];
      for (let i = 0; i < len; i++) hist.push(s.int32(`options.history[${i}]`, s.read(`options.history[${i}]`, () => arr[i])));
    } else {
      fail(fn, 'options.history', `must be an Int32Array (every row) or an array of one Int32Array per row, got ${describe(h)}`);
    }
  }
  // logitBias: a Map or { indices, values }
  let bias: { idx: number[]; val: number[] } | { idx: Held<Int32Array>; val: Held<FloatArray> } | null = null;
  const b = opt.logitBias;
  if (b !== undefined) {
    if (isMap(b)) {
      const entries = s.read('options.logitBias', () => Array.from(Map.prototype.entries.call(b) as Iterable<[unknown, unknown]>));
      const idx: number[] = [], val: number[] = [];
      for (const [k, v] of entries) {
        if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= cols) fail(fn, 'options.logitBias', `key ${describe(k)} is not a token id in [0, ${cols})`);
        if (typeof v !== 'number' || Number.isNaN(v) || v === Infinity) fail(fn, `options.logitBias.get(${k})`, `must be a finite number or -Infinity, got ${describe(v)}`);
        idx.push(k); val.push(v);
      }
      bias = { idx, val };
    } else if (s.isPlainObject('options.logitBias', b)) {
      const bo = b as { indices?: unknown; values?: unknown };
      const idx = s.int32('options.logitBias.indices', s.read('options.logitBias.indices', () => bo.indices));
      const val = s.array<FloatArray>('options.logitBias.values', s.read('options.logitBias.values', () => bo.values), { length: idx.data.length });
      bias = { idx, val };
    } else {
      fail(fn, 'options.logitBias', `must be a Map<token, bias> or { indices: Int32Array, values: Float32Array | Float64Array }, got ${describe(b)}`);
    }
  }
  // allowed: a Uint32Array bitmask, copied now (it runs no user code: a brand-checked, live typed array)
  let allowed: Uint32Array | null = null;
  const al = opt.allowed;
  if (al !== undefined) {
    const words = (cols + 31) >>> 5;
    if (typedArrayName(al) !== 'Uint32Array') fail(fn, 'options.allowed', `must be a Uint32Array of ceil(C/32) = ${words} words (every row) or rows·ceil(C/32) = ${rows * words}, got ${describe(al)}`);
    const u = al as Uint32Array;
    if (isDetached(bufferOf(u))) fail(fn, 'options.allowed', 'is backed by a detached ArrayBuffer (it was transferred); pass a live array');
    const len = lengthOf(u);
    if (len !== rows * words && len !== words) {
      fail(fn, 'options.allowed', `must have ceil(C/32) = ${words} words (every row) or rows·ceil(C/32) = ${rows}·${words} = ${rows * words}, got length ${len}`);
    }
    // a private copy, one mask per row
    allowed = new Uint32Array(rows * words);
    if (len === rows * words) allowed.set(u);
    else for (let i = 0; i < rows; i++) allowed.set(u, i * words);
  }
  const active = hist !== null || bias !== null || allowed !== null || typicalP < 1 || topNSigma > 0
    || repetitionPenalty !== 1 || presencePenalty !== 0 || frequencyPenalty !== 0;
  return {
    active,
    build() {
      // history: concatenated into a private copy, checked on it; the window cut per row
      let history: Int32Array | null = null, historyRange: Int32Array | null = null;
      if (hist) {
        const total = hist.reduce((t, x) => t + x.data.length, 0);
        history = new Int32Array(total);
        historyRange = new Int32Array(2 * rows);
        let off = 0;
        hist.forEach((x, r) => {
          history!.set(x.data, off);
          const end = off + x.data.length;
          for (let t = off; t < end; t++) {
            const v = history![t];
            if (v < 0 || v >= cols) fail(fn, shared ? `options.history[${t}]` : `options.history[${r}][${t - off}]`, `= ${v} is not a token id in [0, ${cols})`);
          }
          const start = Math.max(off, end - window);
          if (shared) for (let i = 0; i < rows; i++) { historyRange![2 * i] = start; historyRange![2 * i + 1] = end; }
          else { historyRange![2 * r] = start; historyRange![2 * r + 1] = end; }
          off = end;
        });
      }
      let biasIndices: Int32Array | null = null, biasValues: Float64Array | null = null;
      if (bias) {
        biasIndices = Array.isArray(bias.idx) ? Int32Array.from(bias.idx) : Int32Array.from((bias.idx as Held<Int32Array>).data);
        biasValues = Array.isArray(bias.val) ? Float64Array.from(bias.val) : Float64Array.from((bias.val as Held<FloatArray>).data);
        const seen = new Set<number>();
        for (let t = 0; t < biasIndices.length; t++) {
          const k = biasIndices[t], v = biasValues[t];
          if (k < 0 || k >= cols) fail(fn, `options.logitBias.indices[${t}]`, `= ${k} is not a token id in [0, ${cols})`);
          if (seen.has(k)) fail(fn, `options.logitBias.indices[${t}]`, `= ${k} appears twice; give each token one bias`);
          seen.add(k);
          if (Number.isNaN(v) || v === Infinity) fail(fn, `options.logitBias.values[${t}]`, `must be a finite number or -Infinity, got ${describe(v)}`);
        }
        if (biasIndices.length === 0) { biasIndices = null; biasValues = null; }
      }
      return <A extends FloatArray>(n: number, topN: number, topIndices: Int32Array | null, topLogProbs: A | null, filtered: Matrix<A> | null): SampleExt<A> => ({
        n, typicalP, topNSigma, history, historyRange, repetitionPenalty, presencePenalty, frequencyPenalty,
        biasIndices, biasValues, allowed, topN, topIndices, topLogProbs, filtered,
      });
    },
  };
}
