// Softmax cross-entropy (+ gradient) over the class axis of a row-major (outer, C, inner) block —
// PyTorch's (N, C, d1…dk) layout with targets (N, d1…dk) — computed in place of a transpose: SIMD
// across the inner positions (one f32x4 = four positions, one f64x2 = two), strided over C.
// Same semantics as assembly/cross_entropy.ts per position (a "row" is the C values of one position):
//   integer label y: t_c = (1−ε)·w_y·[c = y] + (ε/C)·w_c   (y = ignore_index: loss 0, gradient 0)
//   probabilities q (the logits' layout): t_c = w_c·((1−ε)·q_c + ε/C)
//   T = Σ t_c, m = max_c z_c, s = Σ exp(z_c − m):  loss = T·log s + Σ_c t_c·(m − z_c)  (t_c = 0 terms skipped)
//   ∂loss/∂z_c = (T·p_c − t_c)/D,  p = exp(z − m)/s;  all −∞: p = 0, loss +∞ (0 if T = 0); NaN / +∞ → NaN.
// Passes per vector of positions: max over c; exp(z − m) (stored into grad when wanted) with the f64
// sums of exp, of t and of t·(m − z); the gradient. The f32 path widens its sums to f64 (two f64x2
// per vector). Losses go to `l64` (f64, one per position, position order) and the caller adds them
// in that order (the denominator D is the caller's too, ce_axis_denominator_*), so a split of the
// positions across threads (multiples of 16) gives the same bits as one call.
import { exp_k, exp_scalar, exp_v128_k } from '../exp';

/** Lane l (0..3) of a vector of T as f64 (literal lane indices in each branch). */
// @ts-ignore: decorator
@inline function lane<T>(v: v128, l: i32): f64 {
  if (sizeof<T>() == 4) {
    if (l == 0) return <f64>f32x4.extract_lane(v, 0);
    if (l == 1) return <f64>f32x4.extract_lane(v, 1);
    if (l == 2) return <f64>f32x4.extract_lane(v, 2);
    return <f64>f32x4.extract_lane(v, 3);
  }
  return l == 0 ? f64x2.extract_lane(v, 0) : f64x2.extract_lane(v, 1);
}

/** Adds e (lanes of T) into the f64 pair (lo, hi) (f64: only lo). */
// @ts-ignore: decorator
@inline function add_lo<T>(lo: v128, e: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.add(lo, f64x2.promote_low_f32x4(e)) : f64x2.add(lo, e);
}
// @ts-ignore: decorator
@inline function add_hi<T>(hi: v128, e: v128): v128 {
  return sizeof<T>() == 4 ? f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1))) : hi;
}
/** Lane l of the f64 pair (lo, hi). */
// @ts-ignore: decorator
@inline function pair_lane<T>(lo: v128, hi: v128, l: i32): f64 {
  if (l == 0) return f64x2.extract_lane(lo, 0);
  if (l == 1) return f64x2.extract_lane(lo, 1);
  if (l == 2) return f64x2.extract_lane(hi, 0);
  return f64x2.extract_lane(hi, 1);
}
/** A vector of T from four (f32) or two (f64) f64 values. */
// @ts-ignore: decorator
@inline function vec4<T>(a: f64, b: f64, c: f64, d: f64): v128 {
  if (sizeof<T>() == 8) return f64x2.replace_lane(f64x2.splat(a), 1, b);
  let v = f32x4.splat(<f32>a);
  v = f32x4.replace_lane(v, 1, <f32>b);
  v = f32x4.replace_lane(v, 2, <f32>c);
  return f32x4.replace_lane(v, 3, <f32>d);
}

// The per-call constants (one call at a time per instance; the pool's workers have their own instance).
let g_eps: f64 = 0;        // ε
let g_sumw: f64 = 0;       // Σ_c w_c (C without weights)

/** One vector of positions at p (logits), position index t0 (for labels / losses). */
// @ts-ignore: decorator
@inline function ce_step<T>(p: usize, C: i32, stride: usize, labels: usize, targets: usize, weights: usize,
  ignore_index: i32, rD: T, t0: usize, losses: usize, grad: usize, gd: usize, td: usize, l64: usize,
  k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128, k9: v128,
  k10: v128, k11: v128, k12: v128, k13: v128, k14: v128, k15: v128): void {
  const lanes: i32 = 16 / sizeof<T>();
  const eps = g_eps;
  const vninf = v128.splat<T>(<T>-Infinity);
  const zero = v128.splat<T>(0);
  // pass 1: max over c (NaN propagates)
  let vm = vninf;
  for (let c = 0; c < C; c++) vm = v128.max<T>(vm, v128.load(p + <usize>c * stride));
  const vmasked = v128.eq<T>(vm, vninf);
  const va = v128.andnot(vm, vmasked); // masked positions subtract 0
  // integer labels: per lane y, whether it counts, (1−ε)·w_y and T; the smoothing factor ε/C (0 if ignored)
  let vy = zero, vty = zero, vks = zero, vlive = v128.splat<i32>(-1);
  let T0: f64 = 0, T1: f64 = 0, T2: f64 = 0, T3: f64 = 0;
  if (labels) {
    const ks = eps / <f64>C;
    let y0: f64 = -1, y1: f64 = -1, y2: f64 = -1, y3: f64 = -1;
    let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let l = 0; l < lanes; l++) {
      const y = load<i32>(labels + ((t0 + <usize>l) << 2));
      const live = y != ignore_index;
      const wy: f64 = live ? (weights ? <f64>load<T>(weights + (<usize>y << alignof<T>())) : 1.0) : 0;
      const ty = (1 - eps) * wy;
      const T = live ? ty + ks * g_sumw : 0;
      const yy: f64 = live ? <f64>y : -1;
      const k: f64 = live ? ks : 0;
      if (l == 0) { y0 = yy; a0 = ty; s0 = k; T0 = T; } else if (l == 1) { y1 = yy; a1 = ty; s1 = k; T1 = T; }
      else if (l == 2) { y2 = yy; a2 = ty; s2 = k; T2 = T; } else { y3 = yy; a3 = ty; s3 = k; T3 = T; }
    }
    vy = vec4<T>(y0, y1, y2, y3);
    vty = vec4<T>(a0, a1, a2, a3);
    vks = vec4<T>(s0, s1, s2, s3);
    vlive = v128.ne<T>(vy, v128.splat<T>(-1));
  }
  // pass 2: e = exp(z − m) (into grad), Σ e, Σ t, Σ t·(m − z) (terms with t = 0 skipped), in f64
  const z64 = f64x2.splat(0);
  let sLo = z64, sHi = z64, tLo = z64, tHi = z64, aLo = z64, aHi = z64;
  const vomeps = v128.splat<T>(<T>(1 - eps)), vkc = v128.splat<T>(<T>(eps / <f64>C));
  for (let c = 0; c < C; c++) {
    const q = p + <usize>c * stride;
    const vz = v128.load(q);
    const vw = weights ? v128.splat<T>(load<T>(weights + (<usize>c << alignof<T>()))) : v128.splat<T>(1);
    let vt: v128;
    if (labels) vt = v128.add<T>(v128.mul<T>(vks, vw), v128.and(vty, v128.eq<T>(vy, v128.splat<T>(<T>c))));
    else vt = v128.mul<T>(vw, v128.add<T>(v128.mul<T>(vomeps, v128.load(q + td)), vkc));
    const ve = exp_v128_k<T>(v128.sub<T>(vz, va), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (grad) v128.store(q + gd, ve);
    sLo = add_lo<T>(sLo, ve); sHi = add_hi<T>(sHi, ve);
    if (!labels) { tLo = add_lo<T>(tLo, vt); tHi = add_hi<T>(tHi, vt); }
    const vterm = v128.andnot(v128.mul<T>(vt, v128.sub<T>(va, vz)), v128.eq<T>(vt, zero));
    aLo = add_lo<T>(aLo, vterm); aHi = add_hi<T>(aHi, vterm);
  }
  // the losses of the lanes (f64), and the gradient's factors T·(1/s) and t per lane
  let g0: f64 = 0, g1: f64 = 0, g2: f64 = 0, g3: f64 = 0;
  for (let l = 0; l < lanes; l++) {
    const s = pair_lane<T>(sLo, sHi, l);
    const T: f64 = labels ? (l == 0 ? T0 : l == 1 ? T1 : l == 2 ? T2 : T3) : pair_lane<T>(tLo, tHi, l);
    const m = lane<T>(vm, l);
    let loss: f64;
    let f: f64;
    const live = !labels || lane<T>(vy, l) != -1;
    if (!live) { loss = 0; f = 0; }
    else if (m == -Infinity) { loss = T > 0 ? Infinity : 0; f = 0; }
    else { loss = T * Math.log(s) + pair_lane<T>(aLo, aHi, l); f = T / s; }
    store<f64>(l64 + ((t0 + <usize>l) << 3), loss);
    if (losses) store<T>(losses + ((t0 + <usize>l) << alignof<T>()), <T>loss);
    if (l == 0) g0 = f; else if (l == 1) g1 = f; else if (l == 2) g2 = f; else g3 = f;
  }
  if (!grad) return;
  // pass 3: grad = (T/s·e − t)/D (0 on ignored lanes)
  const vf = vec4<T>(g0, g1, g2, g3);
  const vrD = v128.splat<T>(rD);
  for (let c = 0; c < C; c++) {
    const q = p + <usize>c * stride;
    const vw = weights ? v128.splat<T>(load<T>(weights + (<usize>c << alignof<T>()))) : v128.splat<T>(1);
    let vt: v128;
    if (labels) vt = v128.add<T>(v128.mul<T>(vks, vw), v128.and(vty, v128.eq<T>(vy, v128.splat<T>(<T>c))));
    else vt = v128.mul<T>(vw, v128.add<T>(v128.mul<T>(vomeps, v128.load(q + td)), vkc));
    const vg = v128.mul<T>(v128.sub<T>(v128.mul<T>(vf, v128.load(q + gd)), vt), vrD);
    v128.store(q + gd, v128.and(vg, vlive));
  }
}

/** One position (scalar): the same operations as a lane of ce_step. */
// @ts-ignore: decorator
@inline function ce_one<T>(p: usize, C: i32, stride: usize, labels: usize, weights: usize,
  ignore_index: i32, rD: T, t: usize, losses: usize, grad: usize, gd: usize, td: usize, l64: usize, probs: bool): void {
  const eps = g_eps;
  let m: T = <T>-Infinity;
  for (let c = 0; c < C; c++) { const v = load<T>(p + <usize>c * stride); m = m != m || v != v ? <T>NaN : max<T>(m, v); }
  const a: T = m == <T>-Infinity ? <T>0 : m;
  let y = -1, ty: T = 0, ks: T = 0, T: f64 = 0;
  let live = true;
  if (!probs) {
    y = load<i32>(labels + (t << 2));
    live = y != ignore_index;
    if (live) {
      const wy: f64 = weights ? <f64>load<T>(weights + (<usize>y << alignof<T>())) : 1.0;
      ty = <T>((1 - eps) * wy);
      ks = <T>(eps / <f64>C);
      T = (1 - eps) * wy + (eps / <f64>C) * g_sumw;
    } else y = -1;
  }
  let s: f64 = 0, A: f64 = 0, Tq: f64 = 0;
  const omeps = <T>(1 - eps), kc = <T>(eps / <f64>C);
  for (let c = 0; c < C; c++) {
    const q = p + <usize>c * stride;
    const z = load<T>(q);
    const w: T = weights ? load<T>(weights + (<usize>c << alignof<T>())) : <T>1;
    const tc: T = probs ? w * (omeps * load<T>(q + td) + kc) : ks * w + (c == y ? ty : <T>0);
    const e = exp_scalar<T>(z - a);
    if (grad) store<T>(q + gd, e);
    s += <f64>e;
    if (probs) Tq += <f64>tc;
    if (tc != 0) A += <f64>(tc * (a - z));
  }
  if (probs) T = Tq;
  let loss: f64 = 0, f: f64 = 0;
  if (!live) { loss = 0; f = 0; }
  else if (m == <T>-Infinity) { loss = T > 0 ? Infinity : 0; f = 0; }
  else { loss = T * Math.log(s) + A; f = T / s; }
  store<f64>(l64 + (t << 3), loss);
  if (losses) store<T>(losses + (t << alignof<T>()), <T>loss);
  if (!grad) return;
  const ft = <T>f;
  for (let c = 0; c < C; c++) {
    const q = p + <usize>c * stride;
    const w: T = weights ? load<T>(weights + (<usize>c << alignof<T>())) : <T>1;
    const tc: T = probs ? w * (omeps * load<T>(q + td) + kc) : ks * w + (c == y ? ty : <T>0);
    store<T>(q + gd, live ? (ft * load<T>(q + gd) - tc) * rD : <T>0);
  }
}

// @ts-ignore: decorator
@inline function ce_axis<T>(logits: usize, outer: i32, C: i32, inner: i32, count: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, eps: f64, rD: T, losses: usize, grad: usize, l64: usize): f64 {
  g_eps = eps;
  let sw: f64 = 0;
  for (let c = 0; c < C; c++) sw += weights ? <f64>load<T>(weights + (<usize>c << alignof<T>())) : 1.0;
  g_sumw = sw;
  const lanes = 16 / sizeof<T>();
  const stride = <usize>inner << alignof<T>();
  const plane = <usize>C * stride;
  const gd = grad ? grad - logits : 0, td = targets ? targets - logits : 0;
  // splat constants once
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4), k5 = exp_k<T>(5);
  const k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9), k10 = exp_k<T>(10), k11 = exp_k<T>(11);
  const k12 = exp_k<T>(12), k13 = exp_k<T>(13), k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  let total: f64 = 0;
  for (let o = 0; o < outer; o++) {
    const base = logits + <usize>o * plane;
    const t0 = <usize>o * <usize>inner;
    let j = 0;
    // vectors of positions
    for (; j + lanes <= count; j += lanes) {
      ce_step<T>(base + (<usize>j << alignof<T>()), C, stride, labels, targets, weights, ignore_index, rD, t0 + <usize>j,
        losses, grad, gd, td, l64, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    }
    // scalar tail
    for (; j < count; j++) {
      ce_one<T>(base + (<usize>j << alignof<T>()), C, stride, labels, weights, ignore_index, rD, t0 + <usize>j,
        losses, grad, gd, td, l64, targets != 0);
    }
    // this block's losses, position order
    for (let jj = 0; jj < count; jj++) total += load<f64>(l64 + ((t0 + <usize>jj) << 3));
  }
  return total;
}

/**
 * Softmax cross-entropy (+ gradient) over the middle axis of logits (outer×C×inner f32) for the
 * first `count` inner positions of every outer block (logits, labels, targets, losses, grad and l64
 * offset to the first position; position (o, j) is element o·inner + j of labels / losses / l64).
 * Exactly one of labels (i32) and targets (the logits' layout) is non-zero; weights (C) or 0; eps the
 * label smoothing; rD = 1/D the gradient's factor (the caller's 'mean' denominator; 1 otherwise);
 * losses (T) or 0; grad or 0 (may alias logits); l64: one f64 loss per position (always written).
 * Returns the sum of this call's losses in position order.
 */
export function cross_entropy_axis_f32(logits: usize, outer: i32, C: i32, inner: i32, count: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, eps: f64, rD: f32, losses: usize, grad: usize, l64: usize): f64 {
  return ce_axis<f32>(logits, outer, C, inner, count, labels, targets, weights, ignore_index, eps, rD, losses, grad, l64);
}

/** cross_entropy_axis_f32 for f64. */
export function cross_entropy_axis_f64(logits: usize, outer: i32, C: i32, inner: i32, count: i32, labels: usize, targets: usize,
  weights: usize, ignore_index: i32, eps: f64, rD: f64, losses: usize, grad: usize, l64: usize): f64 {
  return ce_axis<f64>(logits, outer, C, inner, count, labels, targets, weights, ignore_index, eps, rD, losses, grad, l64);
}
