// Log-softmax backward per row: dx = dy − exp(y)·Σ_j dy_j, with y = logSoftmax(x). Pass 1 the sum
// of dy (f64 lanes for f32 input, as softmaxBackward does, so long rows keep ~1e-16 relative sums),
// pass 2 the update (exp of assembly/exp.ts; y ≤ 0 is its domain, y = −∞ gives exp 0 so dx = dy).
// out may alias y or dy (each element is read before it is written). Error against f64: the exp
// (≤ 2.3 ulp) plus one rounding of the product and difference.
import { exp_v128, exp_scalar } from './exp';

// @ts-ignore: decorator
@inline function row_sum_wide<T>(p: usize, end: usize): f64 {
  let v0 = f64x2.splat(0), v1 = v0;
  if (sizeof<T>() == 4) {
    // 4 floats per step, widened to two f64x2
    for (; p + 16 <= end; p += 16) {
      const v = v128.load(p);
      v0 = f64x2.add(v0, f64x2.promote_low_f32x4(v));
      v1 = f64x2.add(v1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
  } else {
    for (; p + 32 <= end; p += 32) {
      v0 = f64x2.add(v0, v128.load(p));
      v1 = f64x2.add(v1, v128.load(p, 16));
    }
  }
  v0 = f64x2.add(v0, v1);
  let s = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
  for (; p < end; p += sizeof<T>()) s += <f64>load<T>(p);
  return s;
}

// @ts-ignore: decorator
@inline function log_softmax_backward_rows<T>(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << alignof<T>();
  for (let i = 0; i < rows; i++) {
    const off = <usize>i * rowBytes;
    // pass 1: s = Σ dy
    const s = <T>row_sum_wide<T>(dy + off, dy + off + rowBytes);
    // pass 2: out = dy − exp(y)·s
    const vs = v128.splat<T>(s);
    let q: usize = 0;
    for (; q + 16 <= rowBytes; q += 16) {
      const vy = v128.load(y + off + q);
      const vd = v128.load(dy + off + q);
      v128.store(out + off + q, v128.sub<T>(vd, v128.mul<T>(exp_v128<T>(vy), vs)));
    }
    for (; q < rowBytes; q += sizeof<T>()) {
      store<T>(out + off + q, load<T>(dy + off + q) - exp_scalar<T>(load<T>(y + off + q)) * s);
    }
  }
}

/** out = dy − exp(y)·rowsum(dy) (all rows×cols f32); out may alias y or dy. */
export function log_softmax_backward_f32(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  log_softmax_backward_rows<f32>(y, dy, out, rows, cols);
}

/** log_softmax_backward_f32 for f64. */
export function log_softmax_backward_f64(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  log_softmax_backward_rows<f64>(y, dy, out, rows, cols);
}
