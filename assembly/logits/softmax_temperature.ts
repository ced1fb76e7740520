// Softmax / log-softmax of x / T per row, with 1/T folded into the exp pass: exp((x − m)·(1/T)),
// m = row max (the max of x / T is m / T for T > 0). Three passes like assembly/softmax.ts (max,
// exp + store + blocked sum, scale) and, for log-softmax, the sum of the non-max terms with log1p
// for a single max. T = 1 does not come here: the API calls softmax_f32 / log_softmax_f32 for it,
// so results without a temperature stay bit-identical to the plain kernels.
// Error against f64 (tests/logits.test.ts): the same bounds as softmax, 2e-5 f32 / 1e-10 f64
// asserted, plus the rounding of (x − m)·(1/T).
// Special rows as softmax: all −∞ → 0 (log: −∞); +∞ or NaN → the whole row NaN.
import { exp_v128, exp_scalar } from '../exp';
import { row_fill, row_has_nan, row_max, row_scale } from '../row';
import { hsum } from '../vec';

/** Σ exp((x − m)·s) over [p, end), each term stored `d` bytes further on (may be in place). */
// @ts-ignore: decorator
@inline function row_expsum_scaled<T>(p: usize, end: usize, m: T, s: T, d: usize): T {
  // splat constants
  const vm = v128.splat<T>(m);
  const vsc = v128.splat<T>(s);
  const vzero = v128.splat<T>(0);
  let vtot = vzero;
  // main loop: 2 accumulators, 32 bytes per step, in blocks of 4 KiB folded into vtot
  while (p + 32 <= end) {
    const blockEnd = min(end, p + 4096);
    let vs0 = vzero, vs1 = vzero;
    for (; p + 32 <= blockEnd; p += 32) {
      const ve0 = exp_v128<T>(v128.mul<T>(v128.sub<T>(v128.load(p), vm), vsc));
      const ve1 = exp_v128<T>(v128.mul<T>(v128.sub<T>(v128.load(p, 16), vm), vsc));
      v128.store(p + d, ve0);
      v128.store(p + d, ve1, 16);
      vs0 = v128.add<T>(vs0, ve0);
      vs1 = v128.add<T>(vs1, ve1);
    }
    vtot = v128.add<T>(vtot, v128.add<T>(vs0, vs1));
  }
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const ve = exp_v128<T>(v128.mul<T>(v128.sub<T>(v128.load(p), vm), vsc));
    v128.store(p + d, ve);
    vtot = v128.add<T>(vtot, ve);
  }
  let sum = hsum<T>(vtot);
  // scalar tail
  for (; p < end; p += sizeof<T>()) {
    const e = exp_scalar<T>((load<T>(p) - m) * s);
    store<T>(p + d, e);
    sum += e;
  }
  return sum;
}

let o_k: i32 = 0;

/** Σ exp((x − m)·s) over the x ≠ m of [p, end); the number of x = m in o_k. */
// @ts-ignore: decorator
@inline function row_rest_scaled<T>(p: usize, end: usize, m: T, s: T): f64 {
  const vm = v128.splat<T>(m);
  const vsc = v128.splat<T>(s);
  const vzero = v128.splat<T>(0);
  let total: f64 = 0;
  let k = 0;
  // blocks of 1 KiB: vector partial sums, folded into an f64 total
  while (p + 16 <= end) {
    const blockEnd = min(end, p + 1024);
    let vs = vzero;
    for (; p + 16 <= blockEnd; p += 16) {
      const x = v128.load(p);
      const q = v128.eq<T>(x, vm);
      vs = v128.add<T>(vs, v128.andnot(exp_v128<T>(v128.mul<T>(v128.sub<T>(x, vm), vsc)), q));
      if (sizeof<T>() == 4) k += popcnt<i32>(i32x4.bitmask(q));
      else k += popcnt<i32>(i64x2.bitmask(q));
    }
    total += <f64>hsum<T>(vs);
  }
  for (; p < end; p += sizeof<T>()) {
    const x = load<T>(p);
    if (x == m) k++;
    else total += <f64>exp_scalar<T>((x - m) * s);
  }
  o_k = k;
  return total;
}

// @ts-ignore: decorator
@inline function softmax_t_rows<T>(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  const rowBytes = <usize>cols << alignof<T>();
  const d = out - x;
  const s = <T>invT;
  for (let i = 0; i < rows; i++) {
    const p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    // pass 1: row max
    const m = row_max<T>(p, end);
    if (m == <T>-Infinity) {
      row_fill<T>(p + d, end + d, row_has_nan<T>(p, end) ? <T>NaN : <T>0);
      continue;
    }
    // pass 2: out = exp((x − m)/T), sum
    const sum = row_expsum_scaled<T>(p, end, m, s, d);
    // pass 3: out *= 1/sum
    row_scale<T>(p + d, end + d, <T>1 / sum);
  }
}

// @ts-ignore: decorator
@inline function log_softmax_t_rows<T>(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  const rowBytes = <usize>cols << alignof<T>();
  const d = out - x;
  const s = <T>invT;
  for (let i = 0; i < rows; i++) {
    let p = x + <usize>i * rowBytes;
    const end = p + rowBytes;
    const m = row_max<T>(p, end);
    if (m == <T>-Infinity || m == <T>Infinity) {
      row_fill<T>(p + d, end + d, m == <T>Infinity || row_has_nan<T>(p, end) ? <T>NaN : <T>-Infinity);
      continue;
    }
    const r = row_rest_scaled<T>(p, end, m, s);
    const ls = <T>(o_k == 1 ? Math.log1p(r) : Math.log(<f64>o_k + r));
    // out = (x − m)/T − log Σ
    const vm = v128.splat<T>(m);
    const vsc = v128.splat<T>(s);
    const vls = v128.splat<T>(ls);
    for (; p + 16 <= end; p += 16) {
      v128.store(p + d, v128.sub<T>(v128.mul<T>(v128.sub<T>(v128.load(p), vm), vsc), vls));
    }
    for (; p < end; p += sizeof<T>()) store<T>(p + d, (load<T>(p) - m) * s - ls);
  }
}

/** Row-wise softmax of x / T (x rows×cols f32, invT = 1/T > 0) into out; out may alias x. */
export function softmax_temperature_f32(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_t_rows<f32>(x, out, rows, cols, invT);
}

/** softmax_temperature_f32 for f64. */
export function softmax_temperature_f64(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  softmax_t_rows<f64>(x, out, rows, cols, invT);
}

/** Row-wise log-softmax of x / T into out; out may alias x. */
export function log_softmax_temperature_f32(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  log_softmax_t_rows<f32>(x, out, rows, cols, invT);
}

/** log_softmax_temperature_f32 for f64. */
export function log_softmax_temperature_f64(x: usize, out: usize, rows: i32, cols: i32, invT: f64): void {
  log_softmax_t_rows<f64>(x, out, rows, cols, invT);
}
