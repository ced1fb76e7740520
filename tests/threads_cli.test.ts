/**
 * `softmax-wasm train --threads`: the wasm engine on N threads (default auto), said in the
 * "training on" line, with the same training result as on one thread (bit-identical kernels);
 * a bad --threads is a usage error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(os.tmpdir(), 'softmax-threads-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function train(extra: string[], dir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/main.ts', 'train', '--dataset', 'iris', '--epochs', '3', '--out', dir, ...extra],
    { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe('softmax-wasm train --threads', () => {
  it('runs on the threads asked (and auto by default) with the same result as one thread', () => {
    const r2 = train(['--threads', '2'], join(out, 't2'));
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/training on wasm, 2 threads \(f32\)/);
    const r1 = train(['--threads', '1'], join(out, 't1'));
    expect(r1.stdout).toMatch(/training on wasm, 1 thread \(f32\)/);
    const ra = train([], join(out, 'ta'));
    expect(ra.stdout).toMatch(new RegExp(`training on wasm, ${os.availableParallelism()} threads? \\(f32\\)`));
    const log = (d: string) => JSON.parse(readFileSync(join(out, d, 'train-iris.json'), 'utf8')).history.map((h: { loss: number }) => h.loss);
    expect(log('t2')).toEqual(log('t1'));
    expect(log('ta')).toEqual(log('t1'));
  }, 300_000);

  it('rejects a bad --threads', () => {
    const r = train(['--threads', '0'], join(out, 'bad'));
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/--threads/);
  }, 120_000);
});
