// Softmax / log-softmax of x / T per row, with 1/T folded into the exp pass: exp((x − m)·(1/T)),
// m = row max (the max of x / T is m / T for T > 0). Three passes like assembly/softmax.ts (max,
// exp + store + blocked sum, scale) and, for log-softmax, the sum of the non-max terms with log1p
// for a single max. T = 1 does not come here: the API calls softmax_f32 / log_softmax_f32 for it,
// so results without a temperature stay bit-identical to the plain kernels.
// Error against f64 (tests/logits.test.ts): the same bounds as softmax, 2e-5 f32 / 1e-10 f64
// asserted, plus the rounding of (x − m)·(1/T).
// Special rows as softmax: all −∞ → 0 (log: −∞); +∞ or NaN → the whole row NaN.
// The row loop is softmax.ts's softmax_rows with the scale s = 1/T; the exp
// sum of softmax is blocked every 4 KiB here (2 KiB in the plain kernel), and the log-sum is the f64
// one of row_log_expsum_scaled (assembly/row.ts).
import { softmax_rows } from '../softmax';

/** Bytes per block of the temperature softmax's exp sum. */
// @ts-ignore: decorator
@inline const BLOCK_T: usize = 4096;

/** Row-wise softmax of x / T (x rows×cols f32, invT = 1/T > 0) into out; out may alias x. */
export function softmax_temperature_f32(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_rows<f32>(x, out, rows, cols, false, <f32>invT, true, BLOCK_T);
}

/** softmax_temperature_f32 for f64. */
export function softmax_temperature_f64(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_rows<f64>(x, out, rows, cols, false, invT, true, BLOCK_T);
}

/** Row-wise log-softmax of x / T into out; out may alias x. */
export function log_softmax_temperature_f32(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_rows<f32>(x, out, rows, cols, true, <f32>invT, true);
}

/** log_softmax_temperature_f32 for f64. */
export function log_softmax_temperature_f64(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_rows<f64>(x, out, rows, cols, true, invT, true);
}
