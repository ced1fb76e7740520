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
import { row_max } from '../row';
import { hsum } from '../vec';
import { row_find, row_max_nan } from './argmax';
import { exp_k, exp_v128_k } from '../exp';
import {
  SELECT_HIST_BYTES, key_of, select_prefix, sel_count, sel_index, sel_key,
  sel_ties, sel_ties_total,
} from './common';
import { gather_list, gather_prefix } from './topk';
import { PREFILTER_MIN_COLS, prefilter } from './prefilter';

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

// @ts-ignore: decorator
@inline function sample_rows<T>(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64,
  logMinP: f64, uniforms: usize, out: usize, logp: usize, flogp: usize, work: usize, support: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  const hist = work;
  const e = hist + <usize>SELECT_HIST_BYTES;
  const cand = e + <usize>al16(cols << alignof<T>());
  const list = cand + <usize>al16(cols * 4);
  const surv = list + <usize>al16(cols * 4);
  const invT = 1.0 / temperature;
  const s = <T>invT;
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    let pick = -1;
    let lp: f64 = NaN, flp: f64 = NaN;
    if (cols > 0 && temperature == 0) {
      // greedy
      const mx = row_max_nan<T>(p, end);
      if (mx - mx == 0) { pick = row_find<T>(p, cols, mx); lp = 0; flp = 0; }
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
        pOn = false; pAllTies = true; pTies = 0; pKey = 0;
        let useList = false;
        let listN = 0;
        let Zk = Z;
        const kOn = topk > 0 && topk < cols;
        const pOnF = topp < 1;
        // prefilter: a prefix {e ≥ θ} that holds what the filters keep
        let survN = -1;
        if (cols >= PREFILTER_MIN_COLS && (kOn || pOnF)) {
          survN = prefilter<T>(e, cols, kOn ? topk : 0, kOn ? 0 : topp * Z, surv, <T>0.0625, <T>0.001953125, <T>0.00006103515625);
          // flatter rows: a second pass with lower thresholds (2^-20, 2^-30, 2^-60)
          if (survN < 0) survN = prefilter<T>(e, cols, kOn ? topk : 0, kOn ? 0 : topp * Z, surv, <T>9.5367431640625e-7, <T>9.313225746154785e-10, <T>8.673617379884035e-19);
        }
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
        // 4. min-p threshold
        const theta = logMinP == -Infinity ? <T>-Infinity : ceil_to<T>(<f64>m + temperature * logMinP);
        const tau = pOn ? load<T>(p + (<usize>sel_index << alignof<T>())) : <T>-Infinity;
        const u = load<f64>(uniforms + (<usize>i << 3));
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
        // 5. draw
        let ZS: f64 = 0;
        if (useList) {
          tieRank = 0;
          for (let t = 0; t < listN; t++) {
            const j = load<i32>(list + (<usize>t << 2));
            if (is_member<T>(load<T>(p + (<usize>j << alignof<T>())), theta)) ZS += <f64>load<T>(e + (<usize>j << alignof<T>()));
          }
          const target = u * ZS;
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
          const vtheta = v128.splat<T>(theta);
          const vtau = v128.splat<T>(tau);
          const full = rowBytes & ~(BLOCK - 1);
          vtheta_is_all = theta == <T>-Infinity;
          // pass A: Z_S
          tieRank = 0;
          for (let q: usize = 0; q < full; q += BLOCK) {
            ZS += block_mass<T>(p, e, q, vtheta, vtau, theta, block_scalar<T>(p, q, vtau));
          }
          for (let q = full; q < rowBytes; q += sizeof<T>()) {
            if (is_member<T>(load<T>(p + q), theta)) ZS += <f64>load<T>(e + q);
          }
          // pass B: the block where the running mass crosses target, then the element
          const target = u * ZS;
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
        if (pick >= 0) {
          const z = (<f64>load<T>(p + (<usize>pick << alignof<T>())) - <f64>m) * invT;
          lp = z - Math.log(Z);
          flp = z - Math.log(ZS);
        }
      }
    }
    store<i32>(out + (<usize>i << 2), pick);
    if (logp) store<T>(logp + (<usize>i << alignof<T>()), <T>lp);
    if (flogp) store<T>(flogp + (<usize>i << alignof<T>()), <T>flp);
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
  sample_rows<f32>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support);
}

/** sample_f32 for f64 rows (logp / flogp f64). work: sample_scratch_bytes_f64(cols) bytes. */
export function sample_f64(x: usize, rows: i32, cols: i32, temperature: f64, topk: i32, topp: f64, logMinP: f64,
  uniforms: usize, out: usize, logp: usize, flogp: usize, work: usize, support: usize): void {
  sample_rows<f64>(x, rows, cols, temperature, topk, topp, logMinP, uniforms, out, logp, flogp, work, support);
}
