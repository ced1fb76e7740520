/**
 * Vite config of the browser demo (web/): `vite -c vite.web.config.ts` serves it, `vite build -c
 * vite.web.config.ts` writes dist-web/. The page imports the library from src/ and the loader finds
 * build/softmax.wasm with `new URL(..., import.meta.url)`, which Vite emits as an asset file:
 * `assetsInlineLimit: 0` keeps it a file (a small wasm would otherwise be inlined as a data: URL).
 * web/public/digits.bin (scripts/pack-digits.mjs) is copied as is.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('./web'),
  base: './',
  publicDir: here('./web/public'),
  clearScreen: false,
  build: {
    outDir: here('./dist-web'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  // cross-origin isolated (SharedArrayBuffer): the kernels run on every core (loadWasm({ threads }))
  server: { host: '127.0.0.1', fs: { allow: [here('./')] }, headers: ISOLATED },
  preview: { host: '127.0.0.1', headers: ISOLATED },
});
