// Row-wise top-k by selection, not by sorting the row: radix select on the order-preserving keys
// (common.ts: select_prefix, count mode) finds the k-th element in one histogram pass over the row
// plus passes over shrinking candidate sets; a gather pass (vector compare, scalar only for lanes at
// or above the threshold) collects the k survivors in index order, and only those k are sorted
// (insertion sort for k ≤ 48, heapsort above). topk_smallest_* run the same code on the complemented
// keys (common.ts okey): the k smallest, ascending. Long rows with small k first cut the row to the
// elements at or above a threshold taken from 256 evenly spaced samples (prefilter_x, exact: it
// falls back to the whole row when fewer than k pass). Order: value descending, lower index first on ties,
// NaN largest, −0 = +0. Exact (no arithmetic): WASM, both builds, and the reference agree bit for bit.
import { SELECT_HIST_BYTES, compact_mask, okey, select_prefix, sel_index, sel_key, sel_ties, sel_ties_total, sort_indices } from './common';
import { hcount } from '../vec';

/**
 * Writes the members of the prefix (sel_key, sel_ties) of row [x, x + cols) to dst in index order:
 * every element with key > sel_key and the first sel_ties with key == sel_key. Returns the count.
 */
export function gather_prefix<T, O = u8>(x: usize, cols: i32, dst: usize): i32 {
  const tau = load<T>(x + (<usize>sel_index << alignof<T>()));
  const kt = sel_key;
  const allTies = sel_ties == sel_ties_total;
  let ties = 0, n = 0;
  const vt = v128.splat<T>(tau);
  const tauNan = tau != tau;
  let j = 0;
  const lanes = 16 / sizeof<T>();
  // vector pre-check: only lanes with x ≥ τ (or NaN) can be members (x ≤ τ, never NaN, for the smallest)
  if (!tauNan) {
    for (; j + lanes <= cols; j += lanes) {
      const v = v128.load(x + (<usize>j << alignof<T>()));
      const q = isSigned<O>() ? v128.le<T>(v, vt) : v128.or(v128.ge<T>(v, vt), v128.ne<T>(v, v));
      if (!v128.any_true(q)) continue;
      for (let l = 0; l < lanes; l++) {
        const jj = j + l;
        const k = okey<T, O>(load<T>(x + (<usize>jj << alignof<T>())));
        if (k > kt || (k == kt && (allTies || ties < sel_ties))) {
          if (k == kt) ties++;
          store<i32>(dst + (<usize>n << 2), jj); n++;
        }
      }
    }
  }
  for (; j < cols; j++) {
    const k = okey<T, O>(load<T>(x + (<usize>j << alignof<T>())));
    if (k > kt || (k == kt && (allTies || ties < sel_ties))) {
      if (k == kt) ties++;
      store<i32>(dst + (<usize>n << 2), j); n++;
    }
  }
  return n;
}

/**
 * Writes the members of the prefix (sel_*) among the index-ordered list src[0..n) to dst (index
 * order kept); returns their number. The list must hold whole tie groups (it is a prefix set).
 */
export function gather_list<T, O = u8>(x: usize, src: usize, n: i32, dst: usize): i32 {
  const kt = sel_key;
  const allTies = sel_ties == sel_ties_total;
  let ties = 0, m = 0;
  for (let t = 0; t < n; t++) {
    const j = load<i32>(src + (<usize>t << 2));
    const k = okey<T, O>(load<T>(x + (<usize>j << alignof<T>())));
    if (k > kt || (k == kt && (allTies || ties < sel_ties))) {
      if (k == kt) ties++;
      store<i32>(dst + (<usize>m << 2), j); m++;
    }
  }
  return m;
}

/** Workspace bytes topk_* needs for rows of `cols`. */
export function topk_scratch_bytes(cols: i32): f64 {
  return <f64>SELECT_HIST_BYTES + 2 * <f64>((<i64>cols * 4 + 15) & ~15);
}

/**
 * Prefilter for small k on long rows: the r-th largest of 256 evenly spaced samples (r ≈ 2·k·256/C
 * + 4) is a threshold θ that usually leaves a few times k elements at or above it; one vector pass
 * counts them, and if there are at least k, a second compacts them (index order) into surv, a
 * prefix of the order holding the top k. Returns their number, or −1 (then the select runs over
 * the whole row). NaN counts as above every θ, as in the order.
 */
function prefilter_x<T>(p: usize, cols: i32, k: i32, cand: usize, surv: usize): i32 {
  const S = 256;
  for (let i = 0; i < S; i++) store<i32>(cand + (<usize>i << 2), <i32>((<i64>i * <i64>cols) / S));
  sort_indices<T>(p, cand, S);
  const r = min(S, 2 * <i32>((<i64>k * S + cols - 1) / cols) + 4);
  const theta = load<T>(p + (<usize>load<i32>(cand + (<usize>(r - 1) << 2)) << alignof<T>()));
  if (theta != theta) return -1;
  const vt = v128.splat<T>(theta);
  const rowBytes = <usize>cols << alignof<T>();
  // count x ≥ θ (or NaN)
  let vc = v128.splat<i32>(0);
  let q: usize = 0;
  for (; q + 16 <= rowBytes; q += 16) {
    const v = v128.load(p + q);
    const m = v128.or(v128.ge<T>(v, vt), v128.ne<T>(v, v));
    if (sizeof<T>() == 4) vc = i32x4.sub(vc, m); else vc = i64x2.sub(vc, m);
  }
  let c = hcount<T>(vc);
  for (let q2 = q; q2 < rowBytes; q2 += sizeof<T>()) { const x = load<T>(p + q2); if (x >= theta || x != x) c++; }
  if (c < k) return -1;
  // compact them
  let n = 0;
  q = 0;
  for (; q + 16 <= rowBytes; q += 16) {
    const v = v128.load(p + q);
    const m = v128.or(v128.ge<T>(v, vt), v128.ne<T>(v, v));
    n = compact_mask<T>(m, <i32>(q >> alignof<T>()), surv, n);
  }
  for (; q < rowBytes; q += sizeof<T>()) {
    const x = load<T>(p + q);
    if (x >= theta || x != x) { store<i32>(surv + (<usize>n << 2), <i32>(q >> alignof<T>())); n++; }
  }
  return n;
}

// @ts-ignore: decorator
@inline function topk_rows<T, O>(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  const hist = work;
  const cand = work + <usize>SELECT_HIST_BYTES;
  const surv = cand + <usize>((cols * 4 + 15) & ~15);
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const idx = indices + (<usize>i * <usize>k << 2);
    if (k >= cols) {
      for (let j = 0; j < cols; j++) store<i32>(idx + (<usize>j << 2), j);
    } else {
      // (the prefilter's threshold test is x ≥ θ: largest first only)
      const n = !isSigned<O>() && cols >= 4096 && k <= (cols >> 5) ? prefilter_x<T>(p, cols, k, cand, surv) : -1;
      if (n >= 0) {
        memory.copy(cand, surv, <usize>n << 2);
        select_prefix<T, O>(p, 0, false, cand, n, false, <f64>k, hist);
        gather_list<T, O>(p, surv, n, idx);
      } else {
        select_prefix<T, O>(p, 0, false, cand, cols, true, <f64>k, hist);
        gather_prefix<T, O>(p, cols, idx);
      }
    }
    // sort the k survivors, then write their values
    sort_indices<T, O>(p, idx, k);
    const val = values + (<usize>i * <usize>k << alignof<T>());
    for (let j = 0; j < k; j++) {
      store<T>(val + (<usize>j << alignof<T>()), load<T>(p + (<usize>load<i32>(idx + (<usize>j << 2)) << alignof<T>())));
    }
  }
}

/**
 * Top k (1 ≤ k ≤ cols) of each row of x (rows×cols f32): values (rows×k f32) and indices
 * (rows×k i32), descending. work: topk_scratch_bytes(cols) bytes, 16-byte aligned.
 */
export function topk_f32(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  topk_rows<f32, u8>(x, rows, cols, k, values, indices, work);
}

/** topk_f32 for f64. */
export function topk_f64(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  topk_rows<f64, u8>(x, rows, cols, k, values, indices, work);
}

/**
 * The k smallest (1 ≤ k ≤ cols) of each row, ascending, lower index first on ties, NaN after +∞
 * (ONNX TopK with largest = 0; torch.topk(largest=False) takes the same set, NaN counting as the
 * largest value). Same arguments and workspace as topk_f32.
 */
export function topk_smallest_f32(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  topk_rows<f32, i8>(x, rows, cols, k, values, indices, work);
}

/** topk_smallest_f32 for f64. */
export function topk_smallest_f64(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  topk_rows<f64, i8>(x, rows, cols, k, values, indices, work);
}
