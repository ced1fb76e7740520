/**
 * generationConfig: a Hugging Face `generation_config.json` object → sample() options, following
 * transformers' GenerationConfig defaults (generation/configuration_utils.py) and the processors
 * `_get_logits_processor` (generation/utils.py) builds from it. Every field that would change the
 * distribution of one sampling step and that sample() does not implement is refused, all of them
 * named in one SoftmaxInputError (no silent ignoring).
 */
import { SoftmaxInputError } from './errors.js';
import type { FilterOptions } from './ops/sample.js';
import { describe } from './validate.js';

/** Fields about the decoding loop or the output, not one step's distribution: read by your loop, ignored here. */
const LOOP_FIELDS = new Set(['bos_token_id', 'eos_token_id', 'pad_token_id', 'decoder_start_token_id', 'transformers_version',
  '_from_model_config', 'max_length', 'max_new_tokens', 'max_time', 'stop_strings', 'use_cache', 'cache_implementation',
  'output_scores', 'output_logits', 'output_attentions', 'output_hidden_states', 'return_dict_in_generate',
  'renormalize_logits', 'length_penalty', 'early_stopping']);

/** Fields accepted only at the value that turns their processor off (HF's default). */
const OFF_VALUES: Record<string, (v: unknown) => boolean> = {
  num_beams: (v) => v === 1 || v == null,
  num_beam_groups: (v) => v === 1 || v == null,
  num_return_sequences: (v) => v === 1 || v == null,
  diversity_penalty: (v) => v === 0 || v == null,
  penalty_alpha: (v) => v == null,
  no_repeat_ngram_size: (v) => v === 0 || v == null,
  encoder_no_repeat_ngram_size: (v) => v === 0 || v == null,
  encoder_repetition_penalty: (v) => v === 1 || v == null,
  min_length: (v) => v === 0 || v == null,
  min_new_tokens: (v) => v === 0 || v == null,
  epsilon_cutoff: (v) => v === 0 || v == null,
  eta_cutoff: (v) => v === 0 || v == null,
  guidance_scale: (v) => v === 1 || v == null,
  forced_bos_token_id: (v) => v == null,
  forced_eos_token_id: (v) => v == null,
  forced_decoder_ids: (v) => v == null,
  begin_suppress_tokens: (v) => v == null || (Array.isArray(v) && v.length === 0),
  exponential_decay_length_penalty: (v) => v == null,
  remove_invalid_values: (v) => v === false || v == null,
  watermarking_config: (v) => v == null,
  constraints: (v) => v == null,
  force_words_ids: (v) => v == null,
  prompt_lookup_num_tokens: (v) => v == null,
  assistant_early_exit: (v) => v == null,
  num_assistant_tokens: (v) => v == null,
  token_healing: (v) => v === false || v == null,
  dola_layers: (v) => v == null,
};

/** Fields mapped onto options. */
const MAPPED = new Set(['do_sample', 'temperature', 'top_k', 'top_p', 'min_p', 'typical_p', 'repetition_penalty',
  'sequence_bias', 'bad_words_ids', 'suppress_tokens']);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTokenList = (v: unknown): v is number[] => Array.isArray(v) && v.every((t) => Number.isInteger(t) && (t as number) >= 0);

/**
 * Maps a Hugging Face `generation_config.json` (parsed) onto sample() / filter() options ({@link FilterOptions}, which {@link SampleOptions} extends, so they spread into either float type's call): `do_sample`
 * (absent or false → greedy, `temperature: 0`, as transformers does; then the warpers are not
 * applied), `temperature`, `top_k` (transformers' default 50 when absent; 0 = off), `top_p`,
 * `min_p`, `typical_p`, `repetition_penalty` (pass `history` yourself), and the −∞ / additive biases
 * of one-token `sequence_bias`, `bad_words_ids` and `suppress_tokens` as `logitBias`. Loop fields
 * (`eos_token_id`, `max_new_tokens`, …) are left to your loop; any field that changes a step's
 * distribution and is not implemented (`no_repeat_ngram_size`, `epsilon_cutoff`, `num_beams` > 1, …)
 * is refused, every one named in the SoftmaxInputError.
 * @example
 * generationConfig({ do_sample: true, temperature: 0.7, top_p: 0.8, top_k: 20, repetition_penalty: 1.05 }); // → { temperature: 0.7, topK: 20, topP: 0.8, repetitionPenalty: 1.05 }
 */
export function generationConfig(json: object): FilterOptions {
  const fn = 'generationConfig';
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SoftmaxInputError(`${fn}: json must be the parsed generation_config.json object, got ${describe(json)}`, 'json');
  }
  const j = json as Record<string, unknown>;
  const refused: string[] = [];
  const bad = (field: string, why: string) => refused.push(`${field} (${why})`);
  for (const key of Object.keys(j)) {
    const v = j[key];
    if (LOOP_FIELDS.has(key) || MAPPED.has(key)) continue;
    if (key in OFF_VALUES) { if (!OFF_VALUES[key](v)) bad(key, `= ${JSON.stringify(v)} is not implemented; only its off value is accepted`); continue; }
    bad(key, 'is not a generation_config field sample() implements');
  }
  const o: FilterOptions = {};
  const sampling = j.do_sample === true;
  if (j.do_sample !== undefined && typeof j.do_sample !== 'boolean') bad('do_sample', `must be true or false, got ${describe(j.do_sample)}`);
  if (j.repetition_penalty != null) {
    if (!isNum(j.repetition_penalty) || j.repetition_penalty <= 0) bad('repetition_penalty', `must be a number > 0, got ${describe(j.repetition_penalty)}`);
    else if (j.repetition_penalty !== 1) o.repetitionPenalty = j.repetition_penalty;
  }
  // one-token sequence biases, bad words and suppressed tokens → logitBias (multi-token sequences refused)
  const bias = new Map<number, number>();
  const addBias = (t: number, v: number) => bias.set(t, (bias.get(t) ?? 0) + v);
  if (j.sequence_bias != null) {
    const sb = j.sequence_bias;
    const pairs: unknown[] = Array.isArray(sb) ? sb : typeof sb === 'object' ? Object.entries(sb as object).map(([k, v]) => [safeParse(k), v]) : [];
    if (!Array.isArray(sb) && typeof sb !== 'object') bad('sequence_bias', `must be a list of [tokens, bias] pairs, got ${describe(sb)}`);
    for (const p of pairs) {
      const [seq, v] = Array.isArray(p) ? p : [undefined, undefined];
      if (!isTokenList(seq) || !isNum(v)) { bad('sequence_bias', `entry ${JSON.stringify(p)} is not a [token list, number] pair`); continue; }
      if (seq.length !== 1) { bad('sequence_bias', `the ${seq.length}-token sequence ${JSON.stringify(seq)} is not implemented (one-token sequences only)`); continue; }
      addBias(seq[0], v);
    }
  }
  if (j.bad_words_ids != null) {
    const bw = j.bad_words_ids;
    if (!Array.isArray(bw)) bad('bad_words_ids', `must be a list of token lists, got ${describe(bw)}`);
    else for (const seq of bw) {
      if (!isTokenList(seq)) { bad('bad_words_ids', `entry ${JSON.stringify(seq)} is not a token list`); continue; }
      if (seq.length !== 1) { bad('bad_words_ids', `the ${seq.length}-token word ${JSON.stringify(seq)} is not implemented (one-token words only)`); continue; }
      bias.set(seq[0], -Infinity);
    }
  }
  if (j.suppress_tokens != null) {
    if (!isTokenList(j.suppress_tokens)) bad('suppress_tokens', `must be a list of token ids, got ${describe(j.suppress_tokens)}`);
    else for (const t of j.suppress_tokens) bias.set(t, -Infinity);
  }
  if (bias.size > 0) o.logitBias = bias;
  if (!sampling) {
    o.temperature = 0; // greedy: transformers applies no warper
  } else {
    const t = j.temperature;
    if (t != null) {
      if (!isNum(t) || t <= 0) bad('temperature', `must be a number > 0 with do_sample, got ${describe(t)}`);
      else if (t !== 1) o.temperature = t;
    }
    const k = j.top_k === undefined ? 50 : j.top_k; // GenerationConfig's default
    if (k != null) {
      if (!Number.isInteger(k) || (k as number) < 0) bad('top_k', `must be an integer ≥ 0, got ${describe(k)}`);
      else if (k !== 0) o.topK = k as number;
    }
    const p = j.top_p;
    if (p != null) {
      if (!isNum(p) || p <= 0 || p > 1) bad('top_p', `must be a number in (0, 1], got ${describe(p)}`);
      else if (p < 1) o.topP = p;
    }
    const mp = j.min_p;
    if (mp != null) {
      if (!isNum(mp) || mp < 0 || mp > 1) bad('min_p', `must be a number in [0, 1], got ${describe(mp)}`);
      else if (mp > 0) o.minP = mp;
    }
    const tp = j.typical_p;
    if (tp != null) {
      if (!isNum(tp) || tp <= 0 || tp > 1) bad('typical_p', `must be a number in (0, 1], got ${describe(tp)}`);
      else if (tp < 1) o.typicalP = tp;
    }
  }
  if (refused.length > 0) {
    throw new SoftmaxInputError(`${fn}: ${refused.length === 1 ? 'a field is' : `${refused.length} fields are`} not supported: ${refused.join('; ')}`, refused.map((r) => r.split(' ')[0]).join(','));
  }
  return o;
}

function safeParse(k: string): unknown {
  try { return JSON.parse(k); } catch { return k; }
}
