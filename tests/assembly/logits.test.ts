// Raw pointer-level exports of assembly/logits/ (log_sum_exp, argmax, topk, sample,
// log_softmax_backward, softmax/log_softmax_temperature) against the float64 reference, for both
// dtypes: lengths around the SIMD widths and the 1 KiB / 4 KiB blocks, special rows, aliasing, and
// guard regions (nothing written outside the outputs). Runs on the baseline build (project 'node')
// and on the relaxed build (project 'node-relaxed', SOFTMAX_WASM).
import { describe, expect, it } from 'vitest';
import { Rng, matrix } from '../../src/index.js';
import * as ref from '../../src/reference/logits.js';
import { logSoftmaxRow } from '../../src/reference/softmax.js';
import { logSoftmaxBackward } from '../../src/reference/softmax_backward.js';
import { BYTES, DTYPES, TOL, ctorOf, relErr, type DT } from '../support/index.js';
import { ex, useRawModule } from './raw_module.js';

// every array between 64-byte sentinels, from heap_base again before each test
const arena = useRawModule(64);

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 4099];
function row(dt: DT, n: number, seed: number): Float64Array {
  const r = new Rng(seed);
  const a = new Float64Array(n).map(() => r.gauss() * 3);
  const kind = seed % 5;
  if (kind === 1) a.forEach((v, j) => { a[j] = Math.round(v); });
  if (kind === 2) a[r.int(n)] = NaN;
  if (kind === 3) a.fill(-Infinity);
  return Float64Array.from(new (ctorOf(dt))(a));
}

describe.each(DTYPES)('%s', (dt) => {
  it('log_sum_exp, argmax, log_softmax_backward, *_temperature match the reference; guards intact', () => {
    for (const n of LENGTHS) {
      for (let s = 0; s < 5; s++) {
        const rows = 3;
        const x = new Float64Array(rows * n);
        for (let i = 0; i < rows; i++) x.set(row(dt, n, n * 10 + s * 3 + i), i * n);
        const m = matrix(Float64Array.from(x), rows, n);
        const px = arena.put(dt, x);
        // log-sum-exp
        const pl = arena.alloc(rows * BYTES[dt]);
        ex[`log_sum_exp_${dt}`](px, rows, n, pl);
        const wl = new Float64Array(rows);
        ref.logSumExp(m, wl);
        expect(relErr(arena.view(dt, pl, rows), wl), `lse n ${n}`).toBeLessThanOrEqual(TOL[dt]);
        expect(arena.guardsIntact(pl, rows * BYTES[dt])).toBe(true);
        // argmax
        const pa = arena.alloc(rows * 4);
        ex[`argmax_${dt}`](px, rows, n, pa);
        const wa = new Int32Array(rows);
        ref.argmax(m, wa);
        expect(Array.from(new Int32Array(ex.memory.buffer, pa, rows)), `argmax n ${n}`).toEqual(Array.from(wa));
        expect(arena.guardsIntact(pa, rows * 4)).toBe(true);
        // temperature softmax / log-softmax, in place too
        for (const invT of [1 / 0.7, 1 / 3]) {
          const po = arena.alloc(rows * n * BYTES[dt]);
          const want = new Float64Array(rows * n);
          ex[`softmax_temperature_${dt}`](px, po, rows, n, invT);
          ref.softmaxTemperature(m, { data: want, rows, cols: n }, invT);
          expect(relErr(arena.view(dt, po, rows * n), want), `softmax T n ${n}`).toBeLessThanOrEqual(TOL[dt]);
          const pin = arena.put(dt, x);
          ex[`log_softmax_temperature_${dt}`](pin, pin, rows, n, invT);
          ref.logSoftmaxTemperature(m, { data: want, rows, cols: n }, invT);
          expect(relErr(arena.view(dt, pin, rows * n), want), `log-softmax T n ${n}`).toBeLessThanOrEqual(TOL[dt]);
          expect(arena.guardsIntact(po, rows * n * BYTES[dt]) && arena.guardsIntact(pin, rows * n * BYTES[dt])).toBe(true);
        }
        // log-softmax backward (y from the reference log-softmax of finite rows), out aliasing dy
        const y = new Float64Array(rows * n);
        for (let i = 0; i < rows; i++) y.set(logSoftmaxRow(row(dt, n, 7 + i).map((v) => (Number.isFinite(v) ? v : 0))), i * n);
        const yq = Float64Array.from(new (ctorOf(dt))(y));
        const r = new Rng(n);
        const dy = Float64Array.from(new (ctorOf(dt))(rows * n).map(() => r.gauss()));
        const py = arena.put(dt, yq), pdy = arena.put(dt, dy);
        const want = new Float64Array(rows * n);
        logSoftmaxBackward(matrix(yq, rows, n), matrix(dy, rows, n), { data: want, rows, cols: n });
        ex[`log_softmax_backward_${dt}`](py, pdy, pdy, rows, n);
        expect(relErr(arena.view(dt, pdy, rows * n), want), `lsb n ${n}`).toBeLessThanOrEqual(TOL[dt]);
        expect(arena.guardsIntact(pdy, rows * n * BYTES[dt])).toBe(true);
      }
    }
  });

  it('topk: exactly the reference for k = 1, a few, C; guards intact', () => {
    for (const n of [...LENGTHS, 5000, 20000]) {
      const rows = 2;
      const x = new Float64Array(rows * n);
      for (let i = 0; i < rows; i++) x.set(row(dt, n, n + i + 1), i * n);
      const m = matrix(Float64Array.from(x), rows, n);
      const px = arena.put(dt, x);
      for (const k of new Set([1, Math.min(n, 5), Math.min(n, 100), n])) {
        const pv = arena.alloc(rows * k * BYTES[dt]), pi = arena.alloc(rows * k * 4), pw = arena.alloc(ex.topk_scratch_bytes(n));
        ex[`topk_${dt}`](px, rows, n, k, pv, pi, pw);
        const wv = new Float64Array(rows * k), wi = new Int32Array(rows * k);
        ref.topK(m, k, { data: wv, rows, cols: k }, wi);
        expect(Array.from(new Int32Array(ex.memory.buffer, pi, rows * k)), `n ${n} k ${k}`).toEqual(Array.from(wi));
        expect(Array.from(arena.view(dt, pv, rows * k)).map(String)).toEqual(Array.from(wv).map(String));
        expect(arena.guardsIntact(pv, rows * k * BYTES[dt]) && arena.guardsIntact(pi, rows * k * 4)).toBe(true);
      }
    }
  });

  it('sample: the reference\'s index and log-probs on this build; guards intact', () => {
    const r = new Rng(dt === 'f32' ? 3 : 4);
    for (const n of [1, 3, 17, 255, 1025, 4099, 40000]) {
      const rows = 4;
      const x = new Float64Array(rows * n);
      for (let i = 0; i < rows; i++) x.set(row(dt, n, 3 * n + i), i * n);
      const px = arena.put(dt, x);
      for (const [T, k, p, minP] of [[0.8, 0, 0.9, 0], [1, 40, 1, 0], [1.3, 50, 0.95, 0.05], [0, 0, 1, 0], [0.5, 0, 1, 0.1]]) {
        const u = new Float64Array(rows).map(() => r.next());
        const lm = minP === 0 ? -Infinity : Math.log(minP);
        const pu = arena.put('f64', u), po = arena.alloc(rows * 4), pl = arena.alloc(rows * BYTES[dt]), pf = arena.alloc(rows * BYTES[dt]);
        const pw = arena.alloc(ex[`sample_scratch_bytes_${dt}`](n));
        ex[`sample_${dt}`](px, rows, n, T, k, p, lm, pu, po, pl, pf, pw, 0);
        for (let i = 0; i < rows; i++) {
          const want = ref.sampleRow(x.subarray(i * n, (i + 1) * n), T, k, p, lm, u[i]);
          expect(new Int32Array(ex.memory.buffer, po, rows)[i], `n ${n} T ${T} k ${k} p ${p}`).toBe(want.index);
          const lp = arena.view(dt, pl, rows)[i];
          if (want.index < 0) expect(lp).toBeNaN();
          else expect(Math.abs(lp - want.logProb)).toBeLessThanOrEqual(dt === 'f32' ? 1e-5 * Math.max(1, Math.abs(want.logProb)) : 1e-10);
        }
        expect(arena.guardsIntact(po, rows * 4) && arena.guardsIntact(pl, rows * BYTES[dt]) && arena.guardsIntact(pf, rows * BYTES[dt])).toBe(true);
      }
    }
  });
});
