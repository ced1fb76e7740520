#!/usr/bin/env node
// Measures the max error, in ulp, of the exp_f32 / exp_f64 kernels of build/softmax.wasm over their
// softmax domain, and prints it (the numbers quoted at the top of assembly/exp.ts come from here).
//
//   node scripts/numerics/exp-ulp.mjs [--wasm build/softmax.wasm] [--quick] [--json]
//
// f32: EVERY float32 in [−87.3, 0] (about 1.09e9 inputs; --quick: 2^24 evenly spaced ones), against
//      Math.exp in f64 (its error, < 1 ulp of f64, is 2^-29 ulp of f32: negligible).
// f64: 2^22 + 1 evenly spaced inputs in [−708, 0], 2^20 random ones in [−708, 0] and 2^20 random ones
//      in [−1, 0] (--quick: a quarter of each), against a double-double exp (about 100 correct bits),
//      because Math.exp itself may be off by up to 1 ulp of f64.
// The error of one result y with exact value e is |y − e| / ulp(e), where ulp(e) is the spacing of the
// result format in the binade of e (2^(⌊log2 e⌋ − 23) for f32, − 52 for f64).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHUNK = 1 << 20;

/** Instantiates the module and returns its exports. */
export async function loadExports(path) {
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
  return instance.exports;
}

/** A region of `bytes` bytes at the module's heap base, growing memory as needed. */
function region(ex, bytes) {
  const base = ex.heap_base();
  const need = base + bytes - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
  return base;
}

// exponent of a positive finite double, exactly
const f64buf = new Float64Array(1);
const u32buf = new Uint32Array(f64buf.buffer);
function exponentOf(v) {
  f64buf[0] = v;
  return ((u32buf[1] >>> 20) & 0x7ff) - 1023;
}

/** max ulp error of exp_f32 over the f32 inputs produced by fill(xs, start) chunk by chunk. */
function sweepF32(ex, total, fill) {
  const base = region(ex, CHUNK * 8);
  let worst = 0;
  let worstX = 0;
  let count = 0;
  for (let start = 0; start < total; start += CHUNK) {
    const n = Math.min(CHUNK, total - start);
    const xs = new Float32Array(ex.memory.buffer, base, n);
    fill(xs, start, n);
    ex.exp_f32(base, base + CHUNK * 4, n);
    const ys = new Float32Array(ex.memory.buffer, base + CHUNK * 4, n);
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      const ref = Math.exp(x);
      const e = Math.max(exponentOf(ref), -126);
      const err = Math.abs(ys[i] - ref) / 2 ** (e - 23);
      if (err > worst || err !== err) { worst = err !== err ? Infinity : err; worstX = x; }
    }
    count += n;
  }
  return { worst, worstX, count };
}

/** f32: every float32 in [lo, hi] (both ≤ 0) when `all`, else `count` evenly spaced ones. */
export function measureF32(ex, { lo = -87.3, hi = 0, all = true, count = 1 << 24 } = {}) {
  if (all) {
    // float32 bit patterns of negative numbers grow with magnitude: from bits(hi) to bits(lo)
    const b = new Uint32Array(new Float32Array([hi, lo]).buffer);
    const first = hi === 0 ? 0x80000000 : b[0];
    const last = b[1];
    const total = last - first + 1;
    return sweepF32(ex, total, (xs, start, n) => {
      const u = new Uint32Array(xs.buffer, xs.byteOffset, n);
      for (let i = 0; i < n; i++) u[i] = first + start + i;
    });
  }
  return sweepF32(ex, count, (xs, start, n) => {
    for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * (start + i)) / (count - 1);
  });
}

// ---- double-double exp (reference for f64) ----
const SPLIT = 134217729; // 2^27 + 1
function twoProd(a, b) {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}
function twoSum(a, b) {
  const s = a + b, bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}
function ddAdd(a, b) {
  const [s, e] = twoSum(a[0], b[0]);
  const [s2, e2] = twoSum(s, e + a[1] + b[1]);
  return [s2, e2];
}
function ddMul(a, b) {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}
const LN2_DD = [0.6931471805599453, 2.3190468138462996e-17]; // ln 2 = hi + lo to ~107 bits
/** exp(x) = (hi + lo)·2^k as [hi, lo, k] with hi + lo in [0.7, 1.5) (kept unscaled so that lo does
 * not underflow near the bottom of the range), x in [−745, 709]. */
export function expDD(x) {
  const k = Math.round(x / LN2_DD[0]);
  const [p, pe] = twoProd(k, LN2_DD[0]);
  const [q, qe] = twoProd(k, LN2_DD[1]);
  // r = x − k·ln2: x − p is exact (Sterbenz) for k ≠ 0
  let r = ddAdd(twoSum(x, -p), [-pe, 0]);
  r = ddAdd(r, [-q, -qe]);
  // exp(r) = (exp(r / 2^10))^(2^10); exp of |u| < 4e-4 by Taylor to u^10 in double-double
  const u = [r[0] / 1024, r[1] / 1024];
  let term = [1, 0];
  let sum = [0, 0]; // expm1(u)
  for (let n = 1; n <= 10; n++) {
    term = ddMul(term, u);
    term = [term[0] / n, term[1] / n]; // exact enough: n small, error ~2^-106 relative
    sum = ddAdd(sum, term);
  }
  // (1 + m)^2 = 1 + (2m + m^2): keep expm1 form while squaring to keep the low bits
  for (let i = 0; i < 10; i++) sum = ddAdd(ddAdd(sum, sum), ddMul(sum, sum));
  const e = ddAdd([1, 0], sum);
  return [e[0], e[1], k];
}

/** f64: max ulp error of exp_f64 over evenly spaced + random inputs (double-double reference). */
export function measureF64(ex, { grid = (1 << 22) + 1, random = 1 << 20, randomSmall = 1 << 20, seed = 12345 } = {}) {
  const base = region(ex, CHUNK * 16);
  let s = seed >>> 0;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const sets = [
    [grid, (i) => -708 + (708 * i) / (grid - 1)],
    [random, () => -708 * rand()],
    [randomSmall, () => -rand()],
  ];
  let worst = 0, worstX = 0, count = 0;
  for (const [total, gen] of sets) {
    for (let start = 0; start < total; start += CHUNK) {
      const n = Math.min(CHUNK, total - start);
      const xs = new Float64Array(ex.memory.buffer, base, n);
      for (let i = 0; i < n; i++) xs[i] = gen(start + i);
      ex.exp_f64(base, base + CHUNK * 8, n);
      const ys = new Float64Array(ex.memory.buffer, base + CHUNK * 8, n);
      for (let i = 0; i < n; i++) {
        // compare y·2^-k (exact) with hi + lo; ulp(exact result)·2^-k = 2^(exponent(hi) − 52)
        const [h, l, k] = expDD(xs[i]);
        const err = Math.abs((ys[i] * 2 ** -k - h) - l) / 2 ** (exponentOf(h) - 52);
        if (err > worst || err !== err) { worst = err !== err ? Infinity : err; worstX = xs[i]; }
      }
      count += n;
    }
  }
  return { worst, worstX, count };
}

async function main() {
  const args = process.argv.slice(2);
  const wi = args.indexOf('--wasm');
  const path = wi >= 0 ? args[wi + 1] : fileURLToPath(new URL('../../build/softmax.wasm', import.meta.url));
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const ex = await loadExports(path);
  let t = performance.now();
  const f32 = measureF32(ex, { all: !quick });
  const t32 = performance.now() - t;
  t = performance.now();
  const f64 = measureF64(ex, quick ? { grid: (1 << 20) + 1, random: 1 << 18, randomSmall: 1 << 18 } : {});
  const t64 = performance.now() - t;
  if (json) {
    console.log(JSON.stringify({ f32, f64 }));
    return;
  }
  console.log(`exp_f32: max ${f32.worst.toFixed(3)} ulp at x = ${f32.worstX} over [-87.3, 0], ` +
    `${f32.count} inputs (${quick ? 'evenly spaced' : 'every f32'}), vs Math.exp  [${(t32 / 1000).toFixed(1)} s]`);
  console.log(`exp_f64: max ${f64.worst.toFixed(3)} ulp at x = ${f64.worstX} over [-708, 0], ` +
    `${f64.count} inputs (evenly spaced + random), vs double-double exp  [${(t64 / 1000).toFixed(1)} s]`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
