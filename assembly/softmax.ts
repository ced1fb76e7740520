// Row-wise softmax / log-softmax (f32x4 and f64x2): three passes per row — max, exp(x − max) with
// store + sum, scale (XNNPACK's raddstoreexpminusmax + vmulc). Error against f64, relative to the
// row's largest output (tests/assembly/softmax.test.ts asserts 2e-5 for f32, 1e-10 for f64):
// measured f32 ≤ 2e-7 and f64 ≤ 1e-14 for rows of 5000 (logits up to ±1e4) and 131072 (the exp
// sum is blocked: f32 accumulators restart every 2 KiB of row). exp itself: assembly/exp.ts.
//
// Three passes beat the online (two-pass: running max + rescaled sum, then exp again) variant here:
// the online max+sum pass needs an exp per element (two, with the rescale) on top of the one in the
// output pass, and a WASM exp is compute-bound while an extra pass over a cache-resident row is
// cheap (measured: the online variant took 2–2.6× as long for one long row and for 4096×1000).
//
// log-softmax sums only the terms x ≠ max ("the rest" r, with k = #{x = max}) and takes
// log(k + r) as log1p(r) when k = 1, so the dominant class keeps its precision when r ≪ 1
// (measured: ≤ 2.6e-7 relative in f32, ≤ 4.4e-16 in f64, tests/stress_numerics.test.ts).
//
// Special rows: all −∞ (fully masked) → softmax 0 and log-softmax −∞ everywhere; +∞ or NaN anywhere
// → the whole row NaN. The max pass uses pmax (one instruction; it may skip a NaN), which is fine:
// a NaN always reaches the sum in the exp pass, and the masked-row branch checks for NaN itself.
import { row_max, row_fill, row_expsum, row_log_expsum, row_log_expsum_scaled, row_log_softmax_out, row_scale,
  row_has_nan, EXPSUM_BLOCK } from './row';

/**
 * Softmax (log-softmax when `log`) of each row of x (of x·s when `scaled`: the temperature kernels,
 * assembly/logits/) into out, which may alias x; softmax's exp sum is blocked every `blockBytes`.
 */
// @ts-ignore: decorator
@inline export function softmax_rows<T>(x: usize, out: usize, rows: i32, cols: i32, log: bool,
  s: T = 1, scaled: bool = false, blockBytes: usize = EXPSUM_BLOCK): void {
  const rowBytes = <usize>cols * sizeof<T>();
  const d = out - x;
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    // pass 1: row max (the max of x·s is m·s for s > 0)
    const m = row_max<T>(p, end);
    if (log) log_softmax_row<T>(p, end, d, m, s, scaled);
    else softmax_row<T>(p, end, d, m, s, scaled, blockBytes);
  }
}

/** Passes 2 and 3 of softmax for the row [p, end) with max m (out d bytes further on). */
// @ts-ignore: decorator
@inline function softmax_row<T>(p: usize, end: usize, d: usize, m: T, s: T, scaled: bool, blockBytes: usize): void {
  if (m == <T>-Infinity) {
    // fully masked row (or only −∞ and NaN): 0, or NaN if a NaN hides in it
    row_fill<T>(p + d, end + d, row_has_nan<T>(p, end) ? <T>NaN : <T>0);
    return;
  }
  // pass 2: out = exp((x − m)·s), sum = Σ out
  const sum = row_expsum<T>(p, end, m, d, true, s, scaled, blockBytes);
  // pass 3: out *= 1/sum  (sum ≥ 1: the max contributes exp(0); NaN/+∞ in the row make it NaN)
  row_scale<T>(p + d, end + d, <T>1 / sum);
}

/** Passes 2 and 3 of log-softmax for the row [p, end) with max m (out d bytes further on). */
// @ts-ignore: decorator
@inline function log_softmax_row<T>(p: usize, end: usize, d: usize, m: T, s: T, scaled: bool): void {
  if (m == <T>-Infinity || m == <T>Infinity) {
    // fully masked row: −∞ (NaN if a NaN hides in it); a +∞ anywhere: the whole row NaN
    row_fill<T>(p + d, end + d, m == <T>Infinity || row_has_nan<T>(p, end) ? <T>NaN : <T>-Infinity);
    return;
  }
  // pass 2: ls = log Σ exp((x − m)·s) from the terms x ≠ m (nothing stored)
  const ls = scaled ? row_log_expsum_scaled<T>(p, end, m, s) : row_log_expsum<T>(p, end, m);
  // pass 3: out = (x − m)·s − ls
  row_log_softmax_out<T>(p, end, d, m, s, scaled, ls);
}

/** Row-wise softmax of x (rows×cols, row-major) into out; out may alias x. */
export function softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f32>(x, out, rows, cols, false);
}

/** Row-wise softmax, f64. out may alias x. */
export function softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f64>(x, out, rows, cols, false);
}

/** Row-wise log-softmax (x − max − log Σ exp(x − max)) into out; out may alias x. */
export function log_softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f32>(x, out, rows, cols, true);
}

/** Row-wise log-softmax, f64. out may alias x. */
export function log_softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f64>(x, out, rows, cols, true);
}
