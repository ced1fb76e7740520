// Softmax backward (a Jacobian-vector product per row, f32x4 / f64x2): dx = y ⊙ (dy − Σ_j dy_j·y_j),
// two passes per row (dot product with 4 f64 accumulators, then the elementwise update), and the
// full Jacobian diag(y) − y·yᵀ of one vector. Error: one dot product per row, f32 ≈ 1e-7 relative to
// max|dx| also for rows of 131072 (tests/assembly/softmax_backward.test.ts checks ≤ 2e-5 against f64;
// f64 ≤ 1e-12).
import { hmax_nan, hsum } from './vec';

/** The lanes of v (T) as an f64x2 of pairwise sums: f32 lanes promoted ([v0 + v2, v1 + v3]), f64 as is. */
// @ts-ignore: decorator
@inline function widen<T>(v: v128): v128 {
  if (sizeof<T>() == 4) return f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
  return v;
}

// @ts-ignore: decorator
@inline function softmax_backward_rows<T>(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols * sizeof<T>();
  const dd = dy - y; // dy row = y row + dd
  const od = out - y; // out row = y row + od (out may be y or dy: each element is read before it is written)
  for (let i = 0; i < rows; i++) {
    const start = y + <usize>i * rowBytes;
    const end = start + rowBytes;
    let p = start;
    // pass 1: dot = Σ dy·y, products in T, summed in f64 (f32 lanes promoted): a long row of f32
    // (1×131072) summed in f32 was off by 3e-5 relative to max|dx|
    // (f32 only: also max|dy|, to see whether dy − dot can leave the f32 range in pass 2)
    let v0 = f64x2.splat(0), v1 = v0, v2 = v0, v3 = v0;
    let vmax = v128.splat<T>(0);
    // main loop: 4 f64 accumulators, 64 bytes per step
    for (; p + 64 <= end; p += 64) {
      const d0 = v128.load(p + dd), d1 = v128.load(p + dd, 16), d2 = v128.load(p + dd, 32), d3 = v128.load(p + dd, 48);
      if (sizeof<T>() == 4) {
        vmax = v128.max<T>(vmax, v128.max<T>(v128.max<T>(v128.abs<T>(d0), v128.abs<T>(d1)), v128.max<T>(v128.abs<T>(d2), v128.abs<T>(d3))));
      }
      const q0 = v128.mul<T>(v128.load(p), d0);
      const q1 = v128.mul<T>(v128.load(p, 16), d1);
      const q2 = v128.mul<T>(v128.load(p, 32), d2);
      const q3 = v128.mul<T>(v128.load(p, 48), d3);
      v0 = f64x2.add(v0, widen<T>(q0));
      v1 = f64x2.add(v1, widen<T>(q1));
      v2 = f64x2.add(v2, widen<T>(q2));
      v3 = f64x2.add(v3, widen<T>(q3));
    }
    // fold
    v0 = f64x2.add(f64x2.add(v0, v1), f64x2.add(v2, v3));
    // vector loop
    for (; p + 16 <= end; p += 16) {
      const d0 = v128.load(p + dd);
      if (sizeof<T>() == 4) vmax = v128.max<T>(vmax, v128.abs<T>(d0));
      v0 = f64x2.add(v0, widen<T>(v128.mul<T>(v128.load(p), d0)));
    }
    let dot64 = hsum<f64>(v0);
    // scalar tail
    let smax: f64 = 0;
    for (; p < end; p += sizeof<T>()) {
      if (sizeof<T>() == 4) smax = max(smax, <f64>abs(load<T>(p + dd)));
      dot64 += <f64>(load<T>(p) * load<T>(p + dd));
    }
    const dot = <T>dot64;
    if (sizeof<T>() == 4) {
      // dy − dot would overflow f32 although y·(dy − dot) may be finite (y ≤ 1): this row's pass 2 in f64
      const maxAbs = max(smax, <f64>hmax_nan<f32>(vmax));
      if (maxAbs + abs(dot64) > <f64>F32.MAX_VALUE) {
        for (p = start; p < end; p += 4) store<f32>(p + od, <f32>(<f64>load<f32>(p) * (<f64>load<f32>(p + dd) - dot64)));
        continue;
      }
    }

    // pass 2: out = y·(dy − dot) — splat constants
    const vdot = v128.splat<T>(dot);
    p = start;
    // main loop: 64 bytes per step (all loads of a step before its stores: out may alias y or dy)
    for (; p + 64 <= end; p += 64) {
      const r0 = v128.mul<T>(v128.load(p), v128.sub<T>(v128.load(p + dd), vdot));
      const r1 = v128.mul<T>(v128.load(p, 16), v128.sub<T>(v128.load(p + dd, 16), vdot));
      const r2 = v128.mul<T>(v128.load(p, 32), v128.sub<T>(v128.load(p + dd, 32), vdot));
      const r3 = v128.mul<T>(v128.load(p, 48), v128.sub<T>(v128.load(p + dd, 48), vdot));
      v128.store(p + od, r0);
      v128.store(p + od, r1, 16);
      v128.store(p + od, r2, 32);
      v128.store(p + od, r3, 48);
    }
    // vector loop
    for (; p + 16 <= end; p += 16) {
      v128.store(p + od, v128.mul<T>(v128.load(p), v128.sub<T>(v128.load(p + dd), vdot)));
    }
    // scalar tail
    for (; p < end; p += sizeof<T>()) store<T>(p + od, load<T>(p) * (load<T>(p + dd) - dot));
  }
}

// @ts-ignore: decorator
@inline function softmax_jacobian_rows<T>(y: usize, out: usize, n: i32): void {
  const rowBytes = <usize>n * sizeof<T>();
  const end = y + rowBytes;
  for (let i = 0; i < n; i++) {
    const yi = load<T>(y + <usize>i * sizeof<T>());
    const o = out + <usize>i * rowBytes;
    const od = o - y;
    // row i: −y_i·y_j — splat constants
    const vnyi = v128.splat<T>(-yi);
    let p = y;
    // main loop: 64 bytes per step
    for (; p + 64 <= end; p += 64) {
      v128.store(p + od, v128.mul<T>(vnyi, v128.load(p)));
      v128.store(p + od, v128.mul<T>(vnyi, v128.load(p, 16)), 16);
      v128.store(p + od, v128.mul<T>(vnyi, v128.load(p, 32)), 32);
      v128.store(p + od, v128.mul<T>(vnyi, v128.load(p, 48)), 48);
    }
    // vector loop
    for (; p + 16 <= end; p += 16) v128.store(p + od, v128.mul<T>(vnyi, v128.load(p)));
    // scalar tail
    for (; p < end; p += sizeof<T>()) store<T>(p + od, -yi * load<T>(p));
    // diagonal: y_i − y_i² computed as y_i·(1 − y_i) (no cancellation when y_i is near 1)
    store<T>(o + <usize>i * sizeof<T>(), yi * (<T>1 - yi));
  }
}

/** dx = y ⊙ (dy − Σ_j dy_j·y_j) per row (rows×cols); out may alias y or dy. */
export function softmax_backward_f32(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  softmax_backward_rows<f32>(y, dy, out, rows, cols);
}

/** dx = y ⊙ (dy − Σ_j dy_j·y_j) per row, f64; out may alias y or dy. */
export function softmax_backward_f64(y: usize, dy: usize, out: usize, rows: i32, cols: i32): void {
  softmax_backward_rows<f64>(y, dy, out, rows, cols);
}

/** out (n×n) = diag(y) − y·yᵀ; out must not overlap y. */
export function softmax_jacobian_f32(y: usize, out: usize, n: i32): void {
  softmax_jacobian_rows<f32>(y, out, n);
}

/** out (n×n) = diag(y) − y·yᵀ, f64; out must not overlap y. */
export function softmax_jacobian_f64(y: usize, out: usize, n: i32): void {
  softmax_jacobian_rows<f64>(y, out, n);
}
