/**
 * Reference decoding sampler (mirrors assembly/logits/sample.ts + processors.ts), in float64 and
 * written from the definitions, one step per function, full sorts where the kernel selects:
 *
 * 1. processors on the raw logits, each result rounded to the row's float type (as the kernel and a
 *    float32 scores tensor do): logit bias (Hugging Face SequenceBiasLogitsProcessor on one-token
 *    sequences, first in generation/utils.py `_get_logits_processor`), repetition penalty
 *    (RepetitionPenaltyLogitsProcessor, generation/logits_process.py: over the distinct tokens seen,
 *    score < 0 → score·penalty else score / penalty), presence / frequency (OpenAI; llama.cpp
 *    src/llama-sampling.cpp `llama_sampler_penalties_apply`: logit − count·frequency −
 *    (count > 0)·presence), then the allowed mask (disallowed → −∞);
 * 2. temperature (e_j = exp((x_j − m)/T));
 * 3. top-nσ (llama.cpp `llama_sampler_top_n_sigma_apply`, first among the warpers as in llama.cpp's
 *    default chain, common/common.h `common_params_sampling::samplers`): keep x_j ≥ m − n·σ, σ the
 *    population standard deviation of the values other than −∞;
 * 4. top-k, top-p (of the top-k set), min-p (TopK/TopP/MinPLogitsWarper);
 * 5. typical-p (TypicalLogitsWarper) on what is left;
 * then the draw in index order. Rows without a finite max give −1 and NaN log-probs; T = 0 gives
 * the argmax of the processed row.
 */
import type { FloatArray, Matrix } from '../types_core.js';
import { argmaxRow, compareEntries, orderOf } from './order.js';
import { readRow, rowMax } from './softmax.js';

/**
 * The extended sampler's normalized arguments (src/ops/sample.ts, src/api_sampler.ts). With ext, `uniforms`, `indices`,
 * `logProbs` and `filteredLogProbs` hold rows·n entries (row-major: row i's draws i·n … i·n + n − 1).
 */
export interface SampleExt<A extends FloatArray> {
  /** Draws per row; 0 = none (filter). */
  n: number;
  /** In (0, 1]; 1 = off. */
  typicalP: number;
  /** > 0; 0 = off. */
  topNSigma: number;
  /** Tokens (each in [0, cols)) and per row the range [start, end) of them that counts (penaltyWindow applied). */
  history: Int32Array | null;
  historyRange: Int32Array | null;
  /** > 0; 1 = off. */
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  /** Distinct token ids and their additive biases (f64). */
  biasIndices: Int32Array | null;
  biasValues: Float64Array | null;
  /** ceil(cols/32) words per row: token t allowed ⇔ bit t & 31 of word t >> 5. */
  allowed: Uint32Array | null;
  /** Top-N log-probs: N (0 = off), rows×N indices and log-probs. */
  topN: number;
  topIndices: Int32Array | null;
  topLogProbs: A | null;
  /** filter's output (rows×cols; may be the logits' own array). */
  filtered: Matrix<A> | null;
}

/** The processors' options for one row (history already cut to the penalty window). */
export interface RowProcessors {
  allowed?: Uint32Array | null;           // ceil(C/32) words of this row
  biasIndices?: Int32Array | null;
  biasValues?: ArrayLike<number> | null;
  history?: ArrayLike<number> | null;
  repetitionPenalty?: number; presencePenalty?: number; frequencyPenalty?: number;
}

/** Step 1: the processed row (a new array), every processor's result rounded with `round`. */
export function processRow(z: ArrayLike<number>, f32: boolean, o: RowProcessors): Float64Array {
  const round = f32 ? Math.fround : (v: number) => v;
  const v = Float64Array.from(z);
  if (o.biasIndices && o.biasValues) {
    for (let t = 0; t < o.biasIndices.length; t++) v[o.biasIndices[t]] = round(v[o.biasIndices[t]] + o.biasValues[t]);
  }
  const rep = o.repetitionPenalty ?? 1, pres = o.presencePenalty ?? 0, freq = o.frequencyPenalty ?? 0;
  if (o.history && (rep !== 1 || pres !== 0 || freq !== 0)) {
    const counts = new Map<number, number>();
    for (let t = 0; t < o.history.length; t++) counts.set(o.history[t], (counts.get(o.history[t]) ?? 0) + 1);
    for (const [tok, c] of counts) {
      let x = v[tok];
      if (rep !== 1) x = round(x < 0 ? x * rep : x / rep);
      if (pres !== 0 || freq !== 0) x = round(x - (c * freq + (c > 0 ? pres : 0)));
      v[tok] = x;
    }
  }
  if (o.allowed) {
    for (let t = 0; t < v.length; t++) if (((o.allowed[t >>> 5] >>> (t & 31)) & 1) === 0) v[t] = -Infinity;
  }
  return v;
}

/** The warpers' options. */
export interface RowWarpers { temperature: number; topK: number; topP: number; logMinP: number; topNSigma: number; typicalP: number }

/** top-nσ's threshold m − n·σ over the values other than −∞ (sums in index order, as the kernel). */
export function topNSigmaThreshold(z: ArrayLike<number>, m: number, n: number): number {
  let sum = 0, cnt = 0;
  for (let j = 0; j < z.length; j++) if (z[j] !== -Infinity) { sum += z[j]; cnt++; }
  const mean = sum / cnt;
  let acc = 0;
  for (let j = 0; j < z.length; j++) if (z[j] !== -Infinity) acc += (z[j] - mean) * (z[j] - mean);
  return m - n * Math.sqrt(acc / cnt);
}

/**
 * Typical-p on the kept set `kept` (index order): H = −Σ p log p over it, s_j = |−log p_j − H|,
 * the shortest prefix by s ascending (index ascending) whose mass ≥ mass·Z, then every token with
 * s ≤ the boundary's.
 */
export function typicalKeep(z: ArrayLike<number>, e: ArrayLike<number>, kept: number[], m: number, invT: number, mass: number): number[] {
  let Z = 0;
  for (const j of kept) Z += e[j];
  const logZ = Math.log(Z);
  let H = 0;
  const lp = kept.map((j) => (z[j] - m) * invT - logZ);
  kept.forEach((j, t) => { H -= e[j] / Z * lp[t]; });
  const y = lp.map((l) => -Math.abs(-l - H));
  const order = kept.map((_, t) => t).sort((a, b) => compareEntries(y[a], a, y[b], b));
  const W = mass * Z;
  let acc = 0, b = order.length - 1;
  for (let r = 0; r < order.length; r++) {
    acc += e[kept[order[r]]];
    if (acc >= W) { b = r; break; }
  }
  const yb = y[order[b]];
  return kept.filter((_, t) => y[t] >= yb);
}

/** One row's filtered support and the weights it is drawn with (T > 0, valid rows). */
export interface KeptRow { kept: number[]; e: Float64Array; Z: number; m: number; invT: number }

/** Steps 2–5 on a processed row; null for a row without a finite max (or T = 0: see sampleRowEx). */
export function keptRow(z: ArrayLike<number>, w: RowWarpers): KeptRow | null {
  const C = z.length;
  if (C === 0) return null;
  const m = rowMax(z);
  if (!Number.isFinite(m)) return null;
  const T = w.temperature, invT = 1 / T;
  const e = Float64Array.from(z, (v) => Math.exp((v - m) * invT));
  let Z = 0;
  for (const v of e) Z += v;
  // top-nσ: weights below its threshold are 0 for the selects that follow
  const thetaS = w.topNSigma > 0 ? topNSigmaThreshold(z, m, w.topNSigma) : -Infinity;
  const ef = thetaS === -Infinity ? e : e.map((v, j) => (z[j] >= thetaS ? v : 0));
  const order = orderOf(z);
  let L = w.topK > 0 && w.topK < C ? w.topK : C;
  if (w.topP < 1) {
    let Zk = 0;
    for (let r = 0; r < L; r++) Zk += ef[order[r]];
    const W = w.topP * Zk;
    let acc = 0;
    for (let r = 0; r < L; r++) {
      acc += ef[order[r]];
      if (acc >= W) { L = r + 1; break; }
    }
  }
  const theta = Math.max(w.logMinP === -Infinity ? -Infinity : m + T * w.logMinP, thetaS);
  const inPrefix = new Uint8Array(C);
  for (let r = 0; r < L; r++) inPrefix[order[r]] = 1;
  let kept: number[] = [];
  for (let j = 0; j < C; j++) if (inPrefix[j] && z[j] >= theta && z[j] > -Infinity) kept.push(j);
  if (w.typicalP < 1) kept = typicalKeep(z, ef, kept, m, invT, w.typicalP);
  return { kept, e: ef, Z, m, invT };
}

/** The draw: the first kept j in index order whose running mass exceeds u·Z_S (never one of mass 0); rounding: the last with mass. */
export function drawKept(r: KeptRow, u: number): { index: number; ZS: number } {
  let ZS = 0;
  for (const j of r.kept) ZS += r.e[j];
  const target = u * ZS;
  let cum = 0, pick = -1;
  for (const j of r.kept) {
    if (r.e[j] === 0) continue;
    pick = j;
    cum += r.e[j];
    if (cum > target) break;
  }
  return { index: pick, ZS };
}

/** The N most likely tokens of z (order: value desc, index asc) and log p under softmax(z/T) (T = 0: 0 then −∞). */
export function topLogProbsRow(z: ArrayLike<number>, N: number, r: KeptRow | null, greedy: boolean): { indices: number[]; logProbs: number[] } {
  const idx = orderOf(z).slice(0, N);
  if (greedy) return { indices: idx, logProbs: idx.map((_, k) => (k === 0 ? 0 : -Infinity)) };
  return { indices: idx, logProbs: idx.map((j) => (z[j] - r!.m) * r!.invT - Math.log(r!.Z)) };
}

/** The normalized arguments of sample, as both engines receive them (src/ops/sample.ts validates and fills them). */
export interface SampleArgs<A extends FloatArray = FloatArray> {
  logits: Matrix<A>;
  /** ≥ 0; 0 = argmax. */
  temperature: number;
  /** 0 = off, else ≥ 1 (values ≥ cols keep every token). */
  topK: number;
  /** In (0, 1]; 1 = off. */
  topP: number;
  /** ln(minP); −∞ = off. */
  logMinP: number;
  /** One uniform in [0, 1) per row. */
  uniforms: Float64Array;
  indices: Int32Array;
  logProbs: A | null;
  filteredLogProbs: A | null;
  /** The processors, the other warpers, n draws, top-N log-probs and filter's output (absent: none of them; see SampleExt). */
  ext?: SampleExt<A>;
}

/** The Backend entry for sample / filter with extended options (see SampleExt in src/backend.ts). */
export function sampleEx<A extends FloatArray>(a: SampleArgs<A>, x: SampleExt<A>): void {
  const lg = a.logits, C = lg.cols, n = x.n, f32 = lg.data instanceof Float32Array;
  const words = (C + 31) >>> 5;
  const s = f32 ? Math.fround(1 / a.temperature) : 1 / a.temperature;
  for (let i = 0; i < lg.rows; i++) {
    const z = processRow(readRow(lg, i), f32, {
      allowed: x.allowed ? x.allowed.subarray(i * words, (i + 1) * words) : null,
      biasIndices: x.biasIndices, biasValues: x.biasValues,
      history: x.history && x.historyRange ? x.history.subarray(x.historyRange[2 * i], x.historyRange[2 * i + 1]) : null,
      repetitionPenalty: x.repetitionPenalty, presencePenalty: x.presencePenalty, frequencyPenalty: x.frequencyPenalty,
    });
    const put = (k: number, index: number, lp: number, flp: number) => {
      a.indices[k] = index;
      if (a.logProbs) a.logProbs[k] = lp;
      if (a.filteredLogProbs) a.filteredLogProbs[k] = flp;
    };
    const m = rowMax(z);
    const valid = C > 0 && Number.isFinite(m);
    const fo = x.filtered ? x.filtered.data : null;
    if (!valid) {
      for (let d = 0; d < n; d++) put(i * n + d, -1, NaN, NaN);
      for (let t = 0; t < x.topN; t++) { x.topIndices![i * x.topN + t] = -1; x.topLogProbs![i * x.topN + t] = NaN; }
      if (fo) fo.set(z, i * C);
      continue;
    }
    if (a.temperature === 0) {
      const j = argmaxRow(z);
      for (let d = 0; d < n; d++) put(i * n + d, j, 0, 0);
      if (x.topN > 0) writeTop(x, i, topLogProbsRow(z, x.topN, null, true));
      if (fo) { fo.fill(-Infinity, i * C, (i + 1) * C); fo[i * C + j] = z[j]; }
      continue;
    }
    const r = keptRow(z, { temperature: a.temperature, topK: a.topK, topP: a.topP, logMinP: a.logMinP, topNSigma: x.topNSigma, typicalP: x.typicalP })!;
    if (x.topN > 0) writeTop(x, i, topLogProbsRow(z, x.topN, r, false));
    for (let d = 0; d < n; d++) {
      const { index, ZS } = drawKept(r, a.uniforms[i * n + d]);
      const zz = (z[index] - r.m) * r.invT;
      put(i * n + d, index, zz - Math.log(r.Z), zz - Math.log(ZS));
    }
    if (fo) {
      fo.fill(-Infinity, i * C, (i + 1) * C);
      for (const j of r.kept) fo[i * C + j] = z[j] * s;
    }
  }
}

function writeTop<A extends FloatArray>(x: SampleExt<A>, i: number, t: { indices: number[]; logProbs: number[] }): void {
  for (let k = 0; k < x.topN; k++) { x.topIndices![i * x.topN + k] = t.indices[k]; x.topLogProbs![i * x.topN + k] = t.logProbs[k]; }
}
