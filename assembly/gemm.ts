// SIMD register-blocked GEMM micro-kernels for the linear softmax classifier (f32x4 and f64x2).
// Generic over T = f32 | f64 (L = 16 / sizeof<T>() lanes per v128); instantiated in
// linear_softmax/ and exported concretely below for the kernel tests (tests/assembly/gemm.test.ts).
//
// Each kernel keeps 8 accumulators. V8 (TurboFan) schedules all the loads of a loop iteration
// before the arithmetic, so the live set of one iteration is accumulators + loaded values + one
// product: 8 + 6 + 1 = 15, exactly the allocatable xmm registers (xmm15 is V8's scratch). A 5 × 2
// tile (10 accumulators + 7 loads) spilled two accumulators to the stack and ran at well under half
// the speed of these.
//
// - gemm_4x2v / gemm_2x4v: "broadcast A, vector B". A 4 × 2L (or 2 × 4L) tile of C,
//       C[j][0 .. 2L) = beta·Cin[j][0 .. 2L) + Σ_t A[j·asj + t·ast] · B[t·bst + (0 .. 2L)],
//   per step t: 2 (4) vector loads of B, 4 (2) splat loads of A, 8 mul + 8 add. A run of `ntiles`
//   tiles moves a, b, cin and c by their `*_tile` strides after each tile. The strides and beta of a
//   call site are a Gemm record (built once per call by the plan, linear_softmax/plan.ts).
// - dot_2x4 / dot_4x2: "dot products along a contiguous axis". The 2 × 4 (4 × 2) block
//       out[r][j] = Σ_k A[r][k] · B[j][k],
//   per step: 6 vector loads, 8 mul + 8 add; lanes are folded once at the end.
//
// All strides and pointers are in bytes. The kernels trust their inputs: every address they touch
// (including the zero padding the caller set up) must be inside memory.
// No FMA in the baseline build; the relaxed build accumulates with relaxed_madd (madd.ts), fused
// or not as the engine chooses (GEMM sums stay within the tolerances either way).

import { vacc } from "./madd";
import { hsum } from "./vec";

// @ts-ignore: decorator
@inline function vmul<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, b); }

/**
 * The strides (bytes) and beta of one GEMM call site, a record in scratch memory (layout: beta at
 * 0, then the usize fields in order; tests/assembly/gemm.test.ts writes it from JS).
 * A: element (j, t) at a + j·asj + t·ast; B: row t at b + t·bst; C: row j at c + j·cs; a run of
 * tiles moves by a_tile, b_tile, c_tile. `edge`: the same site writing one 4 × 2L tile buffer
 * (gemm_edge), or 0.
 */
@unmanaged export class Gemm {
  beta: f64;
  asj: usize; ast: usize; a_tile: usize;
  bst: usize; b_tile: usize;
  cs: usize; c_tile: usize;
  edge: Gemm;

  /** The record at address p. */
  // @ts-ignore: decorator
  @inline static at(p: usize): Gemm { return changetype<Gemm>(p); }
  a(asj: usize, ast: usize, a_tile: usize): Gemm { this.asj = asj; this.ast = ast; this.a_tile = a_tile; return this; }
  b(bst: usize, b_tile: usize): Gemm { this.bst = bst; this.b_tile = b_tile; return this; }
  c(cs: usize, c_tile: usize, beta: f64): Gemm {
    this.cs = cs; this.c_tile = c_tile; this.beta = beta; this.edge = changetype<Gemm>(0); return this;
  }
  /** Sets beta here and on the edge record. */
  set_beta(beta: f64): void { this.beta = beta; if (changetype<usize>(this.edge) != 0) this.edge.beta = beta; }
  /** Writes at p the edge record (same A and B, C = a tile buffer of row stride ts) and links it. */
  with_edge(p: usize, ts: usize): Gemm {
    this.edge = Gemm.at(p).a(this.asj, this.ast, 0).b(this.bst, 0).c(ts, 0, this.beta);
    return this;
  }
}

/**
 * C tile (4 rows × 2 vectors) = beta·Cin + A·B, see the file header, with the strides and beta of
 * site g. `cin` = 0 starts from zero (beta is then ignored); `cin` may equal `c`. Runs `ntiles`
 * tiles, advancing a, b, cin, c by g.a_tile, g.b_tile, g.c_tile bytes between them. `add` ≠ 0: the
 * finished tile is added to the tile at `add` (laid out as C; it may equal `c`) before it is stored,
 * as Add + (beta·Cin + A·B), one rounding more.
 */
export function gemm_4x2v<T>(g: Gemm, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32, add: usize = 0): void {
  const E = sizeof<T>();
  const asj = g.asj, ast = g.ast, a_tile = g.a_tile, bst = g.bst, b_tile = g.b_tile;
  const cs = g.cs, c_tile = g.c_tile;
  const vbeta = v128.splat<T>(<T>g.beta);
  for (let tile = 0; tile < ntiles; tile++) {
    // init: 8 accumulators from beta·Cin or zero
    let v00: v128, v01: v128, v10: v128, v11: v128, v20: v128, v21: v128, v30: v128, v31: v128;
    if (cin != 0) {
      v00 = vmul<T>(v128.load(cin), vbeta); v01 = vmul<T>(v128.load(cin, 16), vbeta);
      v10 = vmul<T>(v128.load(cin + cs), vbeta); v11 = vmul<T>(v128.load(cin + cs, 16), vbeta);
      v20 = vmul<T>(v128.load(cin + 2 * cs), vbeta); v21 = vmul<T>(v128.load(cin + 2 * cs, 16), vbeta);
      v30 = vmul<T>(v128.load(cin + 3 * cs), vbeta); v31 = vmul<T>(v128.load(cin + 3 * cs, 16), vbeta);
    } else {
      v00 = v128.splat<i32>(0); v01 = v00; v10 = v00; v11 = v00; v20 = v00; v21 = v00;
      v30 = v00; v31 = v00;
    }
    let bp = b;
    if (asj == E) {
      // main loop, A rows adjacent (one pointer, immediate offsets): 2 B vectors + 4 A splats,
      // 8 mul + 8 add per step
      let ap = a;
      for (let t = 0; t < nt; t++) {
        const vb0 = v128.load(bp), vb1 = v128.load(bp, 16);
        const va0 = v128.load_splat<T>(ap), va1 = v128.load_splat<T>(ap, E);
        const va2 = v128.load_splat<T>(ap, 2 * E), va3 = v128.load_splat<T>(ap, 3 * E);
        v00 = vacc<T>(v00, va0, vb0); v01 = vacc<T>(v01, va0, vb1);
        v10 = vacc<T>(v10, va1, vb0); v11 = vacc<T>(v11, va1, vb1);
        v20 = vacc<T>(v20, va2, vb0); v21 = vacc<T>(v21, va2, vb1);
        v30 = vacc<T>(v30, va3, vb0); v31 = vacc<T>(v31, va3, vb1);
        ap += ast; bp += bst;
      }
    } else {
      // main loop, A rows apart: same, four A pointers
      let a0 = a, a1 = a + asj, a2 = a + 2 * asj, a3 = a + 3 * asj;
      for (let t = 0; t < nt; t++) {
        const vb0 = v128.load(bp), vb1 = v128.load(bp, 16);
        const va0 = v128.load_splat<T>(a0), va1 = v128.load_splat<T>(a1);
        const va2 = v128.load_splat<T>(a2), va3 = v128.load_splat<T>(a3);
        v00 = vacc<T>(v00, va0, vb0); v01 = vacc<T>(v01, va0, vb1);
        v10 = vacc<T>(v10, va1, vb0); v11 = vacc<T>(v11, va1, vb1);
        v20 = vacc<T>(v20, va2, vb0); v21 = vacc<T>(v21, va2, vb1);
        v30 = vacc<T>(v30, va3, vb0); v31 = vacc<T>(v31, va3, vb1);
        a0 += ast; a1 += ast; a2 += ast; a3 += ast; bp += bst;
      }
    }
    // add (a partial sum finished elsewhere), store the tile
    if (add != 0) {
      v00 = v128.add<T>(v128.load(add), v00); v01 = v128.add<T>(v128.load(add, 16), v01);
      v10 = v128.add<T>(v128.load(add + cs), v10); v11 = v128.add<T>(v128.load(add + cs, 16), v11);
      v20 = v128.add<T>(v128.load(add + 2 * cs), v20); v21 = v128.add<T>(v128.load(add + 2 * cs, 16), v21);
      v30 = v128.add<T>(v128.load(add + 3 * cs), v30); v31 = v128.add<T>(v128.load(add + 3 * cs, 16), v31);
      add += c_tile;
    }
    v128.store(c, v00); v128.store(c, v01, 16);
    v128.store(c + cs, v10); v128.store(c + cs, v11, 16);
    v128.store(c + 2 * cs, v20); v128.store(c + 2 * cs, v21, 16);
    v128.store(c + 3 * cs, v30); v128.store(c + 3 * cs, v31, 16);
    a += a_tile; b += b_tile; c += c_tile;
    if (cin != 0) cin += c_tile;
  }
}

/** As gemm_4x2v with a 2 rows × 4 vectors tile (A rows adjacent or apart). */
export function gemm_2x4v<T>(g: Gemm, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32, add: usize = 0): void {
  const asj = g.asj, ast = g.ast, a_tile = g.a_tile, bst = g.bst, b_tile = g.b_tile;
  const cs = g.cs, c_tile = g.c_tile;
  const vbeta = v128.splat<T>(<T>g.beta);
  for (let tile = 0; tile < ntiles; tile++) {
    // init: 8 accumulators from beta·Cin or zero
    let v00: v128, v01: v128, v02: v128, v03: v128, v10: v128, v11: v128, v12: v128, v13: v128;
    if (cin != 0) {
      v00 = vmul<T>(v128.load(cin), vbeta); v01 = vmul<T>(v128.load(cin, 16), vbeta);
      v02 = vmul<T>(v128.load(cin, 32), vbeta); v03 = vmul<T>(v128.load(cin, 48), vbeta);
      v10 = vmul<T>(v128.load(cin + cs), vbeta); v11 = vmul<T>(v128.load(cin + cs, 16), vbeta);
      v12 = vmul<T>(v128.load(cin + cs, 32), vbeta); v13 = vmul<T>(v128.load(cin + cs, 48), vbeta);
    } else {
      v00 = v128.splat<i32>(0); v01 = v00; v02 = v00; v03 = v00; v10 = v00; v11 = v00;
      v12 = v00; v13 = v00;
    }
    // main loop: 4 B vectors + 2 A splats, 8 mul + 8 add per step
    let a0 = a, a1 = a + asj, bp = b;
    for (let t = 0; t < nt; t++) {
      const vb0 = v128.load(bp), vb1 = v128.load(bp, 16), vb2 = v128.load(bp, 32), vb3 = v128.load(bp, 48);
      const va0 = v128.load_splat<T>(a0), va1 = v128.load_splat<T>(a1);
      v00 = vacc<T>(v00, va0, vb0); v01 = vacc<T>(v01, va0, vb1);
      v02 = vacc<T>(v02, va0, vb2); v03 = vacc<T>(v03, va0, vb3);
      v10 = vacc<T>(v10, va1, vb0); v11 = vacc<T>(v11, va1, vb1);
      v12 = vacc<T>(v12, va1, vb2); v13 = vacc<T>(v13, va1, vb3);
      a0 += ast; a1 += ast; bp += bst;
    }
    // add (a partial sum finished elsewhere), store the tile
    if (add != 0) {
      v00 = v128.add<T>(v128.load(add), v00); v01 = v128.add<T>(v128.load(add, 16), v01);
      v02 = v128.add<T>(v128.load(add, 32), v02); v03 = v128.add<T>(v128.load(add, 48), v03);
      v10 = v128.add<T>(v128.load(add + cs), v10); v11 = v128.add<T>(v128.load(add + cs, 16), v11);
      v12 = v128.add<T>(v128.load(add + cs, 32), v12); v13 = v128.add<T>(v128.load(add + cs, 48), v13);
      add += c_tile;
    }
    v128.store(c, v00); v128.store(c, v01, 16); v128.store(c, v02, 32); v128.store(c, v03, 48);
    v128.store(c + cs, v10); v128.store(c + cs, v11, 16);
    v128.store(c + cs, v12, 32); v128.store(c + cs, v13, 48);
    a += a_tile; b += b_tile; c += c_tile;
    if (cin != 0) cin += c_tile;
  }
}

/**
 * out[r·os + j·sizeof<T>] = Σ_{k < nv·L} A[r][k]·B[j][k] for r < 2, j < 4, where row r of A starts at
 * a + r·as and row j of B at b + j·bs (bytes). Overwrites the 8 outputs.
 */
export function dot_2x4<T>(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  const E = sizeof<T>();
  // init: 8 accumulators
  let v00 = v128.splat<i32>(0);
  let v01 = v00, v02 = v00, v03 = v00, v10 = v00, v11 = v00, v12 = v00, v13 = v00;
  // six moving pointers (one add each per step; base + index forms cost two LEAs per load in V8)
  let a0 = a, a1 = a + as;
  let b0 = b, b1 = b + bs, b2 = b + 2 * bs, b3 = b + 3 * bs;
  // main loop: 2 A vectors + 4 B vectors, 8 mul + 8 add per step
  for (let v = 0; v < nv; v++) {
    const va0 = v128.load(a0), va1 = v128.load(a1);
    const vb0 = v128.load(b0), vb1 = v128.load(b1);
    const vb2 = v128.load(b2), vb3 = v128.load(b3);
    a0 += 16; a1 += 16; b0 += 16; b1 += 16; b2 += 16; b3 += 16;
    v00 = vacc<T>(v00, va0, vb0); v10 = vacc<T>(v10, va1, vb0);
    v01 = vacc<T>(v01, va0, vb1); v11 = vacc<T>(v11, va1, vb1);
    v02 = vacc<T>(v02, va0, vb2); v12 = vacc<T>(v12, va1, vb2);
    v03 = vacc<T>(v03, va0, vb3); v13 = vacc<T>(v13, va1, vb3);
  }
  // fold: lanes → scalars
  const o1 = out + os;
  store<T>(out, hsum<T>(v00)); store<T>(out, hsum<T>(v01), E);
  store<T>(out, hsum<T>(v02), 2 * E); store<T>(out, hsum<T>(v03), 3 * E);
  store<T>(o1, hsum<T>(v10)); store<T>(o1, hsum<T>(v11), E);
  store<T>(o1, hsum<T>(v12), 2 * E); store<T>(o1, hsum<T>(v13), 3 * E);
}

/** As dot_2x4 with 4 rows of A × 2 rows of B: out[r·os + j·sizeof<T>], r < 4, j < 2. */
export function dot_4x2<T>(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  const E = sizeof<T>();
  // init: 8 accumulators
  let v00 = v128.splat<i32>(0);
  let v01 = v00, v10 = v00, v11 = v00, v20 = v00, v21 = v00, v30 = v00, v31 = v00;
  let a0 = a, a1 = a + as, a2 = a + 2 * as, a3 = a + 3 * as;
  let b0 = b, b1 = b + bs;
  // main loop: 4 A vectors + 2 B vectors, 8 mul + 8 add per step
  for (let v = 0; v < nv; v++) {
    const vb0 = v128.load(b0), vb1 = v128.load(b1);
    const va0 = v128.load(a0), va1 = v128.load(a1);
    const va2 = v128.load(a2), va3 = v128.load(a3);
    a0 += 16; a1 += 16; a2 += 16; a3 += 16; b0 += 16; b1 += 16;
    v00 = vacc<T>(v00, va0, vb0); v01 = vacc<T>(v01, va0, vb1);
    v10 = vacc<T>(v10, va1, vb0); v11 = vacc<T>(v11, va1, vb1);
    v20 = vacc<T>(v20, va2, vb0); v21 = vacc<T>(v21, va2, vb1);
    v30 = vacc<T>(v30, va3, vb0); v31 = vacc<T>(v31, va3, vb1);
  }
  // fold: lanes → scalars
  store<T>(out, hsum<T>(v00)); store<T>(out, hsum<T>(v01), E);
  store<T>(out + os, hsum<T>(v10)); store<T>(out + os, hsum<T>(v11), E);
  store<T>(out + 2 * os, hsum<T>(v20)); store<T>(out + 2 * os, hsum<T>(v21), E);
  store<T>(out + 3 * os, hsum<T>(v30)); store<T>(out + 3 * os, hsum<T>(v31), E);
}

// Concrete instantiations, for tests of the micro-kernels on their own (not in assembly/index.ts);
// g is the address of a Gemm record.
export function gemm_4x2v_f32(g: usize, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32): void {
  gemm_4x2v<f32>(Gemm.at(g), a, b, nt, cin, c, ntiles);
}
export function gemm_4x2v_f64(g: usize, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32): void {
  gemm_4x2v<f64>(Gemm.at(g), a, b, nt, cin, c, ntiles);
}
export function gemm_2x4v_f32(g: usize, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32): void {
  gemm_2x4v<f32>(Gemm.at(g), a, b, nt, cin, c, ntiles);
}
export function gemm_2x4v_f64(g: usize, a: usize, b: usize, nt: i32, cin: usize, c: usize, ntiles: i32): void {
  gemm_2x4v<f64>(Gemm.at(g), a, b, nt, cin, c, ntiles);
}
export function dot_2x4_f32(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  dot_2x4<f32>(a, as, b, bs, nv, out, os);
}
export function dot_2x4_f64(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  dot_2x4<f64>(a, as, b, bs, nv, out, os);
}
export function dot_4x2_f32(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  dot_4x2<f32>(a, as, b, bs, nv, out, os);
}
export function dot_4x2_f64(a: usize, as: usize, b: usize, bs: usize, nv: i32, out: usize, os: usize): void {
  dot_4x2<f64>(a, as, b, bs, nv, out, os);
}
