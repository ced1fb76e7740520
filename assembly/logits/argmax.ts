// Row-wise argmax (f32x4 / f64x2): pass 1 the row max with `max` (which propagates NaN), pass 2 the
// first index holding it (early exit). First index on ties; −0 and +0 are equal; a row with a NaN
// gives the index of its first NaN (NaN counts as the largest value, as in torch.argmax and
// numpy.argmax); a fully masked row (all −∞) gives 0; an empty row (cols = 0) gives −1.
// Exact (no arithmetic), so both builds and the reference agree bit for bit.

/** Largest element of [p, end) with NaN propagation (NaN if any NaN); −∞ for an empty row. */
// @ts-ignore: decorator
@inline export function row_max_nan<T>(p: usize, end: usize): T {
  // splat constants
  let v0 = v128.splat<T>(<T>-Infinity);
  let v1 = v0, v2 = v0, v3 = v0;
  // main loop: 4 accumulators, 64 bytes per step
  for (; p + 64 <= end; p += 64) {
    v0 = v128.max<T>(v0, v128.load(p));
    v1 = v128.max<T>(v1, v128.load(p, 16));
    v2 = v128.max<T>(v2, v128.load(p, 32));
    v3 = v128.max<T>(v3, v128.load(p, 48));
  }
  // fold
  v0 = v128.max<T>(v128.max<T>(v0, v1), v128.max<T>(v2, v3));
  // vector loop
  for (; p + 16 <= end; p += 16) v0 = v128.max<T>(v0, v128.load(p));
  let m: T;
  if (sizeof<T>() == 4) {
    v0 = f32x4.max(v0, v128.shuffle<f32>(v0, v0, 2, 3, 0, 1));
    v0 = f32x4.max(v0, v128.shuffle<f32>(v0, v0, 1, 0, 3, 2));
    m = <T>f32x4.extract_lane(v0, 0);
  } else {
    v0 = f64x2.max(v0, v128.shuffle<f64>(v0, v0, 1, 0));
    m = <T>f64x2.extract_lane(v0, 0);
  }
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    m = x != x ? x : max<T>(m, x);
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
  // vector loop: stop at the first vector holding a match
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

// @ts-ignore: decorator
@inline function argmax_rows<T>(x: usize, rows: i32, cols: i32, out: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    let r = -1;
    if (cols > 0) r = row_find<T>(p, cols, row_max_nan<T>(p, p + rowBytes));
    store<i32>(out + (<usize>i << 2), r);
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
