/**
 * numpy-1t and numpy-mt: NumPy through `python3 bench/numpy_bench.py`, which times the same
 * workloads itself (timeit-style samples, median) on the same data (raw files written here, one per
 * input of the op) and prints JSON. Its versions are keyed by the registry's op names (bench/ops.ts;
 * the others are reported skipped): softmax the usual stable idiom, cross-entropy fused by hand,
 * the linear classifier CS231n's `softmax_loss_vectorized` (loss + dW; bias trick, so no db). numpy-1t runs with
 * OPENBLAS_NUM_THREADS=1 (also OMP/MKL), numpy-mt with the BLAS default (all cores). Without
 * python3 or NumPy every row reads "skipped: python3/NumPy not available".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, ExternalResult, Timing } from '../harness.js';
import type { Workload } from '../workloads.js';

const SCRIPT = fileURLToPath(new URL('../numpy_bench.py', import.meta.url));
const UNAVAILABLE = 'python3/NumPy not available';

let dataDir: string | null = null;
const written = new Map<string, Record<string, string>>();

/** Writes each workload's inputs once, as raw float32 / int32 (f64 workloads are widened f32 values). */
function dataFiles(w: Workload): Record<string, string> {
  let f = written.get(w.id);
  if (f) return f;
  if (!dataDir) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'softmax-wasm-bench-'));
    process.once('exit', () => { if (dataDir) rmSync(dataDir, { recursive: true, force: true }); });
  }
  const base = path.join(dataDir, `w${written.size}`);
  const raw = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  f = {};
  for (const [name, a] of Object.entries(w.data())) {
    const file = `${base}.${name}.${a instanceof Int32Array ? 'i32' : 'f32'}`;
    writeFileSync(file, raw(a instanceof Float64Array ? Float32Array.from(a) : a));
    f[name] = file;
  }
  written.set(w.id, f);
  w.release();
  return f;
}

interface PyOutput {
  error?: string;
  numpy?: string;
  python?: string;
  blas?: string;
  threads?: string;
  cpu_count?: number;
  results?: Record<string, ExternalResult>;
}

function runPython(python: string, args: string[], env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<{ code: number | null; stdout: string; spawnError?: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let errBuf = '';
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      errBuf += d.toString();
      let i;
      while ((i = errBuf.indexOf('\n')) >= 0) { log(errBuf.slice(0, i)); errBuf = errBuf.slice(i + 1); }
    });
    child.on('error', (e) => resolve({ code: null, stdout, spawnError: e.message }));
    child.on('close', (code) => { if (errBuf) log(errBuf); resolve({ code, stdout }); });
  });
}

export function numpyEngine(threads: '1' | 'default'): Engine {
  const name = threads === '1' ? 'numpy-1t' : 'numpy-mt';
  let info: string | undefined;
  return {
    kind: 'external',
    name,
    title: threads === '1'
      ? 'NumPy via python3, OPENBLAS_NUM_THREADS=1 (linear classifier: CS231n softmax_loss_vectorized with out= buffers)'
      : 'NumPy via python3, default BLAS threads',
    info: () => info,
    async measure(workloads: Workload[], timing: Timing, log: (s: string) => void) {
      const python = process.env.BENCH_PYTHON ?? 'python3';
      const spec = {
        max_time: timing.maxTime, min_samples: timing.minSamples, min_time: timing.minTime, warmup: timing.warmup,
        workloads: workloads.map((w) => ({
          id: w.id, op: w.op, dtype: w.dtype, rows: w.rows, cols: w.cols, d: w.d, options: w.options, inputs: dataFiles(w),
        })),
      };
      const specPath = path.join(dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'softmax-wasm-bench-')), `spec-${name}.json`);
      writeFileSync(specPath, JSON.stringify(spec));
      const env = { ...process.env };
      for (const k of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) {
        if (threads === '1') env[k] = '1';
        else delete env[k];
      }
      const r = await runPython(python, [SCRIPT, specPath], env, log);
      if (r.spawnError) return `${UNAVAILABLE} (${python}: ${r.spawnError})`;
      let out: PyOutput;
      try {
        out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as PyOutput;
      } catch {
        return `error: ${python} ${path.basename(SCRIPT)} exited with code ${r.code} and no JSON`;
      }
      if (out.error) return `${UNAVAILABLE} (${out.error})`;
      info = `NumPy ${out.numpy} (Python ${out.python}, ${out.blas}), threads ${threads === '1' ? '1' : `default (${out.cpu_count} cores)`}`;
      return new Map(Object.entries(out.results ?? {}));
    },
  };
}
