/**
 * Limits of the WASM engine:
 *  - problems larger than the 4 GiB WebAssembly address space are refused with a SoftmaxInputError
 *    that says so, before any WASM memory is allocated (memoryBytes() unchanged);
 *  - after such a refusal, and after any other thrown error, the instance still gives right answers;
 *  - memory does not grow across 100,000 calls of mixed functions, shapes and dtypes after warm-up
 *    (the figures are printed);
 *  - dispose() releases the instance (its linear memory becomes garbage) and every later call throws
 *    an error that says so.
 *
 * Memory budget of this file: the big inputs are JS typed arrays that are allocated (zeroed, lazily
 * committed by the OS) but never written, so they cost address space, not resident memory; the
 * largest case holds 4 GiB of such arrays (two Float64Array(2^28)) and one real 2 GiB WASM memory.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SoftmaxInputError, loadWasm, matrix, reference, type FloatArray, type Matrix, type WasmKernels,
} from '../src/index.js';
import { detachedArray, randLabels, randMatrix, relErr } from './support/index.js';
import { expectInputError } from './support/vitest.js';

/** A normal call, checked against the reference: the instance still works. */
function expectWorking(k: WasmKernels): void {
  const x = randMatrix('f32', 7, 19, 42, 3);
  expect(relErr(k.softmax(x).data, reference.softmax(x).data)).toBeLessThan(2e-5);
  const X = randMatrix('f64', 9, 5, 43), W = randMatrix('f64', 5, 3, 44, 0.1), y = randLabels(9, 3, 45);
  const got = k.linearSoftmaxLoss(X, y, W, { reg: 0.01, inputGrad: true });
  const want = reference.linearSoftmaxLoss(X, y, W, { reg: 0.01, inputGrad: true });
  expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-10 * Math.abs(want.loss));
  expect(relErr(got.dW.data, want.dW.data)).toBeLessThan(1e-10);
}

const FOUR_GIB = /4 GiB/;

describe('problems too large for the 4 GiB address space are refused before any allocation', () => {
  let k: WasmKernels;
  beforeAll(async () => { k = await loadWasm(); });
  afterAll(() => k?.dispose());

  it('linearSoftmaxLoss whose kernel workspace alone exceeds 4 GiB (inputs of ~100 MB)', () => {
    // N = 13M rows, D = 1, C = 65 (the large-C path): X and labels are 52 MB each, but the kernel's
    // padded workspace (a 64-byte row of X and an 80-float row of scores per sample) needs 4.75 GiB.
    const n = 13_000_000, c = 65;
    const X = matrix(new Float32Array(n), n, 1), W = matrix(new Float32Array(c), 1, c);
    const before = k.memoryBytes();
    expectInputError(() => k.linearSoftmaxLoss(X, new Int32Array(n), W), /linearSoftmaxLoss/, FOUR_GIB);
    expect(k.memoryBytes()).toBe(before);
    // the same size check before the kernel's own workspace is asked: N·(C + 4) floats > 4 GiB
    const n2 = 2 ** 20, c2 = 1024;
    expectInputError(() => k.linearSoftmaxLoss(matrix(new Float32Array(n2), n2, 1), new Int32Array(n2), matrix(new Float32Array(c2), 1, c2)),
      /linearSoftmaxLoss/, FOUR_GIB);
    expect(k.memoryBytes()).toBe(before);
    expectWorking(k);
  });

  it('softmax / softmaxBackward / softmaxCrossEntropy whose staged arrays exceed 4 GiB', () => {
    // Two Float64Array(2^28): 2 GiB each, zeroed and never written (no resident memory).
    const side = 2 ** 14;
    let x: Matrix<Float64Array> | null = matrix(new Float64Array(side * side), side, side);
    let out: Matrix<Float64Array> | null = matrix(new Float64Array(side * side), side, side);
    const before = k.memoryBytes();
    expectInputError(() => k.softmax(x!, out!), /softmax/, FOUR_GIB);
    expectInputError(() => k.logSoftmax(x!, out!), /logSoftmax/, FOUR_GIB);
    expectInputError(() => k.softmaxBackward(x!, out!, x!), /softmaxBackward/, FOUR_GIB); // out aliases y: 2 arrays staged
    // the gradient output allocated by the API itself: logits 2 GiB + grad 2 GiB
    expectInputError(() => k.softmaxCrossEntropy(x!, new Int32Array(side)), /softmaxCrossEntropy/, FOUR_GIB);
    expect(k.memoryBytes()).toBe(before);
    x = out = null;
    expectWorking(k);
  });

  it('a call that would fit an empty instance but not next to live alloc() matrices', async () => {
    const k2 = await loadWasm();
    const big = k2.alloc('f64', 2 ** 14, 2 ** 14); // 2 GiB of WASM memory, zero-filled
    const held = k2.memoryBytes();
    expect(held).toBeGreaterThanOrEqual(2 ** 31);
    // 1 GiB in + 1 GiB out = 2 GiB more: beyond 4 GiB together
    const side = 2 ** 14;
    const x = matrix(new Float32Array(side * side), side, side);
    expectInputError(() => k2.softmax(x), /softmax/, FOUR_GIB);
    expect(k2.memoryBytes()).toBe(held);
    expectInputError(() => k2.alloc('f64', 2 ** 14, 2 ** 14), /alloc/, FOUR_GIB); // another 2 GiB does not fit
    expect(k2.memoryBytes()).toBe(held);
    expect(big.data[123_456]).toBe(0); // the live matrix is intact
    big.data[7] = 3.5;
    expectWorking(k2);
    expect(big.data[7]).toBe(3.5);
    big.free();
    k2.dispose();
  }, 60_000);

  it('alloc() beyond 4 GiB: refused with the size, memory unchanged', () => {
    const before = k.memoryBytes();
    for (const [dt, r, c] of [['f32', 2 ** 16, 2 ** 14], ['f64', 2 ** 16, 2 ** 13], ['f64', 2 ** 31 - 1, 2 ** 31 - 1], ['f32', 1, 2 ** 31 - 1]] as const) {
      expectInputError(() => k.alloc(dt, r, c), /alloc/, FOUR_GIB);
      expect(k.memoryBytes()).toBe(before);
    }
    expectWorking(k);
  });
});

describe('after any thrown error the instance keeps working', () => {
  it('validation errors, size refusals, freed and foreign matrices: each followed by a right answer', async () => {
    const k = await loadWasm();
    const x = randMatrix('f32', 3, 4, 1);
    const failures: Array<[string, () => unknown]> = [
      ['bad labels', () => k.softmaxCrossEntropy(x, new Int32Array([0, 4, 1]))],
      ['bad option', () => k.softmaxCrossEntropy(x, new Int32Array([0, 1, 1]), { labelSmoothing: 2 })],
      ['shape mismatch', () => k.softmaxBackward(x, randMatrix('f32', 4, 3, 2))],
      ['dtype mismatch', () => k.softmax(x, matrix(new Float64Array(12), 3, 4) as never)],
      ['partial overlap', () => { const b = new Float32Array(13); k.softmax(matrix(b.subarray(0, 12), 3, 4), matrix(b.subarray(1), 3, 4)); }],
      ['detached', () => { k.logSoftmax({ data: detachedArray('f32', 12) as Float32Array, rows: 3, cols: 4 }); }],
      ['too large', () => k.linearSoftmaxLoss(matrix(new Float32Array(2 ** 20), 2 ** 20, 1), new Int32Array(2 ** 20), matrix(new Float32Array(1024), 1, 1024))],
      ['alloc too large', () => k.alloc('f64', 2 ** 16, 2 ** 16)],
      ['freed matrix', () => { const m = k.alloc('f32', 3, 4); m.free(); k.softmax(m); }],
      ['view of freed memory', () => { const m = k.alloc('f32', 3, 4); const d = m.data; m.free(); k.softmax(matrix(d, 3, 4)); }],
      ['Jacobian too long', () => k.softmaxJacobian(new Float32Array(10_000))],
      ['not a matrix', () => k.linearSoftmaxLoss(null as never, new Int32Array(0), x)],
    ];
    for (const [what, fail] of failures) {
      let err: unknown = null;
      try { fail(); } catch (e) { err = e; }
      expect(err, what).toBeInstanceOf(SoftmaxInputError);
      expectWorking(k);
    }
    k.dispose();
  });
});

describe('memory does not grow across 100,000 calls of mixed shapes', () => {
  it('soak: every function, both dtypes, shapes cycling, alloc()/free() in between', async () => {
    const k = await loadWasm();
    type Call = () => void;
    const calls: Call[] = [];
    const outs: Record<string, Matrix<FloatArray>> = {};
    for (const dt of ['f32', 'f64'] as const) {
      for (const [n, c] of [[1, 1], [3, 10], [8, 33], [17, 7], [32, 64], [5, 65], [2, 130]]) {
        const x = randMatrix(dt, n, c, n * 1000 + c, 3);
        const dy = randMatrix(dt, n, c, n * 1000 + c + 1);
        const labels = randLabels(n, c, n + c);
        const probs = reference.softmax(randMatrix(dt, n, c, n + c + 7));
        const w = (dt === 'f32' ? new Float32Array(c) : new Float64Array(c)).fill(0.5);
        const out = matrix(x.data.slice() as FloatArray, n, c);
        outs[`${dt}${n}x${c}`] = out;
        const d = 1 + ((n * 7 + c) % 40);
        const X = randMatrix(dt, n, d, c + 3), W = randMatrix(dt, d, c, c + 4, 0.1);
        calls.push(
          () => { k.softmax(x); },
          () => { k.logSoftmax(x, out); },
          () => { k.softmaxBackward(x, dy); },
          () => { k.softmaxJacobian(x.data.subarray(0, c)); },
          () => { k.softmaxCrossEntropy(x, labels, { weights: w, labelSmoothing: 0.1, reduction: 'none' }); },
          () => { k.softmaxCrossEntropy(x, probs, { gradOut: out }); },
          () => { k.linearSoftmaxLoss(X, labels, W, { reg: 1e-3, inputGrad: true }); },
          () => { const m = k.alloc(dt, n, c); m.data.set(x.data); k.softmax(m as Matrix<FloatArray>, m as Matrix<FloatArray>); m.free(); },
          () => { try { k.softmaxCrossEntropy(x, new Int32Array(n + 1)); } catch { /* a refused call */ } },
        );
      }
    }
    // The order of the soak: a fixed permutation (7919 is prime to the number of kinds), so that
    // neighbouring calls differ in function, dtype and shape.
    const nth = (i: number) => calls[(i * 7919) % calls.length];
    const before = k.memoryBytes();
    // Warm-up: every call once in order, then once in the soak's order. The arena is first fit, so a
    // new order of alloc()/free() and scratch sizes may place a block past the end once (measured:
    // +64 KiB, at the 10th call of the first soak-order pass; never again over 2M calls).
    for (const f of calls) f();
    const warmInOrder = k.memoryBytes();
    for (let i = 0; i < calls.length; i++) nth(i)();
    const warm = k.memoryBytes();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const N = 100_000;
    let grew = 0, last = warm;
    for (let i = calls.length; i < calls.length + N; i++) {
      nth(i)();
      const m = k.memoryBytes();
      if (m !== last) { grew++; last = m; }
    }
    const ms = performance.now() - t0;
    const after = k.memoryBytes();
    console.log(`memory soak: ${N} calls (${calls.length} kinds: 6 functions + alloc/free + a refused call, f32/f64, 7 shapes) in ${(ms / 1000).toFixed(1)} s; ` +
      `WASM memory ${before} B at load → ${warmInOrder} B after one pass in order → ${warm} B after warm-up → ${after} B after the soak; ` +
      `JS heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB (no GC forced)`);
    expect(after).toBe(warm);
    expect(grew).toBe(0);
    expectWorking(k);
    k.dispose();
  }, 120_000);
});

describe('dispose()', () => {
  /** v8's gc() in this thread (vitest does not pass --expose-gc). */
  function getGc(): () => void {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  }
  /** Whether ref's target gets collected. gc() runs in a task of its own: a WeakRef deref'd in the
   * same task keeps its target alive until the task ends. */
  async function collected(ref: WeakRef<object>): Promise<boolean> {
    const gc = getGc();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 10; i++) {
      await tick();
      gc();
      await tick();
      if (ref.deref() === undefined) return true;
    }
    return false;
  }
  /** Allocates in k and returns a weak reference to its linear memory's buffer (and the matrix if asked). */
  function touch(k: WasmKernels, keep: unknown[] | null): WeakRef<ArrayBufferLike & object> {
    const m = k.alloc('f32', 512, 512);
    k.softmax(m, m);
    if (keep) keep.push(m);
    return new WeakRef(m.data.buffer as ArrayBuffer);
  }

  it('every later call throws a SoftmaxInputError that says so; dispose() is idempotent', async () => {
    const k = await loadWasm();
    const m = k.alloc('f64', 2, 2);
    k.dispose();
    k.dispose();
    const x = matrix(new Float32Array([1, 2]), 1, 2);
    const X = matrix(new Float32Array(2), 1, 2), W = matrix(new Float32Array(2), 2, 1);
    const calls: Array<[string, () => unknown]> = [
      ['softmax', () => k.softmax(x)],
      ['logSoftmax', () => k.logSoftmax(x)],
      ['softmaxBackward', () => k.softmaxBackward(x, x)],
      ['softmaxJacobian', () => k.softmaxJacobian(x.data)],
      ['softmaxCrossEntropy', () => k.softmaxCrossEntropy(x, new Int32Array([0]))],
      ['linearSoftmaxLoss', () => k.linearSoftmaxLoss(X, new Int32Array([0]), W)],
      ['alloc', () => k.alloc('f32', 1, 1)],
      ['memoryBytes', () => k.memoryBytes()],
    ];
    for (const [fn, call] of calls) expectInputError(call, new RegExp(`^${fn}: `), /disposed/, /loadWasm\(\)/);
    // invalid arguments too: the disposal is reported first, not the argument
    expectInputError(() => k.softmax(null as never), /disposed/);
    expect(() => m.data).toThrow(/disposed/);
    expect(() => m.free()).not.toThrow();
  });

  it('releases the linear memory (it is garbage once the instance is disposed)', async () => {
    const k = await loadWasm();
    const ref = touch(k, null);
    expect(await collected(ref)).toBe(false); // alive while the instance is
    k.dispose();
    expect(await collected(ref)).toBe(true); // k itself is still referenced here
    expect(typeof k.softmax).toBe('function');
  });

  // Was a bug (src/wasm/kernels.ts alloc()): each alloc() matrix's closure captured the instance's
  // `memory` and `arena`, so one matrix kept by the caller (a model's weights, say) keeps the whole
  // linear memory alive after dispose(), though its data can no longer be read.
  it('releases the linear memory even while alloc() matrices of the instance are still referenced', async () => {
    const k = await loadWasm();
    const keep: unknown[] = [];
    const ref = touch(k, keep);
    k.dispose();
    expect(keep.length).toBe(1);
    expect(await collected(ref)).toBe(true);
  });
});
