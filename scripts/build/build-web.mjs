// `npm run build` step: builds the demo page (apps/web/, vite.web.config.ts) into dist/apps/web/,
// which the package ships and `softmax-wasm demo --web` serves (it packs /digits.bin itself, so the
// 7.9 MB apps/web/public/digits.bin of a checkout is not copied: publicDir off).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const configFile = fileURLToPath(new URL('../../vite.web.config.ts', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/apps/web', import.meta.url));
await build({ configFile, logLevel: 'warn', publicDir: false, build: { outDir, emptyOutDir: true } });
console.log('build-web: dist/apps/web/ (the demo page; softmax-wasm demo --web serves it)');
