// The forward pass of the linear classifier: scores = X·W + b (f32x4 / f64x2), for predict and
// evaluate. X is n×d, W d×c, b c (or absent), out n×c, all row-major; out must not overlap X, W or b.
//
// "Broadcast X, vector W" (as XNNPACK's f32-gemm 4x8 / 6x8 wasmsimd kernels, src/f32-gemm/gen/
// f32-gemm-{4x8,6x8}-minmax-wasmrelaxedsimd-fma-loadsplat.c: a splat load of one X element times
// vectors of a W row into a tile of accumulators; here W is read in place, not packed). Every score
// is one chain: started at b[j] (or 0), then += X[i][k]·W[k][j] for k = 0, 1, … in order (fused in
// the relaxed build). So a score does not depend on the tile that computed it, and any split of
// the rows or of the columns (the thread pool's chunks) gives the same bits.
//   columns in panels of 256 bytes of a W row (the panel, d × 256 B, stays in L2 while every row
//   block of X passes over it: W is read from memory once);
//   rows in blocks of 12: 4 rows × 2 vectors tiles (8 accumulators: 8 + 2 W + 4 X splats + 1 is
//   the 15 registers V8 allocates), the panel's last 1 vector (whole or partial) in 6 rows × 1
//   vector tiles; rows left over: 1-row tiles.
//   A partial vector (c − j < L columns) loads the whole vector while it lies inside W (the extra
//   lanes are W's next elements, computed and never stored) and builds it lane by lane at the end
//   of W, so no kernel reads past W; it stores only its valid lanes.
// Loops count elements (no end pointers), so no bound can wrap at the top of memory.
// Error: a sum of d products in T, each rounded (fused in the relaxed build), within the 2e-5 (f32)
// and 1e-10 (f64) tolerances of the float64 reference for the sizes tested (tests/assembly/linear_scores.test.ts).
import { vacc } from './madd';

/** Bytes of a W row per column panel. */
// @ts-ignore: decorator
@inline const PANEL_BYTES: i32 = 256;
/** Rows per block (a multiple of the 4-row and 6-row tiles). */
// @ts-ignore: decorator
@inline const ROW_BLOCK: i32 = 12;

/** Columns per panel (a multiple of 2 vectors): the column chunks of the thread pool are whole panels. */
export function linear_scores_panel_cols_f32(): i32 { return PANEL_BYTES / 4; }
export function linear_scores_panel_cols_f64(): i32 { return PANEL_BYTES / 8; }

/** The first m (1 … L−1) elements at p as a vector, the other lanes 0. */
// @ts-ignore: decorator
@inline function load_part<T>(p: usize, m: i32): v128 {
  if (sizeof<T>() == 4) {
    let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
    if (m > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (m > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    return v;
  }
  return f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(p));
}

/** Stores the first m lanes of v at p (all L when m ≥ L). */
// @ts-ignore: decorator
@inline function store_part<T>(p: usize, v: v128, m: i32): void {
  if (m >= <i32>(16 / sizeof<T>())) { v128.store(p, v); return; }
  if (sizeof<T>() == 4) {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (m > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
    if (m > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  } else {
    store<f64>(p, f64x2.extract_lane(v, 0));
  }
}

/** bias[j … j+m) as a vector (0 without a bias). */
// @ts-ignore: decorator
@inline function bias_vec<T>(bias: usize, m: i32): v128 {
  if (bias == 0) return v128.splat<T>(<T>0);
  return m >= <i32>(16 / sizeof<T>()) ? v128.load(bias) : load_part<T>(bias, m);
}

/** 4 rows (x, xs bytes apart) × 2 vectors of columns at w (W rows ws bytes apart): out rows os apart. */
// @ts-ignore: decorator
@inline function tile_4x2v<T>(x: usize, xs: usize, w: usize, ws: usize, d: i32, b: usize, out: usize, os: usize): void {
  const E = sizeof<T>();
  // init: 8 accumulators at the bias
  const vb0 = b != 0 ? v128.load(b) : v128.splat<T>(<T>0), vb1 = b != 0 ? v128.load(b, 16) : vb0;
  let v00 = vb0, v01 = vb1, v10 = vb0, v11 = vb1, v20 = vb0, v21 = vb1, v30 = vb0, v31 = vb1;
  // main loop: 2 W vectors + 4 X splats, 8 multiply-adds per k
  let x0 = x, x1 = x + xs, x2 = x + 2 * xs, x3 = x + 3 * xs, wp = w;
  for (let k = 0; k < d; k++) {
    const vw0 = v128.load(wp), vw1 = v128.load(wp, 16);
    const va0 = v128.load_splat<T>(x0), va1 = v128.load_splat<T>(x1);
    const va2 = v128.load_splat<T>(x2), va3 = v128.load_splat<T>(x3);
    v00 = vacc<T>(v00, va0, vw0); v01 = vacc<T>(v01, va0, vw1);
    v10 = vacc<T>(v10, va1, vw0); v11 = vacc<T>(v11, va1, vw1);
    v20 = vacc<T>(v20, va2, vw0); v21 = vacc<T>(v21, va2, vw1);
    v30 = vacc<T>(v30, va3, vw0); v31 = vacc<T>(v31, va3, vw1);
    x0 += E; x1 += E; x2 += E; x3 += E; wp += ws;
  }
  // store the tile
  v128.store(out, v00); v128.store(out, v01, 16);
  v128.store(out + os, v10); v128.store(out + os, v11, 16);
  v128.store(out + 2 * os, v20); v128.store(out + 2 * os, v21, 16);
  v128.store(out + 3 * os, v30); v128.store(out + 3 * os, v31, 16);
}

/** 1 row × 2 vectors (the rows left over). */
// @ts-ignore: decorator
@inline function tile_1x2v<T>(x: usize, w: usize, ws: usize, d: i32, b: usize, out: usize): void {
  const E = sizeof<T>();
  let v0 = b != 0 ? v128.load(b) : v128.splat<T>(<T>0), v1 = b != 0 ? v128.load(b, 16) : v0;
  let x0 = x, wp = w;
  for (let k = 0; k < d; k++) {
    const va = v128.load_splat<T>(x0);
    v0 = vacc<T>(v0, va, v128.load(wp)); v1 = vacc<T>(v1, va, v128.load(wp, 16));
    x0 += E; wp += ws;
  }
  v128.store(out, v0); v128.store(out, v1, 16);
}

/**
 * R (6 or 1) rows × 1 vector of m columns (m < L: a partial vector) at w. W rows k < ks are read as
 * whole vectors; from ks on (the vector would reach past W) lane by lane.
 */
// @ts-ignore: decorator
@inline function tile_rx1v<T>(R: i32, x: usize, xs: usize, w: usize, ws: usize, d: i32, ks: i32, m: i32,
  b: usize, out: usize, os: usize): void {
  const E = sizeof<T>();
  const vb = bias_vec<T>(b, m);
  let v0 = vb, v1 = vb, v2 = vb, v3 = vb, v4 = vb, v5 = vb;
  let x0 = x, wp = w;
  // main loop: 1 W vector + R X splats, R multiply-adds per k; W rows [0, ks) as whole vectors,
  // then (part 1: the rows at the end of W) lane by lane
  let k = 0;
  for (let part = 0; part < 2; part++) {
    const kend = part == 0 ? ks : d;
    for (; k < kend; k++) {
      const vw = part == 0 ? v128.load(wp) : load_part<T>(wp, m);
      v0 = vacc<T>(v0, v128.load_splat<T>(x0), vw);
      if (R > 1) {
        v1 = vacc<T>(v1, v128.load_splat<T>(x0 + xs), vw);
        v2 = vacc<T>(v2, v128.load_splat<T>(x0 + 2 * xs), vw);
        v3 = vacc<T>(v3, v128.load_splat<T>(x0 + 3 * xs), vw);
        v4 = vacc<T>(v4, v128.load_splat<T>(x0 + 4 * xs), vw);
        v5 = vacc<T>(v5, v128.load_splat<T>(x0 + 5 * xs), vw);
      }
      x0 += E; wp += ws;
    }
  }
  store_part<T>(out, v0, m);
  if (R > 1) {
    store_part<T>(out + os, v1, m); store_part<T>(out + 2 * os, v2, m);
    store_part<T>(out + 3 * os, v3, m); store_part<T>(out + 4 * os, v4, m);
    store_part<T>(out + 5 * os, v5, m);
  }
}

/** Score columns [j0, j1) of every row (the whole call: [0, c)). */
export function linear_scores_columns<T>(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize,
  j0: i32, j1: i32): void {
  const E = sizeof<T>();
  const L = 16 / <i32>E, PW = PANEL_BYTES / <i32>E;
  const xs = <usize>d * E, ws = <usize>c * E;
  const total = <i64>d * <i64>c;
  for (let p0 = j0; p0 < j1; p0 += PW) {
    const p1 = min(j1, p0 + PW);
    const p2 = p0 + (p1 - p0) / (2 * L) * (2 * L); // end of the 2-vector tiles
    for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
      const i1 = min(n, i0 + ROW_BLOCK);
      // 4 rows × 2 vectors, then single rows
      for (let j = p0; j < p2; j += 2 * L) {
        const jb = <usize>j * E, bj = bias != 0 ? bias + jb : 0;
        let i = i0;
        for (; i + 4 <= i1; i += 4) tile_4x2v<T>(X + <usize>i * xs, xs, W + jb, ws, d, bj, out + <usize>i * ws + jb, ws);
        for (; i < i1; i++) tile_1x2v<T>(X + <usize>i * xs, W + jb, ws, d, bj, out + <usize>i * ws + jb);
      }
      // the panel's last vector: 6 rows × 1 vector, then single rows
      if (p2 < p1) {
        for (let j = p2; j < p1; j += L) {
          // m columns; W rows [0, kj) hold the whole vector (a partial one reaches past W at the end)
          const mj = min(L, p1 - j), need = <i64>(j + L);
          const kj = total < need ? 0 : <i32>min<i64>(<i64>d, (total - need) / <i64>c + 1);
          const jb = <usize>j * E, bj = bias != 0 ? bias + jb : 0;
          let i = i0;
          for (; i + 6 <= i1; i += 6) tile_rx1v<T>(6, X + <usize>i * xs, xs, W + jb, ws, d, kj, mj, bj, out + <usize>i * ws + jb, ws);
          for (; i < i1; i++) tile_rx1v<T>(1, X + <usize>i * xs, xs, W + jb, ws, d, kj, mj, bj, out + <usize>i * ws + jb, ws);
        }
      }
    }
  }
}

/** scores = X·W + b, f32. `bias` 0 when absent. */
export function linear_scores_f32(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize): void {
  linear_scores_columns<f32>(X, W, bias, n, d, c, out, 0, c);
}

/** scores = X·W + b, f64. `bias` 0 when absent. */
export function linear_scores_f64(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize): void {
  linear_scores_columns<f64>(X, W, bias, n, d, c, out, 0, c);
}

/** Columns [j0, j0 + count) of scores = X·W + b (the thread pool's column chunks), f32. */
export function linear_scores_columns_f32(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize,
  j0: i32, count: i32): void {
  linear_scores_columns<f32>(X, W, bias, n, d, c, out, j0, min(c, j0 + count));
}
export function linear_scores_columns_f64(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, out: usize,
  j0: i32, count: i32): void {
  linear_scores_columns<f64>(X, W, bias, n, d, c, out, j0, min(c, j0 + count));
}
