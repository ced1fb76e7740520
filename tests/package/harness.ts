/**
 * Helpers of the package tests: pack the package, install it into a copy of the consumer project
 * (tests/consumers/app: npm ci from its committed lock, then the tarball), serve a folder over
 * http, and read a page's result in headless Chromium (playwright) or Firefox (puppeteer-core,
 * WebDriver BiDi).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../../scripts/chromium.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The runtime lines of this run, for .ci/run (gitignored). */
export const REPORT = join(ROOT, '.package-report.txt');

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${err.status}:\n${err.stdout}\n${err.stderr}`);
  }
}

/** run() without blocking the event loop (for tests that run side by side). */
export function runAsync(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out}`))));
  });
}

export function note(line: string): void {
  console.log(line);
  appendFileSync(REPORT, line + '\n');
}

export interface Installed { tgz: string; app: string; tmp: string }

/** Builds if stale, packs as `npm publish` would, and installs it into a copy of the consumer. */
export function packAndInstall(): Installed {
  run(process.execPath, [join(ROOT, 'scripts', 'build', 'ensure-build.mjs')], ROOT);
  const tmp = mkdtempSync(join(tmpdir(), 'softmax-wasm-pkg-'));
  // With scripts: prepack strips `prepare` from the packed package.json (scripts/release/pack-manifest.mjs).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT)) as Array<{ filename: string }>;
  const tgz = join(tmp, packed[0].filename);
  const app = join(tmp, 'app');
  cpSync(join(ROOT, 'tests', 'consumers', 'app'), app, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist-[^/\\]*)$/.test(src),
  });
  cpSync(join(ROOT, 'tests', 'conformance'), join(app, 'conformance'), { recursive: true });
  run('npm', ['ci', '--no-audit', '--no-fund'], app);
  // stdout and stderr: npm prints its install-script warnings on stderr.
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', tgz], { cwd: app, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm install ${tgz} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { tgz, app, tmp, installLog: r.stdout + r.stderr } as Installed & { installLog: string };
}

const MIME: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
};

/**
 * Serves `dir` on 127.0.0.1 (a random port), cross-origin isolated (COOP/COEP), so the pages can use
 * SharedArrayBuffer and loadWasm({ threads }) runs its workers there; `close()` stops it.
 */
export async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    const file = join(dir, path === '' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) { res.writeHead(404); res.end('not found'); return; }
    try {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Opens `url` in headless Chromium and returns `expr` once it is truthy (polling), plus the console. */
export async function inChromium<T>(url: string, expr: string, timeoutMs = 60_000): Promise<{ value: T; version: string; console: string[] }> {
  const { chromium } = await import('playwright');
  const c = await findChromium();
  const browser = await chromium.launch({ executablePath: c.path, args: c.args, headless: true });
  const logs: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(url);
    const handle = await page.waitForFunction(expr, undefined, { timeout: timeoutMs, polling: 100 });
    return { value: (await handle.jsonValue()) as T, version: browser.version(), console: logs };
  } finally {
    await browser.close();
  }
}

/** The same in Firefox (Debian's firefox-esr, WebDriver BiDi through puppeteer-core). */
export async function inFirefox<T>(url: string, expr: string, timeoutMs = 60_000): Promise<{ value: T; version: string; console: string[] }> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const logs: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => logs.push(m.text()));
    await page.goto(url);
    const handle = await page.waitForFunction(expr, { timeout: timeoutMs, polling: 100 });
    return { value: (await handle.jsonValue()) as T, version: await browser.version(), console: logs };
  } finally {
    await browser.close();
  }
}

/** Starts `node <bin> …args` in `cwd`, resolves with the process once a stdout line matches `ready`. */
export function startServer(bin: string, args: string[], cwd: string, ready: RegExp): Promise<{ proc: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { proc.kill(); reject(new Error(`server did not start:\n${out}`)); }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc, match: m }); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); });
  });
}

export function writeHtml(dir: string, script: string, module: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><div id="out">pending</div><script ${module ? 'type="module" ' : ''}src="./${script}"></script>\n`);
}
