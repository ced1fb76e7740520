// Linear softmax classifier, large C (C > SMALL_C): W stays D × C. Phases that one thread runs in
// sequence and the thread pool (src/wasm/threaded_linear.ts) runs as chunks, with the same bits
// for any chunking:
//   prep:   copy X into Xp (zero padded to a multiple of 4 rows and an odd number of cache lines a
//           row): dW reads X after dX, which may have overwritten it; bias; the G[y] markers; the
//           scalar-tail classes of the last panel of W (for ΣW² in finish: dW may overwrite W);
//   panels of PW classes (PW ≤ 128 f32 / 64 f64, panel ≤ 256 KiB): pack W[:, panel] (D × PW), its
//           Σ of squares folded per panel; then per 4 rows of Xp a run of gemm_4x2v tiles across
//           the panel (reduction over D);
//   rows:   softmax cross-entropy per row (ce_row.ts), G in place of the scores;
//   dX = G·Wᵀ by groups of 4 rows of W: dot_2x4 (2 rows of G × 4 rows of W, dot products along C),
//           chunked over C so the chunk of G stays in L2; it reads W, so it runs before dW is
//           written; every dX element sums its C chunks in the same order;
//   dW = Xpᵀ·G + 2·reg·W by groups of 4 rows of D, per panel: gemm_4x2v (4 rows of D × 2 vectors of
//           C, reduction over N), tiles initialised from 2·reg·W; each tile reads its own W
//           elements, then overwrites them (with reg ≠ 0 and dW = W a dW chunk cannot run twice);
//   finish: ΣW² chained over the panels in order (the tail's squares, then the panel's folded sum),
//           db and the loss summed in row order.
// Edge tiles go through a small zero-padded tile buffer: no user array is read or written out of
// bounds. N = 0: loss = NaN (mean over no rows) + reg·ΣW², dW = 2·reg·W, db = 0.
import { dot_2x4, gemm_4x2v } from '../gemm';
import { ce_rows, db_rows, loss_total } from './ce_row';
import { copy_padded, gemm_edge, init_bias, pack_panel, store_db } from './pack';
import { LargeCPlan, MASKED, lanes, plan_large_c } from './plan';

/** The scalar-tail classes of the last panel (those past its whole vectors): [p0 + ncv, C). */
// @ts-ignore: decorator
@inline function tail_of<T>(p: LargeCPlan, q: usize): usize {
  const p0 = q * p.PW, nc = p0 < p.C ? min(p.PW, p.C - p0) : 0;
  return nc / lanes<T>() * lanes<T>();
}

function prep<T>(p: LargeCPlan): void {
  const E = sizeof<T>(), L = lanes<T>();
  const D = p.D, C = p.C, PW = p.PW;
  copy_padded<T>(p.xp, p.rowX, p.X, D, <usize>p.n, p.Np);
  init_bias<T>(p.bias, p.c, <i32>p.Cs, p.bp, p.dbs);
  for (let i = 0; i < p.n; i++) store<u64>(p.gy + (<usize>i << 3), MASKED);
  p.g_dw.set_beta(<f64>(<T>(2 * p.reg)));
  const q = C / PW, p0 = q * PW, ncv = tail_of<T>(p, q);
  for (let k: usize = 0; k < D; k++) {
    for (let j = p0 + ncv; j < C; j++) store<T>(p.tw + (k * L + j - p0 - ncv) * E, load<T>(p.W + k * p.rowW + j * E));
  }
}

/** Panels [q0, q0 + count) (one chunk: its own Wp buffer): pack, folded Σ of squares, scores. */
function panels<T>(p: LargeCPlan, q0: i32, count: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const C = p.C, PW = p.PW, Cs = p.Cs, rowX = p.rowX, rowS = p.rowS;
  const wp = p.wp + <usize>(q0 / p.ppc) * p.wpStep;
  for (let q = q0; q < q0 + count; q++) {
    const p0 = <usize>q * PW;
    const nc = p0 < C ? min(PW, C - p0) : 0;
    store<f64>(p.h + (<usize>q << 3), pack_panel<T>(p.W, p.rowW, p0, nc, p.D, wp, PW));
    const ntp = <i32>(min(PW, Cs - p0) / (L * 2));
    for (let r: usize = 0; r < p.Np; r += 4) {
      gemm_4x2v<T>(p.g_scores, p.xp + r * rowX, wp, p.d, 0, p.s + r * rowS + p0 * E, ntp);
    }
  }
}

/**
 * Writes (first chunk of C) or adds (later chunks) the dot_2x4 results res[r][j], j in [jlo, 4), to
 * dX[i0 + r][kb + j]; the last chunk also adds the scalar tail of C, classes [cvL, C).
 */
function dx_emit<T>(p: LargeCPlan, res: usize, i0: usize, kb: usize, jlo: usize, jhi: usize, first: bool, last: bool): void {
  const E = sizeof<T>();
  const N = <usize>p.n, D = p.D, C = p.C, cvL = p.cvL, rowS = p.rowS, rowW = p.rowW, s = p.s, W = p.W;
  for (let r: usize = 0; r < 2; r++) {
    const i = i0 + r;
    if (i >= N) break;
    for (let j = jlo; j < jhi; j++) {
      const k = kb + j;
      let v = load<T>(res + (r * 4 + j) * E);
      if (last) {
        for (let cc = cvL; cc < C; cc++) v += load<T>(s + i * rowS + cc * E) * load<T>(W + k * rowW + cc * E);
      }
      const o = p.dX + (i * D + k) * E;
      store<T>(o, first ? v : load<T>(o) + v);
    }
  }
}

/** dX columns of groups [g0, g0 + count) of 4 rows of W (one chunk: its own result block). */
function dx_groups<T>(p: LargeCPlan, g0: i32, count: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const N = <usize>p.n, D = p.D, rowS = p.rowS, rowW = p.rowW, cvL = p.cvL, ck = p.ck, s = p.s, W = p.W;
  const res = p.res + <usize>(g0 / p.kpc) * p.resStep;
  const kA = <usize>g0 * 4, kB = min(D, <usize>(g0 + count) * 4);
  // chunks of C; at least one, so that a C below one vector (the algorithm run on its own) still
  // gets its scalar tail
  for (let c0: usize = 0; c0 < cvL || c0 == 0; c0 += ck) {
    const c1 = min(c0 + ck, cvL);
    const nv = <i32>((c1 - c0) / L);
    const first = c0 == 0, last = c1 == cvL;
    for (let k0 = kA; k0 < kB; k0 += 4) {
      for (let i0: usize = 0; i0 < N; i0 += 2) {
        // an odd last row repeats row i0 (A stride 0); its results are dropped
        const a = s + i0 * rowS + c0 * E, as = i0 + 1 < N ? rowS : 0;
        if (k0 + 4 <= D) {
          dot_2x4<T>(a, as, W + k0 * rowW + c0 * E, rowW, nv, res, 4 * E);
          dx_emit<T>(p, res, i0, k0, 0, 4, first, last);
        } else if (D >= 4) {
          // last group of rows of W: shifted back to end at D, only the new rows are kept
          const kb = D - 4;
          dot_2x4<T>(a, as, W + kb * rowW + c0 * E, rowW, nv, res, 4 * E);
          dx_emit<T>(p, res, i0, kb, k0 - kb, 4, first, last);
        } else {
          // D < 4: one row of W at a time (B stride 0)
          for (let k: usize = 0; k < D; k++) {
            dot_2x4<T>(a, as, W + k * rowW + c0 * E, 0, nv, res, 4 * E);
            dx_emit<T>(p, res, i0, k, 0, 1, first, last);
          }
        }
      }
    }
  }
}

/**
 * dW rows of groups [g0, g0 + count) of 4 rows of D = Xpᵀ·G + 2·reg·W: per panel of PW classes (its
 * G columns stay in L1) the chunk's rows of D, each row's panel of W read contiguously.
 */
function dw_groups<T>(p: LargeCPlan, g0: i32, count: i32): void {
  const E = sizeof<T>(), L = lanes<T>();
  const D = p.D, C = p.C, PW = p.PW, Cf = p.Cf, rowW = p.rowW, s = p.s;
  const tile = p.tile + <usize>(g0 / p.kpc) * p.tileStep;
  const kA = <usize>g0 * 4, kB = min(D, <usize>(g0 + count) * 4);
  for (let p0: usize = 0; p0 < C; p0 += PW) {
    const pfull = <i32>((min(p0 + PW, Cf) - min(p0, Cf)) / (L * 2)); // full tiles in this panel
    const tend = <i32>((min(PW, C - p0) + L * 2 - 1) / (L * 2));
    for (let k0 = kA; k0 < kB; k0 += 4) {
      const nr = <i32>min(4, D - k0);
      const a = p.xp + k0 * E, out = p.dW + k0 * rowW + p0 * E;
      const cin = p.reg != 0 ? p.W + k0 * rowW + p0 * E : 0;
      if (nr == 4) gemm_4x2v<T>(p.g_dw, a, s + p0 * E, p.n, cin, out, pfull);
      for (let t = nr == 4 ? pfull : 0; t < tend; t++) {
        const j = <usize>t * L * 2;
        gemm_edge<T>(p.g_dw, a, s + (p0 + j) * E, p.n, cin != 0 ? cin + j * E : 0, out + j * E, nr,
          <i32>min(L * 2, C - p0 - j), tile);
      }
    }
  }
}

/** ΣW² as the panels form it, db and the loss in row order. Returns the loss. */
function finish<T>(p: LargeCPlan): f64 {
  const E = sizeof<T>(), L = lanes<T>();
  const D = p.D;
  let sumw2: f64 = 0;
  for (let q = 0; q < p.panels; q++) {
    const p0 = <usize>q * p.PW;
    const nc = p0 < p.C ? min(p.PW, p.C - p0) : 0, ncv = tail_of<T>(p, <usize>q);
    // the scalar tail's squares in (k, j) order (the zero padding adds +0: nothing), then the fold
    for (let k: usize = 0; k < D && ncv < nc; k++) {
      for (let j = ncv; j < nc; j++) {
        const w = load<T>(p.tw + (k * L + j - ncv) * E);
        sumw2 += <f64>w * <f64>w;
      }
    }
    sumw2 += load<f64>(p.h + (<usize>q << 3));
  }
  p.sumw2 = sumw2;
  db_rows<T>(p, p.s, 0, p.n);
  store_db<T>(p.db, p.dbs, p.c);
  return loss_total(p);
}

// @ts-ignore: decorator
@inline function plan_at<T>(s: usize, X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, ppc: i32, kpc: i32): LargeCPlan {
  plan_large_c<T>(s, n, d, c, ppc, kpc);
  const p = changetype<LargeCPlan>(s);
  p.bind(X, labels, W, bias, reg, dW, db, dX);
  prep<T>(p);
  return p;
}

/** The whole call on one thread: the phases in sequence, each as one chunk. */
function large_c<T>(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  const p = plan_at<T>(scratch, X, labels, W, bias, n, d, c, reg, dW, db, dX, 0, 0);
  panels<T>(p, 0, p.panels);
  ce_rows<T>(p, p.s, 0, n);
  if (dX != 0 && n > 0 && d > 0) dx_groups<T>(p, 0, p.dgroups);
  dw_groups<T>(p, 0, p.dgroups);
  return finish<T>(p);
}

// ---- exports: the whole call, and its phases for the thread pool ----
// The phase exports take the scratch whose plan prep wrote. Chunks: ppc panels, rows, kpc groups of
// 4 rows of D (dX needs D ≥ 4: the caller keeps smaller D on one thread).

/** Bytes of scratch linear_softmax_large_c_* needs (a double, exact: may exceed 32 bits). */
export function linear_softmax_large_c_scratch_bytes_f32(n: i32, d: i32, c: i32): f64 { return plan_large_c<f32>(0, n, d, c, 0, 0); }
export function linear_softmax_large_c_scratch_bytes_f64(n: i32, d: i32, c: i32): f64 { return plan_large_c<f64>(0, n, d, c, 0, 0); }
export function linear_softmax_large_c_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return large_c<f32>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}
export function linear_softmax_large_c_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, scratch: usize): f64 {
  return large_c<f64>(X, labels, W, bias, n, d, c, reg, dW, db, dX, scratch);
}

/** Bytes of scratch of the phases for chunks of ppc panels and kpc groups of 4 rows of D. */
export function linear_softmax_large_c_threads_scratch_bytes_f32(n: i32, d: i32, c: i32, ppc: i32, kpc: i32): f64 { return plan_large_c<f32>(0, n, d, c, ppc, kpc); }
export function linear_softmax_large_c_threads_scratch_bytes_f64(n: i32, d: i32, c: i32, ppc: i32, kpc: i32): f64 { return plan_large_c<f64>(0, n, d, c, ppc, kpc); }
/** Plans the scratch s, copies X; returns the number of panels. */
export function linear_softmax_large_c_prep_f32(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, s: usize, ppc: i32, kpc: i32): i32 {
  return plan_at<f32>(s, X, labels, W, bias, n, d, c, reg, dW, db, dX, ppc, kpc).panels;
}
export function linear_softmax_large_c_prep_f64(X: usize, labels: usize, W: usize, bias: usize, n: i32, d: i32, c: i32,
  reg: f64, dW: usize, db: usize, dX: usize, s: usize, ppc: i32, kpc: i32): i32 {
  return plan_at<f64>(s, X, labels, W, bias, n, d, c, reg, dW, db, dX, ppc, kpc).panels;
}
/** Panels [q0, q0 + count) (count = ppc but the last): pack, scores. */
export function linear_softmax_large_c_panels_f32(s: usize, q0: i32, count: i32): void { panels<f32>(changetype<LargeCPlan>(s), q0, count); }
export function linear_softmax_large_c_panels_f64(s: usize, q0: i32, count: i32): void { panels<f64>(changetype<LargeCPlan>(s), q0, count); }
/** Rows [r0, r0 + count): softmax cross-entropy, G rows. */
export function linear_softmax_large_c_rows_f32(s: usize, r0: i32, count: i32): void {
  const p = changetype<LargeCPlan>(s); ce_rows<f32>(p, p.s + <usize>r0 * p.rowS, r0, min(p.n, r0 + count));
}
export function linear_softmax_large_c_rows_f64(s: usize, r0: i32, count: i32): void {
  const p = changetype<LargeCPlan>(s); ce_rows<f64>(p, p.s + <usize>r0 * p.rowS, r0, min(p.n, r0 + count));
}
/** dX by groups [g0, g0 + count) of 4 rows of W (count = kpc but the last). */
export function linear_softmax_large_c_dx_f32(s: usize, g0: i32, count: i32): void { dx_groups<f32>(changetype<LargeCPlan>(s), g0, count); }
export function linear_softmax_large_c_dx_f64(s: usize, g0: i32, count: i32): void { dx_groups<f64>(changetype<LargeCPlan>(s), g0, count); }
/** dW by groups [g0, g0 + count) of 4 rows of D (count = kpc but the last), after dX. */
export function linear_softmax_large_c_dw_f32(s: usize, g0: i32, count: i32): void { dw_groups<f32>(changetype<LargeCPlan>(s), g0, count); }
export function linear_softmax_large_c_dw_f64(s: usize, g0: i32, count: i32): void { dw_groups<f64>(changetype<LargeCPlan>(s), g0, count); }
/** ΣW², db, the loss. Returns the loss. */
export function linear_softmax_large_c_finish_f32(s: usize): f64 { return finish<f32>(changetype<LargeCPlan>(s)); }
export function linear_softmax_large_c_finish_f64(s: usize): f64 { return finish<f64>(changetype<LargeCPlan>(s)); }
