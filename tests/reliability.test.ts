/**
 * Reliability when user code runs in the middle of a call, at the top of the WASM memory, and
 * through two SharedArrayBuffer objects of one memory (issue 15). Every case runs on both engines:
 * the contract is the same (src/snapshot.ts): arguments are read once, then seal() re-checks the
 * instance and every buffer, checks labels on the copy the engine reads, and decides overlaps on the
 * underlying memory; a bad input is a SoftmaxInputError before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernels } from '../src/api.js';
import { CallSnapshot } from '../src/snapshot.js';
import type { Backend } from '../src/backend.js';
import {
  SoftmaxInputError, loadWasm, matrix, reference, type FloatArray, type Matrix, type SoftmaxKernels, type WasmKernels,
} from '../src/index.js';
import { Rng } from '../src/train/rng.js';
import { randLabels, randMatrix, relErr } from './support/index.js';

function inputError(fn: () => unknown, ...patterns: RegExp[]): SoftmaxInputError {
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err, `expected a SoftmaxInputError, got ${String(err)}`).toBeInstanceOf(SoftmaxInputError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  return err as SoftmaxInputError;
}

const detach = (buf: ArrayBufferLike): void => { structuredClone(buf, { transfer: [buf as ArrayBuffer] }); };
type Resizable = ArrayBuffer & { resize(n: number): void };
const resizable = (n: number, max: number): Resizable => new (ArrayBuffer as unknown as new (n: number, o: object) => Resizable)(n, { maxByteLength: max });
const f32 = (v: ArrayLike<number> | number): Float32Array => new Float32Array(v as ArrayLike<number>);
const revoked = (): object => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; };

let wasm: WasmKernels;
beforeAll(async () => { wasm = await loadWasm(); });
afterAll(() => wasm?.dispose());

const engines: Array<[string, () => SoftmaxKernels]> = [['wasm', () => wasm], ['reference', () => reference]];

describe.each(engines)('%s: user code that runs while the arguments are read', (_name, get) => {
  it('a gradOut getter that puts labels out of range: SoftmaxInputError on labels, gradOut untouched', () => {
    const k = get();
    const labels = new Int32Array([0, 1]);
    const g = matrix(f32(6).fill(7), 2, 3);
    inputError(() => k.softmaxCrossEntropy(matrix(f32(6), 2, 3), labels, { get gradOut() { labels[0] = 2 ** 28; return g; } }),
      /labels\[0\] = 268435456 is outside \[0, 3\)/);
    expect(Array.from(g.data)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('an out.dW getter that puts a label out of range (linearSoftmaxLoss)', () => {
    const k = get();
    const labels = new Int32Array([0, 1]);
    inputError(() => k.linearSoftmaxLoss(matrix(f32(4), 2, 2), labels, matrix(f32(6), 2, 3),
      { out: { get dW() { labels[1] = -5; return matrix(f32(6), 2, 3); } } }), /labels\[1\] = -5/);
  });

  it('a label changed to another valid class by a getter: the result is that of the labels at the end of reading', () => {
    const k = get();
    const logits = randMatrix('f64', 3, 4, 1);
    const labels = new Int32Array([0, 1, 2]);
    const got = k.softmaxCrossEntropy(logits, labels, { get reduction(): 'none' { labels[2] = 3; return 'none'; } });
    const want = reference.softmaxCrossEntropy(logits, new Int32Array([0, 1, 3]), { reduction: 'none' });
    expect(relErr(got.losses!, want.losses!)).toBeLessThan(1e-10);
  });

  it('data written by a getter is seen (values are read after the last getter), not a stale copy', () => {
    const k = get();
    const x = matrix(new Float64Array([1, 2, 3]), 1, 3);
    const o = new Float64Array(3);
    const out = { get data() { x.data[0] = 5; return o; }, rows: 1, cols: 3 };
    expect(k.softmax(x, out)).toBe(out);
    expect(relErr(o, reference.softmax(matrix(new Float64Array([5, 2, 3]), 1, 3)).data)).toBeLessThan(1e-10);
  });

  it('an options getter that detaches X, an out getter that detaches x, a getter that shrinks a resizable buffer', () => {
    const k = get();
    const X = matrix(f32([1, 2, 3, 4]), 2, 2);
    inputError(() => k.linearSoftmaxLoss(X, new Int32Array([0, 1]), matrix(f32(6), 2, 3), { get reg() { detach(X.data.buffer); return 0; } }),
      /X was detached during this call/);
    const x = matrix(f32([1, 2, 3]), 1, 3);
    inputError(() => k.softmax(x, { get data() { detach(x.data.buffer); return f32(3); }, rows: 1, cols: 3 }), /x was detached/);
    const buf = resizable(24, 64);
    const l = matrix(new Float32Array(buf, 0, 6), 2, 3);
    inputError(() => k.softmaxCrossEntropy(l, new Int32Array([0, 1]), { get reduction(): 'sum' { buf.resize(0); return 'sum'; } }),
      /logits no longer fits its buffer/);
    // a label buffer shrunk by the last getter
    const lb = resizable(8, 8);
    const labels = new Int32Array(lb);
    inputError(() => k.softmaxCrossEntropy(matrix(f32(6), 2, 3), labels, { get grad() { lb.resize(4); return false; } }), /labels no longer fits/);
    // an output detached by a later getter (out.dX is read after out.dW)
    const o = f32(6);
    inputError(() => k.linearSoftmaxLoss(matrix(f32(4), 2, 2), new Int32Array(2), matrix(f32(6), 2, 3),
      { out: { dW: matrix(o, 2, 3), dX: { get data() { detach(o.buffer); return f32(4); }, rows: 2, cols: 2 } } }),
    /options.out.dW was detached/);
  });

  it('every property is read exactly once, positional arguments first, options in their documented order', () => {
    const k = get();
    const reads: string[] = [];
    const spy = <T extends object>(name: string, o: T): T => new Proxy(o, {
      get(t, p, r) { reads.push(`${name}.${String(p)}`); return Reflect.get(t, p, r); },
      ownKeys(t) { reads.push(`${name}.keys`); return Reflect.ownKeys(t); },
    });
    k.linearSoftmaxLoss(spy('X', matrix(f32(4), 2, 2)), new Int32Array([0, 1]), spy('W', matrix(f32(6), 2, 3)),
      spy('options', { out: spy('out', { dX: spy('dX', matrix(f32(4), 2, 2)), dW: spy('dW', matrix(f32(6), 2, 3)) }), reg: 0.5 }));
    expect(reads).toEqual(['X.data', 'X.rows', 'X.cols', 'W.data', 'W.rows', 'W.cols', 'options.keys', 'options.reg',
      'options.out', 'out.keys', 'out.dW', 'out.dX', 'dW.data', 'dW.rows', 'dW.cols', 'dX.data', 'dX.rows', 'dX.cols']);
  });

  it('revoked Proxies and throwing getters anywhere: SoftmaxInputError naming the argument, with the cause', () => {
    const k = get();
    const x = matrix(f32([1, 2, 3]), 1, 3);
    inputError(() => k.softmax(revoked() as never), /softmax: reading x threw/);
    inputError(() => k.softmax(x, revoked() as never), /reading out threw/);
    inputError(() => k.softmaxCrossEntropy(x, revoked() as never), /reading labels threw/);
    inputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), revoked() as never), /reading options threw/);
    inputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), { gradOut: revoked() as never }), /reading options.gradOut threw/);
    inputError(() => k.linearSoftmaxLoss(x, new Int32Array(1), matrix(f32(6), 3, 2), { out: revoked() as never }), /reading options.out threw/);
    inputError(() => k.softmaxJacobian(revoked() as never), /softmaxJacobian: y must be/);
    const boom = new RangeError('boom');
    const e = inputError(() => k.softmax({ get data(): Float32Array { throw boom; }, rows: 1, cols: 3 }), /reading x.data threw \(RangeError: boom\)/);
    expect((e as Error & { cause?: unknown }).cause).toBe(boom);
    expect(e.argument).toBe('x.data');
  });

  it('options inherited through the prototype are rejected (not silently ignored)', () => {
    const k = get();
    const x = matrix(f32([1, 2, 3]), 1, 3);
    inputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), Object.create({ reduction: 'sum' })), /options.reduction is inherited/);
    class Opts { get reg(): number { return 1; } }
    inputError(() => k.linearSoftmaxLoss(x, new Int32Array(1), matrix(f32(6), 3, 2), new Opts() as never), /options.reg is inherited/);
    // a null-prototype object and an own non-known key behave as before
    const o = Object.create(null) as Record<string, unknown>; o.reduction = 'sum';
    expect(k.softmaxCrossEntropy(x, new Int32Array(1), o).loss).toBeCloseTo(reference.softmaxCrossEntropy(x, new Int32Array(1), { reduction: 'sum' }).loss, 5);
  });

  it('softmaxBackward f32 with dy near ±3e38: finite where the exact result is finite', () => {
    const k = get();
    for (const cols of [2, 5, 16, 17, 67]) {
      const y = f32(cols).fill(1e-3); y[1] = 1 - (cols - 1) * 1e-3;
      const dy = f32(cols).fill(3e38); dy[1] = -3e38;
      const got = k.softmaxBackward(matrix(y, 1, cols), matrix(dy, 1, cols)).data;
      const yy = Float64Array.from(y), dd = Float64Array.from(dy);
      let dot = 0; for (let j = 0; j < cols; j++) dot += yy[j] * dd[j];
      const want = yy.map((v, j) => v * (dd[j] - dot));
      expect(got.every(Number.isFinite)).toBe(true);
      expect(relErr(got, want)).toBeLessThan(2e-5);
    }
  });

  it('SharedArrayBuffer: a shifted out over x through a structured clone of the SAB gives the right softmax', () => {
    const k = get();
    const sab = new SharedArrayBuffer(64);
    const x = new Float32Array(sab, 0, 4); x.set([1, 2, 3, 4]);
    const want = reference.softmax(matrix(f32(x), 1, 4)).data;
    const got = k.softmax(matrix(x, 1, 4), matrix(new Float32Array(structuredClone(sab), 4, 4), 1, 4));
    expect(relErr(got.data, want)).toBeLessThan(2e-5);
  });

  it('SharedArrayBuffer: outputs overlapping through two SAB objects (clone, memory.grow) are refused, nothing written', () => {
    const k = get();
    const X = matrix(f32([1, 2, 3]), 1, 3), W = matrix(f32([-1, 1, 1, -1, 0, 0]), 3, 2), y = new Int32Array([1]);
    const sab = new SharedArrayBuffer(256);
    const dW = new Float32Array(sab, 0, 6).fill(9), dX = new Float32Array(structuredClone(sab), 8, 3);
    inputError(() => k.linearSoftmaxLoss(X, y, W, { out: { dW: matrix(dW, 3, 2), dX: matrix(dX, 1, 3) } }), /out.dX shares memory with options.out.dW/);
    expect(Array.from(dW)).toEqual([9, 9, 9, 9, 9, 9]);
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const before = mem.buffer as unknown as SharedArrayBuffer;
    mem.grow(1);
    const after = mem.buffer as unknown as SharedArrayBuffer;
    expect(after).not.toBe(before);
    const g = new Float32Array(after, 0, 3);
    inputError(() => k.linearSoftmaxLoss(X, y, W, { out: { db: new Float32Array(before, 4, 2), dX: matrix(g, 1, 3) } }), /shares memory/);
    // distinct SABs at the same offsets are fine (the probe restores what it flipped)
    const want = reference.linearSoftmaxLoss(X, y, W, { inputGrad: true });
    const got = k.linearSoftmaxLoss(X, y, W, {
      out: { dW: matrix(new Float32Array(new SharedArrayBuffer(24)), 3, 2), dX: matrix(new Float32Array(new SharedArrayBuffer(12)), 1, 3) },
    });
    expect(relErr(got.dW.data, want.dW.data)).toBeLessThan(2e-5);
    expect(relErr(got.dX!.data, want.dX!.data)).toBeLessThan(2e-5);
  });
});

describe('WASM: dispose and alloc() from a getter', () => {
  it('a getter that calls dispose(): SoftmaxInputError saying the instance was disposed', async () => {
    const k = await loadWasm();
    const x = matrix(f32([1, 2, 3]), 1, 3);
    inputError(() => k.softmax(x, { get data() { k.dispose(); return f32(3); }, rows: 1, cols: 3 }), /was disposed/);
    inputError(() => k.softmax(x), /was disposed/);
  });

  it('an out whose data getter lazily creates an alloc() matrix (memory grows) while x is an alloc() matrix', async () => {
    const k = await loadWasm();
    for (const dt of ['f32', 'f64'] as const) {
      const x = k.alloc(dt, 3, 5);
      x.data.set(randMatrix(dt, 3, 5, 7).data);
      const want = reference.softmax(matrix(x.data.slice() as FloatArray, 3, 5)).data;
      let o: ReturnType<WasmKernels['alloc']> | undefined;
      const before = k.memoryBytes();
      const out = { get data() { o ??= k.alloc(dt, 1000, 1000); return o.data.subarray(0, 15); }, rows: 3, cols: 5 };
      const got = k.softmax(x as Matrix<FloatArray>, out as never);
      expect(k.memoryBytes()).toBeGreaterThan(before);
      expect(relErr(got.data, want)).toBeLessThan(2e-5);
      // the same with the gradient of cross-entropy and the input in memory
      const g = k.softmaxCrossEntropy(x as Matrix<FloatArray>, new Int32Array([0, 1, 4]), { get gradOut() { k.alloc(dt, 800, 1000); return matrix(o!.data.subarray(100, 115) as FloatArray, 3, 5); } });
      const gw = reference.softmaxCrossEntropy(matrix(x.data.slice() as FloatArray, 3, 5), new Int32Array([0, 1, 4]));
      expect(relErr(g.grad!.data, gw.grad!.data)).toBeLessThan(2e-5);
      o!.free(); o = undefined; x.free();
    }
    k.dispose();
  });

  it('a view of WASM memory of another element type (Uint8Array labels, Int16Array data): SoftmaxInputError', async () => {
    const k = await loadWasm();
    const m = k.alloc('f32', 1, 4);
    const x = matrix(f32([1, 2, 3, 4]), 1, 4);
    inputError(() => k.softmaxCrossEntropy(x, new Uint8Array(m.data.buffer, m.data.byteOffset, 1) as never), /labels must be an Int32Array/);
    inputError(() => k.softmax({ data: new Int16Array(m.data.buffer, m.data.byteOffset, 4) as never, rows: 1, cols: 4 }), /x.data must be a Float32Array or Float64Array/);
    k.dispose();
  });

  it('an alloc() input freed by a getter: SoftmaxInputError, not a read of freed memory', async () => {
    const k = await loadWasm();
    const x = k.alloc('f32', 1, 3); x.data.set([1, 2, 3]);
    inputError(() => k.softmax(x, { get data() { x.free(); return f32(3); }, rows: 1, cols: 3 }), /x is a view of WASM memory outside any live alloc\(\) block/);
    k.dispose();
  });
});

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
      inputError(() => k.alloc('f32', 1, 2 ** 20), /4 GiB/);
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
    inputError(() => s.seal(), /argmax: out shares memory with x/);
    s = new CallSnapshot('argmax', host, () => {}, [x]);
    inputError(() => s.int32('out', new Float32Array(2), { length: 2, out: true }), /out must be an Int32Array of length 2, got Float32Array\(2\)/);
    const o = new Int32Array(2);
    s = new CallSnapshot('argmax', host, () => {}, [o]);
    s.int32('out', o, { length: 2, out: true });
    detach(o.buffer);
    inputError(() => s.seal(), /out was detached during this call/);
  });
});

describe.each(engines)('%s: sample() options.rng is taken only if it is a genuine Rng (no user code after the read)', (_name, get) => {
  const x = () => matrix(new Float64Array([0.5, 1, -1, 2, 0, 0.25, 3, -2]), 2, 4);

  it('a revoked Proxy as rng: SoftmaxInputError (was a TypeError leaking from instanceof)', () => {
    inputError(() => get().sample(x(), { rng: revoked() as never }), /sample: options\.rng must be the library's Rng/);
  });

  it('a Proxy around an Rng whose traps run user code: rejected, and the instance keeps working', async () => {
    // Before: instanceof passed through the getPrototypeOf trap, and next() read and wrote the state
    // through the get/set traps after seal(): a trap that disposed the instance then made the engine
    // throw a TypeError; a trap that changed the state changed the draw.
    const k = get() === reference ? reference : await loadWasm();
    let disposeInTrap = false;
    const p = new Proxy(new Rng(7), {
      get: (t, key) => { if (disposeInTrap && k !== reference) (k as WasmKernels).dispose(); return Reflect.get(t, key); },
    });
    inputError(() => k.sample(x(), { rng: p }), /options\.rng must be the library's Rng .*not a Proxy/);
    expect(k.sample(x(), { seed: 3 }).indices.length).toBe(2);
    disposeInTrap = true;
    const err = inputError(() => k.sample(x(), { rng: p }), /options\.rng|was disposed/);
    expect(err).toBeInstanceOf(SoftmaxInputError);
  });

  it('a look-alike (Object.create(Rng.prototype)) is rejected; a genuine Rng or subclass draws as the same seed does', () => {
    const k = get();
    inputError(() => k.sample(x(), { rng: Object.create(Rng.prototype) as Rng }), /options\.rng must be the library's Rng/);
    class MyRng extends Rng { override next(): number { return 0; } }
    for (const seed of [1, 5, 99]) {
      const r = new Rng(seed), sub = new MyRng(seed);
      const want = k.sample(x(), { seed, logProbs: true });
      expect(Array.from(k.sample(x(), { rng: r, logProbs: true }).indices)).toEqual(Array.from(want.indices));
      // the library's own draw, whatever the subclass overrides
      expect(Array.from(k.sample(x(), { rng: sub }).indices)).toEqual(Array.from(want.indices));
      const fresh = new Rng(seed); fresh.next(); fresh.next();
      expect(r.next()).toBe(fresh.next()); // advanced by one draw per row
    }
  });
});
