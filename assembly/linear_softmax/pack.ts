// Packing and edges of the linear softmax classifier: the padded bias and db (f64) buffers, W
// packed transposed (and dW unpacked from it) by L × L register transposes, a panel of W for the
// large-C scores, X copied into zero-padded rows, and the edge tiles that let the GEMM micro-kernels
// (gemm.ts) cover a partial tile without reading or writing outside the user's arrays.
import { Gemm, gemm_4x2v } from '../gemm';
import { hsum } from '../vec';
import { lanes } from './plan';

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

/**
 * A 4 × 2L tile of site g whose valid part is nr × nc (nr ≤ 4, nc ≤ 2L) at `out` (row stride g.cs),
 * computed in the tile buffer (through g.edge) so nothing outside the valid part is touched.
 * `cin` (same layout as out) or 0.
 */
export function gemm_edge<T>(g: Gemm, a: usize, b: usize, nt: i32, cin: usize, out: usize, nr: i32, nc: i32,
  tile: usize): void {
  const E = sizeof<T>(), L = lanes<T>();
  const ts = L * 2 * E, os = g.cs;
  if (cin != 0) {
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < <i32>(L * 2); j++) {
        const v = r < nr && j < nc ? load<T>(cin + <usize>r * os + <usize>j * E) : <T>0;
        store<T>(tile + <usize>r * ts + <usize>j * E, v);
      }
    }
  }
  gemm_4x2v<T>(g.edge, a, b, nt, cin != 0 ? tile : 0, tile, 1);
  for (let r = 0; r < nr; r++) {
    for (let j = 0; j < nc; j++) {
      store<T>(out + <usize>r * os + <usize>j * E, load<T>(tile + <usize>r * ts + <usize>j * E));
    }
  }
}

/** rows × D elements of X (dense) into dst rows of rowB bytes, zero padded; rows [rows, total) all 0. */
export function copy_padded<T>(dst: usize, rowB: usize, X: usize, D: usize, rows: usize, total: usize): void {
  const E = sizeof<T>();
  for (let i: usize = 0; i < total; i++) {
    const d = dst + i * rowB;
    if (i < rows) {
      memory.copy(d, X + i * D * E, D * E);
      memory.fill(d + D * E, 0, rowB - D * E);
    } else {
      memory.fill(d, 0, rowB);
    }
  }
}

/**
 * Wp (D × PW, rows of PW·E bytes) = W[:, p0 .. p0 + PW) zero padded (nc ≤ PW real classes, W rows
 * of rowW bytes). Returns the Σ of squares of the panel's whole vectors of classes, folded with hsum
 * (the scalar tail's squares are summed in finish, from a copy: large_c.ts).
 */
export function pack_panel<T>(W: usize, rowW: usize, p0: usize, nc: usize, D: usize, wp: usize, PW: usize): f64 {
  const E = sizeof<T>(), L = lanes<T>();
  const ncv = nc / L * L; // whole vectors
  const pwb = PW * E;
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
  return <f64>hsum<T>(vw2);
}
