/**
 * Vite config of the browser demo (apps/web/): `vite -c vite.web.config.ts` serves it, `vite build -c
 * vite.web.config.ts` writes dist-web/. The page imports the library as 'softmax-wasm' (as every app
 * does), here the sources, which load the kernels from the inlined modules
 * (src/wasm/platform.inline.ts), as browsers do from the package.
 * apps/web/public/digits.bin (scripts/demo/pack-digits.mjs) is copied as is.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('./apps/web'),
  base: './',
  publicDir: here('./apps/web/public'),
  clearScreen: false,
  // The package's `#platform` import points into dist/; the page runs the sources, with the inlined
  // builds (src/wasm/inline/, from `npm run build`) as browsers get them from the package.
  resolve: {
    alias: [
      { find: '#platform', replacement: here('./src/wasm/platform.inline.ts') },
      { find: /^softmax-wasm$/, replacement: here('./src/index.ts') },
    ],
  },
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
