// The sampler's prefilter (step 1b of assembly/logits/sample.ts): one vector pass over the row's
// exps that bounds the candidates of the top-k / top-p selects by a power-of-two threshold, then a
// compaction of the survivors in index order.
import { hcount, hsum } from '../vec';
import { compact_mask } from './common';

/** Below this many columns the prefilter is not worth its pass. */
export const PREFILTER_MIN_COLS: i32 = 1024;

/**
 * Prefilter (one vector pass over e, then a compaction): e is non-decreasing in x, so {e ≥ θ} is a
 * prefix of the selection order. For θ = 2^-4, 2^-9, 2^-14 (e_max = 1) it counts and sums the e ≥ θ;
 * the largest θ whose set still holds the top-k set (count ≥ k) or, without top-k, the top-p
 * nucleus (mass ≥ W, with a 1e-6 relative margin for the summation order) is taken, and its
 * members are written in index order to `surv`. Returns their number, or −1 when no θ qualifies
 * (then the select runs over the whole row).
 */
export function prefilter<T>(e: usize, cols: i32, needCount: i32, needMass: f64, surv: usize, t0: T, t1: T, t2: T): i32 {
  const vt0 = v128.splat<T>(t0), vt1 = v128.splat<T>(t1), vt2 = v128.splat<T>(t2);
  let vc0 = v128.splat<i32>(0), vc1 = vc0, vc2 = vc0;
  let vm0 = v128.splat<T>(0), vm1 = vm0, vm2 = vm0;
  const rowBytes = <usize>cols << alignof<T>();
  let q: usize = 0;
  let m0: f64 = 0, m1: f64 = 0, m2: f64 = 0;
  while (q + 16 <= rowBytes) {
    // blocks of 4 KiB: lane sums folded into f64
    const qEnd = min(rowBytes & ~15, q + 4096);
    for (; q < qEnd; q += 16) {
      const v = v128.load(e + q);
      const k0 = v128.ge<T>(v, vt0), k1 = v128.ge<T>(v, vt1), k2 = v128.ge<T>(v, vt2);
      if (sizeof<T>() == 4) { vc0 = i32x4.sub(vc0, k0); vc1 = i32x4.sub(vc1, k1); vc2 = i32x4.sub(vc2, k2); }
      else { vc0 = i64x2.sub(vc0, k0); vc1 = i64x2.sub(vc1, k1); vc2 = i64x2.sub(vc2, k2); }
      vm0 = v128.add<T>(vm0, v128.and(v, k0));
      vm1 = v128.add<T>(vm1, v128.and(v, k1));
      vm2 = v128.add<T>(vm2, v128.and(v, k2));
    }
    m0 += <f64>hsum<T>(vm0); m1 += <f64>hsum<T>(vm1); m2 += <f64>hsum<T>(vm2);
    vm0 = v128.splat<T>(0); vm1 = vm0; vm2 = vm0;
  }
  let c0 = hcount<T>(vc0), c1 = hcount<T>(vc1), c2 = hcount<T>(vc2);
  for (; q < rowBytes; q += sizeof<T>()) {
    const v = <f64>load<T>(e + q);
    if (v >= <f64>t0) { c0++; m0 += v; }
    if (v >= <f64>t1) { c1++; m1 += v; }
    if (v >= <f64>t2) { c2++; m2 += v; }
  }
  const need = needMass * (1 + 1e-6);
  let theta: T;
  if (c0 >= needCount && m0 >= need) theta = t0;
  else if (c1 >= needCount && m1 >= need) theta = t1;
  else if (c2 >= needCount && m2 >= need) theta = t2;
  else return -1;
  // compaction: indices with e ≥ θ, in index order
  const vt = v128.splat<T>(theta);
  let n = 0;
  q = 0;
  // 64 bytes per step: skip the step when no lane passes (the common case), else lane by lane
  for (; q + 64 <= rowBytes; q += 64) {
    const k0 = v128.ge<T>(v128.load(e + q), vt), k1 = v128.ge<T>(v128.load(e + q, 16), vt);
    const k2 = v128.ge<T>(v128.load(e + q, 32), vt), k3 = v128.ge<T>(v128.load(e + q, 48), vt);
    if (!v128.any_true(v128.or(v128.or(k0, k1), v128.or(k2, k3)))) continue;
    for (let o: usize = 0; o < 64; o += 16) {
      n = compact_mask<T>(v128.ge<T>(v128.load(e + q + o), vt), <i32>((q + o) >> alignof<T>()), surv, n);
    }
  }
  for (; q + 16 <= rowBytes; q += 16) {
    n = compact_mask<T>(v128.ge<T>(v128.load(e + q), vt), <i32>(q >> alignof<T>()), surv, n);
  }
  for (let j = <i32>(q >> alignof<T>()); j < cols; j++) {
    if (load<T>(e + (<usize>j << alignof<T>())) >= theta) { store<i32>(surv + (<usize>n << 2), j); n++; }
  }
  return n;
}

