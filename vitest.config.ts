import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';
import { findChromium } from './scripts/chromium.mjs';

// The package's `#platform` import (package.json "imports") points into dist/; the tests run the
// sources: Node reads build/*.wasm (platform.node.ts), the browser project imports the inlined
// builds (platform.inline.ts, src/wasm/inline/ from `npm run build`), as browsers and Deno do.
// apps/ import the library by its package name; here that is the sources too (exactly the bare
// name: the package's subpaths, e.g. softmax-wasm/package.json, resolve as usual).
const platform = (name: 'node' | 'inline') => ({
  alias: [
    { find: '#platform', replacement: fileURLToPath(new URL(`./src/wasm/platform.${name}.ts`, import.meta.url)) },
    { find: /^softmax-wasm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  ],
});

// Headless Chromium: $CHROMIUM_PATH, else `chromium` on PATH, else the npm package @sparticuz/chromium
// (see scripts/chromium.mjs); resolved only when the browser project runs.
const projects = process.argv.flatMap((a, i) => (a === '--project' ? [process.argv[i + 1]] : a.startsWith('--project=') ? [a.slice(10)] : []));
const wantsBrowser = projects.length === 0 || projects.includes('browser');
const chromium = wantsBrowser ? await findChromium() : { path: '(not used)', source: 'browser project not selected', args: [] };
if (wantsBrowser) console.log(`browser tests: Chromium ${chromium.path} (${chromium.source})`);

export default defineConfig({
  test: {
    projects: [
      {
        resolve: platform('node'),
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/browser/**', 'tests/package/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The relaxed-SIMD build (build/softmax.relaxed.wasm) in Node: Node 20 runs it only with
        // --experimental-wasm-relaxed-simd, which NODE_OPTIONS refuses, so the flag goes to the
        // worker processes. The raw-kernel suites take the module from SOFTMAX_WASM (and gemm.test.ts
        // compiles its relaxed variant with SOFTMAX_RELAXED=1); loadWasm() picks it by itself here.
        // The 'node' project above runs without the flag: the baseline build, as plain `node` does.
        resolve: platform('node'),
        test: {
          name: 'node-relaxed',
          include: ['tests/assembly/**/*.test.ts', 'tests/relaxed.test.ts', 'tests/wasm_vs_reference.test.ts', 'tests/threads.test.ts'],
          environment: 'node',
          execArgv: ['--experimental-wasm-relaxed-simd'],
          env: {
            SOFTMAX_WASM: fileURLToPath(new URL('./build/softmax.relaxed.wasm', import.meta.url)),
            SOFTMAX_RELAXED: '1',
          },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The packed tarball as users get it: contents, publint/attw, consumer types, CommonJS, the
        // runtime matrix (tests/conformance/) and the bundler apps (tests/consumers/).
        test: {
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        resolve: platform('inline'),
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromium.path, args: chromium.args },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
