// The logits toolkit through the public API (src/ops/logits.ts, src/ops/sample.ts): logSumExp, argmax, topK, sample,
// logSoftmaxBackward and softmax / logSoftmax with a temperature, WASM against the float64
// reference on random shapes (odd sizes, around the SIMD widths), ties, ±∞, NaN and masked rows;
// out / aliasing; validation (SoftmaxInputError before anything is written); seeded reproducibility.
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, SoftmaxInputError, loadWasm, matrix, reference, type Matrix, type WasmKernels } from '../src/index.js';
import { DTYPES, TOL, arr, randMatrix, relErr, specialMatrix } from './support/index.js';

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });

const SIZES = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 64, 255, 256, 257, 1000, 1025, 4099];

describe('logSumExp', () => {
  it.each(DTYPES)('%s: matches the reference on many shapes and special rows', (dt) => {
    for (const cols of SIZES) {
      const x = specialMatrix(dt, 9, cols, cols);
      expect(relErr(wasm.logSumExp(x), reference.logSumExp(x)), `cols ${cols}`).toBeLessThanOrEqual(TOL[dt]);
    }
  });
  it('masked rows give −∞, NaN / +∞ rows NaN; equals log of the softmax normalizer', () => {
    for (const k of [wasm, reference]) {
      const x = matrix(new Float64Array([-Infinity, -Infinity, 1, NaN, 1, Infinity, 1, 2]), 4, 2);
      const r = k.logSumExp(x);
      expect(r[0]).toBe(-Infinity);
      expect(r[1]).toBeNaN();
      expect(r[2]).toBeNaN();
      expect(r[3]).toBeCloseTo(2 + Math.log1p(Math.exp(-1)), 14);
    }
    expect(reference.logSumExp(matrix(new Float64Array([1, 2, 3]), 1, 3))[0]).toBeCloseTo(3.4076059644443806, 14);
  });
  it('writes into out and returns it; does not modify x', () => {
    const x = randMatrix('f32', 3, 50, 1);
    const copy = Float32Array.from(x.data);
    const out = new Float32Array(3);
    expect(wasm.logSumExp(x, out)).toBe(out);
    expect(Array.from(x.data)).toEqual(Array.from(copy));
    expect(relErr(out, reference.logSumExp(x))).toBeLessThanOrEqual(TOL.f32);
  });
});

describe('argmax', () => {
  it.each(DTYPES)('%s: exactly the reference (ties → first, NaN → first NaN, masked → 0)', (dt) => {
    for (const cols of SIZES) {
      const x = specialMatrix(dt, 16, cols, 100 + cols);
      expect(Array.from(wasm.argmax(x)), `cols ${cols}`).toEqual(Array.from(reference.argmax(x)));
    }
  });
  it('documented special cases', () => {
    for (const k of [wasm, reference]) {
      expect(Array.from(k.argmax(matrix(new Float32Array([1, 3, 3, 2]), 1, 4)))).toEqual([1]);
      expect(Array.from(k.argmax(matrix(new Float32Array([1, NaN, 5, NaN]), 1, 4)))).toEqual([1]);
      expect(Array.from(k.argmax(matrix(new Float32Array([-Infinity, -Infinity]), 1, 2)))).toEqual([0]);
      expect(Array.from(k.argmax(matrix(new Float32Array([-0, 0]), 1, 2)))).toEqual([0]);
      expect(Array.from(k.argmax(matrix(new Float32Array(0), 2, 0)))).toEqual([-1, -1]);
      // the max in the remembered 1 KiB block and a later tie, and a NaN late in a long row
      const long = new Float32Array(3000).fill(1); long[700] = 9; long[2900] = 9;
      expect(Array.from(k.argmax(matrix(long, 1, 3000)))).toEqual([700]);
      long[2999] = NaN;
      expect(Array.from(k.argmax(matrix(long, 1, 3000)))).toEqual([2999]);
    }
  });
  it('fills out in place', () => {
    const out = new Int32Array(2);
    expect(wasm.argmax(matrix(new Float64Array([0, 1, 5, 4]), 2, 2), out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 0]);
  });
});

describe('topK', () => {
  it.each(DTYPES)('%s: values and indices exactly the reference (k = 1, some, C)', (dt) => {
    for (const cols of SIZES) {
      const x = specialMatrix(dt, 8, cols, 200 + cols);
      for (const k of new Set([1, Math.min(cols, 3), Math.min(cols, 50), Math.max(1, cols >> 1), cols])) {
        const a = wasm.topK(x, k), b = reference.topK(x, k);
        expect(Array.from(a.indices.data), `cols ${cols} k ${k}`).toEqual(Array.from(b.indices.data));
        expect(Array.from(a.values.data).map(String)).toEqual(Array.from(b.values.data).map(String));
        expect([a.values.rows, a.values.cols, a.indices.rows, a.indices.cols]).toEqual([8, k, 8, k]);
      }
    }
  });
  it('a large row with many ties selects by lower index', () => {
    const C = 50000;
    const x = new Float32Array(C);
    const r = new Rng(5);
    for (let j = 0; j < C; j++) x[j] = r.int(20); // 2500 copies of each value
    for (const k of [3000, 500, 7, 1]) { // 500, 7, 1: through the sampled-threshold prefilter
      const a = wasm.topK(matrix(x, 1, C), k);
      const b = reference.topK(matrix(x, 1, C), k);
      expect(Array.from(a.indices.data), `k ${k}`).toEqual(Array.from(b.indices.data));
    }
    for (const dt of DTYPES) { // long gaussian rows with NaN and −0 / +0, small k
      const m = specialMatrix(dt, 12, 20000, 77);
      for (const k of [1, 40, 300]) expect(Array.from(wasm.topK(m, k).indices.data)).toEqual(Array.from(reference.topK(m, k).indices.data));
    }
  });
  it('documented example', () => {
    expect(Array.from(reference.topK(matrix(new Float32Array([1, 3, 3, 2]), 1, 4), 2).indices.data)).toEqual([1, 2]);
    expect(Array.from(wasm.topK(matrix(new Float32Array([1, NaN, 3]), 1, 3), 2).indices.data)).toEqual([1, 2]);
  });
});

describe('softmax / logSoftmax with temperature', () => {
  it.each(DTYPES)('%s: matches the reference for several T', (dt) => {
    for (const cols of [1, 3, 4, 17, 257, 4099]) {
      const x = specialMatrix(dt, 6, cols, 300 + cols);
      for (const temperature of [0.05, 0.5, 0.8, 2, 10]) {
        for (const fn of ['softmax', 'logSoftmax'] as const) {
          const a = wasm[fn](x, undefined, { temperature }), b = reference[fn](x, undefined, { temperature });
          expect(relErr(a.data, b.data), `${fn} cols ${cols} T ${temperature}`).toBeLessThanOrEqual(TOL[dt]);
        }
      }
    }
  });
  it('T = 1 and no options are bit-identical to the plain kernel; T = 2 is softmax(x / 2)', () => {
    const x = randMatrix('f32', 4, 333, 9);
    const plain = wasm.softmax(x).data;
    expect(Array.from(wasm.softmax(x, undefined, { temperature: 1 }).data)).toEqual(Array.from(plain));
    expect(Array.from(wasm.softmax(x, undefined, {}).data)).toEqual(Array.from(plain));
    const half = matrix(new Float64Array(Array.from(x.data, (v) => v / 2)), 4, 333);
    const x64 = matrix(Float64Array.from(x.data), 4, 333);
    expect(relErr(reference.softmax(x64, undefined, { temperature: 2 }).data, reference.softmax(half).data)).toBeLessThan(1e-12);
    expect(reference.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3), undefined, { temperature: 2 }).data[0]).toBeCloseTo(0.1863237232258476, 14);
  });
  it('out may alias x', () => {
    const x = randMatrix('f32', 2, 100, 3);
    const want = reference.logSoftmax(x, undefined, { temperature: 0.7 }).data;
    const got = wasm.logSoftmax(x, x, { temperature: 0.7 });
    expect(got).toBe(x);
    expect(relErr(x.data, want)).toBeLessThanOrEqual(TOL.f32);
  });
});

describe('logSoftmaxBackward', () => {
  it.each(DTYPES)('%s: matches the reference; out may alias y or dy', (dt) => {
    for (const cols of SIZES) {
      const y = reference.logSoftmax(specialMatrix(dt, 5, cols, 400 + cols));
      const dy = randMatrix(dt, 5, cols, 500 + cols);
      const want = reference.logSoftmaxBackward(y, dy).data;
      expect(relErr(wasm.logSoftmaxBackward(y, dy).data, want), `cols ${cols}`).toBeLessThanOrEqual(TOL[dt]);
      const yc = matrix(arr(dt, y.data), 5, cols), dyc = matrix(arr(dt, dy.data), 5, cols);
      expect(wasm.logSoftmaxBackward(yc, dyc, yc)).toBe(yc);
      expect(relErr(yc.data, want)).toBeLessThanOrEqual(TOL[dt]);
      const yd = matrix(arr(dt, y.data), 5, cols), dyd = matrix(arr(dt, dy.data), 5, cols);
      wasm.logSoftmaxBackward(yd, dyd, dyd);
      expect(relErr(dyd.data, want)).toBeLessThanOrEqual(TOL[dt]);
    }
  });
  it('is the gradient of Σ dy ⊙ logSoftmax(x) (finite differences, f64)', () => {
    const x = randMatrix('f64', 1, 7, 11);
    const dy = randMatrix('f64', 1, 7, 12);
    const g = reference.logSoftmaxBackward(reference.logSoftmax(x), dy).data;
    const f = (xx: Float64Array) => reference.logSoftmax(matrix(xx, 1, 7)).data.reduce((s, v, j) => s + v * dy.data[j], 0);
    for (let j = 0; j < 7; j++) {
      const a = Float64Array.from(x.data), b = Float64Array.from(x.data);
      a[j] += 1e-6; b[j] -= 1e-6;
      expect(g[j]).toBeCloseTo((f(a) - f(b)) / 2e-6, 6);
    }
  });
});

describe('sample', () => {
  it.each(DTYPES)('%s: WASM indices equal the reference for the same seed, every filter combination', (dt) => {
    const combos = [{}, { temperature: 0 }, { temperature: 0.7 }, { topK: 1 }, { topK: 5 }, { topP: 1e-9 }, { topP: 1 }, { topP: 0.9 },
      { minP: 0.1 }, { minP: 1 }, { topK: 40, topP: 0.8, minP: 0.02, temperature: 1.3 }, { topK: 100000 }];
    for (const cols of [1, 2, 5, 16, 17, 100, 1000, 5000]) {
      const x = specialMatrix(dt, 24, cols, 600 + cols);
      for (const c of combos) {
        const a = wasm.sample(x, { ...c, seed: cols, logProbs: true }), b = reference.sample(x, { ...c, seed: cols, logProbs: true });
        expect(Array.from(a.indices), `cols ${cols} ${JSON.stringify(c)}`).toEqual(Array.from(b.indices));
        expect(relErr(a.logProbs!, b.logProbs!)).toBeLessThanOrEqual(dt === 'f32' ? 1e-5 : 1e-10);
        expect(relErr(a.filteredLogProbs!, b.filteredLogProbs!)).toBeLessThanOrEqual(dt === 'f32' ? 1e-5 : 1e-10);
      }
    }
  });
  it('invalid rows give −1 and NaN log-probs; temperature 0 is argmax with log-prob 0', () => {
    for (const k of [wasm, reference]) {
      const x = matrix(new Float32Array([-Infinity, -Infinity, 1, NaN, 1, Infinity, 0, 5]), 4, 2);
      const r = k.sample(x, { seed: 1, logProbs: true });
      expect(Array.from(r.indices.slice(0, 3))).toEqual([-1, -1, -1]);
      expect(r.logProbs![0]).toBeNaN();
      const g = k.sample(matrix(new Float32Array([0, 5, 1, 5]), 1, 4), { temperature: 0, logProbs: true });
      expect(Array.from(g.indices)).toEqual([1]);
      expect(g.logProbs![0]).toBe(0);
      expect(Array.from(k.sample(matrix(new Float32Array([0, 5, 1]), 1, 3), { topK: 1, seed: 1 }).indices)).toEqual([1]);
    }
  });
  it('seed, rng and uniforms: the same draws; rng advances; two instances agree', async () => {
    const x = randMatrix('f32', 50, 300, 21, 2);
    const other = await loadWasm();
    const a = wasm.sample(x, { seed: 42, topP: 0.9 }).indices;
    expect(Array.from(other.sample(x, { seed: 42, topP: 0.9 }).indices)).toEqual(Array.from(a));
    expect(Array.from(wasm.sample(x, { rng: new Rng(42), topP: 0.9 }).indices)).toEqual(Array.from(a));
    const g = new Rng(42);
    const u = new Float64Array(50).map(() => g.next());
    expect(Array.from(wasm.sample(x, { uniforms: u, topP: 0.9 }).indices)).toEqual(Array.from(a));
    const shared = new Rng(7);
    const first = wasm.sample(x, { rng: shared }).indices, second = wasm.sample(x, { rng: shared }).indices;
    expect(Array.from(first)).not.toEqual(Array.from(second));
    other.dispose();
  });
  it('logProbs equal logSoftmax(x / T) at the token; filteredLogProbs renormalize over the kept set', () => {
    const x = randMatrix('f64', 10, 64, 31, 2);
    const r = wasm.sample(x, { temperature: 0.6, topK: 10, seed: 3, logProbs: true });
    const ls = reference.logSoftmax(x, undefined, { temperature: 0.6 }).data;
    for (let i = 0; i < 10; i++) {
      expect(r.logProbs![i]).toBeCloseTo(ls[i * 64 + r.indices[i]], 10);
      const top = reference.topK(matrix(x.data.slice(i * 64, (i + 1) * 64), 1, 64), 10).indices.data;
      let z = 0;
      for (const j of top) z += Math.exp(ls[i * 64 + j]);
      expect(r.filteredLogProbs![i]).toBeCloseTo(ls[i * 64 + r.indices[i]] - Math.log(z), 10);
      expect(Array.from(top)).toContain(r.indices[i]);
    }
  });
});

describe('validation', () => {
  const x = matrix(new Float32Array(6), 2, 3);
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['topK k = 0', () => wasm.topK(x, 0), /topK: k must be an integer in \[1, 3\].*got 0/],
    ['topK k > C', () => wasm.topK(x, 4), /got 4/],
    ['topK k = 1.5', () => wasm.topK(x, 1.5), /got 1.5/],
    ['temperature 0 for softmax', () => wasm.softmax(x, undefined, { temperature: 0 }), /options.temperature must be a finite number > 0, got 0/],
    ['temperature −1', () => wasm.sample(x, { temperature: -1 }), /options.temperature.*got -1/],
    ['temperature NaN', () => wasm.logSoftmax(x, undefined, { temperature: NaN }), /got NaN/],
    ['temperature ∞', () => wasm.sample(x, { temperature: Infinity }), /got Infinity/],
    ['temperature 1e-40 (f32)', () => wasm.softmax(x, undefined, { temperature: 1e-40 }), /1\/T leave the f32 range/],
    ['unknown softmax option', () => wasm.softmax(x, undefined, { temp: 2 } as never), /options.temp is not a known option/],
    ['topP 0', () => wasm.sample(x, { topP: 0 }), /options.topP must be a number in \(0, 1\], got 0/],
    ['topP 1.5', () => wasm.sample(x, { topP: 1.5 }), /got 1.5/],
    ['minP −0.1', () => wasm.sample(x, { minP: -0.1 }), /options.minP must be a number in \[0, 1\], got -0.1/],
    ['minP 2', () => wasm.sample(x, { minP: 2 }), /got 2/],
    ['topK 0', () => wasm.sample(x, { topK: 0 }), /options.topK must be an integer ≥ 1.*got 0/],
    ['seed 1.5', () => wasm.sample(x, { seed: 1.5 }), /options.seed must be an integer.*got 1.5/],
    ['seed and rng', () => wasm.sample(x, { seed: 1, rng: new Rng(1) }), /options.rng was given together with options.seed/],
    ['rng not an Rng', () => wasm.sample(x, { rng: { next: () => 0.5 } as never }), /options.rng must be the library's Rng/],
    ['uniforms wrong length', () => wasm.sample(x, { uniforms: new Float64Array(3) }), /options.uniforms must have length 2, got length 3/],
    ['uniforms = 1', () => wasm.sample(x, { uniforms: new Float64Array([0.5, 1]) }), /options.uniforms\[1\] = 1 is outside \[0, 1\)/],
    ['uniforms NaN', () => wasm.sample(x, { uniforms: new Float32Array([NaN, 0]) }), /options.uniforms\[0\] = NaN/],
    ['uniforms not floats', () => wasm.sample(x, { uniforms: [0.1, 0.2] as never }), /options.uniforms must be a Float32Array or Float64Array/],
    ['logProbs not boolean', () => wasm.sample(x, { logProbs: 1 as never }), /options.logProbs must be true or false/],
    ['logSumExp out length', () => wasm.logSumExp(x, new Float32Array(3)), /out must have length 2/],
    ['logSumExp out dtype', () => wasm.logSumExp(x, new Float64Array(2) as never), /out must be a Float32Array/],
    ['argmax out type', () => wasm.argmax(x, new Float32Array(2) as never), /argmax: out must be an Int32Array of length 2/],
    ['argmax out length', () => wasm.argmax(x, new Int32Array(5)), /out must have length 2/],
    ['logSoftmaxBackward shape', () => wasm.logSoftmaxBackward(x, matrix(new Float32Array(6), 3, 2)), /dy must be 2×3, got 3×2/],
    ['logits not a matrix', () => wasm.sample(new Float32Array(3) as never), /sample: logits must be a matrix/],
  ];
  it.each(bad)('%s → SoftmaxInputError', (_name, f, msg) => {
    expect(f).toThrow(SoftmaxInputError);
    expect(f).toThrow(msg);
  });
  it('the same checks on the reference; nothing is written on failure', () => {
    expect(() => reference.topK(x, 0)).toThrow(SoftmaxInputError);
    const out = new Float32Array([7, 7]);
    expect(() => wasm.logSumExp(matrix(new Float32Array(6), 3, 2), out)).toThrow(SoftmaxInputError);
    expect(Array.from(out)).toEqual([7, 7]);
    const r = new Rng(3);
    const before = new Rng(3).next();
    expect(() => wasm.sample(x, { rng: r, topP: 2 })).toThrow(SoftmaxInputError);
    expect(r.next()).toBe(before); // a failed call draws nothing
  });
  it('a disposed instance refuses the new functions', async () => {
    const k = await loadWasm();
    k.dispose();
    expect(() => k.sample(x)).toThrow(/disposed/);
    expect(() => k.topK(x, 1)).toThrow(/disposed/);
  });
});
