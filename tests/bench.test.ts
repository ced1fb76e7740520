/**
 * Keeps the bench from rotting: the whole harness (every registered engine, benchmark.js, the
 * NumPy subprocess, the table, the JSON file) runs on tiny shapes with minimal time. No timing is
 * asserted; what is asserted: every engine produced a finite result or says why it was skipped,
 * the peers agree with the reference on the losses and outputs, and the table prints.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEngines } from '../bench/engines/index.js';
import { relaxedSimdSupported } from '../src/wasm/loader.js';
import { formatReport, runBench, writeJson, type BenchReport, type Timing } from '../bench/harness.js';
import { filterWorkloads, standardWorkloads, tinyWorkloads } from '../bench/workloads.js';

const TINY: Timing = { maxTime: 0.005, minSamples: 2, minTime: 0.001, warmup: 0.002 };

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

  it('runs the in-process engines that are always available, and skips TF.js on f64 only', () => {
    for (const w of workloads) {
      for (const name of ['reference', 'plain-js', 'wasm', 'wasm-zc', 'limit']) {
        expect(report.results.find((r) => r.workload === w.id && r.engine === name)?.status, `${name} on ${w.id}`).toBe('ok');
      }
      for (const name of ['tfjs-cpu', 'tfjs-wasm']) {
        const r = report.results.find((x) => x.workload === w.id && x.engine === name)!;
        if (w.dtype === 'f64') expect(r.reason).toMatch(/float64/);
        else expect(r.status, `${name} on ${w.id}: ${r.reason}`).toBe('ok');
      }
    }
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
    // S2/S3 carry a loss; S1 only the output checksum.
    for (const r of compared) {
      if (r.workload.startsWith('S1')) expect(r.check!.loss).toBeUndefined();
      else expect(Number.isFinite(r.check!.loss)).toBe(true);
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
  it('are the shapes of issue 3, f32 plus S3 in f64, with deterministic data', () => {
    const ids = standardWorkloads().map((w) => w.id);
    expect(ids).toEqual([
      'S1 softmax 1×131072 f32', 'S1 softmax 1×32000 f32', 'S1 softmax 256×1000 f32', 'S1 softmax 4096×10 f32',
      'S2 cross-entropy 4096×1000 f32', 'S2 cross-entropy 256×10 f32',
      'S3 linear N=500 D=3073 C=10 f32', 'S3 linear N=256 D=784 C=10 f32', 'S3 linear N=64 D=512 C=10000 f32',
      'S3 linear N=500 D=3073 C=10 f64', 'S3 linear N=256 D=784 C=10 f64', 'S3 linear N=64 D=512 C=10000 f64',
    ]);
    const [a, b] = [tinyWorkloads(), tinyWorkloads()];
    expect(Array.from(a[2].data().x)).toEqual(Array.from(b[2].data().x));
    const s3 = a.find((w) => w.group === 'S3' && w.dtype === 'f32')!, s3d = a.find((w) => w.group === 'S3' && w.dtype === 'f64')!;
    expect(Array.from(s3d.data().W!)).toEqual(Array.from(s3.data().W!)); // f64 = widened f32 values
    const W = s3.data().W!;
    const sd = Math.sqrt(Array.from(W).reduce((s, v) => s + v * v, 0) / W.length);
    expect(sd).toBeGreaterThan(0.003);
    expect(sd).toBeLessThan(0.03); // W ~ 0.01·N(0, 1)
    const labels = s3.data().labels!;
    expect(labels.every((y) => y >= 0 && y < s3.cols)).toBe(true);
    expect(filterWorkloads(standardWorkloads(), 's3,1×32000').map((w) => w.id)).toHaveLength(7);
  });
});
