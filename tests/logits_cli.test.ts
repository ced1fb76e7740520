// `softmax-wasm sample`: the timing table on a small vocabulary, help, and usage errors (exit 2).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('softmax-wasm sample', () => {
  it('prints the timing table with the ratios', () => {
    const r = cli(['sample', '--vocab', '3000', '--top-p', '0.9', '--top-k', '40', '--rounds', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('softmax-wasm sample: 1×3000 f32');
    expect(r.stdout).toMatch(/\| wasm sample \(T 0\.8 top-k 40 top-p 0\.9\), input in WASM memory \| [\d.]+ \| [\d.]+× faster \|/);
    expect(r.stdout).toContain('| plain JS: softmax + sort + cumsum |');
    expect(r.stdout).toMatch(/sample \/ softmax: [\d.]+×/);
  });
  it('times sample with the decoding options and filter against plain sample', () => {
    const r = cli(['sample', '--vocab', '3000', '--rows', '2', '--top-k', '40', '--rounds', '1', '--history', '200', '--repetition-penalty', '1.1',
      '--presence-penalty', '0.5', '--frequency-penalty', '0.2', '--bias', '10', '--allowed', '0.9', '--typical-p', '0.9', '--top-n-sigma', '2',
      '--top-logprobs', '5', '--n', '4']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| wasm sample with a 200-token history, repetition 1.1, presence 0.5, frequency 0.2, 10 logit biases, an allowed mask (0.9), typical-p 0.9, top-nσ 2, top 5 log-probs, n 4 |');
    expect(r.stdout).toContain('| wasm filter with the same options, into WASM memory |');
    expect(r.stdout).toMatch(/sample with the decoding options \/ plain sample: [\d.]+× \(\/ plain sample of the processed row: [\d.]+×\)   filter \/ softmax: [\d.]+×/);
    const bad = cli(['sample', '--typical-p', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--typical-p must be a number in (0, 1]; got '0'");
  });
  it('help and usage errors', () => {
    expect(cli(['sample', '--help']).stdout).toContain('Usage: softmax-wasm sample');
    expect(cli(['--help']).stdout).toContain('  sample ');
    const bad = cli(['sample', '--top-p', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--top-p must be a number in (0, 1]; got '0'");
  });
});
