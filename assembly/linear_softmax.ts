// Linear softmax classifier: loss and gradients (CS231n convention), f32 (f32x4) and f64 (f64x2),
// built from the register-blocked micro-kernels of gemm.ts. Accuracy: the loss is accumulated in
// f64; against a float64 reference the tests see ≤ 1.1e-5 (f32) and ≤ 2e-13 (f64) relative to the
// largest magnitude of each output (tests/assembly/linear_softmax_raw.test.ts).
import { exp_v128 } from './exp';
import { gemm_4x2v, gemm_2x4v, dot_2x4, dot_4x2 } from './gemm';
import { hsum, hmax_nan } from './vec';
import { row_has_nan } from './row';

/*
 * scores = X·W + b, p = softmax(scores) per row, loss = mean_i(lse_i − scores[i, y_i]) + reg·ΣW²,
 * G = (p − onehot(y))/N, dW = Xᵀ·G + 2·reg·W, db = Σ_i G_i, dX = G·Wᵀ.
 * Each row: m = max, s = Σ exp(score − m) (vector exp), loss_i = log s + m − score_y, G in place.
 *
 * Small C (C ≤ SMALL_C = 64): W is packed transposed, WT (Cg × Dp, zero padded: Cg = C rounded up
 * to groups of 4 classes, plus one group of 2 when C % 4 is 1 or 2; Dp = D padded to an odd number
 * of cache lines). One fused sweep over blocks of MB = 24 rows of X:
 *   1. the block of X is read in place when its rows are 16-byte aligned and spread over the L1
 *      sets (only its last D mod 4L columns are copied, zero padded, so no kernel reads past a
 *      row); otherwise (e.g. D = 3073: rows 4 bytes off a multiple of 4 KiB apart) the block is
 *      copied into a padded buffer. Either way dX may overwrite the block once it is done;
 *   2. scores: dot_2x4 (2 rows × 4 classes, dot products along D; C = 10 → 2 groups of 4 and
 *      one dot_4x2 for 4 rows × the last 2 classes);
 *   3. softmax cross-entropy per row: G rows in place of the scores, db, loss;
 *   4. dWT += Gᵀ·Xblock while the block is hot: gemm_4x2v (4 classes × 2 vectors of D per tile,
 *      reduction over the rows of the block, tiles accumulated in place; gemm_2x4v for the group
 *      of 2 classes);
 *   5. dX rows of the block = G·Wᵀ: gemm_4x2v (4 rows × 2 vectors of D, reduction over C).
 * At the end dW = dWTᵀ + 2·reg·W by 4 × 4 register transposes (W was read for ΣW² when it was
 * packed; this is its last read, element by element before the write, so dW may alias W).
 *
 * Large C: W stays D × C.
 *   1. copy X into Xp (zero padded to a multiple of 4 rows and an odd number of cache lines a
 *      row): dW (step 5) reads X after dX (step 4), which may have overwritten it;
 *   2. scores: per panel of PW classes (PW ≤ 128 f32 / 64 f64, panel ≤ 256 KiB), pack
 *      W[:, panel] (D × PW; ΣW² here), then per 4 rows of Xp a run of gemm_4x2v tiles across the
 *      panel (reduction over D);
 *   3. softmax cross-entropy per row, G in place of the scores;
 *   4. dX = G·Wᵀ: dot_2x4 (2 rows of G × 4 rows of W, dot products along C), chunked over C so
 *      the chunk of G stays in L2; it reads W, so it runs before dW is written;
 *   5. dW = Xpᵀ·G + 2·reg·W per panel: gemm_4x2v (4 rows of D × 2 vectors of C, reduction over N),
 *      tiles initialised from 2·reg·W; each tile reads its own W elements, then overwrites them.
 * Edge tiles go through a small zero-padded tile buffer: no user array is read or written out of
 * bounds. Scratch rows are padded to an odd number of 64-byte lines (no cache-set aliasing).
 * N = 0: loss = NaN (mean over no rows) + reg·ΣW², dW = 2·reg·W, db = 0.
 *
 * Measured (scratch timing script; node 20.20, V8 11.3 TurboFan, AMD EPYC Zen 5 @ 2.45 GHz
 * nominal, one thread, with other jobs on the 2 cores: best of repeated calls after warm-up, data
 * already in WASM memory; GFLOP/s counts 2·N·D·C per GEMM: 2 GEMMs for loss + dW + db, 3 with dX):
 *                              f32                         f64
 *   shape (N, D, C)          loss+dW+db     +dX            loss+dW+db     +dX
 *   (500, 3073, 10)  CIFAR   1.29 ms 48 GF  1.95 ms 47 GF  2.6 ms  24 GF  4.0 ms  23 GF
 *   (256, 784, 10)   MNIST   0.167 ms 48 GF 0.255 ms 47 GF 0.325 ms 25 GF 0.50 ms 24 GF
 *   (64, 512, 10000) large C 27.6 ms 47 GF  42.5 ms 46 GF  57 ms   23 GF  89 ms   22 GF
 * Reference points: NumPy + OpenBLAS on one thread, CIFAR ≈ 2.1 ms, large C ≈ 40 ms.
 * The micro-kernels alone run at ~50–56 GFLOP/s (f32) and ~25–27 (f64) from L1; the rest is
 * packing, the copy of X blocks (CIFAR), the softmax rows, and W / dW memory traffic (large C).
 * Earlier versions: a 5 × 2 tile (10 accumulators) spilled in V8 (~28 GFLOP/s on CIFAR); scratch
 * rows 4 KiB apart (f64, large C) collided in L1 sets (72 → 57 ms).
 */

/** Rows per block in the small-C path (a multiple of 4: 4-row dot and dX tiles). */
export const MB: i32 = 24;
/** Largest C that takes the small-C path. */
export const SMALL_C: i32 = 64;

// @ts-ignore: decorator
@inline export function lanes<T>(): usize { return 16 / sizeof<T>(); }
// @ts-ignore: decorator
@inline export function roundup(x: usize, m: usize): usize { return (x + m - 1) / m * m; }
// @ts-ignore: decorator
@inline function align16(x: usize): usize { return (x + 15) & ~(<usize>15); }

// ---- scratch layout (byte offsets from the scratch base) -------------------------------------
// Small C: WT, dWT (Cg × Dp), Xc (MB × Dp) + Xt (MB × 4L), Sb + St (MB × Cs each), Bp, Db (Cs),
//          tile (4 × 2L), res (2 × 4).
// Large C: Xp (Np × Dx), S (Np × Cs), Wp (D × PW), Bp, Db (Cs), tile, res.
let o_wt: usize = 0, o_dwt: usize = 0, o_xb: usize = 0, o_s: usize = 0, o_wp: usize = 0;
let o_bp: usize = 0, o_db: usize = 0, o_tile: usize = 0, o_res: usize = 0, o_end64: f64 = 0;

/**
 * Elements per row of a padded scratch matrix with n columns: a whole number of 64-byte cache lines,
 * and an odd one, so the rows of a column strip fall into different cache sets (a row stride of a
 * multiple of 4 KiB made every row of a 4 × 64 strip collide in one L1 set and halved the f64 speed).
 */
// @ts-ignore: decorator
@inline export function row_elems<T>(n: usize): usize {
  let bytes = roundup(n * sizeof<T>(), 64);
  if (((bytes >> 6) & 1) == 0) bytes += 64;
  return bytes / sizeof<T>();
}

/**
 * Classes per packed panel of W in the large-C path: up to 16 tiles of 2 vectors (512 bytes a row:
 * W is streamed in long runs), fewer when D is large, so that the panel (D × PW) stays ≤ 256 KiB.
 */
export function panel_width<T>(d: usize): usize {
  const t = (<usize>(256 * 1024) / max<usize>(d * sizeof<T>(), 1)) / (lanes<T>() * 2);
  return lanes<T>() * 2 * min<usize>(max<usize>(t, 1), 16);
}

/** Classes padded for the small-C path: groups of 4, plus one group of 2 when C % 4 is 1 or 2. */
// @ts-ignore: decorator
@inline export function padded_classes(C: usize): usize {
  const r = C & 3;
  return r == 0 ? C : r == 3 ? C + 1 : (C & ~(<usize>3)) + 2;
}

/** roundup in f64 (exact for the integers involved up to 2^53, and never wraps). */
// @ts-ignore: decorator
@inline function fup(x: f64, m: f64): f64 { return Math.ceil(x / m) * m; }

/**
 * Sets the o_* offsets for these sizes. Computed in f64 so that a problem too large for 32-bit
 * memory reports its true scratch size (and the caller rejects it) instead of a wrapped one.
 */
function layout<T>(n: i32, d: i32, c: i32): void {
  const E = <f64>sizeof<T>(), L = <f64>lanes<T>();
  const N = <f64>n, D = <f64>d, C = <f64>c;
  // row_elems in f64: a whole, odd number of 64-byte lines
  let lines = fup(D * E, 64) / 64;
  if (lines % 2 == 0) lines += 1;
  const Drow = lines * 64 / E;
  let Cs: f64, wt: f64 = 0, dwt: f64 = 0, xb: f64, sc: f64, wp: f64, bp: f64;
  if (c <= SMALL_C) {
    const Cg = <f64>padded_classes(<usize>c);
    Cs = fup(Cg, L);
    dwt = wt + Cg * Drow * E;
    xb = dwt + Cg * Drow * E;
    sc = xb + <f64>MB * (Drow + L * 4) * E;
    wp = sc + <f64>MB * Cs * E * 2;
    bp = wp;
  } else {
    let clines = fup(C * E, 64) / 64;
    if (clines % 2 == 0) clines += 1;
    Cs = clines * 64 / E;
    xb = 0;
    sc = fup(xb + fup(N, 4) * Drow * E, 16);
    wp = sc + fup(N, 4) * Cs * E;
    bp = wp + D * <f64>panel_width<T>(<usize>d) * E;
  }
  const db = bp + Cs * E, tile = db + Cs * 8, res = tile + L * 8 * E; // db accumulates in f64
  o_end64 = fup(res + 8 * E, 16);
  o_wt = <usize>wt; o_dwt = <usize>dwt; o_xb = <usize>xb; o_s = <usize>sc; o_wp = <usize>wp;
  o_bp = <usize>bp; o_db = <usize>db; o_tile = <usize>tile; o_res = <usize>res;
}

function scratch_bytes<T>(n: i32, d: i32, c: i32): f64 {
  layout<T>(n, d, c);
  return o_end64;
}

// ---- shared pieces ---------------------------------------------------------------------------

/** bp[0..C) = bias or 0, bp[C..cs) = −∞ (padded classes get no probability); db[0..cs) = 0 (f64). */
export function init_bias<T>(bias: usize, c: i32, cs: i32, bp: usize, db: usize): void {
  const E = sizeof<T>();
  for (let j = 0; j < cs; j++) {
    const o = <usize>j * E;
    store<T>(bp + o, j < c ? (bias != 0 ? load<T>(bias + o) : <T>0) : <T>-Infinity);
    store<f64>(db + (<usize>j << 3), 0);
  }
}

/** out[0..c) = db[0..c) rounded to T (db holds f64 sums). */
export function store_db<T>(out: usize, db: usize, c: i32): void {
  for (let j = 0; j < c; j++) store<T>(out + <usize>j * sizeof<T>(), <T>load<f64>(db + (<usize>j << 3)));
}

/**
 * One row of fused softmax cross-entropy, in place: s (nv vectors: raw scores of c classes, then
 * padding) becomes G = (softmax(s + bp) − onehot(y))·invN; db += G. Returns lse − (s + bp)[y] (in
 * f64). The padding of G is left exactly 0, whatever the row holds (a NaN row must not leave NaN
 * there: the small-C path reuses the row buffer for the next block). A row whose scores are all −∞
 * follows the fully masked row rule: p = 0, G = −onehot(y)·invN, loss +∞.
 */
export function ce_row<T>(s: usize, bp: usize, nv: i32, c: i32, y: i32, invN: T, db: usize, gy: usize = 0): f64 {
  const E = sizeof<T>();
  const end = <usize>nv << 4;
  // pass 1: add the bias, running max
  let vm = v128.splat<T>(<T>-Infinity);
  for (let k: usize = 0; k < end; k += 16) {
    const v = v128.add<T>(v128.load(s + k), v128.load(bp + k));
    v128.store(s + k, v);
    vm = v128.pmax<T>(vm, v); // a NaN score is skipped here but makes the sum NaN below
  }
  const m = hmax_nan<T>(vm);
  const sy = load<T>(s + <usize>y * E);
  if (m == <T>-Infinity) {
    // all −∞, unless a NaN (skipped by pmax) hides among the c real classes: then the general path
    // gives NaN (a padded class may hold 0·∞ = NaN from a ±∞ in X: it has no probability anyway)
    if (!row_has_nan<T>(s, s + <usize>c * E)) {
      memory.fill(s, 0, end);
      store<T>(s + <usize>y * E, -invN);
      store<f64>(db + (<usize>y << 3), load<f64>(db + (<usize>y << 3)) - <f64>invN);
      return Infinity;
    }
  }
  // pass 2: e = exp(s − m), sum
  const vmax = v128.splat<T>(m);
  let vs = v128.splat<i32>(0);
  for (let k: usize = 0; k < end; k += 16) {
    const e = exp_v128<T>(v128.sub<T>(v128.load(s + k), vmax));
    v128.store(s + k, e);
    vs = v128.add<T>(vs, e);
  }
  const sum = hsum<T>(vs);
  // pass 3: G = e·invN/sum; db += G, summed in f64 (db is a sum of N terms that mostly cancel:
  // in f32 its error relative to max|db| reached 1.3e-5, in f64 it stays at the f32 rounding of G)
  const vscale = v128.splat<T>(invN / sum);
  for (let k: usize = 0; k < end; k += 16) {
    const g = v128.mul<T>(v128.load(s + k), vscale);
    v128.store(s + k, g);
    if (sizeof<T>() == 4) {
      const d0 = db + (k << 1), d1 = d0 + 16;
      v128.store(d0, f64x2.add(v128.load(d0), f64x2.promote_low_f32x4(g)));
      v128.store(d1, f64x2.add(v128.load(d1), f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1))));
    } else {
      v128.store(db + k, f64x2.add(v128.load(db + k), g));
    }
  }
  for (let k = <usize>c * E; k < end; k += E) store<T>(s + k, 0);
  const oy = <usize>y * E;
  if (gy != 0) store<f64>(gy, <f64>load<T>(s + oy)); // G[y] before − invN (threaded db: linear_threads.ts)
  store<T>(s + oy, load<T>(s + oy) - invN);
  store<f64>(db + (<usize>y << 3), load<f64>(db + (<usize>y << 3)) - <f64>invN);
  return Math.log(<f64>sum) + (<f64>m - <f64>sy);
}

/**
 * A 4 × 2L gemm_4x2v tile whose valid part is nr × nc (nr ≤ 4, nc ≤ 2L) at `out` (row stride os
 * bytes), computed in the scratch tile buffer so nothing outside the valid part is touched.
 * `cin` (same layout as out) or 0.
 */
export function gemm_edge<T>(a: usize, asj: usize, ast: usize, b: usize, bst: usize, nt: i32,
  cin: usize, beta: T, out: usize, os: usize, nr: i32, nc: i32, tile: usize): void {
  const E = sizeof<T>(), L = lanes<T>();
  const ts = L * 2 * E;
  if (cin != 0) {
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < <i32>(L * 2); j++) {
        const v = r < nr && j < nc ? load<T>(cin + <usize>r * os + <usize>j * E) : <T>0;
        store<T>(tile + <usize>r * ts + <usize>j * E, v);
      }
    }
  }
  gemm_4x2v<T>(a, asj, ast, 0, b, bst, 0, nt, cin != 0 ? tile : 0, beta, tile, ts, 0, 1);
  for (let r = 0; r < nr; r++) {
    for (let j = 0; j < nc; j++) {
      store<T>(out + <usize>r * os + <usize>j * E, load<T>(tile + <usize>r * ts + <usize>j * E));
    }
  }
}

/**
 * WT (C × D rows of stride rowB bytes) = Wᵀ for W (D × C, dense), by L × L blocks transposed in
 * registers (scalar edges). Returns ΣW² (squares summed in f64).
 */
export function pack_transposed<T>(W: usize, D: usize, C: usize, wt: usize, rowB: usize): f64 {
  const E = sizeof<T>(), L = lanes<T>();
  const rowW = C * E;
  const Dl = D / L * L, Cl = C / L * L;
  let vs0 = v128.splat<i32>(0), vs1 = vs0; // f64x2 partial sums of squares
  for (let k: usize = 0; k < Dl; k += L) {
    const src = W + k * rowW, dst = wt + k * E;
    for (let j: usize = 0; j < Cl; j += L) {
      const s0 = src + j * E, d0 = dst + j * rowB;
      if (sizeof<T>() == 4) {
        const r0 = v128.load(s0), r1 = v128.load(s0 + rowW);
        const r2 = v128.load(s0 + 2 * rowW), r3 = v128.load(s0 + 3 * rowW);
        const sq = f32x4.add(f32x4.add(f32x4.mul(r0, r0), f32x4.mul(r1, r1)),
          f32x4.add(f32x4.mul(r2, r2), f32x4.mul(r3, r3)));
        vs0 = f64x2.add(vs0, f64x2.promote_low_f32x4(sq));
        vs1 = f64x2.add(vs1, f64x2.promote_low_f32x4(v128.shuffle<f32>(sq, sq, 2, 3, 0, 1)));
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(d0, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d0 + rowB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(d0 + 2 * rowB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(d0 + 3 * rowB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      } else {
        const r0 = v128.load(s0), r1 = v128.load(s0 + rowW);
        vs0 = f64x2.add(vs0, f64x2.mul(r0, r0));
        vs1 = f64x2.add(vs1, f64x2.mul(r1, r1));
        v128.store(d0, v128.shuffle<f64>(r0, r1, 0, 2));
        v128.store(d0 + rowB, v128.shuffle<f64>(r0, r1, 1, 3));
      }
    }
  }
  let sumw2 = hsum<f64>(f64x2.add(vs0, vs1));
  // edges: classes [Cl, C) of rows [0, Dl), then rows [Dl, D)
  for (let k: usize = 0; k < D; k++) {
    for (let j: usize = k < Dl ? Cl : 0; j < C; j++) {
      const w = load<T>(W + k * rowW + j * E);
      sumw2 += <f64>w * <f64>w;
      store<T>(wt + j * rowB + k * E, w);
    }
  }
  return sumw2;
}

/**
 * dW (D × C, dense) = dWTᵀ + reg2·W for dWT (C × D rows of stride rowB bytes), by L × L blocks
 * transposed in registers (scalar edges). Each W element is read just before its dW element is
 * written, so dW may alias W.
 */
export function unpack_transposed<T>(dwt: usize, rowB: usize, W: usize, dW: usize, D: usize, C: usize, reg2: T): void {
  const E = sizeof<T>(), L = lanes<T>();
  const rowW = C * E;
  const Dl = D / L * L, Cl = C / L * L;
  const vreg = v128.splat<T>(reg2);
  const useReg = reg2 != 0; // reg = 0: no 0·W term (it would be NaN where W is ±∞ or NaN)
  for (let k: usize = 0; k < Dl; k += L) {
    const o = k * rowW;
    for (let j: usize = 0; j < Cl; j += L) {
      const s0 = dwt + j * rowB + k * E, w0 = W + o + j * E, d0 = dW + o + j * E;
      if (sizeof<T>() == 4) {
        const r0 = v128.load(s0), r1 = v128.load(s0 + rowB);
        const r2 = v128.load(s0 + 2 * rowB), r3 = v128.load(s0 + 3 * rowB);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        let c0 = v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), c1 = v128.shuffle<f32>(t0, t2, 2, 3, 6, 7);
        let c2 = v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), c3 = v128.shuffle<f32>(t1, t3, 2, 3, 6, 7);
        if (useReg) {
          c0 = f32x4.add(c0, f32x4.mul(vreg, v128.load(w0)));
          c1 = f32x4.add(c1, f32x4.mul(vreg, v128.load(w0 + rowW)));
          c2 = f32x4.add(c2, f32x4.mul(vreg, v128.load(w0 + 2 * rowW)));
          c3 = f32x4.add(c3, f32x4.mul(vreg, v128.load(w0 + 3 * rowW)));
        }
        v128.store(d0, c0); v128.store(d0 + rowW, c1);
        v128.store(d0 + 2 * rowW, c2); v128.store(d0 + 3 * rowW, c3);
      } else {
        const r0 = v128.load(s0), r1 = v128.load(s0 + rowB);
        let c0 = v128.shuffle<f64>(r0, r1, 0, 2), c1 = v128.shuffle<f64>(r0, r1, 1, 3);
        if (useReg) {
          c0 = f64x2.add(c0, f64x2.mul(vreg, v128.load(w0)));
          c1 = f64x2.add(c1, f64x2.mul(vreg, v128.load(w0 + rowW)));
        }
        v128.store(d0, c0); v128.store(d0 + rowW, c1);
      }
    }
  }
  for (let k: usize = 0; k < D; k++) {
    const o = k * rowW;
    for (let j: usize = k < Dl ? Cl : 0; j < C; j++) {
      const g = load<T>(dwt + j * rowB + k * E);
      store<T>(dW + o + j * E, useReg ? g + reg2 * load<T>(W + o + j * E) : g);
    }
  }
}

// ---- small C ---------------------------------------------------------------------------------

/**
 * Whether blocks of MB rows of X (row stride `stride` bytes) can be read in place: rows 16-byte
 * aligned, and no two rows of a block within 64 bytes of each other modulo 4 KiB (the span of the
 * L1 sets), so a column strip of the block does not collide in a few cache sets.
 */
export function in_place_ok(X: usize, stride: usize): bool {
  if (((X | stride) & 15) != 0) return false;
  if (stride < 64) return true; // a whole block spans fewer than MB cache lines
  for (let j: usize = 1; j < <usize>MB; j++) {
    const m = (j * stride) & 4095;
    if (m < 64 || m > 4096 - 64) return false;
  }
  return true;
}

function loss_small<T>(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  const E = sizeof<T>(), L = lanes<T>();
  const D = <usize>d, C = <usize>c;
  const Dp = row_elems<T>(D), Cg = padded_classes(C), Cs = roundup(Cg, L);
  const C4 = Cg & ~(<usize>3); // classes in groups of 4; [C4, Cg) is a group of 2 (or empty)
  layout<T>(n, d, c);
  const wt = scratch + o_wt, dwt = scratch + o_dwt, xc = scratch + o_xb, sb = scratch + o_s;
  const xt = xc + <usize>MB * Dp * E, st = sb + <usize>MB * Cs * E; // tail columns and their scores
  const bp = scratch + o_bp, dbs = scratch + o_db, tile = scratch + o_tile;
  const rowB = Dp * E, rowS = Cs * E, rowT = L * 4 * E;
  // Blocks of X are read in place when its rows are 16-byte aligned and fall into different cache
  // sets; otherwise (e.g. D = 3073: rows 12 292 bytes apart, 4 bytes off a multiple of 4 KiB, so a
  // column strip of a block collides in a few L1 sets) each block is copied into xc, padded.
  const direct = in_place_ok(X, D * E);
  const rowX = direct ? D * E : rowB;
  // columns [0, kt) are read from the rows; in place, [kt, D) (< 4L) come from the padded copy xt
  const kt = direct ? D / (L * 4) * (L * 4) : roundup(D, L * 4);
  const nkt = direct ? D - kt : 0;

  // pack: WT = Wᵀ (zero padded), ΣW²; dWT = 0; scores of padded classes [Cg, Cs) = 0
  memory.fill(wt, 0, Cg * Dp * E * 2);
  const sumw2 = pack_transposed<T>(W, D, C, wt, rowB);
  init_bias<T>(bias, c, <i32>Cs, bp, dbs);
  memory.fill(sb, 0, <usize>MB * rowS * 2);

  const invN = <T>(1.0 / <f64>n);
  let lsum: f64 = 0;
  const nv = <i32>(kt / L);
  const nfull = d / <i32>(L * 2); // dX tiles that lie entirely inside a row of dX
  for (let r0 = 0; r0 < n; r0 += MB) {
    const rows = min(MB, n - r0);
    const rows4 = (rows + 3) & ~3;
    // 1. the block of X: in place (and its tail columns [kt, D) copied to xt, zero padded to 4L
    //    columns and rows4 rows), or copied to xc (zero padded to Dp columns)
    const xb = direct ? X + <usize>r0 * D * E : xc;
    if (!direct) {
      for (let r = 0; r < rows; r++) {
        const dst = xc + <usize>r * rowB;
        memory.copy(dst, X + <usize>(r0 + r) * D * E, D * E);
        memory.fill(dst + D * E, 0, (Dp - D) * E);
      }
    }
    if (nkt != 0) {
      memory.fill(xt, 0, <usize>rows4 * rowT);
      for (let r = 0; r < rows; r++) memory.copy(xt + <usize>r * rowT, xb + <usize>r * rowX + kt * E, nkt * E);
    }
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
          const p = s0 + i * rowS, q = u0 + i * rowS;
          for (let k: usize = 0; k < Cs * E; k += 16) {
            v128.store(p + k, v128.add<T>(v128.load(p + k), v128.load(q + k)));
          }
        }
      }
    }
    // 3. softmax cross-entropy per row: G in place; padded rows G = 0
    for (let r = 0; r < rows4; r++) {
      const srow = sb + <usize>r * rowS;
      if (r < rows) {
        const y = load<i32>(labels + (<usize>(r0 + r) << 2));
        lsum += ce_row<T>(srow, bp, <i32>(Cs / L), c, y, invN, dbs);
      } else {
        memory.fill(srow, 0, rowS);
      }
    }
    // 4. dWT += Gᵀ·Xblock: 4 classes × 2 vectors of D (2 classes × 4 vectors) per tile,
    //    reduction over the block's rows; columns [0, kt) from X, [kt, D) from xt
    for (let g: usize = 0; g < C4; g += 4) {
      const p = dwt + g * rowB;
      gemm_4x2v<T>(sb + g * E, E, rowS, 0, xb, rowX, L * 2 * E, rows,
        p, <T>1, p, rowB, L * 2 * E, <i32>(kt / (L * 2)));
      if (nkt != 0) gemm_4x2v<T>(sb + g * E, E, rowS, 0, xt, rowT, L * 2 * E, rows,
        p + kt * E, <T>1, p + kt * E, rowB, L * 2 * E, 2);
    }
    if (C4 < Cg) {
      const p = dwt + C4 * rowB;
      gemm_2x4v<T>(sb + C4 * E, E, rowS, 0, xb, rowX, L * 4 * E, rows,
        p, <T>1, p, rowB, L * 4 * E, <i32>(kt / (L * 4)));
      if (nkt != 0) gemm_2x4v<T>(sb + C4 * E, E, rowS, 0, xt, rowT, 0, rows,
        p + kt * E, <T>1, p + kt * E, rowB, 0, 1);
    }
    // 5. dX rows of the block = G·Wᵀ (X rows of the block are no longer read): 4 rows × 2 vectors
    //    of D per tile, reduction over C
    if (dX != 0) {
      for (let r = 0; r < rows; r += 4) {
        const a = sb + <usize>r * rowS;
        const out = dX + <usize>(r0 + r) * D * E;
        const nr = min(4, rows - r);
        if (nr == 4) {
          gemm_4x2v<T>(a, rowS, E, 0, wt, rowB, L * 2 * E, c, 0, <T>0, out, D * E, L * 2 * E, nfull);
        }
        const tend = <i32>((D + L * 2 - 1) / (L * 2));
        for (let t = nr == 4 ? nfull : 0; t < tend; t++) {
          const k0 = <usize>t * L * 2;
          gemm_edge<T>(a, rowS, E, wt + k0 * E, rowB, c, 0, <T>0, out + k0 * E, D * E,
            nr, min(<i32>(L * 2), d - <i32>k0), tile);
        }
      }
    }
  }

  // dW = dWTᵀ + 2·reg·W (reads each W element once, then overwrites it); db
  unpack_transposed<T>(dwt, rowB, W, dW, D, C, <T>(2 * reg));
  store_db<T>(db, dbs, c);
  return reg == 0 ? lsum / <f64>n : lsum / <f64>n + reg * sumw2; // reg = 0: no penalty (not 0·∞)
}

// ---- large C ---------------------------------------------------------------------------------

/**
 * Writes (first chunk) or adds (later chunks) the dot_2x4 results res[r][j], j in [jlo, jhi), to
 * dX[i0 + r][kb + j]; the last chunk also adds the scalar tail of C, columns [cvL, C).
 */
export function dx_emit<T>(res: usize, s: usize, rowS: usize, W: usize, rowW: usize, dX: usize, D: usize,
  C: usize, cvL: usize, i0: usize, N: usize, kb: usize, jlo: usize, jhi: usize, first: bool,
  last: bool): void {
  const E = sizeof<T>();
  for (let r: usize = 0; r < 2; r++) {
    const i = i0 + r;
    if (i >= N) break;
    for (let j = jlo; j < jhi; j++) {
      const k = kb + j;
      let v = load<T>(res + (r * 4 + j) * E);
      if (last) {
        for (let cc = cvL; cc < C; cc++) {
          v += load<T>(s + i * rowS + cc * E) * load<T>(W + k * rowW + cc * E);
        }
      }
      const o = dX + (i * D + k) * E;
      store<T>(o, first ? v : load<T>(o) + v);
    }
  }
}

function loss_large<T>(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  const E = sizeof<T>(), L = lanes<T>();
  const N = <usize>n, D = <usize>d, C = <usize>c;
  const Dx = row_elems<T>(D), Np = roundup(N, 4), Cs = row_elems<T>(C);
  layout<T>(n, d, c);
  const xp = scratch + o_xb, s = scratch + o_s, wp = scratch + o_wp;
  const bp = scratch + o_bp, dbs = scratch + o_db, tile = scratch + o_tile, res = scratch + o_res;
  const PW = panel_width<T>(D);
  const rowX = Dx * E, rowS = Cs * E, rowW = C * E, pwb = PW * E;

  // 1. Xp = X, zero padded to Np × Dx
  for (let i: usize = 0; i < Np; i++) {
    const dst = xp + i * rowX;
    if (i < N) {
      memory.copy(dst, X + i * D * E, D * E);
      memory.fill(dst + D * E, 0, (Dx - D) * E);
    } else {
      memory.fill(dst, 0, rowX);
    }
  }
  init_bias<T>(bias, c, <i32>Cs, bp, dbs);

  // 2. scores, one panel of PW classes at a time
  let sumw2: f64 = 0;
  for (let p0: usize = 0; p0 < Cs; p0 += PW) {
    // pack W[:, p0 .. p0+PW) into Wp (D × PW, zero padded), ΣW²
    const nc = p0 < C ? min(PW, C - p0) : 0; // Cs may reach a panel past C
    const ncv = nc / L * L; // whole vectors
    let vw2 = v128.splat<i32>(0);
    for (let k: usize = 0; k < D; k++) {
      const src = W + k * rowW + p0 * E, dst = wp + k * pwb;
      let j: usize = 0;
      for (; j < ncv; j += L) {
        const w = v128.load(src + j * E);
        v128.store(dst + j * E, w);
        vw2 = v128.add<T>(vw2, v128.mul<T>(w, w));
      }
      for (; j < PW; j++) {
        const w = j < nc ? load<T>(src + j * E) : <T>0;
        store<T>(dst + j * E, w);
        sumw2 += <f64>w * <f64>w;
      }
    }
    sumw2 += <f64>hsum<T>(vw2);
    // S[:, panel] = Xp·Wp: per 4 rows of Xp (kept in L1), a run of tiles across the panel
    const ntp = <i32>(min(PW, Cs - p0) / (L * 2));
    for (let r: usize = 0; r < Np; r += 4) {
      gemm_4x2v<T>(xp + r * rowX, rowX, E, 0, wp, pwb, L * 2 * E, d, 0, <T>0, s + r * rowS + p0 * E,
        rowS, L * 2 * E, ntp);
    }
  }

  // 3. softmax cross-entropy per row, G in place
  const invN = <T>(1.0 / <f64>n);
  let lsum: f64 = 0;
  for (let i: usize = 0; i < N; i++) {
    const y = load<i32>(labels + (i << 2));
    lsum += ce_row<T>(s + i * rowS, bp, <i32>(Cs / L), c, y, invN, dbs);
  }

  // 4. dX = G·Wᵀ (before dW overwrites W; X is only read through Xp): 2 rows of G × 4 rows of W
  //    per call, chunked over C so the chunk of G stays in L2
  if (dX != 0 && N > 0 && D > 0) {
    const cvL = C / L * L; // whole vectors per W row; the rest of C is a scalar tail
    let ck = (<usize>(256 * 1024) / (N * E)) / L * L;
    if (ck < 64) ck = 64;
    for (let c0: usize = 0; c0 < cvL; c0 += ck) {
      const c1 = min(c0 + ck, cvL);
      const nv = <i32>((c1 - c0) / L);
      const first = c0 == 0, last = c1 == cvL;
      for (let k0: usize = 0; k0 < D; k0 += 4) {
        for (let i0: usize = 0; i0 < N; i0 += 2) {
          // an odd last row repeats row i0 (A stride 0); its results are dropped
          const a = s + i0 * rowS + c0 * E, as = i0 + 1 < N ? rowS : 0;
          if (k0 + 4 <= D) {
            dot_2x4<T>(a, as, W + k0 * rowW + c0 * E, rowW, nv, res, 4 * E);
            dx_emit<T>(res, s, rowS, W, rowW, dX, D, C, cvL, i0, N, k0, 0, 4, first, last);
          } else if (D >= 4) {
            // last group of rows of W: shifted back to end at D, only the new rows are kept
            const kb = D - 4;
            dot_2x4<T>(a, as, W + kb * rowW + c0 * E, rowW, nv, res, 4 * E);
            dx_emit<T>(res, s, rowS, W, rowW, dX, D, C, cvL, i0, N, kb, k0 - kb, 4, first, last);
          } else {
            // D < 4: one row of W at a time (B stride 0)
            for (let k: usize = 0; k < D; k++) {
              dot_2x4<T>(a, as, W + k * rowW + c0 * E, 0, nv, res, 4 * E);
              dx_emit<T>(res, s, rowS, W, rowW, dX, D, C, cvL, i0, N, k, 0, 1, first, last);
            }
          }
        }
      }
    }
  }

  // 5. dW = Xpᵀ·G + 2·reg·W: tiles of 4 rows of D × 2L classes, reduction over N; per panel of
  //    PW classes (its G columns stay in L1) all rows of D, each row's panel of W read contiguously
  const reg2 = <T>(2 * reg);
  const Cf = C / (L * 2) * (L * 2); // classes in full tiles; [Cf, C) is an edge tile
  for (let p0: usize = 0; p0 < C; p0 += PW) {
    const pfull = <i32>((min(p0 + PW, Cf) - min(p0, Cf)) / (L * 2)); // full tiles in this panel
    for (let k0: usize = 0; k0 < D; k0 += 4) {
      const nr = <i32>min(4, D - k0);
      const a = xp + k0 * E, out = dW + k0 * rowW + p0 * E;
      const cin = reg != 0 ? W + k0 * rowW + p0 * E : 0;
      if (nr == 4) {
        gemm_4x2v<T>(a, E, rowX, 0, s + p0 * E, rowS, L * 2 * E, n, cin, reg2, out, rowW, L * 2 * E, pfull);
      }
      for (let t = nr == 4 ? pfull : 0; t < <i32>((min(PW, C - p0) + L * 2 - 1) / (L * 2)); t++) {
        const j = <usize>t * L * 2;
        gemm_edge<T>(a, E, rowX, s + (p0 + j) * E, rowS, n, cin != 0 ? cin + j * E : 0, reg2,
          out + j * E, rowW, nr, <i32>min(L * 2, C - p0 - j), tile);
      }
    }
  }
  store_db<T>(db, dbs, c);
  return reg == 0 ? lsum / <f64>n : lsum / <f64>n + reg * sumw2; // reg = 0: no penalty (not 0·∞)
}

// ---- exports ---------------------------------------------------------------------------------

/** Bytes of scratch for these sizes (a double, exact: may exceed the 32-bit address space). */
export function linear_softmax_scratch_bytes_f32(n: i32, d: i32, c: i32): f64 {
  return scratch_bytes<f32>(n, d, c);
}
export function linear_softmax_scratch_bytes_f64(n: i32, d: i32, c: i32): f64 {
  return scratch_bytes<f64>(n, d, c);
}

export function linear_softmax_loss_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return c <= SMALL_C
    ? loss_small<f32>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch)
    : loss_large<f32>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
export function linear_softmax_loss_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32,
  c: i32, reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return c <= SMALL_C
    ? loss_small<f64>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch)
    : loss_large<f64>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
