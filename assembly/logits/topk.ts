// Row-wise top-k by selection, not by sorting the row: radix select on the order-preserving keys
// (common.ts: select_prefix, count mode) finds the k-th element in one histogram pass over the row
// plus passes over shrinking candidate sets; a gather pass (vector compare, scalar only for lanes at
// or above the threshold) collects the k survivors in index order, and only those k are sorted
// (insertion sort for k ≤ 48, heapsort above). Order: value descending, lower index first on ties,
// NaN largest, −0 = +0. Exact (no arithmetic): WASM, both builds, and the reference agree bit for bit.
import { SELECT_HIST_BYTES, key_of, select_prefix, sel_index, sel_key, sel_ties, sel_ties_total, sort_indices } from './common';

/**
 * Writes the members of the prefix (sel_key, sel_ties) of row [x, x + cols) to dst in index order:
 * every element with key > sel_key and the first sel_ties with key == sel_key. Returns the count.
 */
export function gather_prefix<T>(x: usize, cols: i32, dst: usize): i32 {
  const tau = load<T>(x + (<usize>sel_index << alignof<T>()));
  const kt = sel_key;
  const allTies = sel_ties == sel_ties_total;
  let ties = 0, n = 0;
  const vt = v128.splat<T>(tau);
  const tauNan = tau != tau;
  let j = 0;
  const lanes = 16 / sizeof<T>();
  // vector pre-check: only lanes with x ≥ τ (or NaN) can be members
  if (!tauNan) {
    for (; j + lanes <= cols; j += lanes) {
      const v = v128.load(x + (<usize>j << alignof<T>()));
      const q = v128.or(v128.ge<T>(v, vt), v128.ne<T>(v, v));
      if (!v128.any_true(q)) continue;
      for (let l = 0; l < lanes; l++) {
        const jj = j + l;
        const k = key_of<T>(load<T>(x + (<usize>jj << alignof<T>())));
        if (k > kt || (k == kt && (allTies || ties < sel_ties))) {
          if (k == kt) ties++;
          store<i32>(dst + (<usize>n << 2), jj); n++;
        }
      }
    }
  }
  for (; j < cols; j++) {
    const k = key_of<T>(load<T>(x + (<usize>j << alignof<T>())));
    if (k > kt || (k == kt && (allTies || ties < sel_ties))) {
      if (k == kt) ties++;
      store<i32>(dst + (<usize>n << 2), j); n++;
    }
  }
  return n;
}

/** Workspace bytes topk_* needs for rows of `cols`. */
export function topk_scratch_bytes(cols: i32): i32 {
  return SELECT_HIST_BYTES + ((cols * 4 + 15) & ~15);
}

// @ts-ignore: decorator
@inline function topk_rows<T>(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  const hist = work;
  const cand = work + <usize>SELECT_HIST_BYTES;
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const idx = indices + (<usize>i * <usize>k << 2);
    if (k >= cols) {
      for (let j = 0; j < cols; j++) store<i32>(idx + (<usize>j << 2), j);
    } else {
      select_prefix<T>(p, 0, false, cand, cols, true, <f64>k, hist);
      gather_prefix<T>(p, cols, idx);
    }
    // sort the k survivors, then write their values
    sort_indices<T>(p, idx, k);
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
  topk_rows<f32>(x, rows, cols, k, values, indices, work);
}

/** topk_f32 for f64. */
export function topk_f64(x: usize, rows: i32, cols: i32, k: i32, values: usize, indices: usize, work: usize): void {
  topk_rows<f64>(x, rows, cols, k, values, indices, work);
}
