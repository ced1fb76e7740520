// The forward pass of the linear classifier: scores = X·W + b (f32x4 / f64x2), for predict and
// evaluate. X is n×d, W d×c, b c (or absent), out n×c, all row-major; out must not overlap X, W or b.
//
// "Broadcast X, vector W": blocks of 4 rows × one vector of L = 16/sizeof<T> columns keep 4
// accumulators, each started at b (or 0) and advanced by X[r][k]·W[k][j … j+L) for k = 0, 1, … in
// order; columns past the last whole vector and rows past the last block of 4 take the same sums in
// scalar code. Loops count elements (no end pointers), so no bound can wrap at the top of memory.
// Error: a sum of d products in T, each rounded (fused in the relaxed build), within the 2e-5 (f32)
// and 1e-10 (f64) tolerances of the float64 reference for the sizes tested (tests/assembly/linear_scores.test.ts).
import { vacc } from './madd';

/** scores[r][j] for rows r of a block starting at x (stride xs bytes), scalar, in the vector order. */
// @ts-ignore: decorator
@inline function dot_column<T>(x: usize, W: usize, ws: usize, j: usize, d: i32, b0: T): T {
  const E = sizeof<T>();
  let s = b0;
  let wp = W + j * E;
  for (let k = 0; k < d; k++) {
    s += load<T>(x + <usize>k * E) * load<T>(wp);
    wp += ws;
  }
  return s;
}

export function linear_scores<T>(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize): void {
  const E = sizeof<T>();
  const L = 16 / <i32>E;
  const xs = <usize>d * E, ws = <usize>c * E;
  const cv = c - c % L; // columns covered by whole vectors
  const vzero = v128.splat<T>(<T>0);
  let i = 0;
  // main loop: blocks of 4 rows × 1 vector of columns, 4 accumulators
  for (; i + 4 <= n; i += 4) {
    const x0 = X + <usize>i * xs, x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs;
    const o0 = out + <usize>i * ws, o1 = o0 + ws, o2 = o1 + ws, o3 = o2 + ws;
    for (let j = 0; j < cv; j += L) {
      const jb = <usize>j * E;
      let v0 = bias != 0 ? v128.load(bias + jb) : vzero;
      let v1 = v0, v2 = v0, v3 = v0;
      let wp = W + jb;
      for (let k = 0; k < d; k++) {
        const vw = v128.load(wp);
        const kb = <usize>k * E;
        v0 = vacc<T>(v0, v128.load_splat<T>(x0 + kb), vw);
        v1 = vacc<T>(v1, v128.load_splat<T>(x1 + kb), vw);
        v2 = vacc<T>(v2, v128.load_splat<T>(x2 + kb), vw);
        v3 = vacc<T>(v3, v128.load_splat<T>(x3 + kb), vw);
        wp += ws;
      }
      v128.store(o0 + jb, v0); v128.store(o1 + jb, v1); v128.store(o2 + jb, v2); v128.store(o3 + jb, v3);
    }
    // tail columns: scalar sums
    for (let j = cv; j < c; j++) {
      const b0 = bias != 0 ? load<T>(bias + <usize>j * E) : <T>0;
      const jb = <usize>j * E;
      store<T>(o0 + jb, dot_column<T>(x0, W, ws, j, d, b0));
      store<T>(o1 + jb, dot_column<T>(x1, W, ws, j, d, b0));
      store<T>(o2 + jb, dot_column<T>(x2, W, ws, j, d, b0));
      store<T>(o3 + jb, dot_column<T>(x3, W, ws, j, d, b0));
    }
  }
  // tail rows: one row × 1 vector, then scalar columns
  for (; i < n; i++) {
    const x0 = X + <usize>i * xs, o0 = out + <usize>i * ws;
    for (let j = 0; j < cv; j += L) {
      const jb = <usize>j * E;
      let v0 = bias != 0 ? v128.load(bias + jb) : vzero;
      let wp = W + jb;
      for (let k = 0; k < d; k++) {
        v0 = vacc<T>(v0, v128.load_splat<T>(x0 + <usize>k * E), v128.load(wp));
        wp += ws;
      }
      v128.store(o0 + jb, v0);
    }
    for (let j = cv; j < c; j++) {
      const b0 = bias != 0 ? load<T>(bias + <usize>j * E) : <T>0;
      store<T>(o0 + <usize>j * E, dot_column<T>(x0, W, ws, j, d, b0));
    }
  }
}

/** scores = X·W + b, f32. `bias` 0 when absent. */
export function linear_scores_f32(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize): void {
  linear_scores<f32>(X, W, bias, n, d, c, out);
}

/** scores = X·W + b, f64. `bias` 0 when absent. */
export function linear_scores_f64(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize): void {
  linear_scores<f64>(X, W, bias, n, d, c, out);
}
