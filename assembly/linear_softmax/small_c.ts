// Linear softmax classifier, small C (C ≤ SMALL_C): loss and gradients from the register-blocked
// micro-kernels of gemm.ts, as phases that one thread runs block by block and the thread pool
// (src/wasm/threaded_linear.ts) runs as chunks, with the same bits for any chunking:
//
// W is packed transposed, WT (Cg × Dp, zero padded: Cg = C rounded up to groups of 4 classes, plus
// one group of 2 when C % 4 is 1 or 2; Dp = D padded to an odd number of cache lines, plan.ts).
//   prep:  WT = Wᵀ and ΣW² (pack_transposed), bias, the G[y] markers (the caller's only serial
//          work besides finish: it writes no more than WT's padding and the small buffers);
//   rows (blocks of MB = 24 rows):
//     1. the block of X is read in place when its rows are 16-byte aligned and spread over the L1
//        sets (only its last D mod 4L columns are copied to Xt, zero padded, so no kernel reads past
//        a row); otherwise (e.g. D = 3073: rows 4 bytes off a multiple of 4 KiB apart) the block is
//        copied into Xg, padded;
//     2. scores: dot_2x4 (2 rows × 4 classes, dot products along D; C = 10 → 2 groups of 4 and one
//        dot_4x2 for 4 rows × the last 2 classes);
//     3. softmax cross-entropy per row (ce_row.ts): G rows in place of the scores, losses, G[y];
//   dWT column groups of 4L: per chunk of cr rows (whole blocks, a function of N only: plan.ts
//        small_c_chunk_rows), a partial dWTₖ[:, group] = Σ over the chunk's blocks, in block order,
//        of Gᵀ·Xblock (gemm_4x2v: 4 classes × 2 vectors of D per tile, reduction over the block's
//        rows; gemm_2x4v for the group of 2 classes), computed while the block is in cache (no
//        second pass over X); then dWT = ((dWT₀ + dWT₁) + dWT₂) + … in chunk order (reduce). Every
//        element sees the same operations in the same order however the chunks and the column
//        groups of the reduction are spread over threads;
//   dX rows = G·Wᵀ (gemm_4x2v: 4 rows × 2 vectors of D, reduction over C), after the block's dWT
//        (dX may overwrite X);
//   finish: db and the loss summed in row order (ce_row.ts), dW = dWTᵀ + 2·reg·W by 4 × 4 register
//        transposes (W was read for ΣW² when it was packed; this is its last read, element by
//        element before the write, so dW may alias W).
// One thread runs rows, dWT, dX and db per block, and adds each chunk's partial into dWT as the
// chunk's last block finishes it (gemm's `add`, dWT first as in reduce: no pass of its own); the
// pool runs whole chunks (rows, dWT partial, dX), then the reduction by column groups. A chunk
// writes only its own rows and partial, so it can run twice (fault recovery) unless dX overwrites X.
// Cost against the single call (bench/linear_phases.ts, 500×3073×10 f32, relaxed): the chunks take
// ~4% more (one Xg buffer per chunk instead of one), the reduction ~1%.
import { dot_2x4, dot_4x2, gemm_2x4v, gemm_4x2v } from '../gemm';
import { ce_rows, db_rows, loss_total } from './ce_row';
import { copy_padded, gemm_edge, init_bias, pack_transposed, store_db, unpack_transposed } from './pack';
import { MASKED, MB, SmallCPlan, lanes, plan_small_c, small_c_chunk_rows } from './plan';

function prep<T>(p: SmallCPlan): void {
  const E = sizeof<T>();
  const rowB = p.rowB, DE = p.D * E;
  // WT's padding (columns [D, Dp), classes [C, Cg)) reads as 0; pack_transposed writes the rest.
  // dWT is written whole by its first block (no rows: 0, for dW = 2·reg·W).
  for (let j: usize = 0; j < p.C; j++) memory.fill(p.wt + j * rowB + DE, 0, rowB - DE);
  memory.fill(p.wt + p.C * rowB, 0, (p.Cg - p.C) * rowB);
  if (p.n == 0) memory.fill(p.dwt, 0, p.Cg * rowB);
  p.sumw2 = pack_transposed<T>(p.W, p.D, p.C, p.wt, rowB);
  init_bias<T>(p.bias, p.c, <i32>p.Cs, p.bp, p.dbs);
  for (let i = 0; i < p.n; i++) store<u64>(p.gy + (<usize>i << 3), MASKED);
}

// @ts-ignore: decorator
@inline function block_index(b0: i32): usize { return <usize>(b0 / MB); }
/** The chunk of the block at row b0. */
// @ts-ignore: decorator
@inline function chunk_index(p: SmallCPlan, b0: i32): usize { return <usize>(b0 / p.cr); }

/** The block of X as the kernels read it (X in place, or its copy). */
// @ts-ignore: decorator
@inline function x_block<T>(p: SmallCPlan, b0: i32): usize {
  return p.direct ? p.X + <usize>b0 * p.D * sizeof<T>() : p.xg + chunk_index(p, b0) * p.xgStep;
}

/** The dWT partial of chunk k (chunk 0: dWT itself). */
// @ts-ignore: decorator
@inline function partial(p: SmallCPlan, k: usize): usize {
  return k == 0 ? p.dwt : p.dwp + (k - 1) * p.dwpStep;
}

/** Rows [b0, b0 + rows) (one block): X block, scores, softmax cross-entropy. */
function rows_block<T>(p: SmallCPlan, b0: i32, rows: i32): void {
  const E = sizeof<T>();
  const D = p.D, Cg = p.Cg, C4 = p.C4, wt = p.wt;
  const rowB = p.rowB, rowS = p.rowS, rowT = p.rowT, rowX = p.rowX, kt = p.kt, nkt = p.nkt, nv = p.nv;
  const rows4 = (rows + 3) & ~3;
  const k = block_index(b0);
  const sb = p.s + k * p.sStep, st = p.st + k * p.sStep, xt = p.xt + chunk_index(p, b0) * p.xtStep;
  // 1. the block of X: in place (and its tail columns [kt, D) copied to xt, zero padded to 4L
  //    columns and rows4 rows), or copied (zero padded to Dp columns)
  const xb = x_block<T>(p, b0);
  if (!p.direct) copy_padded<T>(xb, rowB, p.X + <usize>b0 * D * E, D, <usize>rows, <usize>rows4);
  if (nkt != 0) {
    memory.fill(xt, 0, <usize>rows4 * rowT);
    for (let r = 0; r < rows; r++) memory.copy(xt + <usize>r * rowT, xb + <usize>r * rowX + kt * E, nkt * E);
    memory.fill(st, 0, <usize>rows4 * rowS);
  }
  memory.fill(sb, 0, <usize>rows4 * rowS); // padded classes and rows: G = 0
  // 2. scores (raw): 2 rows × 4 classes (dot_2x4), the group of 2 classes 4 rows at a time;
  //    rows past the block repeat a valid row (A stride 0) and write onto it (out stride 0)
  for (let r = 0; r < rows; r += 4) {
    const x0 = xb + <usize>r * rowX, s0 = sb + <usize>r * rowS;
    const nr = rows - r;
    for (let g: usize = 0; g < C4; g += 4) {
      const b = wt + g * rowB;
      dot_2x4<T>(x0, nr > 1 ? rowX : 0, b, rowB, nv, s0 + g * E, nr > 1 ? rowS : 0);
      if (nr > 2) {
        dot_2x4<T>(x0 + 2 * rowX, nr > 3 ? rowX : 0, b, rowB, nv, s0 + 2 * rowS + g * E, nr > 3 ? rowS : 0);
      }
    }
    if (C4 < Cg) {
      if (nr >= 4) dot_4x2<T>(x0, rowX, wt + C4 * rowB, rowB, nv, s0 + C4 * E, rowS);
      else for (let i = 0; i < nr; i++) {
        dot_4x2<T>(x0 + <usize>i * rowX, 0, wt + C4 * rowB, rowB, nv, s0 + <usize>i * rowS + C4 * E, 0);
      }
    }
    if (nkt != 0) {
      // the tail columns, from xt (zero padded rows and columns), added to the scores
      const t0 = xt + <usize>r * rowT, u0 = st + <usize>r * rowS;
      for (let g: usize = 0; g < C4; g += 4) {
        const b = wt + g * rowB + kt * E;
        dot_2x4<T>(t0, rowT, b, rowB, 4, u0 + g * E, rowS);
        dot_2x4<T>(t0 + 2 * rowT, rowT, b, rowB, 4, u0 + 2 * rowS + g * E, rowS);
      }
      if (C4 < Cg) dot_4x2<T>(t0, rowT, wt + C4 * rowB + kt * E, rowB, 4, u0 + C4 * E, rowS);
      for (let i: usize = 0; i < <usize>min(4, nr); i++) {
        const q = s0 + i * rowS, u = u0 + i * rowS;
        for (let j: usize = 0; j < rowS; j += 16) v128.store(q + j, v128.add<T>(v128.load(q + j), v128.load(u + j)));
      }
    }
  }
  // 3. softmax cross-entropy per row: G in place, the row's loss and G[y] kept
  ce_rows<T>(p, sb, b0, b0 + rows);
}

/**
 * The chunk's dWT partial, column groups [g0, g1), += Gᵀ·Xblock for the block at b0: 4 classes × 2
 * vectors of D (2 classes × 4 vectors) per tile, reduction over the block's rows; columns [0, kt)
 * from the X block, [kt, D) from xt. The first block of a chunk starts its partial from 0 (a rerun
 * starts over).
 */
function dwt_block<T>(p: SmallCPlan, b0: i32, rows: i32, g0: i32, g1: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const Cg = p.Cg, C4 = p.C4, rowB = p.rowB, kt = p.kt, gmain = p.gmain;
  const k = block_index(b0), ck = chunk_index(p, b0);
  const sb = p.s + k * p.sStep, xt = p.xt + ck * p.xtStep, xb = x_block<T>(p, b0);
  const part = partial(p, ck);
  const m0 = min(g0, gmain), m1 = min(g1, gmain);
  const k0 = <usize>m0 * L * 4;
  const tail = p.nkt != 0 && g0 <= gmain && gmain < g1;
  const first = b0 % p.cr == 0;
  // one thread, the last block of chunk ck ≥ 1: dWT + the finished partial straight into dWT
  // (the same sum, in the same operand order, as reduce)
  const fold = p.single && ck > 0 && (b0 + MB >= p.n || (b0 + MB) % p.cr == 0);
  const dst = fold ? p.dwt : part, add = fold ? p.dwt : 0;
  for (let g: usize = 0; g < C4; g += 4) {
    const q = part + g * rowB, o = dst + g * rowB, ad = add != 0 ? add + g * rowB : 0;
    if (m1 > m0) {
      gemm_4x2v<T>(p.g_dwt, sb + g * E, xb + k0 * E, rows, first ? 0 : q + k0 * E, o + k0 * E, (m1 - m0) * 2, ad != 0 ? ad + k0 * E : 0);
    }
    if (tail) gemm_4x2v<T>(p.g_dwt_tail, sb + g * E, xt, rows, first ? 0 : q + kt * E, o + kt * E, 2, ad != 0 ? ad + kt * E : 0);
  }
  if (C4 < Cg) {
    const q = part + C4 * rowB, o = dst + C4 * rowB, ad = add != 0 ? add + C4 * rowB : 0;
    if (m1 > m0) {
      gemm_2x4v<T>(p.g_dwt2, sb + C4 * E, xb + k0 * E, rows, first ? 0 : q + k0 * E, o + k0 * E, m1 - m0, ad != 0 ? ad + k0 * E : 0);
    }
    if (tail) gemm_2x4v<T>(p.g_dwt2_tail, sb + C4 * E, xt, rows, first ? 0 : q + kt * E, o + kt * E, 1, ad != 0 ? ad + kt * E : 0);
  }
}

/**
 * dWT[:, groups [g0, g1)] += partials k0 … k1−1, in that order (per element: ((dWT + P_k0) + …)),
 * 4 vectors (one column group) of a class row at a time.
 */
function reduce<T>(p: SmallCPlan, g0: i32, g1: i32, k0: i32, k1: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const rowB = p.rowB, step = p.dwpStep;
  for (let j: usize = 0; j < p.Cg; j++) {
    for (let g = g0; g < g1; g++) {
      const q = p.dwt + j * rowB + <usize>g * L * 4 * E;
      let v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
      let r = partial(p, <usize>k0) + (q - p.dwt);
      for (let k = k0; k < k1; k++) {
        v0 = v128.add<T>(v0, v128.load(r)); v1 = v128.add<T>(v1, v128.load(r, 16));
        v2 = v128.add<T>(v2, v128.load(r, 32)); v3 = v128.add<T>(v3, v128.load(r, 48));
        r += step;
      }
      v128.store(q, v0); v128.store(q, v1, 16); v128.store(q, v2, 32); v128.store(q, v3, 48);
    }
  }
}

/** dX rows [r0, r1) (r0 a multiple of 4) = G·Wᵀ, G rows from g (row r0): 4 rows × 2 vectors of D. */
function dx_rows<T>(p: SmallCPlan, g: usize, r0: i32, r1: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const D = p.D, d = p.d, c = p.c, rowS = p.rowS;
  const nfull = d / <i32>(L * 2); // tiles that lie entirely inside a row of dX
  const tend = <i32>((D + L * 2 - 1) / (L * 2));
  for (let r = r0; r < r1; r += 4) {
    const a = g + <usize>(r - r0) * rowS;
    const out = p.dX + <usize>r * D * E;
    const nr = min(4, r1 - r);
    const tile = p.tile + <usize>(r >> 2) * p.tileStep;
    if (nr == 4) gemm_4x2v<T>(p.g_dx, a, p.wt, c, 0, out, nfull);
    for (let t = nr == 4 ? nfull : 0; t < tend; t++) {
      const k0 = <usize>t * L * 2;
      gemm_edge<T>(p.g_dx, a, p.wt + k0 * E, c, 0, out + k0 * E, nr, min(<i32>(L * 2), d - <i32>k0), tile);
    }
  }
}

/** dW = dWTᵀ + 2·reg·W (reads each W element once, then overwrites it), db; returns the loss. */
function finish<T>(p: SmallCPlan): f64 {
  unpack_transposed<T>(p.dwt, p.rowB, p.W, p.dW, p.D, p.C, <T>(2 * p.reg));
  store_db<T>(p.db, p.dbs, p.c);
  return loss_total(p);
}

// @ts-ignore: decorator
@inline function plan_at<T>(s: usize, X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, perRow: bool): SmallCPlan {
  plan_small_c<T>(s, X, n, d, c, perRow);
  const p = changetype<SmallCPlan>(s);
  p.bind(X, labels, W, bias, reg, dW, db, dX);
  return p;
}

/** The whole call on one thread: the phases block by block. */
function small_c<T>(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  const p = plan_at<T>(scratch, X, labels, W, bias, n, d, c, reg, dW, db, dX, false);
  prep<T>(p);
  for (let b0 = 0; b0 < n; b0 += MB) {
    const rows = min(MB, n - b0);
    rows_block<T>(p, b0, rows);
    db_rows<T>(p, p.s, b0, b0 + rows);
    dwt_block<T>(p, b0, rows, 0, p.groups);
    if (dX != 0) dx_rows<T>(p, p.s, b0, b0 + rows);
  }
  return finish<T>(p);
}

// ---- exports: the whole call, and its phases for the thread pool ----
// The phase exports take the scratch whose plan prep wrote; counts are of rows (chunk: whole chunks
// but the last) or of dWT column groups (reduce).

/** Bytes of scratch linear_softmax_small_c_* needs (a double, exact: may exceed 32 bits). */
export function linear_softmax_small_c_scratch_bytes_f32(n: i32, d: i32, c: i32): f64 { return plan_small_c<f32>(0, 0, n, d, c, false); }
export function linear_softmax_small_c_scratch_bytes_f64(n: i32, d: i32, c: i32): f64 { return plan_small_c<f64>(0, 0, n, d, c, false); }
export function linear_softmax_small_c_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return small_c<f32>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
export function linear_softmax_small_c_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return small_c<f64>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}

/** Bytes of scratch of the phases (all N rows kept; depends on X's address: in place or copied). */
export function linear_softmax_small_c_threads_scratch_bytes_f32(X: usize, n: i32, d: i32, c: i32): f64 { return plan_small_c<f32>(0, X, n, d, c, true); }
export function linear_softmax_small_c_threads_scratch_bytes_f64(X: usize, n: i32, d: i32, c: i32): f64 { return plan_small_c<f64>(0, X, n, d, c, true); }

/** Rows per chunk of the phases (a function of n only; whole blocks of LINEAR_BLOCK_ROWS). */
export function linear_softmax_small_c_chunk_rows(n: i32): i32 { return small_c_chunk_rows(n); }

/** Plans the scratch s and packs W; returns the number of dWT column groups. */
export function linear_softmax_small_c_prep_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, s: usize): i32 {
  const p = plan_at<f32>(s, X, labels, W, bias, n, d, c, reg, dW, db, dX, true);
  prep<f32>(p);
  return p.groups;
}
export function linear_softmax_small_c_prep_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, s: usize): i32 {
  const p = plan_at<f64>(s, X, labels, W, bias, n, d, c, reg, dW, db, dX, true);
  prep<f64>(p);
  return p.groups;
}

// @ts-ignore: decorator
@inline function chunk_phase<T>(s: usize, r0: i32, count: i32): void {
  const p = changetype<SmallCPlan>(s);
  const r1 = min(p.n, r0 + count);
  for (let b0 = r0; b0 < r1; b0 += MB) {
    const rows = min(MB, r1 - b0);
    rows_block<T>(p, b0, rows);
    dwt_block<T>(p, b0, rows, 0, p.groups);
    if (p.dX != 0) dx_rows<T>(p, p.s + block_index(b0) * p.sStep, b0, b0 + rows);
  }
}
// @ts-ignore: decorator
@inline function reduce_phase<T>(s: usize, g0: i32, count: i32): void {
  const p = changetype<SmallCPlan>(s);
  reduce<T>(p, g0, min(p.groups, g0 + count), 1, p.chunks);
}
// @ts-ignore: decorator
@inline function finish_phase<T>(s: usize): f64 {
  const p = changetype<SmallCPlan>(s);
  db_rows<T>(p, p.s, 0, p.n);
  return finish<T>(p);
}
/**
 * Rows [r0, r0 + count), whole chunks (r0 and count multiples of the chunk rows prep returned, but
 * the last): X blocks, scores, G rows, the chunk's dWT partial, dX rows.
 */
export function linear_softmax_small_c_chunk_f32(s: usize, r0: i32, count: i32): void { chunk_phase<f32>(s, r0, count); }
export function linear_softmax_small_c_chunk_f64(s: usize, r0: i32, count: i32): void { chunk_phase<f64>(s, r0, count); }
/** dWT column groups [g0, g0 + count) += the partials of chunks 1 …, in chunk order (after every chunk). */
export function linear_softmax_small_c_reduce_f32(s: usize, g0: i32, count: i32): void { reduce_phase<f32>(s, g0, count); }
export function linear_softmax_small_c_reduce_f64(s: usize, g0: i32, count: i32): void { reduce_phase<f64>(s, g0, count); }
/** db in row order, the loss, dW. Returns the loss. */
export function linear_softmax_small_c_finish_f32(s: usize): f64 { return finish_phase<f32>(s); }
export function linear_softmax_small_c_finish_f64(s: usize): f64 { return finish_phase<f64>(s); }
