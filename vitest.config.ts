import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { fileURLToPath } from 'node:url';

// Headless Debian Chromium, as root, on a machine with no network but the package registries.
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/browser/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The relaxed-SIMD build (build/softmax.relaxed.wasm) in Node: Node 20 runs it only with
        // --experimental-wasm-relaxed-simd, which NODE_OPTIONS refuses, so the flag goes to the
        // worker processes. The raw-kernel suites take the module from SOFTMAX_WASM (and gemm_raw
        // compiles its relaxed variant with SOFTMAX_RELAXED=1); loadWasm() picks it by itself here.
        // The 'node' project above runs without the flag: the baseline build, as plain `node` does.
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
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
