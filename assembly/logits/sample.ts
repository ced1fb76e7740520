// (Over 350 lines: sample_rows keeps the five steps below in one function because they share the
// row's workspace pointers and running state; the prefilter lives in prefilter.ts.)
// One draw per row from softmax(x / T) restricted by top-k, then top-p, then min-p (the order in
// which Hugging Face transformers applies its warpers), exact and build-independent.
//
//   1. m = row max; e_j = exp((x_j − m)·(1/T)) into workspace (exp_v128_k of assembly/exp.ts with
//      relaxed = false: no relaxed_madd, so the same bits on the baseline and relaxed builds), Z = Σ e (f64 sum of blocked lane sums).
//   1b. prefilter (rows ≥ 1024): one vector pass counts and sums e ≥ θ for θ = 2^-4, 2^-9, 2^-14
//      (a second pass with 2^-20, 2^-30, 2^-60 if none qualifies);
//      {e ≥ θ} is a prefix of the order (e is non-decreasing in x), so the largest θ whose set holds
//      the top-k set (or the top-p nucleus) bounds the candidates; they are compacted in index
//      order and the selects below run on them (else on the whole row).
//   2. top-k: radix select by count (common.ts) → the top k in the order (x desc, index asc); the
//      members are gathered in index order, Z_k = their mass.
//   3. top-p: radix select by mass over the top-k set (or the row): the shortest prefix of that
//      order whose mass ≥ p·Z_k (ties: lower index first).
//   4. min-p: keep x_j ≥ m + T·ln(minP) (⇔ p_j ≥ minP·p_max), the threshold computed in f64 and
//      rounded up into the float type; ln(minP) comes from the caller (the same number the reference
//      uses).
//   5. draw: target = u·Z_S (Z_S = the kept mass), the first kept j in INDEX order whose running
//      mass exceeds target. Large kept sets are scanned in 256-byte blocks (vector masked sums, the
//      crossing block element by element); passes A (Z_S) and B (search) compute the same block
//      sums, so the search always ends inside the kept set.
// Every decision uses only IEEE add/mul/compare in a fixed order: the same uniforms give the same
// indices on every engine, both builds and every instance. The reference (sampleRow in
// src/reference/logits.ts) runs the same algorithm in f64.
//
// Invalid rows (no finite maximum: all −∞, any NaN or +∞, or cols = 0): index −1, log-probs NaN.
// T = 0: argmax (first index of the max), log-probs 0.
import { row_fill, row_max } from '../row';
import { hsum } from '../vec';
import { row_find, row_max_nan } from './argmax';
import { exp_k, exp_v128_k } from '../exp';
import {
  SELECT_HIST_BYTES, key_of, select_prefix, sel_count, sel_index, sel_key,
  sel_ties, sel_ties_total, sort_indices,
} from './common';
import { gather_list, gather_prefix } from './topk';
import { PREFILTER_MIN_COLS, prefilter } from './prefilter';
import { apply_bias, apply_penalties, copy_masked, top_n_sigma_threshold, typical_bytes, typical_filter, zero_below } from './processors';

// @ts-ignore: decorator
@inline function al16(b: i32): i32 { return (b + 15) & ~15; }

/** Workspace bytes sample_* needs for rows of `cols` (e row + two index lists + histograms). */
// (an f64, so a size beyond 4 GiB is reported as such by the caller rather than wrapped)
export function sample_scratch_bytes_f32(cols: i32): f64 {
  return <f64>SELECT_HIST_BYTES + 4 * <f64>((<i64>cols * 4 + 15) & ~15);
}
export function sample_scratch_bytes_f64(cols: i32): f64 {
  return <f64>SELECT_HIST_BYTES + <f64>((<i64>cols * 8 + 15) & ~15) + 3 * <f64>((<i64>cols * 4 + 15) & ~15);
}

/** The smallest T value ≥ v (v an f64). */
// @ts-ignore: decorator
@inline function ceil_to<T>(v: f64): T {
  if (sizeof<T>() == 8) return <T>v;
  let f = <f32>v;
  if (<f64>f < v) {
    const b = reinterpret<i32>(f);
    f = f == 0 ? reinterpret<f32>(1) : reinterpret<f32>(f > 0 ? b + 1 : b - 1);
  }
  return <T>f;
}

// membership state of the current row
let pOn = false;          // a top-k / top-p prefix applies
let pKey: u64 = 0;        // prefix boundary key
let pTies = 0;            // ties of the boundary included
let pAllTies = true;      // every element tied with the boundary is included
let vtheta_is_all = true; // no min-p threshold (θ = −∞)
let tieRank = 0;          // elements with key == pKey seen so far (index order)

// @ts-ignore: decorator
@inline function is_member<T>(xj: T, theta: T): bool {
  if (!(xj >= theta)) return false;
  if (!pOn) return true;
  const k = key_of<T>(xj);
  if (k > pKey) return true;
  if (k < pKey) return false;
  const r = tieRank++;
  return pAllTies || r < pTies;
}

/** Bytes per block of the draw's row scan. */
const BLOCK: usize = 256;

/** Mass of the kept elements of one BLOCK-byte block at byte offset q (vector path or scalar path). */
// @ts-ignore: decorator
@inline function block_mass<T>(p: usize, e: usize, q: usize, vtheta: v128, vtau: v128, theta: T, scalar: bool): f64 {
  if (!scalar) {
    let vs0 = v128.splat<T>(0), vs1 = vs0;
    if (!pOn && vtheta_is_all) { // nothing filtered: the plain sum
      for (let o: usize = 0; o < BLOCK; o += 32) {
        vs0 = v128.add<T>(vs0, v128.load(e + q + o));
        vs1 = v128.add<T>(vs1, v128.load(e + q + o, 16));
      }
    } else {
      for (let o: usize = 0; o < BLOCK; o += 32) {
        const v0 = v128.load(p + q + o), v1 = v128.load(p + q + o, 16);
        let mk0 = v128.ge<T>(v0, vtheta), mk1 = v128.ge<T>(v1, vtheta);
        if (pOn) {
          mk0 = v128.and(mk0, pAllTies ? v128.ge<T>(v0, vtau) : v128.gt<T>(v0, vtau));
          mk1 = v128.and(mk1, pAllTies ? v128.ge<T>(v1, vtau) : v128.gt<T>(v1, vtau));
        }
        vs0 = v128.add<T>(vs0, v128.and(v128.load(e + q + o), mk0));
        vs1 = v128.add<T>(vs1, v128.and(v128.load(e + q + o, 16), mk1));
      }
    }
    return <f64>hsum<T>(v128.add<T>(vs0, vs1));
  }
  let s: f64 = 0;
  for (let o: usize = 0; o < BLOCK; o += sizeof<T>()) {
    if (is_member<T>(load<T>(p + q + o), theta)) s += <f64>load<T>(e + q + o);
  }
  return s;
}

/** true when the block at q needs the element-by-element path (it holds a partially kept tie). */
// @ts-ignore: decorator
@inline function block_scalar<T>(p: usize, q: usize, vtau: v128): bool {
  if (!pOn || pAllTies) return false;
  let any = v128.splat<i32>(0);
  for (let o: usize = 0; o < BLOCK; o += 16) any = v128.or(any, v128.eq<T>(v128.load(p + q + o), vtau));
  return v128.any_true(any);
}

// The extended options of the next sample_ex_* call (set by sample_ex_set): WASM globals, not a heap
// object (the stub runtime's heap is the host's arena).
let gTypicalP: f64 = 1, gNSigma: f64 = 0, gHist: usize = 0, gHistRange: usize = 0, gRep: f64 = 1, gPres: f64 = 0, gFreq: f64 = 0;
let gBiasIdx: usize = 0, gBiasVal: usize = 0, gBiasN: i32 = 0, gAllowed: usize = 0;

/** Bytes of the extended sampler's workspace beyond sample_scratch_bytes (processed row, seen bits, counts, typical-p). */
// @ts-ignore: decorator
@inline function ext_bytes<T>(cols: i32): f64 {
  return <f64>al16(cols << alignof<T>()) + <f64>al16(((cols + 31) >> 5) << 2) + <f64>al16(cols * 4) + typical_bytes(cols);
}

/** Stores one draw's results at position k (row·n + draw). */
// @ts-ignore: decorator
@inline function put<T>(out: usize, logp: usize, flogp: usize, k: usize, pick: i32, lp: f64, flp: f64): void {
  store<i32>(out + (k << 2), pick);
  if (logp) store<T>(logp + (k << alignof<T>()), <T>lp);
  if (flogp) store<T>(flogp + (k << alignof<T>()), <T>flp);
}

/** The N most likely tokens of row p (order: x desc, index asc) and their log-probs (x_j − m)·invT − log Z (T = 0: 0 for the first, −∞ after). */
// @ts-ignore: decorator
@inline function top_logprobs<T>(p: usize, e: usize, cols: i32, N: i32, m: T, invT: f64, logZ: f64, greedy: bool,
  cand: usize, list: usize, surv: usize, hist: usize, oi: usize, ol: usize, survN: i32): void {
  let cnt = -1;
  if (survN >= N) { // the sampler's own prefilter set (a prefix of the order) already holds the top N
    memory.copy(cand, surv, <usize>survN << 2);
    select_prefix<T>(p, e, false, cand, survN, false, <f64>N, hist);
    cnt = gather_list<T>(p, surv, survN, list);
  } else if (!greedy && cols >= PREFILTER_MIN_COLS) {
    let sN = prefilter<T>(e, cols, N, 0, surv, <T>0.0625, <T>0.001953125, <T>0.00006103515625);
    if (sN < 0) sN = prefilter<T>(e, cols, N, 0, surv, <T>9.5367431640625e-7, <T>9.313225746154785e-10, <T>8.673617379884035e-19);
    if (sN >= 0) {
      memory.copy(cand, surv, <usize>sN << 2);
      select_prefix<T>(p, e, false, cand, sN, false, <f64>N, hist);
      cnt = gather_list<T>(p, surv, sN, list);
    }
  }
  if (cnt < 0) {
    select_prefix<T>(p, e, false, cand, cols, true, <f64>N, hist);
    cnt = gather_prefix<T>(p, cols, list);
  }
  sort_indices<T>(p, list, cnt);
  for (let r = 0; r < N; r++) {
    const j = load<i32>(list + (<usize>r << 2));
    store<i32>(oi + (<usize>r << 2), j);
    const v = greedy ? (r == 0 ? 0.0 : -Infinity) : (<f64>load<T>(p + (<usize>j << alignof<T>())) - <f64>m) * invT - logZ;
    store<T>(ol + (<usize>r << alignof<T>()), <T>v);
  }
}

// @ts-ignore: decorator
@inline function sample_rows<T>(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64,
  logMinP: f64, uniforms: usize, out: usize, logp: usize, flogp: usize, work: usize, support: usize,
  o_typicalP: f64, o_nSigma: f64, o_hist: usize, o_histRange: usize, o_rep: f64, o_pres: f64, o_freq: f64, o_biasIdx: usize, o_biasVal: usize, o_biasN: i32, o_allowed: usize, o_nd: i32, o_topN: i32, o_topIdx: usize, o_topLp: usize, o_filt: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  const hist = work;
  const e = hist + <usize>SELECT_HIST_BYTES;
  const cand = e + <usize>al16(cols << alignof<T>());
  const list = cand + <usize>al16(cols * 4);
  const surv = list + <usize>al16(cols * 4);
  // the extended sampler's part of the workspace (ext_bytes)
  const xp = surv + <usize>al16(cols * 4);
  const words = (cols + 31) >> 5;
  const seen = xp + <usize>al16(cols << alignof<T>());
  const counts = seen + <usize>al16(words << 2);
  const typ = counts + <usize>al16(cols * 4);
  const penalOn = o_hist != 0 && (o_rep != 1 || o_pres != 0 || o_freq != 0);
  const procOn = penalOn || o_biasN > 0 || o_allowed != 0;
  if (penalOn) memory.fill(seen, 0, <usize>words << 2);
  const nd = o_nd;
  const invT = 1.0 / temperature;
  const s = <T>invT;
  for (let i = 0; i < rows; i++) {
    const xi = x + <usize>i * rowBytes;
    let p = xi;
    // 0. processors on the row's copy: allowed mask, logit bias, repetition / presence / frequency
    if (procOn) {
      p = xp;
      copy_masked<T>(xi, xp, cols, o_allowed ? o_allowed + <usize>i * (<usize>words << 2) : 0);
      if (o_biasN > 0) apply_bias<T>(xp, o_biasIdx, o_biasVal, o_biasN);
      if (penalOn) {
        const r = o_histRange + (<usize>i << 3);
        apply_penalties<T>(xp, cols, o_hist, load<i32>(r), load<i32>(r, 4), o_rep, o_pres, o_freq, seen, counts);
      }
    }
    const end = p + rowBytes;
    const fo = o_filt ? o_filt + <usize>i * rowBytes : 0;
    const k0d = <usize>i * <usize>nd;
    let valid = false;
    if (cols > 0 && temperature == 0) {
      // greedy
      const mx = row_max_nan<T>(p, end);
      if (mx - mx == 0) {
        valid = true;
        const pick = row_find<T>(p, cols, mx);
        for (let d = 0; d < nd; d++) put<T>(out, logp, flogp, k0d + <usize>d, pick, 0, 0);
        if (o_topN > 0) top_logprobs<T>(p, e, cols, o_topN, mx, 0, 0, true, cand, list, surv, hist,
          o_topIdx + (<usize>i * <usize>o_topN << 2), o_topLp + (<usize>i * <usize>o_topN << alignof<T>()), -1);
        if (support) { const sp = support + <usize>i * <usize>cols; memory.fill(sp, 0, <usize>cols); store<u8>(sp + <usize>pick, 1); }
        if (fo) { row_fill<T>(fo, fo + rowBytes, <T>-Infinity); store<T>(fo + (<usize>pick << alignof<T>()), load<T>(p + (<usize>pick << alignof<T>()))); }
      }
    } else if (cols > 0) {
      const m = row_max<T>(p, end);
      // 1. e = exp((x − m)/T), Z
      let Z: f64 = 0;
      if (m - m == 0) {
        const vm = v128.splat<T>(m);
        const vsc = v128.splat<T>(s);
        // exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
        const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
        const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
        const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
        const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
        let q: usize = 0;
        while (q + 64 <= rowBytes) {
          const qEnd = min(rowBytes & ~63, q + 4096);
          let v0 = v128.splat<T>(0), v1 = v0;
          for (; q < qEnd; q += 64) {
            const e0 = exp_v128_k<T>(v128.mul<T>(v128.sub<T>(v128.load(p + q), vm), vsc),
              k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, false);
            const e1 = exp_v128_k<T>(v128.mul<T>(v128.sub<T>(v128.load(p + q, 16), vm), vsc),
              k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, false);
            const e2 = exp_v128_k<T>(v128.mul<T>(v128.sub<T>(v128.load(p + q, 32), vm), vsc),
              k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, false);
            const e3 = exp_v128_k<T>(v128.mul<T>(v128.sub<T>(v128.load(p + q, 48), vm), vsc),
              k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, false);
            v128.store(e + q, e0); v128.store(e + q, e1, 16); v128.store(e + q, e2, 32); v128.store(e + q, e3, 48);
            v0 = v128.add<T>(v0, v128.add<T>(e0, e1));
            v1 = v128.add<T>(v1, v128.add<T>(e2, e3));
          }
          Z += <f64>hsum<T>(v128.add<T>(v0, v1));
        }
        for (; q < rowBytes; q += sizeof<T>()) {
          const ej = v128.extract_lane<T>(exp_v128_k<T>(v128.splat<T>((load<T>(p + q) - m) * s), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, false), 0);
          store<T>(e + q, ej);
          Z += <f64>ej;
        }
      } else {
        Z = NaN;
      }
      if (Z == Z) { // a NaN or +∞ in the row makes Z NaN (m = −∞: NaN too, from −∞ − −∞)
        valid = true;
        // 1a. top-nσ (before top-k, as llama.cpp's default chain): θσ = m − n·σ; e = 0 below it
        let Zf = Z;
        let thetaS = <T>-Infinity;
        if (o_nSigma > 0) {
          thetaS = ceil_to<T>(top_n_sigma_threshold<T>(p, cols, m, o_nSigma));
          Zf = zero_below<T>(p, e, cols, thetaS);
        }
        pOn = false; pAllTies = true; pTies = 0; pKey = 0;
        let useList = false;
        let listN = 0;
        let Zk = Zf;
        const kOn = topk > 0 && topk < cols;
        const pOnF = topp < 1;
        // prefilter: a prefix {e ≥ θ} that holds what the filters keep
        let survN = -1;
        if (cols >= PREFILTER_MIN_COLS && (kOn || pOnF)) {
          survN = prefilter<T>(e, cols, kOn ? topk : 0, kOn ? 0 : topp * Zf, surv, <T>0.0625, <T>0.001953125, <T>0.00006103515625);
          // flatter rows: a second pass with lower thresholds (2^-20, 2^-30, 2^-60)
          if (survN < 0) survN = prefilter<T>(e, cols, kOn ? topk : 0, kOn ? 0 : topp * Zf, surv, <T>9.5367431640625e-7, <T>9.313225746154785e-10, <T>8.673617379884035e-19);
        }
        // top-N log-probs (by x, before the selects reuse cand / list): from the prefilter's set when it holds N
        if (o_topN > 0) top_logprobs<T>(p, e, cols, o_topN, m, invT, Math.log(Z), false, cand, list, surv, hist,
          o_topIdx + (<usize>i * <usize>o_topN << 2), o_topLp + (<usize>i * <usize>o_topN << alignof<T>()), survN);
        // 2. top-k
        if (kOn) {
          if (survN >= 0) {
            memory.copy(cand, surv, <usize>survN << 2);
            select_prefix<T>(p, e, false, cand, survN, false, <f64>topk, hist);
            listN = gather_list<T>(p, surv, survN, list);
          } else {
            select_prefix<T>(p, e, false, cand, cols, true, <f64>topk, hist);
            listN = gather_prefix<T>(p, cols, list);
          }
          useList = true;
          Zk = 0;
          for (let t = 0; t < listN; t++) Zk += <f64>load<T>(e + (<usize>load<i32>(list + (<usize>t << 2)) << alignof<T>()));
          pOn = true; pKey = sel_key; pTies = sel_ties; pAllTies = sel_ties == sel_ties_total;
        }
        // 3. top-p
        if (pOnF) {
          if (useList) {
            memory.copy(cand, list, <usize>listN << 2);
            select_prefix<T>(p, e, true, cand, listN, false, topp * Zk, hist);
          } else if (survN >= 0) {
            memory.copy(cand, surv, <usize>survN << 2);
            select_prefix<T>(p, e, true, cand, survN, false, topp * Zk, hist);
            memory.copy(list, surv, <usize>survN << 2); // the draw filters this superset
            listN = survN;
            useList = true;
          } else {
            select_prefix<T>(p, e, true, cand, cols, true, topp * Zk, hist);
          }
          pOn = true; pKey = sel_key; pTies = sel_ties; pAllTies = sel_ties == sel_ties_total;
          if (!useList && sel_count <= (cols >> 3)) {
            listN = gather_prefix<T>(p, cols, list);
            useList = true;
          }
        }
        // 4. min-p threshold (and top-nσ's)
        let theta = logMinP == -Infinity ? <T>-Infinity : ceil_to<T>(<f64>m + temperature * logMinP);
        if (thetaS > theta) theta = thetaS;
        const tau = pOn ? load<T>(p + (<usize>sel_index << alignof<T>())) : <T>-Infinity;
        // 4b. typical-p on the explicit kept list; the list is then exactly the kept set
        if (o_typicalP < 1) {
          let n = 0;
          tieRank = 0;
          const cnt = useList ? listN : cols;
          for (let t = 0; t < cnt; t++) {
            const j = useList ? load<i32>(list + (<usize>t << 2)) : t;
            const xj = load<T>(p + (<usize>j << alignof<T>()));
            if (is_member<T>(xj, theta) && xj != <T>-Infinity) { store<i32>(list + (<usize>n << 2), j); n++; }
          }
          listN = typical_filter<T>(p, e, list, n, m, invT, o_typicalP, typ, cand, hist);
          useList = true; pOn = false; pAllTies = true; theta = <T>-Infinity;
        }
        if (support) { // the kept set (masked −∞ tokens excluded) as a 0/1 byte per element (tests)
          const sp = support + <usize>i * <usize>cols;
          memory.fill(sp, 0, <usize>cols);
          tieRank = 0;
          if (useList) {
            for (let t = 0; t < listN; t++) {
              const j = load<i32>(list + (<usize>t << 2));
              const xj = load<T>(p + (<usize>j << alignof<T>()));
              if (is_member<T>(xj, theta) && xj != <T>-Infinity) store<u8>(sp + <usize>j, 1);
            }
          } else {
            for (let j = 0; j < cols; j++) {
              const xj = load<T>(p + (<usize>j << alignof<T>()));
              if (is_member<T>(xj, theta) && xj != <T>-Infinity) store<u8>(sp + <usize>j, 1);
            }
          }
        }
        // 5. draws: Z_S once, then one search per uniform (row i's n uniforms, in order)
        let ZS: f64 = 0;
        const vtheta = v128.splat<T>(theta);
        const vtau = v128.splat<T>(tau);
        const full = rowBytes & ~(BLOCK - 1);
        vtheta_is_all = theta == <T>-Infinity;
        if (useList) {
          tieRank = 0;
          for (let t = 0; t < listN; t++) {
            const j = load<i32>(list + (<usize>t << 2));
            if (is_member<T>(load<T>(p + (<usize>j << alignof<T>())), theta)) ZS += <f64>load<T>(e + (<usize>j << alignof<T>()));
          }
        } else if (nd > 0) {
          // pass A: Z_S
          tieRank = 0;
          for (let q: usize = 0; q < full; q += BLOCK) {
            ZS += block_mass<T>(p, e, q, vtheta, vtau, theta, block_scalar<T>(p, q, vtau));
          }
          for (let q = full; q < rowBytes; q += sizeof<T>()) {
            if (is_member<T>(load<T>(p + q), theta)) ZS += <f64>load<T>(e + q);
          }
        }
        for (let d = 0; d < nd; d++) {
          const u = load<f64>(uniforms + ((k0d + <usize>d) << 3));
          let pick = -1;
          const target = u * ZS;
          if (useList) {
            let cum: f64 = 0;
            tieRank = 0;
            for (let t = 0; t < listN; t++) {
              const j = load<i32>(list + (<usize>t << 2));
              if (!is_member<T>(load<T>(p + (<usize>j << alignof<T>())), theta)) continue;
              const ej = <f64>load<T>(e + (<usize>j << alignof<T>()));
              if (ej == 0) continue;
              pick = j; // the last kept element with mass, if rounding never crosses
              cum += ej;
              if (cum > target) break;
            }
          } else {
            // pass B: the block where the running mass crosses target, then the element
            let cum: f64 = 0;
            tieRank = 0;
            let found = false;
            let lastBlock: usize = -1;
            for (let q: usize = 0; q < full; q += BLOCK) {
              const rank0 = tieRank;
              const sc = block_scalar<T>(p, q, vtau);
              const bm = block_mass<T>(p, e, q, vtheta, vtau, theta, sc);
              if (bm > 0) lastBlock = q;
              if (cum + bm > target) {
                tieRank = rank0;
                let c2 = cum;
                for (let o: usize = 0; o < BLOCK; o += sizeof<T>()) {
                  if (!is_member<T>(load<T>(p + q + o), theta)) continue;
                  const ej = <f64>load<T>(e + q + o);
                  if (ej == 0) continue;
                  pick = <i32>((q + o) >> alignof<T>());
                  c2 += ej;
                  if (c2 > target) break;
                }
                found = true;
                break;
              }
              cum += bm;
            }
            if (!found) {
              for (let q = full; q < rowBytes; q += sizeof<T>()) {
                if (!is_member<T>(load<T>(p + q), theta)) continue;
                const ej = <f64>load<T>(e + q);
                if (ej == 0) continue;
                pick = <i32>(q >> alignof<T>());
                cum += ej;
                if (cum > target) { found = true; break; }
              }
            }
            if (!found && pick < 0 && lastBlock != -1) {
              // rounding kept the running mass at or below target: the last kept element with mass
              tieRank = 0;
              for (let q: usize = 0; q < lastBlock; q += BLOCK) {
                if (block_scalar<T>(p, q, vtau)) block_mass<T>(p, e, q, vtheta, vtau, theta, true);
              }
              for (let o: usize = 0; o < BLOCK; o += sizeof<T>()) {
                if (is_member<T>(load<T>(p + lastBlock + o), theta) && load<T>(e + lastBlock + o) > <T>0) {
                  pick = <i32>((lastBlock + o) >> alignof<T>());
                }
              }
            }
          }
          let lp: f64 = NaN, flp: f64 = NaN;
          if (pick >= 0) {
            const z = (<f64>load<T>(p + (<usize>pick << alignof<T>())) - <f64>m) * invT;
            lp = z - Math.log(Z);
            flp = z - Math.log(ZS);
          }
          put<T>(out, logp, flogp, k0d + <usize>d, pick, lp, flp);
        }
        // 6. filter's output: x·(1/T) on the kept set, −∞ elsewhere (read before written: fo may be xi)
        if (fo) {
          tieRank = 0;
          if (useList) {
            for (let t = 0; t < listN; t++) { // values parked in e, then the row is filled
              const j = <usize>load<i32>(list + (<usize>t << 2));
              const xj = load<T>(p + (j << alignof<T>()));
              store<T>(e + (j << alignof<T>()), is_member<T>(xj, theta) ? xj * s : <T>-Infinity);
            }
            row_fill<T>(fo, fo + rowBytes, <T>-Infinity);
            for (let t = 0; t < listN; t++) {
              const j = <usize>load<i32>(list + (<usize>t << 2));
              store<T>(fo + (j << alignof<T>()), load<T>(e + (j << alignof<T>())));
            }
          } else {
            const ninf = v128.splat<T>(<T>-Infinity);
            for (let q: usize = 0; q < full; q += BLOCK) {
              if (block_scalar<T>(p, q, vtau)) {
                for (let o: usize = 0; o < BLOCK; o += sizeof<T>()) {
                  const xj = load<T>(p + q + o);
                  store<T>(fo + q + o, is_member<T>(xj, theta) ? xj * s : <T>-Infinity);
                }
                continue;
              }
              for (let o: usize = 0; o < BLOCK; o += 16) {
                const v = v128.load(p + q + o);
                let mk = v128.ge<T>(v, vtheta);
                if (pOn) mk = v128.and(mk, pAllTies ? v128.ge<T>(v, vtau) : v128.gt<T>(v, vtau));
                v128.store(fo + q + o, v128.bitselect(v128.mul<T>(v, v128.splat<T>(s)), ninf, mk));
              }
            }
            for (let q = full; q < rowBytes; q += sizeof<T>()) {
              const xj = load<T>(p + q);
              store<T>(fo + q, is_member<T>(xj, theta) ? xj * s : <T>-Infinity);
            }
          }
        }
      }
    }
    if (!valid) {
      for (let d = 0; d < nd; d++) put<T>(out, logp, flogp, k0d + <usize>d, -1, NaN, NaN);
      if (o_topN > 0) {
        for (let r = 0; r < o_topN; r++) {
          store<i32>(o_topIdx + ((<usize>i * <usize>o_topN + <usize>r) << 2), -1);
          store<T>(o_topLp + ((<usize>i * <usize>o_topN + <usize>r) << alignof<T>()), <T>NaN);
        }
      }
      if (support && cols > 0) memory.fill(support + <usize>i * <usize>cols, 0, <usize>cols);
      if (fo && fo != p) memory.copy(fo, p, rowBytes); // an invalid row: the processed row as it is
    }
  }
}

/**
 * One sample per row of x (rows×cols f32). temperature ≥ 0 (0 = argmax); topk: 0 = off, else
 * 1 ≤ topk; topp in (0, 1] (1 = off); logMinP = ln(minP) (−∞ = off); uniforms: f64[rows] in [0, 1);
 * out: i32[rows]; logp / flogp: f32[rows] or 0 (log-probability of the pick under softmax(x/T),
 * and under the filtered, renormalized distribution). work: sample_scratch_bytes_f32(cols) bytes.
 * support: u8[rows×cols] or 0: 1 where an element is in the filtered support (for tests).
 */
export function sample_f32(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64, logMinP: f64,
  uniforms: usize, out: usize, logp: usize, flogp: usize, work: usize, support: usize): void {
  sample_rows<f32>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support,
    1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
}

/** sample_f32 for f64 rows (logp / flogp f64). work: sample_scratch_bytes_f64(cols) bytes. */
export function sample_f64(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64, logMinP: f64,
  uniforms: usize, out: usize, logp: usize, flogp: usize, work: usize, support: usize): void {
  sample_rows<f64>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support,
    1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
}

/** Workspace bytes of sample_ex_*: sample_scratch_bytes_* plus the processed row, the penalties' bits and counts, typical-p's arrays. */
export function sample_ex_scratch_bytes_f32(cols: i32): f64 { return sample_scratch_bytes_f32(cols) + ext_bytes<f32>(cols); }
export function sample_ex_scratch_bytes_f64(cols: i32): f64 { return sample_scratch_bytes_f64(cols) + ext_bytes<f64>(cols); }

/**
 * Sets the extended options of the next sample_ex_* call (kept in globals so the entry keeps
 * sample_*'s arguments). typicalP in (0, 1] (1 = off); nSigma > 0 (0 = off). hist: i32 tokens;
 * histRange: i32[2·rows] (start, end) per row into hist (the API applies penaltyWindow), or 0;
 * rep > 0 (1 = off), pres / freq finite. biasIdx: i32[biasN] distinct tokens, biasVal: f64[biasN].
 * allowed: u32[rows·ceil(cols/32)] or 0.
 */
export function sample_ex_set(typicalP: f64, nSigma: f64, hist: usize, histRange: usize, rep: f64, pres: f64, freq: f64,
  biasIdx: usize, biasVal: usize, biasN: i32, allowed: usize): void {
  gTypicalP = typicalP; gNSigma = nSigma; gHist = hist; gHistRange = histRange;
  gRep = rep; gPres = pres; gFreq = freq; gBiasIdx = biasIdx; gBiasVal = biasVal; gBiasN = biasN;
  gAllowed = allowed;
}

/**
 * The sampler with every processor and warper (set by sample_ex_set first): n draws per row
 * (uniforms f64[rows·n], out i32[rows·n], logp / flogp [rows·n] or 0; n = 0: no draw), topN ≥ 0 most
 * likely tokens with their log-probs (topIdx i32[rows·topN], topLp [rows·topN]), filt: rows×cols or 0
 * (filter's output; may be x). work: sample_ex_scratch_bytes_f32(cols) bytes.
 */
export function sample_ex_f32(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64, logMinP: f64,
  n: i32, uniforms: usize, out: usize, logp: usize, flogp: usize, topN: i32, topIdx: usize, topLp: usize,
  filt: usize, work: usize, support: usize): void {
  sample_rows<f32>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support,
    gTypicalP, gNSigma, gHist, gHistRange, gRep, gPres, gFreq, gBiasIdx, gBiasVal, gBiasN, gAllowed, n, topN, topIdx, topLp, filt);
}
/** sample_ex_f32 for f64 rows. */
export function sample_ex_f64(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64, logMinP: f64,
  n: i32, uniforms: usize, out: usize, logp: usize, flogp: usize, topN: i32, topIdx: usize, topLp: usize,
  filt: usize, work: usize, support: usize): void {
  sample_rows<f64>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support,
    gTypicalP, gNSigma, gHist, gHistRange, gRep, gPres, gFreq, gBiasIdx, gBiasVal, gBiasN, gAllowed, n, topN, topIdx, topLp, filt);
}
