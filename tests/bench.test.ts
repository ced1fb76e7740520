/**
 * Keeps the bench from rotting: the whole harness (every registered engine, benchmark.js, the
 * NumPy subprocess, the table, the JSON file) runs every op of the registry on tiny shapes with
 * minimal time. No timing is
 * asserted; what is asserted: every engine produced a finite result or says why it was skipped,
 * the peers agree with the reference on the losses and outputs, and the table prints. The peers of
 * the bench package (TF.js, onnxruntime-node: bench/package.json) are measured when it is installed
 * (`npm run bench` installs it) and skipped with that reason when not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEngines } from '../bench/engines/index.js';
import { relaxedSimdSupported } from '../src/wasm/loader.js';
import { runBench, type BenchReport, type Timing } from '../bench/harness.js';
import { OPS } from '../bench/ops.js';
import { formatReport, writeJson } from '../bench/report.js';
import { filterWorkloads, standardWorkloads, tinyWorkloads } from '../bench/workloads.js';
import { benchDepsMissing } from '../scripts/bench/ensure-deps.mjs';

const TINY: Timing = { maxTime: 0.005, minSamples: 2, minTime: 0.001, warmup: 0.002 };
/** Why the bench package's peers (TF.js, onnxruntime-node) are not installed, or null. */
const peersMissing = benchDepsMissing();

describe('bench harness on tiny shapes', () => {
  const workloads = tinyWorkloads();
  const engines = defaultEngines();
  let report: BenchReport;
  const logs: string[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-test-'));

  beforeAll(async () => {
    report = await runBench({ workloads, engines, timing: TINY, log: (s) => logs.push(s), mode: 'test' });
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has one result per engine and workload: measured (finite) or skipped with a reason, none failed', () => {
    expect(report.results).toHaveLength(workloads.length * engines.length);
    const failed = report.results.filter((r) => r.status === 'error').map((r) => `${r.engine} on ${r.workload}: ${r.reason}`);
    expect(failed).toEqual([]);
    for (const r of report.results) {
      if (r.status === 'skipped') {
        expect(r.reason, `${r.engine} on ${r.workload}`).toMatch(/\w/);
        continue;
      }
      expect(Number.isFinite(r.medianMs) && r.medianMs! > 0, `${r.engine} on ${r.workload}: ${r.medianMs}`).toBe(true);
      expect(r.samples).toBeGreaterThanOrEqual(1);
      if (r.engine !== 'limit') {
        expect(r.check, `${r.engine} on ${r.workload}`).toBeDefined();
        expect(Number.isFinite(r.check!.checksum) && Number.isFinite(r.check!.scale)).toBe(true);
        if (r.check!.loss !== undefined) expect(Number.isFinite(r.check!.loss)).toBe(true);
      }
    }
  });

  it('runs every op on the library engines (exp only zero-copy: it is not public), and skips TF.js on f64 only', () => {
    const get = (w: string, e: string) => report.results.find((r) => r.workload === w && r.engine === e)!;
    for (const w of workloads) {
      for (const name of ['reference', 'wasm-zc', 'limit']) expect(get(w.id, name).status, `${name} on ${w.id}`).toBe('ok');
      if (w.op === 'exp') expect(get(w.id, 'wasm').reason).toMatch(/not a public op/);
      else expect(get(w.id, 'wasm').status, `wasm on ${w.id}`).toBe('ok');
      for (const name of ['tfjs-cpu', 'tfjs-wasm']) {
        const r = get(w.id, name);
        // TF.js is in the bench package (bench/package.json): without it the column says so
        if (peersMissing) expect(r.reason, `${name} on ${w.id}`).toMatch(/TF\.js not installed/);
        else if (w.dtype === 'f64') expect(r.reason).toMatch(/float64/);
        else if (['softmax', 'softmaxCrossEntropy', 'linearSoftmaxLoss'].includes(w.op) && !w.options.weights && !w.options.inputGrad) {
          expect(r.status, `${name} on ${w.id}: ${r.reason}`).toBe('ok');
        }
      }
    }
    for (const op of Object.keys(OPS)) expect(workloads.filter((w) => w.op === op).length, op).toBeGreaterThan(0);
    // a peer without an op says so
    expect(report.results.find((r) => r.engine === 'plain-js' && r.workload.startsWith('argmax'))!.reason).toMatch(/plain JS has no argmax/);
  });

  it('measures the relaxed-SIMD build where the engine has it, else skips it with the reason', () => {
    for (const w of workloads) {
      const r = report.results.find((x) => x.workload === w.id && x.engine === 'wasm-relaxed-zc')!;
      if (relaxedSimdSupported()) expect(r.status, `${w.id}: ${r.reason}`).toBe('ok');
      else expect(r.reason).toMatch(/relaxed SIMD not available in this engine \(Node 20 needs --experimental-wasm-relaxed-simd/);
    }
  });

  it('the peers compute the same thing: losses and output checksums agree with the reference', () => {
    const compared = report.results.filter((r) => r.agree);
    const measured = report.results.filter((r) => r.status === 'ok' && r.engine !== 'reference' && r.engine !== 'limit');
    expect(compared.length).toBe(measured.length);
    const off = compared.filter((r) => !r.agree!.ok).map((r) => `${r.engine} on ${r.workload}: loss ${r.agree!.loss}, checksum ${r.agree!.checksum}`);
    expect(off).toEqual([]);
    // the losses carry a loss; every other op only the output checksum.
    for (const r of compared) {
      if (/^(softmaxCrossEntropy|linearSoftmaxLoss|nllLoss) /.test(r.workload)) expect(Number.isFinite(r.check!.loss)).toBe(true);
      else expect(r.check!.loss).toBeUndefined();
    }
  });

  it('prints a pasteable markdown table with a machine header, one row per workload, ratio columns', () => {
    const table = formatReport(report);
    expect(table).toContain(process.version);
    const lines = table.split('\n');
    const header = lines.find((l) => l.startsWith('| workload |'))!;
    for (const e of engines) expect(header).toContain(`${e.name} ms`);
    expect(header).toContain('wasm-zc vs tfjs-wasm');
    expect(header).toContain('wasm vs numpy-1t');
    for (const w of workloads) expect(lines.filter((l) => l.startsWith(`| ${w.id} |`))).toHaveLength(2); // main + speedups
    const cols = header.split('|').length;
    for (const l of lines.filter((x) => x.startsWith(`| ${workloads[0].id} |`)).slice(0, 1)) expect(l.split('|').length).toBe(cols);
  });

  it('writes the report as JSON', () => {
    const file = path.join(tmp, 'sub', 'r.json');
    writeJson(report, file);
    const back = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    expect(back.results.length).toBe(report.results.length);
    expect(back.machine.cores).toBeGreaterThan(0);
  });
});

describe('bench workloads', () => {
  it('label each row by op, options and shape; every public op is a row; f32 plus the linear classifier in f64; deterministic data', () => {
    const ids = standardWorkloads().map((w) => w.id);
    expect(ids).toEqual([
      'softmax 1×131072 f32', 'softmax 1×32000 f32', 'softmax 256×1000 f32', 'softmax 4096×10 f32',
      'logSoftmax 256×1000 f32', 'softmaxBackward 256×1000 f32', 'logSoftmaxBackward 256×1000 f32', 'softmaxJacobian 1×256 f32',
      'exp 1×131072 f32',
      'softmaxCrossEntropy 4096×1000 f32', 'softmaxCrossEntropy 256×10 f32', 'softmaxCrossEntropy +weights +labelSmoothing 0.1 4096×1000 f32',
      'linearSoftmaxLoss 500×3073×10 f32', 'linearSoftmaxLoss 256×784×10 f32', 'linearSoftmaxLoss 64×512×10000 f32',
      'linearSoftmaxLoss +bias +inputGrad 256×784×10 f32', 'linearScores +bias 500×3073×10 f32',
      'logSumExp 64×32000 f32', 'argmax 64×32000 f32', 'topK k=50 1×32000 f32', 'sample T=0.8 top-p 0.9 1×32000 f32',
      'sample T=0.8 top-p 0.9 top-k 50 1×128256 f32', 'sample T=0.8 top-p 0.9 top-k 50 +decoding 1×128256 f32',
      'sample T=0.8 top-p 0.9 top-k 50 top-logprobs 20 1×128256 f32', 'sample T=0.8 top-p 0.9 top-k 50 n=8 1×128256 f32',
      'sample T=0.8 top-p 0.9 top-k 50 +decoding 8×128256 f32', 'filter T=0.8 top-p 0.9 top-k 50 1×128256 f32',
      'nllLoss 4096×1000 f32',
      'linearSoftmaxLoss 500×3073×10 f64', 'linearSoftmaxLoss 256×784×10 f64', 'linearSoftmaxLoss 64×512×10000 f64',
    ]);
    expect(new Set(standardWorkloads().map((w) => w.op))).toEqual(new Set(Object.keys(OPS)));
    // the rows that existed before the registry keep their data (the same seeds)
    const s3 = standardWorkloads().find((w) => w.id === 'linearSoftmaxLoss 256×784×10 f32')!;
    expect(s3.seed).toBe((51 * 1_000_003 + 256 * 7919 + 10 * 104_729 + 784 * 15_485_863) >>> 0);
    const [a, b] = [tinyWorkloads(), tinyWorkloads()];
    expect(Array.from(a[2].data().x)).toEqual(Array.from(b[2].data().x));
    const lin = a.find((w) => w.op === 'linearSoftmaxLoss' && w.dtype === 'f32')!, s3d = a.find((w) => w.op === 'linearSoftmaxLoss' && w.dtype === 'f64')!;
    expect(Array.from(s3d.data().W!)).toEqual(Array.from(lin.data().W!)); // f64 = widened f32 values
    const W = lin.data().W!;
    const sd = Math.sqrt(Array.from(W).reduce((s, v) => s + v * v, 0) / W.length);
    expect(sd).toBeGreaterThan(0.003);
    expect(sd).toBeLessThan(0.03); // W ~ 0.01·N(0, 1)
    const labels = lin.data().labels!;
    expect(labels.every((y) => y >= 0 && y < lin.cols)).toBe(true);
    // valid inputs where the op needs them: probabilities for softmaxBackward, x ≤ 0 for exp
    const back = a.find((w) => w.op === 'softmaxBackward')!;
    const row = Array.from(back.data().x.subarray(0, back.cols));
    expect(row.every((p) => p >= 0)).toBe(true);
    expect(Math.abs(row.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-5);
    expect(Array.from(a.find((w) => w.op === 'exp')!.data().x).every((v) => v <= 0)).toBe(true);
    expect(filterWorkloads(standardWorkloads(), 'linearSoftmaxLoss,1×32000').map((w) => w.id)).toHaveLength(10);
  });
});
