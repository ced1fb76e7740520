// Raw exp_f32 / exp_f64 exports of build/softmax.wasm (assembly/exp.ts): the documented ulp bounds
// over dense sweeps, special values, and position independence (SIMD body vs scalar tail).
// The full measurement (every f32 in [−87.3, 0]) is scripts/numerics/exp-ulp.mjs; this is a lighter sweep
// of the same kind that must stay under the bounds quoted in assembly/exp.ts.
import { describe, expect, it } from 'vitest';
import { ex, useRawModule } from './raw_module.js';

/** The bounds documented at the top of assembly/exp.ts. */
const BOUND_F32_ULP = 2.5; // measured 2.264 over every f32 in [−87.3, 0]
const BOUND_F64_ULP = 1.5; // measured 1.145 over 6.3e6 inputs in [−708, 0]

const arena = useRawModule();

/** exp of xs by the module's exp_f32 / exp_f64 (input and output side by side at heap_base). */
function runExp<A extends Float32Array | Float64Array>(Arr: { new (b: ArrayBuffer, o: number, n: number): A; BYTES_PER_ELEMENT: number },
  fn: 'exp_f32' | 'exp_f64', xs: ArrayLike<number>): A {
  const n = xs.length, E = Arr.BYTES_PER_ELEMENT;
  arena.reset(); // each sweep at heap_base again
  const px = arena.alloc(n * 2 * E);
  new Arr(ex.memory.buffer, px, n).set(xs);
  ex[fn](px, px + n * E, n);
  return new Arr(ex.memory.buffer, px + n * E, n).slice() as A;
}
const expF32 = (xs: ArrayLike<number>): Float32Array => runExp(Float32Array, 'exp_f32', xs);
const expF64 = (xs: ArrayLike<number>): Float64Array => runExp(Float64Array, 'exp_f64', xs);

const f64b = new Float64Array(1);
const u32b = new Uint32Array(f64b.buffer);
/** Binary exponent of a positive finite double, exactly. */
function exponentOf(v: number): number {
  f64b[0] = v;
  return ((u32b[1] >>> 20) & 0x7ff) - 1023;
}

/** max over i of |y[i] − exp(x[i])| in ulps of f32 at the exact value (Math.exp as the reference). */
function maxUlpF32(xs: ArrayLike<number>, ys: ArrayLike<number>): { ulp: number; at: number } {
  let worst = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const ref = Math.exp(xs[i]);
    const err = Math.abs(ys[i] - ref) / 2 ** (Math.max(exponentOf(ref), -126) - 23);
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = xs[i]; }
  }
  return { ulp: worst, at };
}

// double-double exp: the f64 reference (Math.exp itself can be 1 ulp off)
const SPLIT = 134217729;
type DD = [number, number];
function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}
function twoSum(a: number, b: number): DD {
  const s = a + b, bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}
const ddAdd = (a: DD, b: DD): DD => { const [s, e] = twoSum(a[0], b[0]); return twoSum(s, e + a[1] + b[1]); };
const ddMul = (a: DD, b: DD): DD => { const [p, e] = twoProd(a[0], b[0]); return twoSum(p, e + a[0] * b[1] + a[1] * b[0]); };
/** exp(x) = (hi + lo)·2^k with ~100 correct bits. */
function expDD(x: number): [number, number, number] {
  const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
  const k = Math.round(x / LN2[0]);
  const [p, pe] = twoProd(k, LN2[0]);
  const [q, qe] = twoProd(k, LN2[1]);
  let r = ddAdd(twoSum(x, -p), [-pe, 0]);
  r = ddAdd(r, [-q, -qe]);
  const u: DD = [r[0] / 1024, r[1] / 1024];
  let term: DD = [1, 0];
  let m: DD = [0, 0];
  for (let n = 1; n <= 10; n++) {
    term = ddMul(term, u);
    term = [term[0] / n, term[1] / n];
    m = ddAdd(m, term);
  }
  for (let i = 0; i < 10; i++) m = ddAdd(ddAdd(m, m), ddMul(m, m));
  const e = ddAdd([1, 0], m);
  return [e[0], e[1], k];
}

function maxUlpF64(xs: ArrayLike<number>, ys: ArrayLike<number>): { ulp: number; at: number } {
  let worst = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const [h, l, k] = expDD(xs[i]);
    const err = Math.abs(ys[i] * 2 ** -k - h - l) / 2 ** (exponentOf(h) - 52);
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = xs[i]; }
  }
  return { ulp: worst, at };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

/** The special inputs both exps start their list with — 0, −0, −∞, NaN and two below the cutoff — give 1, 1, +0, NaN, 0, 0. */
function expectSharedSpecials(ys: ArrayLike<number>): void {
  expect(ys[0]).toBe(1);
  expect(ys[1]).toBe(1);
  expect(Object.is(ys[2], 0)).toBe(true);
  expect(ys[3]).toBeNaN();
  expect(ys[4]).toBe(0);
  expect(ys[5]).toBe(0);
}

describe('exp_f32', () => {
  it(`stays within ${BOUND_F32_ULP} ulp over [−87.3, 0] (2^22 evenly spaced + 2^20 random + every f32 in [−0.36, −0.33])`, () => {
    const n = 1 << 22;
    const even = Float32Array.from({ length: n }, (_, i) => -87.3 + (87.3 * i) / (n - 1));
    const r = lcg(1);
    const rand = Float32Array.from({ length: 1 << 20 }, () => -87.3 * r());
    // every float32 around −ln2/2, where the reduced argument reaches its largest |r|
    const lo = new Uint32Array(new Float32Array([-0.33]).buffer)[0];
    const hi = new Uint32Array(new Float32Array([-0.36]).buffer)[0];
    const dense = new Float32Array(new Uint32Array(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)).buffer);
    for (const xs of [even, rand, dense]) {
      const { ulp, at } = maxUlpF32(xs, expF32(xs));
      expect(ulp, `at x = ${at}`).toBeLessThanOrEqual(BOUND_F32_ULP);
      expect(ulp).toBeGreaterThan(0.5); // the sweep really measures something
    }
  });

  it('the ulp measurement catches an error of 3 ulp', () => {
    const xs = Float32Array.from({ length: 4096 }, (_, i) => -80 * (i / 4095));
    const ys = expF32(xs).map((y) => y * (1 + 3 * 2 ** -23));
    expect(maxUlpF32(xs, ys).ulp).toBeGreaterThan(BOUND_F32_ULP);
  });

  it('special values', () => {
    const xs = [0, -0, -Infinity, NaN, -88, -87.5, -87.33, -1000, -1e30, -1e-45, -1e-8, 1, 10, 88];
    const ys = expF32(xs);
    expectSharedSpecials(ys);
    expect(ys[6]).toBeGreaterThan(1.1e-38); // just above the normal range: a normal result
    expect(Math.abs(ys[6] - Math.exp(Math.fround(-87.33))) / Math.exp(Math.fround(-87.33))).toBeLessThan(1e-6);
    expect(ys[7]).toBe(0);
    expect(ys[8]).toBe(0);
    expect(ys[9]).toBe(1);
    expect(ys[10]).toBe(Math.fround(Math.exp(-1e-8)));
    // positive arguments up to ≈ 88 still work (not the softmax domain, but not garbage)
    expect(Math.abs(ys[11] / Math.E - 1)).toBeLessThan(3e-7);
    expect(Math.abs(ys[12] / Math.exp(10) - 1)).toBeLessThan(3e-7);
    expect(Math.abs(ys[13] / Math.exp(88) - 1)).toBeLessThan(3e-7);
  });

  it('gives the same bits in the SIMD body and in the scalar tail', () => {
    const r = lcg(7);
    const xs = Float32Array.from({ length: 67 }, () => -90 * r() ** 2);
    xs[5] = NaN; xs[66] = NaN; xs[9] = -Infinity; xs[65] = -Infinity; xs[3] = 0;
    const all = expF32(xs);
    for (let i = 0; i < xs.length; i++) {
      const one = expF32([xs[i]]); // n = 1: the scalar tail
      expect(Object.is(one[0], all[i]), `x = ${xs[i]}`).toBe(true);
    }
  });

  it('works in place (out == x) and for n = 0', () => {
    const xs = Float32Array.from({ length: 35 }, (_, i) => -i / 3);
    const expected = expF32(xs);
    arena.reset();
    const p = arena.put('f32', xs);
    ex.exp_f32(p, p, 35);
    expect(Array.from(new Float32Array(ex.memory.buffer, p, 35))).toEqual(Array.from(expected));
    ex.exp_f32(p, p, 0);
    expect(Array.from(new Float32Array(ex.memory.buffer, p, 35))).toEqual(Array.from(expected));
  });
});

describe('exp_f64', () => {
  it(`stays within ${BOUND_F64_ULP} ulp over [−708, 0] (2^19 evenly spaced + 2^18 random + 2^17 in [−1, 0])`, () => {
    const n = (1 << 19) + 1;
    const r = lcg(2);
    const sets = [
      Float64Array.from({ length: n }, (_, i) => -708 + (708 * i) / (n - 1)),
      Float64Array.from({ length: 1 << 18 }, () => -708 * r()),
      Float64Array.from({ length: 1 << 17 }, () => -r()),
    ];
    for (const xs of sets) {
      const { ulp, at } = maxUlpF64(xs, expF64(xs));
      expect(ulp, `at x = ${at}`).toBeLessThanOrEqual(BOUND_F64_ULP);
      expect(ulp).toBeGreaterThan(0.4);
    }
  });

  it('the ulp measurement catches an error of 2 ulp', () => {
    const xs = Float64Array.from({ length: 4096 }, (_, i) => -700 * (i / 4095));
    const ys = expF64(xs).map((y) => y * (1 + 2 * 2 ** -52));
    expect(maxUlpF64(xs, ys).ulp).toBeGreaterThan(BOUND_F64_ULP);
  });

  it('special values', () => {
    const xs = [0, -0, -Infinity, NaN, -709, -708.5, -708.39, -1e4, -1e300, -5e-324, 1, 700];
    const ys = expF64(xs);
    expectSharedSpecials(ys);
    expect(ys[6]).toBeGreaterThanOrEqual(2.2250738585072014e-308);
    expect(Math.abs(ys[6] / Math.exp(-708.39) - 1)).toBeLessThan(1e-15);
    expect(ys[7]).toBe(0);
    expect(ys[8]).toBe(0);
    expect(ys[9]).toBe(1);
    expect(Math.abs(ys[10] / Math.E - 1)).toBeLessThan(4e-16);
    expect(Math.abs(ys[11] / Math.exp(700) - 1)).toBeLessThan(4e-16);
  });

  it('gives the same bits in the SIMD body and in the scalar tail', () => {
    const r = lcg(9);
    const xs = Float64Array.from({ length: 33 }, () => -720 * r() ** 2);
    xs[4] = NaN; xs[32] = -Infinity; xs[7] = -Infinity; xs[0] = 0;
    const all = expF64(xs);
    for (let i = 0; i < xs.length; i++) {
      const one = expF64([xs[i]]);
      expect(Object.is(one[0], all[i]), `x = ${xs[i]}`).toBe(true);
    }
  });
});
