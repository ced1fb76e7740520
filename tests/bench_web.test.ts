/**
 * The browser benchmark page (bench/web/, served cross-origin isolated by scripts/bench/bench-web.mjs) in
 * headless Chromium on the tiny shapes: it is cross-origin isolated, and every column — the
 * library's, including wasm-zc-t2 on two threads, and the browser peers onnxruntime-web and
 * tfjs-backend-wasm on their threaded builds — produced a finite time on the ops it has, with
 * results (loss, output checksum) that agree with the reference. Skipped, with the reason, when the
 * bench package (bench/package.json: the peers) is not installed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchDepsMissing } from '../scripts/bench/ensure-deps.mjs';

interface Cell { engine: string; status: string; reason?: string; ms?: number; agree?: boolean; loss?: number; checksum?: number }
interface PageRun { crossOriginIsolated: boolean; threads: number; engines: string[]; info: string[]; rows: Array<{ id: string; cells: Cell[] }>; table: string }

const script = fileURLToPath(new URL('../scripts/bench/bench-web.mjs', import.meta.url));
let run: PageRun;
/** The page's peers (onnxruntime-web, TF.js) come from the bench package (bench/package.json). */
const missing = benchDepsMissing();

beforeAll(async () => {
  if (missing) return;
  const { stdout } = await promisify(execFile)(process.execPath, [script, '--headless', '--json', '--query', 'tiny=1&threads=2&ms=10'],
    { maxBuffer: 1 << 24, timeout: 120_000 });
  run = JSON.parse(stdout.trim().split('\n').pop()!) as PageRun;
}, 130_000);

describe.skipIf(missing !== null)(`browser bench page on tiny shapes${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const cell = (row: string, engine: string): Cell => run.rows.find((r) => r.id === row)!.cells.find((c) => c.engine === engine)!;

  it('is cross-origin isolated and has the Node bench\'s library columns plus the threaded browser peers', () => {
    expect(run.crossOriginIsolated).toBe(true);
    expect(run.engines).toEqual(['reference', 'plain-js', 'wasm', 'wasm-zc', 'wasm-relaxed-zc', 'wasm-zc-t2', 'ort-web-t2', 'tfjs-wasm-t2']);
    expect(run.info.find((l) => l.startsWith('wasm-zc-t2'))).toMatch(/2 threads/);
    expect(run.table.split('\n')[0]).toContain('| ort-web-t2 ms | tfjs-wasm-t2 ms |');
  });

  it('no column failed; every measured cell has a finite time and agrees with the reference', () => {
    const failed = run.rows.flatMap((r) => r.cells.filter((c) => c.status === 'error').map((c) => `${c.engine} on ${r.id}: ${c.reason}`));
    expect(failed).toEqual([]);
    for (const r of run.rows) {
      for (const c of r.cells.filter((x) => x.status === 'ok')) {
        expect(Number.isFinite(c.ms) && c.ms! > 0, `${c.engine} on ${r.id}: ${c.ms}`).toBe(true);
        if (c.engine !== 'reference') expect(c.agree, `${c.engine} on ${r.id}: loss ${c.loss}, checksum ${c.checksum}`).toBe(true);
      }
    }
  });

  it('the peers run the linear classifier, softmax and cross-entropy (losses within tolerance of the reference)', () => {
    for (const engine of ['ort-web-t2', 'tfjs-wasm-t2', 'wasm-zc-t2']) {
      for (const row of ['softmax 3×37 f32', 'softmaxCrossEntropy 5×7 f32', 'linearSoftmaxLoss 6×13×5 f32']) {
        const c = cell(row, engine);
        expect(c.status, `${engine} on ${row}: ${c.reason}`).toBe('ok');
        expect(c.agree).toBe(true);
        if (row !== 'softmax 3×37 f32') expect(c.loss).toBeLessThan(1e-4); // relative loss error
      }
    }
  });
});
