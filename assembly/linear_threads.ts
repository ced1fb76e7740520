// The small-C linear softmax classifier (linear_softmax.ts loss_small, C ≤ SMALL_C) split into
// phases for the thread pool (src/wasm/threaded.ts), bit-identical to linear_softmax_loss_* for
// any number of threads and any chunking:
//   prep (calling thread):      layout, WT = Wᵀ and ΣW² (pack_transposed), bias, dWT = 0;
//   rows [r0, r0+count) (any thread, count a multiple of MB but the last): per block of MB rows,
//       the same X block handling as loss_small (read in place, or copied, here into a scratch
//       matrix of all N rows), the same score kernels, ce_row per row: G rows, each row's loss
//       (f64) and its G[y] before the −1/N (f64) kept per row;
//   dWT column groups [g0, g0+count) of 4L columns (any thread): dWT[:, group] = Gᵀ·X over ALL N
//       rows in row order, with the same micro-kernels as loss_small: every element sees the
//       same multiply-adds in the same order (loss_small's per-block restarts from dWT·1 are exact);
//   dX rows (any thread): G·Wᵀ per 4 rows as in loss_small (after the dWT phase: dX may alias X);
//   finish (calling thread): db re-summed in row order from the kept G rows exactly as ce_row
//       adds them (db += G, then db[y] −= 1/N), the loss summed in row order, dW = dWTᵀ + 2·reg·W.
// Each phase writes only its own rows / columns, so a chunk can run twice (fault recovery).
import { dot_2x4, dot_4x2, gemm_2x4v, gemm_4x2v } from './gemm';
import {
  MB, ce_row, gemm_edge, in_place_ok, init_bias, lanes, pack_transposed, padded_classes, roundup,
  row_elems, store_db, unpack_transposed,
} from './linear_softmax';

// scratch layout (byte offsets), set by lt_layout
let t_wt: usize = 0, t_dwt: usize = 0, t_s: usize = 0, t_st: usize = 0, t_xg: usize = 0, t_xt: usize = 0;
let t_bp: usize = 0, t_db: usize = 0, t_dbd: usize = 0, t_gy: usize = 0, t_loss: usize = 0, t_tile: usize = 0;
let t_end: f64 = 0;

// @ts-ignore: decorator
@inline function a16(x: f64): f64 { return Math.ceil(x / 16) * 16; }

/** Sets the t_* offsets (computed in f64: a size beyond 32 bits is reported, not wrapped). */
function lt_layout<T>(X: usize, n: i32, d: i32, c: i32): void {
  const E = <f64>sizeof<T>(), L = <f64>lanes<T>();
  const D = <usize>d;
  const Dp = <f64>row_elems<T>(D), Cg = <f64>padded_classes(<usize>c), Cs = Math.ceil(Cg / L) * L;
  const N4 = Math.ceil(<f64>n / 4) * 4, nblk = Math.ceil(<f64>n / <f64>MB);
  const direct = in_place_ok(X, D * sizeof<T>());
  let o: f64 = 0;
  t_wt = <usize>o; o += Cg * Dp * E;
  t_dwt = <usize>o; o += Cg * Dp * E;
  t_s = <usize>o; o += a16(N4 * Cs * E);
  t_st = <usize>o; o += direct ? a16(N4 * Cs * E) : 0;
  t_xg = <usize>o; o += direct ? 0 : N4 * Dp * E;
  t_xt = <usize>o; o += direct ? a16(N4 * L * 4 * E) : 0;
  t_bp = <usize>o; o += a16(Cs * E);
  t_db = <usize>o; o += a16(Cs * 8);
  t_dbd = <usize>o; o += a16(nblk * Cs * 8);
  t_gy = <usize>o; o += a16(<f64>n * 8);
  t_loss = <usize>o; o += a16(<f64>n * 8);
  t_tile = <usize>o; o += (N4 / 4) * L * 8 * E;
  t_end = o;
}

/** The marker of a fully masked row in the kept G[y] (ce_row's masked path does not write it). */
// @ts-ignore: decorator
@inline const MASKED: u64 = 0x7ff4_dead_0000_0001;

function lt_prep<T>(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize): f64 {
  lt_layout<T>(X, n, d, c);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  memory.fill(s + t_wt, 0, Cg * Dp * E * 2); // WT and dWT
  const sumw2 = pack_transposed<T>(W, D, C, s + t_wt, Dp * E);
  init_bias<T>(bias, c, <i32>Cs, s + t_bp, s + t_db);
  for (let i = 0; i < n; i++) store<u64>(s + t_gy + (<usize>i << 3), MASKED);
  return sumw2;
}

/** Rows [r0, r0 + count): X blocks, scores, softmax cross-entropy (G rows, losses, G[y]). */
function lt_rows<T>(X: usize, labels: usize, n: i32, d: i32, c: i32, s: usize, r0: i32, count: i32): void {
  lt_layout<T>(X, n, d, c);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  const C4 = Cg & ~(<usize>3);
  const wt = s + t_wt, bp = s + t_bp;
  const rowB = Dp * E, rowS = Cs * E, rowT = L * 4 * E;
  const direct = in_place_ok(X, D * E);
  const rowX = direct ? D * E : rowB;
  const kt = direct ? D / (L * 4) * (L * 4) : roundup(D, L * 4);
  const nkt = direct ? D - kt : 0;
  const invN = <T>(1.0 / <f64>n);
  const nv = <i32>(kt / L);
  const rend = min(n, r0 + count);
  for (let b0 = r0; b0 < rend; b0 += MB) {
    const rows = min(MB, rend - b0);
    const rows4 = (rows + 3) & ~3;
    const sb = s + t_s + <usize>b0 * rowS;
    const st = s + t_st + <usize>b0 * rowS;
    const xt = s + t_xt + <usize>b0 * rowT;
    // 1. the block of X: in place (tail columns [kt, D) copied, zero padded), or copied
    const xb = direct ? X + <usize>b0 * D * E : s + t_xg + <usize>b0 * rowB;
    if (!direct) {
      for (let r = 0; r < rows; r++) {
        const dst = xb + <usize>r * rowB;
        memory.copy(dst, X + <usize>(b0 + r) * D * E, D * E);
        memory.fill(dst + D * E, 0, (Dp - D) * E);
      }
      if (rows4 > rows) memory.fill(xb + <usize>rows * rowB, 0, <usize>(rows4 - rows) * rowB);
    }
    if (nkt != 0) {
      memory.fill(xt, 0, <usize>rows4 * rowT);
      for (let r = 0; r < rows; r++) memory.copy(xt + <usize>r * rowT, xb + <usize>r * rowX + kt * E, nkt * E);
      memory.fill(st, 0, <usize>rows4 * rowS);
    }
    memory.fill(sb, 0, <usize>rows4 * rowS);
    // 2. scores, exactly as loss_small
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
        const t0 = xt + <usize>r * rowT, u0 = st + <usize>r * rowS;
        for (let g: usize = 0; g < C4; g += 4) {
          const b = wt + g * rowB + kt * E;
          dot_2x4<T>(t0, rowT, b, rowB, 4, u0 + g * E, rowS);
          dot_2x4<T>(t0 + 2 * rowT, rowT, b, rowB, 4, u0 + 2 * rowS + g * E, rowS);
        }
        if (C4 < Cg) dot_4x2<T>(t0, rowT, wt + C4 * rowB + kt * E, rowB, 4, u0 + C4 * E, rowS);
        for (let i: usize = 0; i < <usize>min(4, nr); i++) {
          const p = s0 + i * rowS, q = u0 + i * rowS;
          for (let k: usize = 0; k < Cs * E; k += 16) {
            v128.store(p + k, v128.add<T>(v128.load(p + k), v128.load(q + k)));
          }
        }
      }
    }
    // 3. softmax cross-entropy per row: G in place, the row's loss and G[y] kept; db into a
    //    throw-away buffer (finish re-sums db in row order)
    const dbd = s + t_dbd + <usize>(b0 / MB) * Cs * 8;
    for (let r = 0; r < rows; r++) {
      const i = b0 + r;
      const y = load<i32>(labels + (<usize>i << 2));
      memory.fill(dbd, 0, Cs * 8);
      const l = ce_row<T>(sb + <usize>r * rowS, bp, <i32>(Cs / L), c, y, invN, dbd, s + t_gy + (<usize>i << 3));
      store<f64>(s + t_loss + (<usize>i << 3), l);
    }
  }
}

/** Groups of 4L columns of dWT [g0, g0 + count): dWT[:, cols] = Gᵀ·X over all rows, in row order. */
function lt_dwt<T>(X: usize, n: i32, d: i32, c: i32, s: usize, g0: i32, count: i32): void {
  lt_layout<T>(X, n, d, c);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  const C4 = Cg & ~(<usize>3);
  const dwt = s + t_dwt;
  const rowB = Dp * E, rowS = Cs * E, rowT = L * 4 * E;
  const direct = in_place_ok(X, D * E);
  const rowX = direct ? D * E : rowB;
  const kt = direct ? D / (L * 4) * (L * 4) : roundup(D, L * 4);
  const nkt = direct ? D - kt : 0;
  const gmain = <i32>(kt / (L * 4)); // groups read from X (or its copy); group gmain: the tail
  const g1 = g0 + count;
  const m0 = min(g0, gmain), m1 = min(g1, gmain);
  const k0 = <usize>m0 * L * 4;
  const tail = nkt != 0 && g0 <= gmain && gmain < g1;
  for (let b0 = 0; b0 < n; b0 += MB) {
    const rows = min(MB, n - b0);
    const sb = s + t_s + <usize>b0 * rowS;
    const xb = direct ? X + <usize>b0 * D * E : s + t_xg + <usize>b0 * rowB;
    const xt = s + t_xt + <usize>b0 * rowT;
    const first = b0 == 0; // dWT columns start from 0 (as dWT·1 with dWT = 0): a rerun starts over
    for (let g: usize = 0; g < C4; g += 4) {
      const p = dwt + g * rowB;
      if (m1 > m0) gemm_4x2v<T>(sb + g * E, E, rowS, 0, xb + k0 * E, rowX, L * 2 * E, rows,
        first ? 0 : p + k0 * E, <T>1, p + k0 * E, rowB, L * 2 * E, (m1 - m0) * 2);
      if (tail) gemm_4x2v<T>(sb + g * E, E, rowS, 0, xt, rowT, L * 2 * E, rows,
        first ? 0 : p + kt * E, <T>1, p + kt * E, rowB, L * 2 * E, 2);
    }
    if (C4 < Cg) {
      const p = dwt + C4 * rowB;
      if (m1 > m0) gemm_2x4v<T>(sb + C4 * E, E, rowS, 0, xb + k0 * E, rowX, L * 4 * E, rows,
        first ? 0 : p + k0 * E, <T>1, p + k0 * E, rowB, L * 4 * E, m1 - m0);
      if (tail) gemm_2x4v<T>(sb + C4 * E, E, rowS, 0, xt, rowT, 0, rows,
        first ? 0 : p + kt * E, <T>1, p + kt * E, rowB, 0, 1);
    }
  }
}

/** dX rows [r0, r0 + count) (count a multiple of 4 but the last) = G·Wᵀ. */
function lt_dx<T>(X: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, r0: i32, count: i32): void {
  lt_layout<T>(X, n, d, c);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  const wt = s + t_wt;
  const rowB = Dp * E, rowS = Cs * E;
  const nfull = d / <i32>(L * 2);
  const tend = <i32>((D + L * 2 - 1) / (L * 2));
  const rend = min(n, r0 + count);
  for (let r = r0; r < rend; r += 4) {
    const a = s + t_s + <usize>r * rowS;
    const out = dX + <usize>r * D * E;
    const nr = min(4, rend - r);
    const tile = s + t_tile + <usize>(r >> 2) * L * 8 * E;
    if (nr == 4) gemm_4x2v<T>(a, rowS, E, 0, wt, rowB, L * 2 * E, c, 0, <T>0, out, D * E, L * 2 * E, nfull);
    for (let t = nr == 4 ? nfull : 0; t < tend; t++) {
      const k0 = <usize>t * L * 2;
      gemm_edge<T>(a, rowS, E, wt + k0 * E, rowB, c, 0, <T>0, out + k0 * E, D * E, nr, min(<i32>(L * 2), d - <i32>k0), tile);
    }
  }
}

/** db in row order from the kept G rows, loss, dW = dWTᵀ + 2·reg·W. Returns the loss. */
function lt_finish<T>(X: usize, labels: usize, W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, db: usize,
  s: usize, sumw2: f64): f64 {
  lt_layout<T>(X, n, d, c);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  const rowS = Cs * E;
  const dbs = s + t_db;
  const invN64 = <f64>(<T>(1.0 / <f64>n));
  let lsum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const y = load<i32>(labels + (<usize>i << 2));
    const gy = s + t_gy + (<usize>i << 3);
    const dy = dbs + (<usize>y << 3);
    if (load<u64>(gy) != MASKED) {
      const g = s + t_s + <usize>i * rowS;
      for (let j: usize = 0; j < Cs; j++) {
        const v = j == <usize>y ? load<f64>(gy) : <f64>load<T>(g + j * E);
        store<f64>(dbs + (j << 3), load<f64>(dbs + (j << 3)) + v);
      }
    }
    store<f64>(dy, load<f64>(dy) - invN64);
    lsum += load<f64>(s + t_loss + (<usize>i << 3));
  }
  unpack_transposed<T>(s + t_dwt, Dp * E, W, dW, D, C, <T>(2 * reg));
  store_db<T>(db, dbs, c);
  return reg == 0 ? lsum / <f64>n : lsum / <f64>n + reg * sumw2;
}

// ---- exports ----

/** Scratch bytes of the threaded small-C path (depends on X's address: in place or copied). */
export function linear_threads_scratch_bytes_f32(X: usize, n: i32, d: i32, c: i32): f64 { lt_layout<f32>(X, n, d, c); return t_end; }
export function linear_threads_scratch_bytes_f64(X: usize, n: i32, d: i32, c: i32): f64 { lt_layout<f64>(X, n, d, c); return t_end; }
/** dWT column groups (of 4L columns) of the dWT phase. */
export function linear_threads_groups_f32(X: usize, d: i32): i32 {
  const D = <usize>d, L = lanes<f32>();
  const direct = in_place_ok(X, D * 4);
  return direct ? <i32>(D / (L * 4) + (D % (L * 4) != 0 ? 1 : 0)) : <i32>(roundup(D, L * 4) / (L * 4));
}
export function linear_threads_groups_f64(X: usize, d: i32): i32 {
  const D = <usize>d, L = lanes<f64>();
  const direct = in_place_ok(X, D * 8);
  return direct ? <i32>(D / (L * 4) + (D % (L * 4) != 0 ? 1 : 0)) : <i32>(roundup(D, L * 4) / (L * 4));
}
export function linear_threads_prep_f32(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize): f64 { return lt_prep<f32>(X, W, bias, n, d, c, s); }
export function linear_threads_prep_f64(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize): f64 { return lt_prep<f64>(X, W, bias, n, d, c, s); }
export function linear_threads_rows_f32(X: usize, labels: usize, n: i32, d: i32, c: i32, s: usize, r0: i32, count: i32): void { lt_rows<f32>(X, labels, n, d, c, s, r0, count); }
export function linear_threads_rows_f64(X: usize, labels: usize, n: i32, d: i32, c: i32, s: usize, r0: i32, count: i32): void { lt_rows<f64>(X, labels, n, d, c, s, r0, count); }
export function linear_threads_dwt_f32(X: usize, n: i32, d: i32, c: i32, s: usize, g0: i32, count: i32): void { lt_dwt<f32>(X, n, d, c, s, g0, count); }
export function linear_threads_dwt_f64(X: usize, n: i32, d: i32, c: i32, s: usize, g0: i32, count: i32): void { lt_dwt<f64>(X, n, d, c, s, g0, count); }
export function linear_threads_dx_f32(X: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, r0: i32, count: i32): void { lt_dx<f32>(X, n, d, c, dX, s, r0, count); }
export function linear_threads_dx_f64(X: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, r0: i32, count: i32): void { lt_dx<f64>(X, n, d, c, dX, s, r0, count); }
export function linear_threads_finish_f32(X: usize, labels: usize, W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, db: usize, s: usize, sumw2: f64): f64 { return lt_finish<f32>(X, labels, W, n, d, c, reg, dW, db, s, sumw2); }
export function linear_threads_finish_f64(X: usize, labels: usize, W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, db: usize, s: usize, sumw2: f64): f64 { return lt_finish<f64>(X, labels, W, n, d, c, reg, dW, db, s, sumw2); }

// ---- large C (C > SMALL_C): loss_large in phases -------------------------------------------------
//   prep (calling thread): Xp = X padded, bias, the G[y] markers;
//   panels [p0, p0+count) of PW classes (any thread): pack W[:, panel] into the chunk's own buffer,
//       the panel's Σ of squares as loss_large forms it (an f32x4 / f64x2 accumulator folded with
//       hsum: kept per panel), scores S[:, panel] = Xp·Wp with the same tiles;
//   rows (any thread): ce_row per row as in loss_small's phase above;
//   dX groups of 4 rows of W (any thread): loss_large's loop restricted to those rows: every dX
//       element sums its C chunks in the same order;
//   dW groups of 4 rows of D (any thread): the same tiles (reduction over N inside one call);
//   finish (calling thread): ΣW² chained over the panels in order (scalar tail terms, then the
//       panel's folded sum, as loss_large adds them), db re-summed in row order, the loss.
// A dW chunk reads W before it overwrites it (dW may alias W): with reg ≠ 0 and dW = W it cannot
// run twice (the pool is told: an Error instead of a second run after a fault).
import { SMALL_C, dx_emit, panel_width } from './linear_softmax';
import { hsum } from './vec';

let u_xp: usize = 0, u_s: usize = 0, u_wp: usize = 0, u_bp: usize = 0, u_db: usize = 0, u_dbd: usize = 0;
let u_gy: usize = 0, u_loss: usize = 0, u_h: usize = 0, u_res: usize = 0, u_tile: usize = 0, u_tw: usize = 0;
let u_end: f64 = 0;

function panels_of<T>(d: i32, c: i32): i32 {
  const PW = panel_width<T>(<usize>d), Cs = row_elems<T>(<usize>c);
  return <i32>((Cs + PW - 1) / PW);
}

/** Offsets for chunks of ppc panels, rpc rows, kpc groups of 4 rows of D. */
function lu_layout<T>(n: i32, d: i32, c: i32, ppc: i32, rpc: i32, kpc: i32): void {
  const E = <f64>sizeof<T>(), L = <f64>lanes<T>();
  const N = <f64>n, D = <f64>d;
  const Dx = <f64>row_elems<T>(<usize>d), Cs = <f64>row_elems<T>(<usize>c), Np = Math.ceil(N / 4) * 4;
  const PW = <f64>panel_width<T>(<usize>d);
  const np = <f64>panels_of<T>(d, c);
  const cP = Math.ceil(np / <f64>ppc), cR = Math.ceil(N / <f64>rpc), cK = Math.ceil(Math.ceil(D / 4) / <f64>kpc);
  let o: f64 = 0;
  u_xp = <usize>o; o += Np * Dx * E;
  u_s = <usize>o; o += a16(Np * Cs * E);
  u_wp = <usize>o; o += cP * a16(D * PW * E);
  u_bp = <usize>o; o += a16(Cs * E);
  u_db = <usize>o; o += a16(Cs * 8);
  u_dbd = <usize>o; o += cR * a16(Cs * 8);
  u_gy = <usize>o; o += a16(N * 8);
  u_loss = <usize>o; o += a16(N * 8);
  u_h = <usize>o; o += a16(np * 8);
  u_res = <usize>o; o += cK * a16(8 * E);
  u_tile = <usize>o; o += cK * L * 8 * E;
  u_tw = <usize>o; o += a16(D * L * E);
  u_end = o;
}

function lu_prep<T>(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32): void {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>();
  const N = <usize>n, D = <usize>d;
  const Dx = row_elems<T>(D), Np = roundup(N, 4), Cs = row_elems<T>(<usize>c);
  const rowX = Dx * E;
  const xp = s + u_xp;
  for (let i: usize = 0; i < Np; i++) {
    const dst = xp + i * rowX;
    if (i < N) {
      memory.copy(dst, X + i * D * E, D * E);
      memory.fill(dst + D * E, 0, (Dx - D) * E);
    } else {
      memory.fill(dst, 0, rowX);
    }
  }
  init_bias<T>(bias, c, <i32>Cs, s + u_bp, s + u_db);
  for (let i = 0; i < n; i++) store<u64>(s + u_gy + (<usize>i << 3), MASKED);
  // the scalar-tail classes of the last panel, for ΣW² in finish (dW may overwrite W before)
  const L = lanes<T>(), C = <usize>c, PW = panel_width<T>(D);
  const q = C / PW, p0 = q * PW, nc = C - p0, ncv = nc / L * L;
  for (let k: usize = 0; k < D; k++) {
    for (let j = ncv; j < nc; j++) store<T>(s + u_tw + (k * L + j - ncv) * E, load<T>(W + k * C * E + (p0 + j) * E));
  }
}

function lu_panels<T>(W: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, q0: i32, count: i32): void {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>(), L = lanes<T>();
  const N = <usize>n, D = <usize>d, C = <usize>c;
  const Dx = row_elems<T>(D), Np = roundup(N, 4), Cs = row_elems<T>(C);
  const PW = panel_width<T>(D);
  const rowX = Dx * E, rowS = Cs * E, rowW = C * E, pwb = PW * E;
  const wp = s + u_wp + <usize>(q0 / ppc) * <usize>a16(<f64>D * <f64>PW * <f64>E);
  for (let q = q0; q < q0 + count; q++) {
    const p0 = <usize>q * PW;
    const nc = p0 < C ? min(PW, C - p0) : 0;
    const ncv = nc / L * L;
    let vw2 = v128.splat<i32>(0);
    for (let k: usize = 0; k < D; k++) {
      const src = W + k * rowW + p0 * E, dst = wp + k * pwb;
      let j: usize = 0;
      for (; j < ncv; j += L) {
        const w = v128.load(src + j * E);
        v128.store(dst + j * E, w);
        vw2 = v128.add<T>(vw2, v128.mul<T>(w, w));
      }
      for (; j < PW; j++) store<T>(dst + j * E, j < nc ? load<T>(src + j * E) : <T>0);
    }
    store<f64>(s + u_h + (<usize>q << 3), <f64>hsum<T>(vw2));
    const ntp = <i32>(min(PW, Cs - p0) / (L * 2));
    for (let r: usize = 0; r < Np; r += 4) {
      gemm_4x2v<T>(s + u_xp + r * rowX, rowX, E, 0, wp, pwb, L * 2 * E, d, 0, <T>0, s + u_s + r * rowS + p0 * E,
        rowS, L * 2 * E, ntp);
    }
  }
}

function lu_rows<T>(labels: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, r0: i32, count: i32): void {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>(), L = lanes<T>();
  const Cs = row_elems<T>(<usize>c);
  const rowS = Cs * E;
  const invN = <T>(1.0 / <f64>n);
  const dbd = s + u_dbd + <usize>(r0 / rpc) * <usize>a16(<f64>Cs * 8);
  for (let i = r0; i < min(n, r0 + count); i++) {
    const y = load<i32>(labels + (<usize>i << 2));
    memory.fill(dbd, 0, Cs * 8);
    const l = ce_row<T>(s + u_s + <usize>i * rowS, s + u_bp, <i32>(Cs / L), c, y, invN, dbd, s + u_gy + (<usize>i << 3));
    store<f64>(s + u_loss + (<usize>i << 3), l);
  }
}

function lu_dx<T>(W: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>(), L = lanes<T>();
  const N = <usize>n, D = <usize>d, C = <usize>c;
  const Cs = row_elems<T>(C);
  const rowS = Cs * E, rowW = C * E;
  const sp = s + u_s;
  const res = s + u_res + <usize>(g0 / kpc) * <usize>a16(8 * <f64>E);
  const cvL = C / L * L;
  let ck = (<usize>(256 * 1024) / (N * E)) / L * L;
  if (ck < 64) ck = 64;
  const kA = <usize>g0 * 4, kB = min(D, <usize>(g0 + count) * 4);
  for (let c0: usize = 0; c0 < cvL; c0 += ck) {
    const c1 = min(c0 + ck, cvL);
    const nv = <i32>((c1 - c0) / L);
    const first = c0 == 0, last = c1 == cvL;
    for (let k0 = kA; k0 < kB; k0 += 4) {
      for (let i0: usize = 0; i0 < N; i0 += 2) {
        const a = sp + i0 * rowS + c0 * E, as = i0 + 1 < N ? rowS : 0;
        if (k0 + 4 <= D) {
          dot_2x4<T>(a, as, W + k0 * rowW + c0 * E, rowW, nv, res, 4 * E);
          dx_emit<T>(res, sp, rowS, W, rowW, dX, D, C, cvL, i0, N, k0, 0, 4, first, last);
        } else {
          const kb = D - 4; // D ≥ 4 here (the caller keeps smaller D on one thread)
          dot_2x4<T>(a, as, W + kb * rowW + c0 * E, rowW, nv, res, 4 * E);
          dx_emit<T>(res, sp, rowS, W, rowW, dX, D, C, cvL, i0, N, kb, k0 - kb, 4, first, last);
        }
      }
    }
  }
}

function lu_dw<T>(W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dx = row_elems<T>(D), Cs = row_elems<T>(C);
  const PW = panel_width<T>(D);
  const rowX = Dx * E, rowS = Cs * E, rowW = C * E;
  const tile = s + u_tile + <usize>(g0 / kpc) * L * 8 * E;
  const reg2 = <T>(2 * reg);
  const Cf = C / (L * 2) * (L * 2);
  const kA = <usize>g0 * 4, kB = min(D, <usize>(g0 + count) * 4);
  for (let p0: usize = 0; p0 < C; p0 += PW) {
    const pfull = <i32>((min(p0 + PW, Cf) - min(p0, Cf)) / (L * 2));
    for (let k0 = kA; k0 < kB; k0 += 4) {
      const nr = <i32>min(4, D - k0);
      const a = s + u_xp + k0 * E, out = dW + k0 * rowW + p0 * E;
      const cin = reg != 0 ? W + k0 * rowW + p0 * E : 0;
      if (nr == 4) {
        gemm_4x2v<T>(a, E, rowX, 0, s + u_s + p0 * E, rowS, L * 2 * E, n, cin, reg2, out, rowW, L * 2 * E, pfull);
      }
      for (let t = nr == 4 ? pfull : 0; t < <i32>((min(PW, C - p0) + L * 2 - 1) / (L * 2)); t++) {
        const j = <usize>t * L * 2;
        gemm_edge<T>(a, E, rowX, s + u_s + (p0 + j) * E, rowS, n, cin != 0 ? cin + j * E : 0, reg2,
          out + j * E, rowW, nr, <i32>min(L * 2, C - p0 - j), tile);
      }
    }
  }
}

function lu_finish<T>(W: usize, labels: usize, n: i32, d: i32, c: i32, reg: f64, db: usize, s: usize, ppc: i32, rpc: i32, kpc: i32): f64 {
  lu_layout<T>(n, d, c, ppc, rpc, kpc);
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Cs = row_elems<T>(C), PW = panel_width<T>(D);
  const rowS = Cs * E, rowW = C * E;
  // ΣW² as loss_large chains it: per panel, its scalar-tail squares in (k, j) order, then the folded sum
  let sumw2: f64 = 0;
  const np = panels_of<T>(d, c);
  for (let q = 0; q < np; q++) {
    const p0 = <usize>q * PW;
    const nc = p0 < C ? min(PW, C - p0) : 0;
    const ncv = nc / L * L;
    if (ncv < nc) { // the padding (w = 0) adds +0: nothing
      for (let k: usize = 0; k < D; k++) {
        for (let j = ncv; j < nc; j++) {
          const w = load<T>(s + u_tw + (k * L + j - ncv) * E);
          sumw2 += <f64>w * <f64>w;
        }
      }
    }
    sumw2 += load<f64>(s + u_h + (<usize>q << 3));
  }
  const dbs = s + u_db;
  const invN64 = <f64>(<T>(1.0 / <f64>n));
  let lsum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const y = load<i32>(labels + (<usize>i << 2));
    const gy = s + u_gy + (<usize>i << 3);
    const dy = dbs + (<usize>y << 3);
    if (load<u64>(gy) != MASKED) {
      const g = s + u_s + <usize>i * rowS;
      for (let j: usize = 0; j < Cs; j++) {
        const v = j == <usize>y ? load<f64>(gy) : <f64>load<T>(g + j * E);
        store<f64>(dbs + (j << 3), load<f64>(dbs + (j << 3)) + v);
      }
    }
    store<f64>(dy, load<f64>(dy) - invN64);
    lsum += load<f64>(s + u_loss + (<usize>i << 3));
  }
  store_db<T>(db, dbs, c);
  return reg == 0 ? lsum / <f64>n : lsum / <f64>n + reg * sumw2;
}

export function linear_threads_large_panels_f32(d: i32, c: i32): i32 { return panels_of<f32>(d, c); }
export function linear_threads_large_panels_f64(d: i32, c: i32): i32 { return panels_of<f64>(d, c); }
export function linear_threads_large_scratch_bytes_f32(n: i32, d: i32, c: i32, ppc: i32, rpc: i32, kpc: i32): f64 { lu_layout<f32>(n, d, c, ppc, rpc, kpc); return u_end; }
export function linear_threads_large_scratch_bytes_f64(n: i32, d: i32, c: i32, ppc: i32, rpc: i32, kpc: i32): f64 { lu_layout<f64>(n, d, c, ppc, rpc, kpc); return u_end; }
export function linear_threads_large_prep_f32(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32): void { lu_prep<f32>(X, W, bias, n, d, c, s, ppc, rpc, kpc); }
export function linear_threads_large_prep_f64(X: usize, W: usize, bias: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32): void { lu_prep<f64>(X, W, bias, n, d, c, s, ppc, rpc, kpc); }
export function linear_threads_large_panel_f32(W: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, q0: i32, count: i32): void { lu_panels<f32>(W, n, d, c, s, ppc, rpc, kpc, q0, count); }
export function linear_threads_large_panel_f64(W: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, q0: i32, count: i32): void { lu_panels<f64>(W, n, d, c, s, ppc, rpc, kpc, q0, count); }
export function linear_threads_large_rows_f32(labels: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, r0: i32, count: i32): void { lu_rows<f32>(labels, n, d, c, s, ppc, rpc, kpc, r0, count); }
export function linear_threads_large_rows_f64(labels: usize, n: i32, d: i32, c: i32, s: usize, ppc: i32, rpc: i32, kpc: i32, r0: i32, count: i32): void { lu_rows<f64>(labels, n, d, c, s, ppc, rpc, kpc, r0, count); }
export function linear_threads_large_dx_f32(W: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void { lu_dx<f32>(W, n, d, c, dX, s, ppc, rpc, kpc, g0, count); }
export function linear_threads_large_dx_f64(W: usize, n: i32, d: i32, c: i32, dX: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void { lu_dx<f64>(W, n, d, c, dX, s, ppc, rpc, kpc, g0, count); }
export function linear_threads_large_dw_f32(W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void { lu_dw<f32>(W, n, d, c, reg, dW, s, ppc, rpc, kpc, g0, count); }
export function linear_threads_large_dw_f64(W: usize, n: i32, d: i32, c: i32, reg: f64, dW: usize, s: usize, ppc: i32, rpc: i32, kpc: i32, g0: i32, count: i32): void { lu_dw<f64>(W, n, d, c, reg, dW, s, ppc, rpc, kpc, g0, count); }
export function linear_threads_large_finish_f32(W: usize, labels: usize, n: i32, d: i32, c: i32, reg: f64, db: usize, s: usize, ppc: i32, rpc: i32, kpc: i32): f64 { return lu_finish<f32>(W, labels, n, d, c, reg, db, s, ppc, rpc, kpc); }
export function linear_threads_large_finish_f64(W: usize, labels: usize, n: i32, d: i32, c: i32, reg: f64, db: usize, s: usize, ppc: i32, rpc: i32, kpc: i32): f64 { return lu_finish<f64>(W, labels, n, d, c, reg, db, s, ppc, rpc, kpc); }
