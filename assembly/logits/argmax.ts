// Row-wise argmax (f32x4 / f64x2) in one pass over 1 KiB blocks (see row_argmax). First index on ties; −0 and +0 are equal; a row with a NaN
// gives the index of its first NaN (NaN counts as the largest value, as in torch.argmax and
// numpy.argmax); a fully masked row (all −∞) gives 0; an empty row (cols = 0) gives −1.
// Exact (no arithmetic), so both builds and the reference agree bit for bit.
import { hmax } from '../vec';

/** Largest element of [p, end), or NaN if the row holds a NaN; −∞ for an empty row. */
// @ts-ignore: decorator
@inline export function row_max_nan<T>(p: usize, end: usize): T {
  // pmax (one instruction; it skips NaN) plus a separate NaN flag: cheaper than the NaN-propagating max
  let v0 = v128.splat<T>(<T>-Infinity);
  let v1 = v0, v2 = v0, v3 = v0;
  let vnan = v128.splat<i32>(0);
  // main loop: 4 accumulators, 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
    v0 = v128.pmax<T>(v0, x0);
    v1 = v128.pmax<T>(v1, x1);
    v2 = v128.pmax<T>(v2, x2);
    v3 = v128.pmax<T>(v3, x3);
    vnan = v128.or(vnan, v128.or(v128.or(v128.ne<T>(x0, x0), v128.ne<T>(x1, x1)), v128.or(v128.ne<T>(x2, x2), v128.ne<T>(x3, x3))));
  }
  // fold
  v0 = v128.pmax<T>(v128.pmax<T>(v0, v1), v128.pmax<T>(v2, v3));
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const x = v128.load(p);
    v0 = v128.pmax<T>(v0, x);
    vnan = v128.or(vnan, v128.ne<T>(x, x));
  }
  let m = hmax<T>(v0);
  if (v128.any_true(vnan)) m = <T>NaN;
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    m = m != m || x != x ? <T>NaN : max<T>(m, x);
  }
  return m;
}

/** Index of the first element of the row [p, p + cols) equal to m (the first NaN when m is NaN). */
// @ts-ignore: decorator
@inline export function row_find<T>(p: usize, cols: i32, m: T): i32 {
  const end = p + (<usize>cols << alignof<T>());
  const start = p;
  const isNan = m != m;
  const vm = v128.splat<T>(m);
  // 64 bytes per step, then vector by vector: stop at the first block holding a match
  for (; p + 64 <= end; p += 64) {
    const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
    const q = isNan
      ? v128.or(v128.or(v128.ne<T>(a, a), v128.ne<T>(b, b)), v128.or(v128.ne<T>(c, c), v128.ne<T>(d, d)))
      : v128.or(v128.or(v128.eq<T>(a, vm), v128.eq<T>(b, vm)), v128.or(v128.eq<T>(c, vm), v128.eq<T>(d, vm)));
    if (v128.any_true(q)) break;
  }
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(p);
    const q = isNan ? v128.ne<T>(v, v) : v128.eq<T>(v, vm);
    if (v128.any_true(q)) break;
  }
  // scalar: the lane
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (isNan ? x != x : x == m) return <i32>((p - start) >> alignof<T>());
  }
  return -1;
}

/**
 * First index of the row max in one pass: blocks of 1 KiB, each with its vector max and NaN flag
 * (row_max_nan); the first block whose max beats the running max is remembered, and only that block
 * is scanned again at the end. A NaN anywhere: the first NaN (a second, early-exit scan).
 */
// @ts-ignore: decorator
@inline function row_argmax<T>(p: usize, cols: i32): i32 {
  const end = p + (<usize>cols << alignof<T>());
  const start = p;
  let best = <T>-Infinity;
  let bestBlock = start;
  while (p + 1024 <= end) {
    const bm = row_max_nan<T>(p, p + 1024);
    if (bm != bm) return row_find<T>(start, cols, <T>NaN);
    if (bm > best) { best = bm; bestBlock = p; }
    p += 1024;
  }
  // the rest (< 1 KiB), element by element
  let bestIdx = -1;
  for (let q = p; q < end; q += sizeof<T>()) {
    const x = load<T>(q);
    if (x != x) return row_find<T>(start, cols, <T>NaN);
    if (x > best) { best = x; bestIdx = <i32>((q - start) >> alignof<T>()); }
  }
  if (bestIdx >= 0) return bestIdx;
  if (best == <T>-Infinity && bestBlock == start && p == start) return cols > 0 ? 0 : -1;
  // the first element equal to best in the remembered block (an all −∞ row: block 0, index 0)
  return <i32>((bestBlock - start) >> alignof<T>()) + row_find<T>(bestBlock, <i32>(min(<usize>1024, end - bestBlock) >> alignof<T>()), best);
}

// @ts-ignore: decorator
@inline function argmax_rows<T>(x: usize, rows: i32, cols: i32, out: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  for (let i = 0; i < rows; i++) {
    store<i32>(out + (<usize>i << 2), cols > 0 ? row_argmax<T>(x + <usize>i * rowBytes, cols) : -1);
  }
}

/** out[i] = first index of the largest element of row i (x rows×cols f32; see the header for NaN). */
export function argmax_f32(x: usize, rows: i32, cols: i32, out: usize): void {
  argmax_rows<f32>(x, rows, cols, out);
}

/** argmax_f32 for f64 rows. */
export function argmax_f64(x: usize, rows: i32, cols: i32, out: usize): void {
  argmax_rows<f64>(x, rows, cols, out);
}

/** Index of the last element of the row [p, p + cols) equal to m (the last NaN when m is NaN); −1 if none. */
// @ts-ignore: decorator
@inline function row_find_last<T>(p: usize, cols: i32, m: T): i32 {
  const isNan = m != m;
  const vm = v128.splat<T>(m);
  let q = p + (<usize>cols << alignof<T>());
  // vector by vector from the end: stop at the last vector holding a match
  for (; q >= p + 16; q -= 16) {
    const v = v128.load(q - 16);
    if (v128.any_true(isNan ? v128.ne<T>(v, v) : v128.eq<T>(v, vm))) break;
  }
  // scalar: the lane (from the end)
  for (; q > p; q -= sizeof<T>()) {
    const x = load<T>(q - sizeof<T>());
    if (isNan ? x != x : x == m) return <i32>((q - sizeof<T>() - p) >> alignof<T>());
  }
  return -1;
}

// @ts-ignore: decorator
@inline function argmax_last_rows<T>(x: usize, rows: i32, cols: i32, out: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    // the row max (NaN when the row holds one), then the last element equal to it
    store<i32>(out + (<usize>i << 2), cols > 0 ? row_find_last<T>(p, cols, row_max_nan<T>(p, p + rowBytes)) : -1);
  }
}

/**
 * out[i] = LAST index of the largest element of row i (ONNX ArgMax select_last_index = 1; its
 * reference, onnx/reference/ops/op_argmax.py _argmax_use_numpy_select_last_index, flips the axis,
 * takes numpy's first maximum and maps it back): a NaN row gives its last NaN, an all −∞ row its
 * last index, an empty row −1. Two passes (max, then a backward search). Exact.
 */
export function argmax_last_f32(x: usize, rows: i32, cols: i32, out: usize): void {
  argmax_last_rows<f32>(x, rows, cols, out);
}

/** argmax_last_f32 for f64 rows. */
export function argmax_last_f64(x: usize, rows: i32, cols: i32, out: usize): void {
  argmax_last_rows<f64>(x, rows, cols, out);
}
