/**
 * Concurrency and determinism: several WASM instances in one process, one instance per
 * worker_threads worker, and a separate Node process all give bit-identical results to a single
 * instance, for a battery of calls to every public function (tests/fixtures/battery.ts); results
 * are the same run to run, whatever the instance's memory history, and wherever the data lives
 * (plain, SharedArrayBuffer, alloc() memory at any 4-byte offset).
 *
 * The workers load the kernels through the package source (tests/fixtures/worker.mjs registers
 * tsx's loader in the worker thread and imports src/index.ts), exactly as the main thread does.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, matrix, type FloatArray, type Matrix, type WasmKernels } from '../src/index.js';
import { runBattery } from './fixtures/battery.js';
import { randMatrix } from './support/index.js';

const WORKER = new URL('./fixtures/worker.mjs', import.meta.url);

interface WorkerResult { bytes: Uint8Array; build: string; memoryBytes: number }

function runWorker(rounds: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: { rounds } });
    w.once('message', (m: WorkerResult) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`worker exited with code ${code}`)); });
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Index of the first differing byte, or -1. */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('bit-identical results across instances, workers and processes', () => {
  let single: WasmKernels;
  let baseline: Uint8Array;
  beforeAll(async () => {
    single = await loadWasm();
    baseline = runBattery(() => single);
    console.log(`determinism battery: ${baseline.length} bytes of outputs, sha256 ${sha(baseline).slice(0, 16)}…, build ${single.build ?? 'baseline'}`);
  });
  afterAll(() => single?.dispose());

  it('run to run on one instance, and on a fresh instance', async () => {
    expect(firstDiff(runBattery(() => single), baseline)).toBe(-1);
    expect(firstDiff(runBattery(() => single), baseline)).toBe(-1);
    const fresh = await loadWasm();
    expect(firstDiff(runBattery(() => fresh), baseline)).toBe(-1);
    fresh.dispose();
  });

  it('several instances in one process, calls interleaved, with different memory histories', async () => {
    const ks = await Promise.all([loadWasm(), loadWasm(), loadWasm(), loadWasm()]);
    // instance 1: fragmented arena; instance 2: grown to 64 MiB then freed; instance 3: a live block
    const a = ks[1].alloc('f32', 100, 100), b = ks[1].alloc('f64', 33, 7), c = ks[1].alloc('f32', 5, 5);
    b.free();
    ks[2].alloc('f64', 2048, 4096).free();
    const live = ks[3].alloc('f64', 300, 300);
    live.data.fill(1.5);
    expect(firstDiff(runBattery((i) => ks[i % ks.length]), baseline)).toBe(-1);
    for (const k of ks) expect(firstDiff(runBattery(() => k), baseline)).toBe(-1);
    expect(live.data.every((v) => v === 1.5)).toBe(true);
    a.free(); c.free(); live.free();
    for (const k of ks) k.dispose();
  });

  it('one instance per worker_threads worker (3 at once, 2 rounds each)', async () => {
    const results = await Promise.all([runWorker(2), runWorker(2), runWorker(2)]);
    for (const r of results) {
      expect(r.build).toBe(single.build ?? 'baseline');
      expect(firstDiff(r.bytes, baseline)).toBe(-1);
    }
  }, 60_000);

  it('a separate Node process', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(WORKER)], { timeout: 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { sha256: string; length: number };
    expect(r.length).toBe(baseline.length);
    expect(r.sha256).toBe(sha(baseline));
  }, 60_000);

  it('wherever the data lives: plain, SharedArrayBuffer, byteOffset views, alloc() at any 4-byte offset', async () => {
    const k = await loadWasm();
    for (const dt of ['f32', 'f64'] as const) {
      const [n, c] = [9, 37];
      const src = randMatrix(dt, n, c, 5, 6);
      const bpe = dt === 'f32' ? 4 : 8;
      const C = dt === 'f32' ? Float32Array : Float64Array;
      const place = (where: string): Matrix<FloatArray> => {
        if (where === 'plain') return matrix(src.data.slice() as FloatArray, n, c);
        if (where === 'shared') { const a = new C(new SharedArrayBuffer((n * c + 3) * bpe) as unknown as ArrayBuffer, 3 * bpe, n * c); a.set(src.data); return matrix(a, n, c); }
        const skip = Number(where.slice(5)); // alloc+k: k elements into an alloc() block
        const m = k.alloc(dt, 1, n * c + skip);
        const view = () => m.data.subarray(skip, skip + n * c) as FloatArray;
        view().set(src.data);
        return { get data() { return view(); }, rows: n, cols: c };
      };
      const outputs = (x: Matrix<FloatArray>) => [
        k.softmax(x).data, k.logSoftmax(x).data,
        k.softmaxCrossEntropy(x, new Int32Array(n).fill(3), { labelSmoothing: 0.1 }).grad!.data,
      ].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
      const want = outputs(place('plain'));
      for (const where of ['shared', 'alloc0', 'alloc1', 'alloc2', 'alloc3', 'alloc5']) {
        const got = outputs(place(where));
        for (let j = 0; j < want.length; j++) expect(firstDiff(got[j], want[j]), `${dt} ${where} output ${j}`).toBe(-1);
      }
    }
    k.dispose();
  });
});
