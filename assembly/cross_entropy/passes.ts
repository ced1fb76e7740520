// The passes over one cross-entropy row (assembly/cross_entropy.ts has the formulas): pass 2
// (exp(z − m), Σ exp and Σ t·(z − m)), pass 3 (the gradient from the stored exps), and the two
// rare element-by-element forms of the gradient (fully masked row; factors beyond T's range).
import { exp_scalar, exp_k, exp_v128_k } from '../exp';
import { hsum } from '../vec';
import { call } from './call';
import { ACC_D, ACC_NONE, ACC_Q, ACC_WD, ACC_WQ, kt_vec, t_scalar64, td64, tdq64, tq64 } from './targets';

/**
 * Pass 2 over [p, end): returns f64x2 [s, a], s = Σ exp(z − m) (summed in T, exact in f64) and
 * a = Σ t·(z − m) summed in f64 (t including ε/C in the label modes; nothing for ACC_NONE); when
 * `store_`, writes exp(z − m) at p + gd. wd / qd: byte distance from the logits row to the weights /
 * targets row (weights: the same vector for every row). Probability rows (mode ≥ ACC_Q) also get
 * T = Σ t in `call.rowT`, summed in the same sweep (t is formed for a anyway; a separate pass
 * over the targets cost ~10% on narrow rows).
 */
// @ts-ignore: decorator
@inline export function pass2<T>(p: usize, end: usize, m: T, gd: usize, store_: bool, mode: i32,
  wd: usize, qd: usize): v128 {
  const omE64 = call.omE;
  const eC64 = call.eC;
  // splat constants
  const vomE64 = f64x2.splat(omE64);
  const veC64 = f64x2.splat(eC64);
  const vm = v128.splat<T>(m);
  const vm64 = f64x2.splat(<f64>m);
  const vc64 = f64x2.splat(eC64);
  const vzero = v128.splat<T>(0);
  let vs0 = vzero, vs1 = vzero;
  const vz64 = f64x2.splat(0);
  let va0 = vz64, va1 = vz64, vt0 = vz64, vt1 = vz64;
  // exp's constants loaded from memory once (see EXP_F32_K in exp.ts)
  const k0 = exp_k<T>(0), k1 = exp_k<T>(1), k2 = exp_k<T>(2), k3 = exp_k<T>(3), k4 = exp_k<T>(4);
  const k5 = exp_k<T>(5), k6 = exp_k<T>(6), k7 = exp_k<T>(7), k8 = exp_k<T>(8), k9 = exp_k<T>(9);
  const k10 = exp_k<T>(10), k11 = exp_k<T>(11), k12 = exp_k<T>(12), k13 = exp_k<T>(13);
  const k14 = exp_k<T>(14), k15 = exp_k<T>(15);
  // main loop: 2 exp accumulators (+2 f64 ones for each extra sum), 32 bytes per step (two exps
  // in flight; more only add spills)
  for (; p + 32 <= end; p += 32) {
    const vz0 = v128.load(p);
    const vz1 = v128.load(p, 16);
    const ve0 = exp_v128_k<T>(v128.sub<T>(vz0, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    const ve1 = exp_v128_k<T>(v128.sub<T>(vz1, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) {
      v128.store(p + gd, ve0);
      v128.store(p + gd, ve1, 16);
    }
    vs0 = v128.add<T>(vs0, ve0);
    vs1 = v128.add<T>(vs1, ve1);
    if (mode == ACC_D) {
      va0 = f64x2.add(va0, td64<T>(vz0, vm64, vzero, vc64, mode));
      va1 = f64x2.add(va1, td64<T>(vz1, vm64, vzero, vc64, mode));
    } else if (mode == ACC_WD) {
      va0 = f64x2.add(va0, td64<T>(vz0, vm64, v128.load(p + wd), vc64, mode));
      va1 = f64x2.add(va1, td64<T>(vz1, vm64, v128.load(p + wd, 16), vc64, mode));
    } else if (mode != ACC_NONE) {
      va0 = f64x2.add(va0, tdq64<T>(p, vz0, vm64, mode, wd, qd, vomE64, veC64));
      va1 = f64x2.add(va1, tdq64<T>(p + 16, vz1, vm64, mode, wd, qd, vomE64, veC64));
      vt0 = f64x2.add(vt0, tq64<T>(p, mode, wd, qd, vomE64, veC64));
      vt1 = f64x2.add(vt1, tq64<T>(p + 16, mode, wd, qd, vomE64, veC64));
    }
  }
  // fold
  vs0 = v128.add<T>(vs0, vs1);
  va0 = f64x2.add(va0, va1);
  vt0 = f64x2.add(vt0, vt1);
  // vector loop
  for (; p + 16 <= end; p += 16) {
    const vz = v128.load(p);
    const ve = exp_v128_k<T>(v128.sub<T>(vz, vm), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15);
    if (store_) v128.store(p + gd, ve);
    vs0 = v128.add<T>(vs0, ve);
    if (mode == ACC_D) {
      va0 = f64x2.add(va0, td64<T>(vz, vm64, vzero, vc64, mode));
    } else if (mode == ACC_WD) {
      va0 = f64x2.add(va0, td64<T>(vz, vm64, v128.load(p + wd), vc64, mode));
    } else if (mode != ACC_NONE) {
      va0 = f64x2.add(va0, tdq64<T>(p, vz, vm64, mode, wd, qd, vomE64, veC64));
      vt0 = f64x2.add(vt0, tq64<T>(p, mode, wd, qd, vomE64, veC64));
    }
  }
  let s = hsum<T>(vs0);
  let a = hsum<f64>(va0);
  let tt = hsum<f64>(vt0);
  // scalar tail (f64 sums, as above)
  for (; p < end; p += sizeof<T>()) {
    const z = load<T>(p);
    const e = exp_scalar<T>(z - m);
    if (store_) store<T>(p + gd, e);
    s += e;
    const d: f64 = <f64>z - <f64>m;
    if (mode == ACC_D) {
      a += d * eC64;
    } else if (mode != ACC_NONE) {
      let t: f64 = t_scalar64<T>(p, mode, wd, qd, omE64, eC64);
      if (mode >= ACC_Q) tt += t;
      if (mode == ACC_WD) t *= eC64;
      if (t != 0) a += t * d;
    }
  }
  if (mode >= ACC_Q) call.rowT = tt;
  return f64x2.replace_lane(f64x2.splat(<f64>s), 1, a);
}

/**
 * Pass 3 over a grad row [g, end) that holds exp(z − m): grad = ks·e − kt·t, where t is 1 (labels
 * without weights), w (labels with weights, ka as in `call`) or the probability-row target weight.
 */
// @ts-ignore: decorator
@inline export function pass3<T>(g: usize, end: usize, ks: T, ka: T, mode: i32, wd: usize, qd: usize, kt64: f64): void {
  const omE64 = call.omE;
  const eC64 = call.eC;
  const kt = <T>kt64;
  const omE = <T>omE64;
  const eC = <T>eC64;
  // splat constants
  const vkt64 = f64x2.splat(kt64);
  const vomE64 = f64x2.splat(omE64);
  const veC64 = f64x2.splat(eC64);
  const vks = v128.splat<T>(ks);
  const vkt = v128.splat<T>(kt);
  const vka = v128.splat<T>(ka);
  const vomE = v128.splat<T>(omE);
  const veC = v128.splat<T>(eC);
  // main loop: 64 bytes per step
  for (; g + 64 <= end; g += 64) {
    let r0 = v128.mul<T>(vks, v128.load(g));
    let r1 = v128.mul<T>(vks, v128.load(g, 16));
    let r2 = v128.mul<T>(vks, v128.load(g, 32));
    let r3 = v128.mul<T>(vks, v128.load(g, 48));
    if (mode == ACC_NONE || mode == ACC_D) {
      r0 = v128.sub<T>(r0, vkt);
      r1 = v128.sub<T>(r1, vkt);
      r2 = v128.sub<T>(r2, vkt);
      r3 = v128.sub<T>(r3, vkt);
    } else {
      r0 = v128.sub<T>(r0, kt_vec<T>(g, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r1 = v128.sub<T>(r1, kt_vec<T>(g + 16, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r2 = v128.sub<T>(r2, kt_vec<T>(g + 32, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
      r3 = v128.sub<T>(r3, kt_vec<T>(g + 48, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
    }
    v128.store(g, r0);
    v128.store(g, r1, 16);
    v128.store(g, r2, 32);
    v128.store(g, r3, 48);
  }
  // vector loop
  for (; g + 16 <= end; g += 16) {
    let r = v128.mul<T>(vks, v128.load(g));
    if (mode == ACC_NONE || mode == ACC_D) r = v128.sub<T>(r, vkt);
    else r = v128.sub<T>(r, kt_vec<T>(g, mode, wd, qd, vkt, vka, vomE, veC, vkt64, vomE64, veC64));
    v128.store(g, r);
  }
  // scalar tail
  for (; g < end; g += sizeof<T>()) {
    let r: T = ks * load<T>(g);
    if (mode == ACC_NONE || mode == ACC_D) r -= kt;
    else if (mode == ACC_WD) r -= sizeof<T>() == 4 ? <T>(kt64 * <f64>load<T>(g + wd)) : kt * (ka * load<T>(g + wd));
    else {
      const q: T = omE * load<T>(g + qd) + eC;
      if (mode == ACC_WQ) r -= <T>(kt64 * t_scalar64<T>(g, mode, wd, qd, omE64, eC64));
      else r -= kt * q;
    }
    store<T>(g, r);
  }
}

/**
 * Fully masked row: grad row (possibly the logits row itself) := −num·(t/D), in f64 (t = 1 for
 * ACC_D). A rare path; the quotient form keeps it finite for any D.
 */
// @ts-ignore: decorator
@inline export function masked_grad<T>(g: usize, end: usize, num: f64, mode: i32, wd: usize, qd: usize): void {
  const denom = call.denom;
  for (; g < end; g += sizeof<T>()) {
    let t: f64 = 1;
    if (mode != ACC_NONE && mode != ACC_D) t = t_scalar64<T>(g, mode, wd, qd, call.omE, call.eC);
    store<T>(g, <T>(-num * (t / denom))); // t/D first: a subnormal num·t would lose its bits
  }
}

/**
 * A grad row [g, end) holding exp(z − m), when the factor T/(D·s) leaves T's range (huge weights or
 * targets, or tiny D): grad_j = (T/D)·(e_j/s) − t_j/D elementwise in f64.
 * y < 0 for probability rows; else the label, whose own share ty = (1 − ε)·w_y is included here.
 */
// @ts-ignore: decorator
@inline export function grad_row_f64<T>(g: usize, end: usize, TD: f64, s64: f64, mode: i32,
  wd: usize, qd: usize, y: i32, ty: f64): void {
  const denom = call.denom, omE64 = call.omE, eC64 = call.eC;
  const gy = y >= 0 ? g + <usize>y * sizeof<T>() : 0;
  for (; g < end; g += sizeof<T>()) {
    let t: f64;
    if (mode >= ACC_Q) t = t_scalar64<T>(g, mode, wd, qd, omE64, eC64);
    else {
      t = mode == ACC_WD ? eC64 * <f64>load<T>(g + wd) : eC64;
      if (g == gy) t += ty;
    }
    store<T>(g, <T>(TD * (<f64>load<T>(g) / s64) - t / denom));
  }
}

