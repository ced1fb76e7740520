// Row-wise log-sum-exp: m + log Σ exp(x − m), with exactly the max pass and the exp + blocked
// summation of softmax (row_max / row_expsum of assembly/row.ts, nothing stored), so
// logSumExp(x)[i] = log of the normalizer softmax divides by. Error against f64: that of the sum
// (≤ 2e-7 relative in f32, tests/assembly/logits.test.ts) plus one log.
// Special rows: all −∞ (fully masked) → −∞; a +∞ or NaN anywhere → NaN.
import { row_expsum, row_has_nan, row_max } from '../row';

// @ts-ignore: decorator
@inline function log_sum_exp_rows<T>(x: usize, rows: i32, cols: i32, out: usize): void {
  const rowBytes = <usize>cols << alignof<T>();
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    const m = row_max<T>(p, end);
    let r: T;
    if (m == <T>-Infinity) {
      r = row_has_nan<T>(p, end) ? <T>NaN : <T>-Infinity;
    } else if (m == <T>Infinity) {
      r = <T>NaN;
    } else {
      const s = row_expsum<T>(p, end, m, 0, false);
      if (sizeof<T>() == 4) r = <T>(<f32>m + Mathf.log(<f32>s));
      else r = <T>(<f64>m + Math.log(<f64>s));
    }
    store<T>(out + (<usize>i << alignof<T>()), r);
  }
}

/** out[i] = log Σ_j exp(x[i, j]) (x rows×cols f32, out f32[rows]). */
export function log_sum_exp_f32(x: usize, rows: i32, cols: i32, out: usize): void {
  log_sum_exp_rows<f32>(x, rows, cols, out);
}

/** log_sum_exp_f32 for f64. */
export function log_sum_exp_f64(x: usize, rows: i32, cols: i32, out: usize): void {
  log_sum_exp_rows<f64>(x, rows, cols, out);
}
