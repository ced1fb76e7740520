/**
 * loadWasm({ threads }): bit-identical results for 1, 2, 3 and 4 threads (more than this machine's
 * cores too) on every public kernel, fallback to one thread with a reason, several instances and
 * pools inside worker threads, shared-memory growth, flat memory, dispose(). Faults (workers that
 * die or hang): tests/threads_faults.test.ts.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, matrix, reference, SoftmaxInputError, type FloatArray, type WasmKernels } from '../src/index.js';
import { LINEAR_BLOCK_ROWS, LINEAR_MAX_CHUNKS, LINEAR_SMALL_C, LONG_ROW_BLOCK, type SoftmaxWasmExports } from '../src/wasm/abi.js';
import { THREADS_TESTING, type PoolTesting } from '../src/wasm/pool.js';
import { THREADS_TEST_OPTIONS } from '../src/wasm/threaded.js';
import { firstDiff, threadsBattery } from './fixtures/threads-battery.js';
import { randLabels, randMatrix, relErr, TOL } from './support/index.js';

/** The raw module, for the kernels' own block sizes (tests derive their edge lengths from them). */
const KERNEL = (await WebAssembly.instantiate(readFileSync(new URL('../build/softmax.wasm', import.meta.url)), {}))
  .instance.exports as unknown as SoftmaxWasmExports;

type Hook = PoolTesting & { exited(): Promise<void> };
const hook = (k: WasmKernels): Hook => (k as unknown as Record<symbol, Hook>)[THREADS_TESTING];

describe('threads: bit-identical results for any thread count', () => {
  let k1: WasmKernels;
  const kn: WasmKernels[] = [];
  beforeAll(async () => {
    k1 = await loadWasm();
    for (const t of [2, 3, 4]) kn.push(await loadWasm({ threads: t }));
  });
  afterAll(() => { k1?.dispose(); for (const k of kn) k.dispose(); });

  it('starts the threads asked for (2, 3, 4), one thread by default', () => {
    expect(k1.threads).toBe(1);
    expect(k1.threadsUnavailable).toBeUndefined();
    expect(kn.map((k) => k.threads)).toEqual([2, 3, 4]);
    // the node-relaxed project: 'auto' picks the relaxed build, with threads its threads variant
    if (process.env.SOFTMAX_RELAXED === '1') expect(k1.build).toBe('relaxed');
    for (const k of kn) {
      expect(k.threadsUnavailable).toBeUndefined();
      expect(k.build).toBe(k1.build);
    }
  });

  for (const dt of ['f32', 'f64'] as const) {
    it(`every kernel, ${dt}: the same bytes for threads 1, 2, 3, 4 (shapes around the threshold, odd sizes, in place, alloc())`, () => {
      const want = threadsBattery(k1, [dt]);
      for (const k of kn) {
        const before = hook(k).jobs();
        const got = threadsBattery(k, [dt]);
        expect(firstDiff(got, want), `threads ${k.threads}`).toBe(-1);
        expect(hook(k).jobs() - before, 'jobs that ran on the pool').toBeGreaterThan(20);
      }
    }, 300_000);
  }

  it('the row ops the registry splits by rows run on the pool: logSoftmaxBackward, logSumExp, argmax, softmax / logSoftmax with a temperature', () => {
    const x = randMatrix('f32', 64, 4000, 11, 3), dy = randMatrix('f32', 64, 4000, 12);
    const y = k1.logSoftmax(x);
    const calls: Array<[string, (k: WasmKernels) => ArrayBufferView]> = [
      ['logSoftmaxBackward', (k) => k.logSoftmaxBackward(y, dy).data],
      ['logSumExp', (k) => k.logSumExp(x)],
      ['argmax', (k) => k.argmax(x)],
      ['softmax T', (k) => k.softmax(x, undefined, { temperature: 0.5 }).data],
      ['logSoftmax T', (k) => k.logSoftmax(x, undefined, { temperature: 2 }).data],
    ];
    const bytes = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    for (const [name, f] of calls) {
      const want = bytes(f(k1));
      for (const k of kn) {
        const jobs = hook(k).jobs();
        expect(bytes(f(k)), `${name} threads ${k.threads}`).toEqual(want);
        expect(hook(k).jobs() - jobs, `${name} jobs`).toBe(1);
      }
    }
  });

  it('the linear classifier on the pool: linearScores by rows and by column panels, linearSoftmaxLoss by chunks of rows (small C, dX over X too) — the same bytes, one job per split', () => {
    const bytes = (a: ArrayBufferView): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const B = LINEAR_BLOCK_ROWS;
    for (const dt of ['f32', 'f64'] as const) {
      // small C: rows (two chunks of the kernel's 12-row blocks and a remainder); C of several 256-byte panels and a partial vector: columns
      for (const [n, d, c] of [[2 * 12 * 40 + 7, 300, 10], [13, 1300, 3 * (256 / (dt === 'f32' ? 4 : 8)) + 3]]) {
        const X = randMatrix(dt, n, d, n + d, 1), W = randMatrix(dt, d, c, c, 0.1), b = randMatrix(dt, 1, c, 3).data;
        const want = bytes(k1.linearScores(X, W, { bias: b }).data);
        for (const k of kn) {
          const jobs = hook(k).jobs();
          expect(bytes(k.linearScores(X, W, { bias: b }).data), `linearScores ${n}×${d}×${c} threads ${k.threads}`).toEqual(want);
          expect(hook(k).jobs() - jobs).toBe(1);
        }
      }
      // small C, N over LINEAR_MAX_CHUNKS chunks of 2 blocks (several blocks per chunk), dX written over X
      const n = 2 * B * LINEAR_MAX_CHUNKS + 3 * B + 5, d = 97, c = LINEAR_SMALL_C;
      const X0 = randMatrix(dt, n, d, 5, 1), W = randMatrix(dt, d, c, 6, 0.05), y = randLabels(n, c, 7);
      const run = (k: WasmKernels) => {
        const X = matrix(X0.data.slice() as FloatArray, n, d);
        const r = k.linearSoftmaxLoss(X, y, W, { reg: 0.01, out: { dX: X } });
        return [...bytes(new Float64Array([r.loss])), ...bytes(r.dW.data), ...bytes(r.db), ...bytes(X.data)];
      };
      const want = run(k1);
      for (const k of kn) {
        const jobs = hook(k).jobs();
        expect(run(k), `linearSoftmaxLoss ${n}×${d}×${c} threads ${k.threads}`).toEqual(want);
        expect(hook(k).jobs() - jobs, 'chunks, then the reduction').toBe(2);
      }
    }
  });

  // One long row in blocks of LONG_ROW_BLOCK (assembly/long_row.ts): rows below the threshold (6 blocks),
  // at it, around block edges, a row ending in a sliver shorter than a vector step, several long rows.
  // Also rows whose last block ends on the edges of the kernels' sum blocks (their sizes read from the
  // module: 2 KiB exp-sum blocks of softmax, 4 KiB rest groups of log-softmax), where the finish adds a
  // partial block or a tail shorter than 32 bytes.
  const B = LONG_ROW_BLOCK;
  const LONG_ROWS: Array<[number, number]> = [[1, 131072], [1, 3 * B + 5], [1, 6 * B - 1], [1, 6 * B], [1, 6 * B + 1],
    [1, 8 * B - 1], [1, 8 * B + 1], [1, 16 * B + 5], [2, 6 * B + 3], [3, 7 * B + 33]];
  const sumEdges = (E: number): Array<[number, number]> => [KERNEL.expsum_block_bytes() / E, KERNEL.rest_group_bytes() / E]
    .flatMap((b) => [b - 1, b, b + 1, b + 32 / E - 1, b + 32 / E, 2 * b + 3])
    .map((d): [number, number] => [1, 6 * B + d]);
  for (const dt of ['f32', 'f64'] as const) {
    it(`one long row in blocks of ${B}, ${dt}: softmax and logSoftmax give the same bytes for threads 1–4, in place too, and match the reference`, () => {
      const bytes = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (const [r, c] of [...LONG_ROWS, ...sumEdges(dt === 'f32' ? 4 : 8)]) {
        const split = r < 4 && c >= 6 * B; // the threshold of src/wasm/threaded.ts
        const x = randMatrix(dt, r, c, c + r, 4);
        if (r > 1) { x.data[c + 5 * B + 7] = NaN; x.data.fill(-Infinity, 0, c); } // a NaN late in row 1; row 0 fully masked
        for (const op of ['softmax', 'logSoftmax'] as const) {
          const want = k1[op](x).data;
          const ref = reference[op](x).data;
          for (let i = 0; i < r; i++) {
            const row = (a: FloatArray) => a.subarray(i * c, (i + 1) * c);
            expect(relErr(row(want), row(ref)), `${op} ${r}x${c} row ${i} vs the reference`).toBeLessThanOrEqual(TOL[dt]);
          }
          for (const k of kn) {
            const jobs = hook(k).jobs();
            const got = k[op](x).data;
            expect(firstDiff(bytes(got), bytes(want)), `${op} ${r}x${c} threads ${k.threads}`).toBe(-1);
            // three jobs per split row (max, exps and sums, output), the max job only for the fully masked
            // row 0 of the several-row cases; below the threshold the caller alone (these shapes: no job)
            expect(hook(k).jobs() - jobs, `${op} ${r}x${c} jobs`).toBe(split ? (r > 1 ? 3 * r - 2 : 3) : 0);
            const xi = matrix(x.data.slice(), r, c);
            k[op](xi, xi);
            expect(firstDiff(bytes(xi.data), bytes(want)), `${op} ${r}x${c} threads ${k.threads} in place`).toBe(-1);
          }
        }
      }
    }, 300_000);
  }

  it('threads: 1 and threads: \'auto\'', async () => {
    const one = await loadWasm({ threads: 1 });
    expect(one.threads).toBe(1);
    expect(hook(one)).toBeUndefined();
    one.dispose();
    const auto = await loadWasm({ threads: 'auto' });
    expect(auto.threads).toBe(os.availableParallelism());
    auto.dispose();
  });

  it('rejects bad threads options with SoftmaxInputError', async () => {
    for (const bad of [0, -1, 1.5, NaN, '2', 'all', 1000, null]) {
      await expect(loadWasm({ threads: bad as never }), String(bad)).rejects.toThrow(SoftmaxInputError);
    }
    await expect(loadWasm({ threads: 0 })).rejects.toThrow(/options\.threads.*got 0/);
  });

  it('bad input throws SoftmaxInputError before any worker is involved (no job, nothing written)', () => {
    const k = kn[0];
    const jobs = hook(k).jobs();
    const x = randMatrix('f32', 300, 300, 1);
    const out = matrix(new Float32Array(300 * 300).fill(7), 300, 300);
    expect(() => k.softmax(x, matrix(new Float32Array(299 * 300), 299, 300))).toThrow(SoftmaxInputError);
    const labels = randLabels(300, 300, 2);
    labels[17] = 300;
    expect(() => k.softmaxCrossEntropy(x, labels, { gradOut: out })).toThrow(/labels\[17\] = 300/);
    expect(() => k.softmaxCrossEntropy(x, randLabels(300, 300, 3), { gradOut: out, labelSmoothing: 2 })).toThrow(SoftmaxInputError);
    expect(out.data.every((v) => v === 7)).toBe(true);
    expect(hook(k).jobs()).toBe(jobs);
    k.softmax(x, out);
    expect(hook(k).jobs()).toBe(jobs + 1);
  });

  it('several instances side by side, calls interleaved', async () => {
    const ks = [await loadWasm({ threads: 2 }), await loadWasm({ threads: 3 })];
    const x = randMatrix('f32', 2000, 100, 9, 3);
    const labels = randLabels(2000, 100, 4);
    const want = k1.softmaxCrossEntropy(x, labels, { labelSmoothing: 0.1 });
    for (let r = 0; r < 4; r++) {
      for (const k of [...ks, ...kn]) {
        const got = k.softmaxCrossEntropy(x, labels, { labelSmoothing: 0.1 });
        expect(got.loss).toBe(want.loss);
        expect(firstDiff(new Uint8Array(got.grad!.data.buffer), new Uint8Array(want.grad!.data.buffer))).toBe(-1);
      }
    }
    for (const k of ks) k.dispose();
  });

  it('shared memory grows while the pool runs: alloc() views are re-derived, results unchanged', async () => {
    const k = await loadWasm({ threads: 2 });
    const x = randMatrix('f32', 512, 512, 5, 2);
    const a = k.alloc('f32', 512, 512);
    a.data.set(x.data);
    const o = k.alloc('f32', 512, 512);
    k.softmax(a, o);
    const first = o.data.slice();
    const before = k.memoryBytes();
    const big = k.alloc('f64', 2048, 4096); // 64 MiB: memory.grow on the shared memory
    expect(k.memoryBytes()).toBeGreaterThan(before + 60e6);
    expect(a.data.buffer.byteLength).toBe(k.memoryBytes()); // the view follows the grown memory
    k.softmax(a, o);
    expect(firstDiff(new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength), new Uint8Array(first.buffer))).toBe(-1);
    const want = k1.softmax(x).data;
    expect(firstDiff(new Uint8Array(first.buffer), new Uint8Array(want.buffer))).toBe(-1);
    big.free(); a.free(); o.free();
    k.dispose();
  });

  it('flat memory over thousands of threaded calls', () => {
    const k = kn[0];
    const x = randMatrix('f32', 256, 256, 6, 2);
    const labels = randLabels(256, 256, 7);
    const g = k.alloc('f32', 256, 256);
    const jobs = hook(k).jobs();
    for (let i = 0; i < 20; i++) { k.softmaxCrossEntropy(x, labels, { gradOut: g }); k.softmax(x); }
    const bytes = k.memoryBytes();
    for (let i = 0; i < 2000; i++) { k.softmaxCrossEntropy(x, labels, { gradOut: g }); k.softmax(x, g); }
    expect(k.memoryBytes()).toBe(bytes);
    expect(hook(k).jobs() - jobs).toBe(4040);
    g.free();
  });

  it('dispose() terminates the workers; the instance refuses calls afterwards', async () => {
    const k = await loadWasm({ threads: 3 });
    const h = hook(k);
    expect(h.workers()).toBe(2);
    k.dispose();
    await Promise.race([h.exited(), new Promise((_, rej) => setTimeout(() => rej(new Error('workers still running 10 s after dispose()')), 10_000))]);
    expect(() => k.softmax(randMatrix('f32', 2, 2, 1))).toThrow(/disposed/);
  });

  it('falls back to one thread with a reason: workers that cannot start, a module passed in', async () => {
    const k = await loadWasm({ threads: 2, [THREADS_TEST_OPTIONS]: { brokenWorkerSource: true } } as never);
    expect(k.threads).toBe(1);
    expect(k.threadsUnavailable).toMatch(/worker/);
    const x = randMatrix('f32', 300, 300, 8);
    expect(firstDiff(new Uint8Array(k.softmax(x).data.buffer), new Uint8Array(k1.softmax(x).data.buffer))).toBe(-1);
    k.dispose();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../build/softmax.wasm', import.meta.url));
    const m = await loadWasm({ threads: 4, wasm: bytes });
    expect(m.threads).toBe(1);
    expect(m.threadsUnavailable).toMatch(/options\.wasm/);
    m.dispose();
  });

  it('pools inside worker threads, two at once, each with its own nested workers', async () => {
    const want = threadsBattery(k1, ['f32'], true);
    const run = (threads: number) => new Promise<{ bytes: Uint8Array; threads: number }>((resolve, reject) => {
      const w = new Worker(new URL('./fixtures/threads-worker.mjs', import.meta.url), { workerData: { threads } });
      w.once('message', (m) => { resolve(m); void w.terminate(); });
      w.once('error', reject);
      w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with code ${code}`)); });
    });
    const results = await Promise.all([run(2), run(3)]);
    expect(results.map((r) => r.threads)).toEqual([2, 3]);
    for (const r of results) expect(firstDiff(r.bytes, want)).toBe(-1);
  }, 120_000);
});
