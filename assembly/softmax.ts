// Row-wise softmax / log-softmax (f32x4 and f64x2): three passes per row — max, exp(x − max) with
// store + sum, scale (XNNPACK's raddstoreexpminusmax + vmulc). Error against f64, relative to the
// row's largest output (tests/assembly/softmax_raw.test.ts asserts 2e-5 for f32, 1e-10 for f64):
// measured f32 ≤ 2e-7 and f64 ≤ 1e-14 for rows of 5000 (logits up to ±1e4) and 131072 (the exp
// sum is blocked: f32 accumulators restart every 2 KiB of row). exp itself: assembly/exp.ts.
//
// Three passes beat the online (two-pass: running max + rescaled sum, then exp again) variant here:
// the online max+sum pass needs an exp per element (two, with the rescale) on top of the one in the
// output pass, and a WASM exp is compute-bound while an extra pass over a cache-resident row is
// cheap. Measured on this 2-core machine (Node 20, f32, best ms per call, busy machine; scratch
// timing loop over the raw exports):
//   1×131072: three-pass 0.091, online 0.238;  4096×1000: 3.07 vs 7.53;  4096×10: 0.077 vs 0.147.
//
// log-softmax sums only the terms x ≠ max ("the rest" r, with k = #{x = max}) and takes
// log(k + r) as log1p(r) when k = 1, so the dominant class keeps its precision when r ≪ 1
// (measured: ≤ 2.6e-7 relative in f32, ≤ 4.4e-16 in f64, tests/stress_numerics.test.ts).
//
// Special rows: all −∞ (fully masked) → softmax 0 and log-softmax −∞ everywhere; +∞ or NaN anywhere
// → the whole row NaN. The max pass uses pmax (one instruction; it may skip a NaN), which is fine:
// a NaN always reaches the sum in the exp pass, and the masked-row branch checks for NaN itself.
import { row_max, row_fill, row_expsum, row_expsum_rest, row_scale, row_has_nan, o_kmax } from './row';


// @ts-ignore: decorator
@inline function softmax_rows<T>(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols * sizeof<T>();
  const d = out - x;
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    // pass 1: row max
    const m = row_max<T>(p, end);
    if (m == <T>-Infinity) {
      // fully masked row (or only −∞ and NaN): 0, or NaN if a NaN hides in it
      row_fill<T>(p + d, end + d, row_has_nan<T>(p, end) ? <T>NaN : <T>0);
      continue;
    }
    // pass 2: out = exp(x − m), s = Σ out
    const s = row_expsum<T>(p, end, m, d, true);
    // pass 3: out *= 1/s  (s ≥ 1: the max contributes exp(0); NaN/+∞ in the row make s NaN)
    row_scale<T>(p + d, end + d, <T>1 / s);
  }
}

// @ts-ignore: decorator
@inline function log_softmax_rows<T>(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols * sizeof<T>();
  const d = out - x;
  for (let i = 0; i < rows; i++) {
    let p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    // pass 1: row max
    const m = row_max<T>(p, end);
    if (m == <T>-Infinity || m == <T>Infinity) {
      // fully masked row: −∞ (NaN if a NaN hides in it); a +∞ anywhere: the whole row NaN
      row_fill<T>(p + d, end + d, m == <T>Infinity || row_has_nan<T>(p, end) ? <T>NaN : <T>-Infinity);
      continue;
    }
    // pass 2: the rest r = Σ_{x ≠ m} exp(x − m) and k = #{x = m} (nothing stored)
    const r = row_expsum_rest<T>(p, end, m);
    // pass 3: out = (x − m) − log(k + r), with log1p(r) for a single max
    let ls: T;
    if (sizeof<T>() == 4) ls = o_kmax == 1 ? <T>Mathf.log1p(<f32>r) : <T>Mathf.log(<f32>o_kmax + <f32>r);
    else ls = o_kmax == 1 ? <T>Math.log1p(<f64>r) : <T>Math.log(<f64>o_kmax + <f64>r);
    // splat constants
    const vm = v128.splat<T>(m);
    const vls = v128.splat<T>(ls);
    // main loop: 64 bytes per step
    for (; p + 64 <= end; p += 64) {
      const v0 = v128.sub<T>(v128.sub<T>(v128.load(p), vm), vls);
      const v1 = v128.sub<T>(v128.sub<T>(v128.load(p, 16), vm), vls);
      const v2 = v128.sub<T>(v128.sub<T>(v128.load(p, 32), vm), vls);
      const v3 = v128.sub<T>(v128.sub<T>(v128.load(p, 48), vm), vls);
      v128.store(p + d, v0);
      v128.store(p + d, v1, 16);
      v128.store(p + d, v2, 32);
      v128.store(p + d, v3, 48);
    }
    // vector loop
    for (; p + 16 <= end; p += 16) v128.store(p + d, v128.sub<T>(v128.sub<T>(v128.load(p), vm), vls));
    // scalar tail
    for (; p < end; p += sizeof<T>()) store<T>(p + d, (load<T>(p) - m) - ls);
  }
}

/** Row-wise softmax of x (rows×cols, row-major) into out; out may alias x. */
export function softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f32>(x, out, rows, cols);
}

/** Row-wise softmax, f64. out may alias x. */
export function softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void {
  softmax_rows<f64>(x, out, rows, cols);
}

/** Row-wise log-softmax (x − max − log Σ exp(x − max)) into out; out may alias x. */
export function log_softmax_f32(x: usize, out: usize, rows: i32, cols: i32): void {
  log_softmax_rows<f32>(x, out, rows, cols);
}

/** Row-wise log-softmax, f64. out may alias x. */
export function log_softmax_f64(x: usize, out: usize, rows: i32, cols: i32): void {
  log_softmax_rows<f64>(x, out, rows, cols);
}
