#!/usr/bin/env node
/**
 * `npm run demo:web`: the browser demo. Packs the digits for the page if they are missing
 * (apps/web/public/digits.bin, scripts/demo/pack-digits.mjs), builds the kernels if build/softmax.wasm is
 * missing, builds apps/web/ with Vite into dist-web/ and serves it with `vite preview` on 127.0.0.1,
 * printing the URL. Ctrl-C stops it.
 *
 *   node scripts/demo/demo-web.mjs [--port N] [--dev]
 *     --port N  listen on N (default 4173, or the next free port); PORT=N works too
 *     --dev     serve apps/web/ with the Vite dev server instead (no build; edits reload the page)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview } from 'vite';
import { packDigits } from './pack-digits.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configFile = join(root, 'vite.web.config.ts');
const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.PORT ?? 4173);
const dev = args.includes('--dev');

if (!existsSync(join(root, 'build', 'softmax.wasm')) || !existsSync(join(root, 'build', 'softmax.relaxed.wasm'))) {
  console.log('demo:web: build/softmax.wasm or build/softmax.relaxed.wasm is missing; running npm run asbuild');
  execFileSync('npm', ['run', 'asbuild'], { cwd: root, stdio: 'inherit' });
}
const packed = await packDigits();
if (packed.written) console.log(`demo:web: packed the digits into apps/web/public/digits.bin (${(packed.bytes / 1e6).toFixed(1)} MB)`);

let server;
if (dev) {
  server = await createServer({ configFile, server: { host: '127.0.0.1', port } });
  await server.listen();
} else {
  await build({ configFile, logLevel: 'warn' });
  server = await preview({ configFile, preview: { host: '127.0.0.1', port } });
}
const addr = server.httpServer.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/`;
console.log(`\nsoftmax-wasm demo (${dev ? 'vite dev server' : 'dist-web/, vite preview'}): ${url}`);
console.log(`  options: ${url}?epochs=30&batch=64&optimizer=adam&lr=0.005&seed=2  (the benchmark page: npm run bench:web)`);
console.log('  Ctrl-C to stop');
const stop = () => { server.httpServer.close(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
