// The scratch layout of the linear softmax classifier, written once. plan_small_c / plan_large_c
// compute the padded sizes and the offset of every scratch region (in f64: a problem too large for
// 32-bit memory reports its true size instead of a wrapped one) and, given the scratch address,
// store them in a plan record at the start of the scratch, followed by the records of the GEMM call
// sites (gemm.ts Gemm). The size exports return the plan's end; every phase of the kernels
// (small_c.ts, large_c.ts) reads the record, so the size and the layout cannot disagree.
import { LINEAR_BLOCK_ROWS, LINEAR_MAX_CHUNKS, LINEAR_SMALL_C } from '../abi_codes';
import { Gemm } from '../gemm';

/** Rows per block in the small-C path (a multiple of 4: 4-row dot and dX tiles). */
export const MB: i32 = LINEAR_BLOCK_ROWS;
/** Largest C that takes the small-C path. */
export const SMALL_C: i32 = LINEAR_SMALL_C;

/**
 * Rows per chunk of the small-C path, a function of N only: whole blocks, at least 2, so that N
 * rows make at most LINEAR_MAX_CHUNKS chunks. Each chunk sums its own dWᵀ partial and the partials
 * are added in chunk order, on one thread as on the pool.
 */
export function small_c_chunk_rows(n: i32): i32 {
  const blocks = (n + MB - 1) / MB;
  return MB * max(2, (blocks + LINEAR_MAX_CHUNKS - 1) / LINEAR_MAX_CHUNKS);
}

// @ts-ignore: decorator
@inline export function lanes<T>(): usize { return 16 / sizeof<T>(); }
// @ts-ignore: decorator
@inline export function roundup(x: usize, m: usize): usize { return (x + m - 1) / m * m; }
/** roundup in f64 (exact for the integers involved up to 2^53, and never wraps). */
// @ts-ignore: decorator
@inline function up(x: f64, m: f64): f64 { return Math.ceil(x / m) * m; }

/**
 * The padding rule: elements per row of a padded scratch matrix with n columns of E bytes, a whole
 * and odd number of 64-byte cache lines, so the rows of a column strip fall into different cache
 * sets (a row stride of a multiple of 4 KiB made every row of a 4 × 64 strip collide in one L1 set).
 */
// @ts-ignore: decorator
@inline export function row_elems(n: f64, E: f64): f64 {
  let lines = Math.ceil(n * E / 64);
  if (lines % 2 == 0) lines += 1;
  return lines * 64 / E;
}

/** Classes padded for the small-C path: groups of 4, plus one group of 2 when C % 4 is 1 or 2. */
// @ts-ignore: decorator
@inline export function padded_classes(C: usize): usize {
  const r = C & 3;
  return r == 0 ? C : r == 3 ? C + 1 : (C & ~(<usize>3)) + 2;
}

/**
 * Classes per packed panel of W in the large-C path: up to 16 tiles of 2 vectors (512 bytes a row:
 * W is streamed in long runs), fewer when D is large, so that the panel (D × PW) stays ≤ 256 KiB.
 */
export function panel_width<T>(d: usize): usize {
  const t = (<usize>(256 * 1024) / max<usize>(d * sizeof<T>(), 1)) / (lanes<T>() * 2);
  return lanes<T>() * 2 * min<usize>(max<usize>(t, 1), 16);
}

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

/** The fixed "not written" value of a row's kept G[y] (ce_row's fully masked path leaves it). */
// @ts-ignore: decorator
@inline export const MASKED: u64 = 0x7ff4_dead_0000_0001;

/**
 * What both paths share: the call's arrays, and the per-row softmax cross-entropy state (ce_row.ts):
 * scores / G rows of Cs elements (rowS bytes apart), the padded bias, db (f64 sums), and per row its
 * loss and its G[y] before the −1/N (f64).
 */
@unmanaged export class CePlan {
  reg: f64;
  /** ΣW² (small C: from the packing; large C: chained in finish). */
  sumw2: f64;
  /** 1/N rounded to T, as f64. */
  invN: f64;
  X: usize; labels: usize; W: usize; bias: usize; dW: usize; db: usize; dX: usize;
  n: i32; d: i32; c: i32;
  D: usize; C: usize;
  /** Classes per score row (padded) and its stride in bytes. */
  Cs: usize; rowS: usize;
  bp: usize; dbs: usize; gy: usize; loss: usize;

  /** Stores the call's arrays and reg in the record (after the plan routine). */
  bind(X: usize, labels: usize, W: usize, bias: usize, reg: f64, dW: usize, db: usize, dX: usize): void {
    this.X = X; this.labels = labels; this.W = W; this.bias = bias; this.reg = reg;
    this.dW = dW; this.db = db; this.dX = dX;
  }
}

/** Stores the sizes and the shared regions of a CePlan. */
// @ts-ignore: decorator
@inline function set_ce<T>(p: CePlan, at: usize, n: i32, d: i32, c: i32, Cs: f64,
  bp: f64, dbs: f64, gy: f64, loss: f64): void {
  p.n = n; p.d = d; p.c = c; p.D = <usize>d; p.C = <usize>c;
  p.invN = <f64>(<T>(1.0 / <f64>n));
  p.Cs = <usize>Cs; p.rowS = <usize>Cs * sizeof<T>();
  p.bp = at + <usize>bp; p.dbs = at + <usize>dbs; p.gy = at + <usize>gy; p.loss = at + <usize>loss;
}

/**
 * Small C (C ≤ SMALL_C). WT, dWT: Cg × Dp (W transposed, zero padded); per chunk of cr rows a dWT
 * partial (Cg × Dp; chunk 0's is dWT itself), and per block of MB rows: Xg (the block of X copied,
 * MB × Dp) or, read in place, Xt (its last D mod 4L columns, MB × 4L) and St (their scores);
 * S (scores, then G, MB × Cs); one 4 × 2L edge tile per 4 rows of dX.
 * One thread reuses one block's buffers and one partial (the *Step strides are 0); the threaded
 * layout has one Xg / Xt and one partial per chunk, and keeps S, St and the tiles of all N rows
 * (db is summed over all rows in finish).
 */
@unmanaged export class SmallCPlan extends CePlan {
  Dp: usize; Cg: usize; C4: usize;
  /** Bytes per row of WT / Xg, of Xt, of the X block as read (X itself or Xg). */
  rowB: usize; rowT: usize; rowX: usize;
  direct: bool;
  /** Columns [0, kt) come from the X block, [kt, kt + nkt) from Xt; nv = kt / L. */
  kt: usize; nkt: usize; nv: i32;
  /** dWT column groups of 4L: gmain from the X block, then (nkt ≠ 0) one from Xt. */
  gmain: i32; groups: i32;
  /** Rows per chunk (small_c_chunk_rows) and chunks; single: the one-thread layout. */
  cr: i32; chunks: i32; single: bool;
  wt: usize; dwt: usize; dwp: usize; xg: usize; xt: usize; s: usize; st: usize; tile: usize;
  /** Per block: sStep, tileStep (per 4 rows); per chunk: xgStep, xtStep, dwpStep. */
  sStep: usize; xgStep: usize; xtStep: usize; tileStep: usize; dwpStep: usize;
  g_dwt: Gemm; g_dwt_tail: Gemm; g_dwt2: Gemm; g_dwt2_tail: Gemm; g_dx: Gemm;
}

/** GEMM call-site records after the small-C plan record (g_dx has an edge record). */
// @ts-ignore: decorator
@inline const SMALL_SITES: usize = 6;

/**
 * Lays out the small-C scratch for these sizes (perRow: the threaded phases' layout, which depends
 * on X's address through in_place_ok; one thread: not). Returns its size in bytes; with at ≠ 0 also
 * writes the plan record there.
 */
export function plan_small_c<T>(at: usize, X: usize, n: i32, d: i32, c: i32, perRow: bool): f64 {
  const E = <f64>sizeof<T>(), L = <f64>lanes<T>();
  const N = <f64>n, D = <f64>d;
  const Dp = row_elems(D, E), Cg = <f64>padded_classes(<usize>c), Cs = up(Cg, L);
  const direct = in_place_ok(X, <usize>d * sizeof<T>());
  const R = perRow ? up(N, 4) : <f64>MB; // rows of S, St
  const cr = small_c_chunk_rows(n), chunks = Math.ceil(N / <f64>cr);
  const slots = perRow ? max(chunks, 1) : 1; // Xg / Xt buffers of MB rows
  const partials = perRow ? max(chunks - 1, 0) : min(max(chunks - 1, 0), 1); // besides dWT (one thread: the open one)
  const copied = !perRow || !direct, inPlace = !perRow || direct;
  let o = up(<f64>(offsetof<SmallCPlan>() + SMALL_SITES * offsetof<Gemm>()), 64);
  const wt = o; o += Cg * Dp * E;
  const dwt = o; o += Cg * Dp * E;
  const dwp = o; o += partials * Cg * Dp * E;
  const xg = o; o += copied ? slots * <f64>MB * Dp * E : 0;
  const xtSlot = up(<f64>MB * L * 4 * E, 16);
  const xt = o; o += inPlace ? slots * xtSlot : 0;
  const s = o; o += up(R * Cs * E, 16);
  const st = o; o += inPlace ? up(R * Cs * E, 16) : 0;
  const bp = o; o += up(Cs * E, 16);
  const dbs = o; o += up(Cs * 8, 16); // db accumulates in f64
  const gy = o; o += up(N * 8, 16);
  const loss = o; o += up(N * 8, 16);
  const tile = o; o += (perRow ? up(N, 4) / 4 : 1) * L * 8 * E;
  const end = up(o, 16);
  if (at == 0) return end;

  const p = changetype<SmallCPlan>(at);
  set_ce<T>(p, at, n, d, c, Cs, bp, dbs, gy, loss);
  const e = sizeof<T>(), l = lanes<T>(), Du = <usize>d;
  p.Dp = <usize>Dp; p.Cg = <usize>Cg; p.C4 = p.Cg & ~(<usize>3);
  p.rowB = p.Dp * e; p.rowT = l * 4 * e;
  p.direct = direct;
  p.rowX = direct ? Du * e : p.rowB;
  p.kt = direct ? Du / (l * 4) * (l * 4) : roundup(Du, l * 4);
  p.nkt = direct ? Du - p.kt : 0;
  p.nv = <i32>(p.kt / l);
  p.gmain = <i32>(p.kt / (l * 4));
  p.groups = p.gmain + (p.nkt != 0 ? 1 : 0);
  p.cr = cr; p.chunks = <i32>chunks; p.single = !perRow;
  p.wt = at + <usize>wt; p.dwt = at + <usize>dwt; p.dwp = at + <usize>dwp;
  p.xg = at + <usize>xg; p.xt = at + <usize>xt;
  p.s = at + <usize>s; p.st = at + <usize>st; p.tile = at + <usize>tile;
  p.sStep = perRow ? <usize>MB * p.rowS : 0;
  p.xgStep = perRow ? <usize>MB * p.rowB : 0;
  p.xtStep = perRow ? <usize>xtSlot : 0;
  p.tileStep = perRow ? l * 8 * e : 0;
  p.dwpStep = perRow ? p.Cg * p.rowB : 0;
  // GEMM call sites (strides in bytes): dWT += Gᵀ·X (A = G columns, B = X rows), dX = G·WT
  const v2 = l * 2 * e, v4 = l * 4 * e, g = at + offsetof<SmallCPlan>(), G = offsetof<Gemm>();
  p.g_dwt = Gemm.at(g).a(e, p.rowS, 0).b(p.rowX, v2).c(p.rowB, v2, 1);
  p.g_dwt_tail = Gemm.at(g + G).a(e, p.rowS, 0).b(p.rowT, v2).c(p.rowB, v2, 1);
  p.g_dwt2 = Gemm.at(g + 2 * G).a(e, p.rowS, 0).b(p.rowX, v4).c(p.rowB, v4, 1);
  p.g_dwt2_tail = Gemm.at(g + 3 * G).a(e, p.rowS, 0).b(p.rowT, 0).c(p.rowB, 0, 1);
  p.g_dx = Gemm.at(g + 4 * G).a(p.rowS, e, 0).b(p.rowB, v2).c(Du * e, v2, 0).with_edge(g + 5 * G, v2);
  return end;
}

/**
 * Large C (C > SMALL_C). Xp: X zero padded to Np × Dx; S: scores, then G (Np × Cs); per chunk of
 * ppc panels a packed panel of W (D × PW); per panel its folded Σ of squares (f64); per chunk of
 * kpc groups of 4 rows of D a dot_2x4 result block and an edge tile; Tw: the scalar-tail classes of
 * the last panel (D × L), kept for ΣW² in finish (dW may overwrite W before).
 * One thread is one chunk of each (ppc = all panels, kpc = all groups).
 */
@unmanaged export class LargeCPlan extends CePlan {
  Dx: usize; Np: usize; PW: usize; panels: i32; dgroups: i32;
  rowX: usize; rowW: usize; pwb: usize;
  /** Classes in whole vectors (dX: the rest is a scalar tail); dX's chunk of C; classes in full dW tiles. */
  cvL: usize; ck: usize; Cf: usize;
  ppc: i32; kpc: i32;
  xp: usize; s: usize; wp: usize; h: usize; res: usize; tile: usize; tw: usize;
  wpStep: usize; resStep: usize; tileStep: usize;
  g_scores: Gemm; g_dw: Gemm;
}

// @ts-ignore: decorator
@inline const LARGE_SITES: usize = 3;

/** Panels of PW classes covering the padded score row (Cs may reach a panel past C). */
export function panels_of<T>(d: i32, c: i32): i32 {
  const PW = panel_width<T>(<usize>d), Cs = <usize>row_elems(<f64>c, <f64>sizeof<T>());
  return <i32>((Cs + PW - 1) / PW);
}

/**
 * Lays out the large-C scratch for chunks of ppc panels and kpc groups of 4 rows of D (≤ 0: one
 * chunk of all). Returns its size in bytes; with at ≠ 0 also writes the plan record there.
 */
export function plan_large_c<T>(at: usize, n: i32, d: i32, c: i32, ppc: i32, kpc: i32): f64 {
  const E = <f64>sizeof<T>(), L = <f64>lanes<T>();
  const N = <f64>n, D = <f64>d;
  const Dx = row_elems(D, E), Cs = row_elems(<f64>c, E), Np = up(N, 4);
  const PW = <f64>panel_width<T>(<usize>d);
  const np = <f64>panels_of<T>(d, c), ng = Math.ceil(D / 4);
  const pc = ppc > 0 ? <f64>ppc : max(np, 1), kc = kpc > 0 ? <f64>kpc : max(ng, 1);
  const cP = Math.ceil(np / pc), cK = Math.ceil(ng / kc);
  let o = up(<f64>(offsetof<LargeCPlan>() + LARGE_SITES * offsetof<Gemm>()), 64);
  const xp = o; o += Np * Dx * E;
  const s = o; o += up(Np * Cs * E, 16);
  const wpStep = up(D * PW * E, 16);
  const wp = o; o += max(cP, 1) * wpStep;
  const bp = o; o += up(Cs * E, 16);
  const dbs = o; o += up(Cs * 8, 16);
  const gy = o; o += up(N * 8, 16);
  const loss = o; o += up(N * 8, 16);
  const h = o; o += up(np * 8, 16);
  const resStep = up(8 * E, 16);
  const res = o; o += max(cK, 1) * resStep;
  const tile = o; o += max(cK, 1) * L * 8 * E;
  const tw = o; o += up(D * L * E, 16);
  const end = up(o, 16);
  if (at == 0) return end;

  const p = changetype<LargeCPlan>(at);
  set_ce<T>(p, at, n, d, c, Cs, bp, dbs, gy, loss);
  const e = sizeof<T>(), l = lanes<T>(), Cu = <usize>c;
  p.Dx = <usize>Dx; p.Np = <usize>Np; p.PW = <usize>PW; p.panels = <i32>np; p.dgroups = <i32>ng;
  p.rowX = p.Dx * e; p.rowW = Cu * e; p.pwb = p.PW * e;
  p.cvL = Cu / l * l;
  let ck = (<usize>(256 * 1024) / max<usize>(<usize>n * e, 1)) / l * l; // the chunk of G stays in L2
  p.ck = ck < 64 ? 64 : ck;
  p.Cf = Cu / (l * 2) * (l * 2);
  p.ppc = <i32>pc; p.kpc = <i32>kc;
  p.xp = at + <usize>xp; p.s = at + <usize>s; p.wp = at + <usize>wp; p.h = at + <usize>h;
  p.res = at + <usize>res; p.tile = at + <usize>tile; p.tw = at + <usize>tw;
  p.wpStep = <usize>wpStep; p.resStep = <usize>resStep; p.tileStep = l * 8 * e;
  // GEMM call sites: S[:, panel] = Xp·Wp (A = Xp rows), dW = Xpᵀ·G + 2·reg·W (A = Xp columns)
  const v2 = l * 2 * e, g = at + offsetof<LargeCPlan>(), G = offsetof<Gemm>();
  p.g_scores = Gemm.at(g).a(p.rowX, e, 0).b(p.pwb, v2).c(p.rowS, v2, 0);
  p.g_dw = Gemm.at(g + G).a(e, p.rowX, 0).b(p.rowS, v2).c(p.rowW, v2, 0).with_edge(g + 2 * G, v2);
  // (its beta, 2·reg, is set once reg is bound: large_c.ts prep)
  return end;
}
