/**
 * Reliability at the edges of memory (issue 15): empty problems never reach the engine, calls at the
 * top of the WASM memory and through two SharedArrayBuffer objects of one memory, and CallSnapshot's
 * Int32Array outputs (argmax). Getters and user code in the middle of a call are in
 * tests/reliability_getters.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createKernels } from '../src/api.js';
import { CallSnapshot } from '../src/snapshot.js';
import type { Backend } from '../src/backend.js';
import { loadWasm, matrix, reference, type FloatArray, type Matrix } from '../src/index.js';
import { detach, f32, randLabels, randMatrix, relErr } from './support/index.js';
import { engineRows, expectInputError, useWasm } from './support/vitest.js';

const engines = engineRows(useWasm(), ['wasm', 'reference']);

describe('empty problems', () => {
  it('(2^31 − 1) × 0 and 0 × (2^31 − 1) matrices never reach the engine', () => {
    const calls: string[] = [];
    const spy = new Proxy({}, { get: (_t, p) => (p === 'stagesInputs' || p === 'ownMemory' ? undefined : () => { calls.push(String(p)); return 0; }) }) as Backend;
    const k = createKernels(spy);
    const big = { data: f32(0), rows: 2 ** 31 - 1, cols: 0 };
    const wide = { data: f32(0), rows: 0, cols: 2 ** 31 - 1 };
    for (const m of [big, wide]) {
      expect(k.softmax(m).rows).toBe(m.rows);
      expect(k.logSoftmax(m, m).cols).toBe(m.cols);
      expect(k.softmaxBackward(m, m).data.length).toBe(0);
    }
    expect(k.softmaxJacobian(f32(0)).rows).toBe(0);
    expect(calls).toEqual([]);
  });

  it('softmaxCrossEntropy with (2^31 − 1) × 0 probability rows: loss 0 without walking the rows', () => {
    const calls: string[] = [];
    const spy = new Proxy({}, { get: (_t, p) => (p === 'stagesInputs' || p === 'ownMemory' ? undefined : () => { calls.push(String(p)); return 0; }) }) as Backend;
    const big = { data: f32(0), rows: 2 ** 31 - 1, cols: 0 };
    expect(createKernels(spy).softmaxCrossEntropy(big, big, { labelSmoothing: 0.2 }).loss).toBe(0);
    expect(calls).toEqual([]);
    // small N on both engines: the same answer as the fast path
    const small = { data: f32(0), rows: 5, cols: 0 };
    for (const [, get] of engines) {
      for (const reduction of ['mean', 'sum'] as const) expect(get().softmaxCrossEntropy(small, small, { reduction }).loss).toBe(0);
      expect(Array.from(get().softmaxCrossEntropy(small, small, { reduction: 'none' }).losses!)).toEqual([0, 0, 0, 0, 0]);
    }
    expect(reference.softmaxCrossEntropy(big, big).loss).toBe(0);
  });

  it('(2^31 − 1) × 0 on the real engines returns an empty result', async () => {
    const big = { data: f32(0), rows: 2 ** 31 - 1, cols: 0 };
    for (const [, get] of engines) {
      expect(get().softmax(big).data.length).toBe(0);
      expect(get().softmaxBackward(big, big, big)).toBe(big);
    }
  });
});

describe('the top of the WASM memory', () => {
  it('alloc() matrices whose last row ends at the highest address the arena hands out: every kernel right', async () => {
    // Memory grows to 4 GiB − 64 KiB here (one test; the instance is disposed at the end). The arena
    // never grows into the last 64 KiB page, so no `ptr + bytes` of any block can wrap to 0.
    const TOP = 2 ** 32 - 65536;
    const k = await loadWasm();
    try {
      const R = 3, C = 21, D = 5;
      // warm-up: the scratch block the calls below need exists before memory is full
      k.linearSoftmaxLoss(randMatrix('f64', R, D, 1), randLabels(R, C, 2), randMatrix('f64', D, C, 3), { inputGrad: true });
      k.softmaxCrossEntropy(randMatrix('f64', R, C, 1), randLabels(R, C, 2));
      // blocks of 1 MiB fit no hole the warm-up left, so they come from the free tail of memory
      const topBytes = 2 ** 20;
      const probe = k.alloc('f32', 1, topBytes / 4); const base = probe.data.byteOffset; probe.free();
      const filler = k.alloc('f32', 1, (TOP - base - topBytes) / 4);
      for (const dt of ['f32', 'f64'] as const) {
        const bpe = dt === 'f32' ? 4 : 8;
        const top = k.alloc(dt, 1, topBytes / bpe);
        expect(top.data.byteOffset + top.data.byteLength).toBe(TOP);
        const n = topBytes / bpe;
        // views of the top block: the LAST one ends exactly at TOP
        const at = (fromEnd: number, rows: number, cols: number): Matrix<FloatArray> => matrix(top.data.subarray(n - fromEnd, n - fromEnd + rows * cols), rows, cols);
        const x = randMatrix(dt, R, C, 11);
        const xm = at(R * C, R, C); xm.data.set(x.data);
        k.softmax(xm, xm);
        expect(relErr(xm.data, reference.softmax(x).data)).toBeLessThan(2e-5);
        xm.data.set(x.data); k.logSoftmax(xm, xm);
        expect(relErr(xm.data, reference.logSoftmax(x).data)).toBeLessThan(2e-5);
        const yv = reference.softmax(x), dyv = randMatrix(dt, R, C, 12);
        const ym = at(2 * R * C, R, C); ym.data.set(yv.data); xm.data.set(dyv.data);
        k.softmaxBackward(ym, xm, xm);
        expect(relErr(xm.data, reference.softmaxBackward(yv, dyv).data)).toBeLessThan(2e-5);
        const labels = randLabels(R, C, 13);
        xm.data.set(x.data);
        const ce = k.softmaxCrossEntropy(xm, labels, { gradOut: xm, labelSmoothing: 0.1 });
        const cw = reference.softmaxCrossEntropy(x, labels, { labelSmoothing: 0.1 });
        expect(Math.abs(ce.loss - cw.loss)).toBeLessThan(2e-5 * Math.abs(cw.loss));
        expect(relErr(xm.data, cw.grad!.data)).toBeLessThan(2e-5);
        const X = randMatrix(dt, R, D, 14), W = randMatrix(dt, D, C, 15, 0.3);
        const Xm = at(2 * R * C + R * D, R, D); Xm.data.set(X.data);
        const Wm = at(D * C, D, C); Wm.data.set(W.data);
        const lin = k.linearSoftmaxLoss(Xm, labels, Wm, { reg: 0.01, out: { dW: Wm, dX: Xm } });
        const lw = reference.linearSoftmaxLoss(X, labels, W, { reg: 0.01, inputGrad: true });
        expect(Math.abs(lin.loss - lw.loss)).toBeLessThan(2e-5 * Math.abs(lw.loss));
        expect(relErr(Wm.data, lw.dW.data)).toBeLessThan(2e-5);
        expect(relErr(Xm.data, lw.dX!.data)).toBeLessThan(2e-5);
        top.free();
      }
      // nothing more fits: the last page is out of reach
      expect(k.memoryBytes()).toBe(TOP);
      expectInputError(() => k.alloc('f32', 1, 2 ** 20), /4 GiB/);
      filler.free();
    } finally {
      k.dispose();
    }
  });
});

describe('CallSnapshot for functions to come (an Int32Array output, e.g. argmax)', () => {
  const host = { stagesInputs: false };
  it('an Int32Array output: checked, rebuilt at seal, refused when it shares memory with an input', () => {
    const buf = new ArrayBuffer(64);
    const x = { data: new Float32Array(buf, 0, 6), rows: 2, cols: 3 };
    let s = new CallSnapshot('argmax', host, () => {}, [x]);
    s.matrix('x', x);
    const out = s.int32('out', new Int32Array(buf, 24, 2), { length: 2, out: true });
    s.seal();
    expect(out.data.byteOffset).toBe(24);
    s = new CallSnapshot('argmax', host, () => {}, [x]);
    s.matrix('x', x);
    s.int32('out', new Int32Array(buf, 20, 2), { length: 2, out: true });
    expectInputError(() => s.seal(), /argmax: out shares memory with x/);
    s = new CallSnapshot('argmax', host, () => {}, [x]);
    expectInputError(() => s.int32('out', new Float32Array(2), { length: 2, out: true }), /out must be an Int32Array of length 2, got Float32Array\(2\)/);
    const o = new Int32Array(2);
    s = new CallSnapshot('argmax', host, () => {}, [o]);
    s.int32('out', o, { length: 2, out: true });
    detach(o.buffer);
    expectInputError(() => s.seal(), /out was detached during this call/);
  });
});
