// The sampler's logits processors (step 0 of assembly/logits/sample.ts) and its two non-prefix
// warpers' helpers (top-nσ's threshold; typical-p on the kept list), on the row's private copy in
// the workspace, so the caller's logits are never written. No approximation: every processed value
// is computed in f64 and rounded once per processor to the row's float type, exactly as
// src/reference/sampler.ts does, so both engines see the same processed row bit for bit.
//
// Order (docs/decoding.md): the allowed mask is applied while copying (every processor maps −∞ to
// −∞, so masking first gives the same row as masking last, Hugging Face's place for
// PrefixConstrainedLogitsProcessor-like masks); then the logit bias (Hugging Face
// SequenceBiasLogitsProcessor on one-token sequences, first in generation/utils.py
// `_get_logits_processor`); then the repetition penalty (RepetitionPenaltyLogitsProcessor,
// generation/logits_process.py: over the distinct tokens seen, score < 0 → score·penalty, else
// score / penalty); then presence / frequency (OpenAI's definition; llama.cpp src/llama-sampling.cpp
// `llama_sampler_penalties_apply`: logit −= count·frequency + (count > 0)·presence).
import { hsum } from '../vec';
import { key_of, select_prefix, sel_key } from './common';

/**
 * dst ← src (cols elements), −∞ where bit t of the allowed bitmask (u32 words) is 0; mask = 0: plain
 * copy. One pass: per 32-token word, whole-word fast paths (all allowed: copy; none: −∞), else each
 * 4 (f32) or 2 (f64) tokens' bits expanded to a lane mask and blended.
 */
export function copy_masked<T>(src: usize, dst: usize, cols: i32, mask: usize): void {
  if (!mask) { memory.copy(dst, src, <usize>cols << alignof<T>()); return; }
  // splat constants
  const ninf = v128.splat<T>(<T>-Infinity);
  const vbits = sizeof<T>() == 4 ? i32x4(1, 2, 4, 8) : i64x2(1, 2);
  const lanes = 16 / sizeof<T>();
  const wordBytes: usize = <usize>32 << alignof<T>();
  const full = cols >> 5;
  // whole words
  for (let b = 0; b < full; b++) {
    const w = load<u32>(mask + (<usize>b << 2));
    const o = <usize>b * wordBytes;
    if (w == 0xFFFFFFFF) {
      for (let q: usize = 0; q < wordBytes; q += 16) v128.store(dst + o + q, v128.load(src + o + q));
    } else if (w == 0) {
      for (let q: usize = 0; q < wordBytes; q += 16) v128.store(dst + o + q, ninf);
    } else {
      for (let g = 0; g < 32 / lanes; g++) {
        const bits = (w >> (g * lanes)) & ((1 << lanes) - 1);
        const vk = sizeof<T>() == 4
          ? i32x4.ne(v128.and(i32x4.splat(bits), vbits), i32x4.splat(0))
          : i64x2.ne(v128.and(i64x2.splat(<i64>bits), vbits), i64x2.splat(0));
        const q = o + (<usize>g << 4);
        v128.store(dst + q, v128.bitselect(v128.load(src + q), ninf, vk));
      }
    }
  }
  // tail: the last, partial word
  for (let t = full << 5; t < cols; t++) {
    const allowed = (load<u32>(mask + (<usize>(t >> 5) << 2)) >> (t & 31)) & 1;
    store<T>(dst + (<usize>t << alignof<T>()), allowed ? load<T>(src + (<usize>t << alignof<T>())) : <T>-Infinity);
  }
}

/** dst[idx[t]] ← dst[idx[t]] + val[t] (val f64), rounded to T; the indices are distinct (checked by the API). */
export function apply_bias<T>(dst: usize, idx: usize, val: usize, n: i32): void {
  for (let t = 0; t < n; t++) {
    const q = dst + (<usize>load<i32>(idx + (<usize>t << 2)) << alignof<T>());
    store<T>(q, <T>(<f64>load<T>(q) + load<f64>(val + (<usize>t << 3))));
  }
}

/** The penalized value of one token seen `c` times (c ≥ 1): repetition, then presence / frequency, each rounded to T. */
// @ts-ignore: decorator
@inline function penalize<T>(q: usize, c: i32, rep: f64, pres: f64, freq: f64): void {
  let v = <f64>load<T>(q);
  if (rep != 1) v = <f64><T>(v < 0 ? v * rep : v / rep);
  if (pres != 0 || freq != 0) v = <f64><T>(v - (<f64>c * freq + pres));
  store<T>(q, <T>v);
}

/**
 * Repetition, presence and frequency penalties over the tokens hist[start..end) (i32, each in
 * [0, cols)): each distinct token once, with its count. The counts live in an open-addressing table
 * (token, count) of 2–4× the window's length (a Fibonacci hash, linear probing) when it fits in
 * `counts` (cols i32, any content), so a window of a few thousand tokens touches a few dozen KiB
 * rather than a count per vocabulary entry; a longer window uses a count per token, guarded by the
 * seen bitset (ceil(cols/32) zeroed words, left zeroed on return). Every distinct token is
 * independent of the others, so the order they are applied in does not matter.
 */
export function apply_penalties<T>(dst: usize, cols: i32, hist: usize, start: i32, end: i32, rep: f64, pres: f64, freq: f64,
  seen: usize, counts: usize): void {
  const L = end - start;
  if (L <= 0) return;
  let cap = 16;
  while (cap < 2 * L) cap <<= 1;
  if (<i64>cap * 8 <= <i64>cols * 4) {
    // the table: cap slots of (token, count), empty = −1
    memory.fill(counts, 0xFF, <usize>cap << 3);
    const shift = <u32>(32 - ctz<i32>(cap));
    const maskIdx = cap - 1;
    for (let t = start; t < end; t++) {
      const tok = load<i32>(hist + (<usize>t << 2));
      let h = <i32>((<u32>tok * 0x9E3779B1) >> shift);
      while (true) {
        const sp = counts + (<usize>h << 3);
        const k = load<i32>(sp);
        if (k == tok) { store<i32>(sp, load<i32>(sp, 4) + 1, 4); break; }
        if (k == -1) { store<i32>(sp, tok); store<i32>(sp, 1, 4); break; }
        h = (h + 1) & maskIdx;
      }
    }
    for (let h = 0; h < cap; h++) {
      const sp = counts + (<usize>h << 3);
      const tok = load<i32>(sp);
      if (tok >= 0) penalize<T>(dst + (<usize>tok << alignof<T>()), load<i32>(sp, 4), rep, pres, freq);
    }
    return;
  }
  // a count per token, guarded by the seen bits
  for (let t = start; t < end; t++) {
    const tok = load<i32>(hist + (<usize>t << 2));
    const wp = seen + (<usize>(tok >> 5) << 2), bit: u32 = 1 << (tok & 31);
    const w = load<u32>(wp);
    const cp = counts + (<usize>tok << 2);
    if (w & bit) store<i32>(cp, load<i32>(cp) + 1);
    else { store<u32>(wp, w | bit); store<i32>(cp, 1); }
  }
  // each distinct token once (its seen bit cleared as it is done)
  for (let t = start; t < end; t++) {
    const tok = load<i32>(hist + (<usize>t << 2));
    const wp = seen + (<usize>(tok >> 5) << 2), bit: u32 = 1 << (tok & 31);
    const w = load<u32>(wp);
    if (!(w & bit)) continue;
    store<u32>(wp, w & ~bit);
    penalize<T>(dst + (<usize>tok << alignof<T>()), load<i32>(counts + (<usize>tok << 2)), rep, pres, freq);
  }
}

/**
 * top-nσ's threshold (llama.cpp src/llama-sampling.cpp `llama_sampler_top_n_sigma_apply`):
 * m − n·σ, σ the population standard deviation of the row's values other than −∞ (mean and
 * squared deviations summed in f64 in index order). m is the row max (finite).
 */
export function top_n_sigma_threshold<T>(p: usize, cols: i32, m: T, n: f64): f64 {
  let sum: f64 = 0, cnt = 0;
  for (let j = 0; j < cols; j++) {
    const v = <f64>load<T>(p + (<usize>j << alignof<T>()));
    if (v != -Infinity) { sum += v; cnt++; }
  }
  const mean = sum / <f64>cnt;
  let acc: f64 = 0;
  for (let j = 0; j < cols; j++) {
    const v = <f64>load<T>(p + (<usize>j << alignof<T>()));
    if (v != -Infinity) acc += (v - mean) * (v - mean);
  }
  return <f64>m - n * Math.sqrt(acc / <f64>cnt);
}

/** e[j] ← 0 where x[j] < θ; returns the mass left (f64 of blocked lane sums). */
export function zero_below<T>(x: usize, e: usize, cols: i32, theta: T): f64 {
  const vt = v128.splat<T>(theta);
  const rowBytes = <usize>cols << alignof<T>();
  let Z: f64 = 0;
  let q: usize = 0;
  while (q + 16 <= rowBytes) {
    const qEnd = min(rowBytes & ~15, q + 4096);
    let vs = v128.splat<T>(0);
    for (; q < qEnd; q += 16) {
      const v = v128.and(v128.load(e + q), v128.ge<T>(v128.load(x + q), vt));
      v128.store(e + q, v);
      vs = v128.add<T>(vs, v);
    }
    Z += <f64>hsum<T>(vs);
  }
  for (; q < rowBytes; q += sizeof<T>()) {
    if (!(load<T>(x + q) >= theta)) store<T>(e + q, <T>0);
    Z += <f64>load<T>(e + q);
  }
  return Z;
}

/** Workspace bytes typical_filter needs for a kept list of up to `cols` tokens (y, w: f64 each). */
export function typical_bytes(cols: i32): f64 {
  return 16 * <f64>cols;
}

/**
 * Typical-p (Hugging Face TypicalLogitsWarper.__call__, generation/logits_process.py) on the kept
 * list list[0..n) (index order, every x > −∞): with p_j = e_j / Z over the list and
 * log p_j = (x_j − m)·invT − log Z, the entropy H = −Σ p_j log p_j; tokens ordered by
 * s_j = |−log p_j − H| ascending (index ascending on ties); the shortest prefix whose mass ≥ mass·Z
 * is found (its last element b), and every token with s_j ≤ s_b is kept (ties of the boundary kept,
 * as HF's `sorted_scores > sorted_scores.gather(last_ind)` does). Compacts list in place; returns
 * the new count. ws: typical_bytes(n) bytes; cand: n i32; hist: SELECT_HIST_BYTES.
 */
export function typical_filter<T>(p: usize, e: usize, list: usize, n: i32, m: T, invT: f64, mass: f64,
  ws: usize, cand: usize, hist: usize): i32 {
  const y = ws, w = ws + (<usize>n << 3);
  let Z: f64 = 0;
  for (let t = 0; t < n; t++) Z += <f64>load<T>(e + (<usize>load<i32>(list + (<usize>t << 2)) << alignof<T>()));
  const logZ = Math.log(Z);
  let H: f64 = 0;
  for (let t = 0; t < n; t++) {
    const j = <usize>load<i32>(list + (<usize>t << 2));
    const lp = (<f64>load<T>(p + (j << alignof<T>())) - <f64>m) * invT - logZ;
    const ej = <f64>load<T>(e + (j << alignof<T>()));
    H -= ej / Z * lp;
    store<f64>(y + (<usize>t << 3), lp);
    store<f64>(w + (<usize>t << 3), ej);
  }
  for (let t = 0; t < n; t++) {
    const lp = load<f64>(y + (<usize>t << 3));
    store<f64>(y + (<usize>t << 3), -Math.abs(-lp - H)); // −s: the select keeps the largest first
  }
  select_prefix<f64>(y, w, true, cand, n, true, mass * Z, hist);
  const kb = sel_key;
  let k = 0;
  for (let t = 0; t < n; t++) {
    if (key_of<f64>(load<f64>(y + (<usize>t << 3))) >= kb) {
      store<i32>(list + (<usize>k << 2), load<i32>(list + (<usize>t << 2)));
      k++;
    }
  }
  return k;
}

