/**
 * Reliability when user code runs in the middle of a call (issue 15), on both engines: getters with
 * side effects on every argument and option, revoked Proxies, buffers detached, shrunk or grown from
 * a getter, dispose() and alloc() from a getter, and sample()'s options.rng (only a genuine Rng, read
 * once). The contract is the same for both engines (src/snapshot.ts): arguments are read once, then
 * seal() re-checks the instance and every buffer, checks labels on the copy the engine reads, and
 * decides overlaps on the underlying memory; a bad input is a SoftmaxInputError before anything is
 * written. The memory-side cases are in tests/reliability_memory.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SoftmaxInputError, loadWasm, matrix, reference, type FloatArray, type Matrix, type WasmKernels } from '../src/index.js';
import { Rng, detach, f32, randMatrix, relErr, resizable, revoked } from './support/index.js';
import { engineRows, expectInputError, useWasm } from './support/vitest.js';

const wasm = useWasm();
const engines = engineRows(wasm, ['wasm', 'reference']);

describe.each(engines)('%s: user code that runs while the arguments are read', (_name, get) => {
  it('a gradOut getter that puts labels out of range: SoftmaxInputError on labels, gradOut untouched', () => {
    const k = get();
    const labels = new Int32Array([0, 1]);
    const g = matrix(f32(6).fill(7), 2, 3);
    expectInputError(() => k.softmaxCrossEntropy(matrix(f32(6), 2, 3), labels, { get gradOut() { labels[0] = 2 ** 28; return g; } }),
      /labels\[0\] = 268435456 is outside \[0, 3\)/);
    expect(Array.from(g.data)).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it('an out.dW getter that puts a label out of range (linearSoftmaxLoss)', () => {
    const k = get();
    const labels = new Int32Array([0, 1]);
    expectInputError(() => k.linearSoftmaxLoss(matrix(f32(4), 2, 2), labels, matrix(f32(6), 2, 3),
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
    expectInputError(() => k.linearSoftmaxLoss(X, new Int32Array([0, 1]), matrix(f32(6), 2, 3), { get reg() { detach(X.data.buffer); return 0; } }),
      /X was detached during this call/);
    const x = matrix(f32([1, 2, 3]), 1, 3);
    expectInputError(() => k.softmax(x, { get data() { detach(x.data.buffer); return f32(3); }, rows: 1, cols: 3 }), /x was detached/);
    const buf = resizable(24, 64);
    const l = matrix(new Float32Array(buf, 0, 6), 2, 3);
    expectInputError(() => k.softmaxCrossEntropy(l, new Int32Array([0, 1]), { get reduction(): 'sum' { buf.resize(0); return 'sum'; } }),
      /logits no longer fits its buffer/);
    // a label buffer shrunk by the last getter
    const lb = resizable(8, 8);
    const labels = new Int32Array(lb);
    expectInputError(() => k.softmaxCrossEntropy(matrix(f32(6), 2, 3), labels, { get grad() { lb.resize(4); return false; } }), /labels no longer fits/);
    // an output detached by a later getter (out.dX is read after out.dW)
    const o = f32(6);
    expectInputError(() => k.linearSoftmaxLoss(matrix(f32(4), 2, 2), new Int32Array(2), matrix(f32(6), 2, 3),
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
    expectInputError(() => k.softmax(revoked() as never), /softmax: reading x threw/);
    expectInputError(() => k.softmax(x, revoked() as never), /reading out threw/);
    expectInputError(() => k.softmaxCrossEntropy(x, revoked() as never), /reading labels threw/);
    expectInputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), revoked() as never), /reading options threw/);
    expectInputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), { gradOut: revoked() as never }), /reading options.gradOut threw/);
    expectInputError(() => k.linearSoftmaxLoss(x, new Int32Array(1), matrix(f32(6), 3, 2), { out: revoked() as never }), /reading options.out threw/);
    expectInputError(() => k.softmaxJacobian(revoked() as never), /softmaxJacobian: y must be/);
    const boom = new RangeError('boom');
    const e = expectInputError(() => k.softmax({ get data(): Float32Array { throw boom; }, rows: 1, cols: 3 }), /reading x.data threw \(RangeError: boom\)/);
    expect((e as Error & { cause?: unknown }).cause).toBe(boom);
    expect(e.argument).toBe('x.data');
  });

  it('options inherited through the prototype are rejected (not silently ignored)', () => {
    const k = get();
    const x = matrix(f32([1, 2, 3]), 1, 3);
    expectInputError(() => k.softmaxCrossEntropy(x, new Int32Array(1), Object.create({ reduction: 'sum' })), /options.reduction is inherited/);
    class Opts { get reg(): number { return 1; } }
    expectInputError(() => k.linearSoftmaxLoss(x, new Int32Array(1), matrix(f32(6), 3, 2), new Opts() as never), /options.reg is inherited/);
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
    expectInputError(() => k.linearSoftmaxLoss(X, y, W, { out: { dW: matrix(dW, 3, 2), dX: matrix(dX, 1, 3) } }), /out.dX shares memory with options.out.dW/);
    expect(Array.from(dW)).toEqual([9, 9, 9, 9, 9, 9]);
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const before = mem.buffer as unknown as SharedArrayBuffer;
    mem.grow(1);
    const after = mem.buffer as unknown as SharedArrayBuffer;
    expect(after).not.toBe(before);
    const g = new Float32Array(after, 0, 3);
    expectInputError(() => k.linearSoftmaxLoss(X, y, W, { out: { db: new Float32Array(before, 4, 2), dX: matrix(g, 1, 3) } }), /shares memory/);
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
    expectInputError(() => k.softmax(x, { get data() { k.dispose(); return f32(3); }, rows: 1, cols: 3 }), /was disposed/);
    expectInputError(() => k.softmax(x), /was disposed/);
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
    expectInputError(() => k.softmaxCrossEntropy(x, new Uint8Array(m.data.buffer, m.data.byteOffset, 1) as never), /labels must be an Int32Array/);
    expectInputError(() => k.softmax({ data: new Int16Array(m.data.buffer, m.data.byteOffset, 4) as never, rows: 1, cols: 4 }), /x.data must be a Float32Array or Float64Array/);
    k.dispose();
  });

  it('an alloc() input freed by a getter: SoftmaxInputError, not a read of freed memory', async () => {
    const k = await loadWasm();
    const x = k.alloc('f32', 1, 3); x.data.set([1, 2, 3]);
    expectInputError(() => k.softmax(x, { get data() { x.free(); return f32(3); }, rows: 1, cols: 3 }), /x is a view of WASM memory outside any live alloc\(\) block/);
    k.dispose();
  });
});

describe.each(engines)('%s: sample() options.rng is taken only if it is a genuine Rng (no user code after the read)', (_name, get) => {
  const x = () => matrix(new Float64Array([0.5, 1, -1, 2, 0, 0.25, 3, -2]), 2, 4);

  it('a revoked Proxy as rng: SoftmaxInputError (was a TypeError leaking from instanceof)', () => {
    expectInputError(() => get().sample(x(), { rng: revoked() as never }), /sample: options\.rng must be the library's Rng/);
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
    expectInputError(() => k.sample(x(), { rng: p }), /options\.rng must be the library's Rng .*not a Proxy/);
    expect(k.sample(x(), { seed: 3 }).indices.length).toBe(2);
    disposeInTrap = true;
    const err = expectInputError(() => k.sample(x(), { rng: p }), /options\.rng|was disposed/);
    expect(err).toBeInstanceOf(SoftmaxInputError);
  });

  it('a look-alike (Object.create(Rng.prototype)) is rejected; a genuine Rng or subclass draws as the same seed does', () => {
    const k = get();
    expectInputError(() => k.sample(x(), { rng: Object.create(Rng.prototype) as Rng }), /options\.rng must be the library's Rng/);
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
