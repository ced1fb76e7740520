// Safari's engine on Linux: WebKitGTK's MiniBrowser driven through WebKitWebDriver (Debian:
// `apt-get install -y webkit2gtk-driver xvfb`), with plain WebDriver HTTP calls (fetch), no client
// library. The one home of the tests' WebKit: tests/package/package.test.ts (the conformance suite
// and the threads page of the packed package) uses it.
//   findWebKit()                  → { driver, xvfb } or null with `why` (not installed)
//   inWebKit(url, expr, options)  → { value, version, userAgent }: opens url, polls until expr is truthy
// Each call starts its own virtual display (Xvfb -displayfd, so no fixed display number) and driver
// on a free port, and stops both by their pids when done. The browser runs in its default
// configuration unless options.env sets JSC_* variables (e.g. JSC_useSharedArrayBuffer=1).
// CLI: `node scripts/webkit.mjs <url> [expr]` prints what the page gives.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const XVFB = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';

function executable(p) {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

/** @returns {{ driver: string, xvfb: string } | { why: string }} */
export function findWebKit() {
  if (!executable(DRIVER)) return { why: `no ${DRIVER} (apt-get install -y webkit2gtk-driver xvfb, or set WEBKIT_DRIVER)` };
  if (!executable(XVFB)) return { why: `no ${XVFB} (apt-get install -y xvfb, or set XVFB_PATH)` };
  return { driver: DRIVER, xvfb: XVFB };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts Xvfb on a display it picks itself; resolves with { proc, display }. */
function startXvfb(xvfb) {
  return new Promise((resolve, reject) => {
    const proc = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let err = '';
    let fd = '';
    const timer = setTimeout(() => { proc.kill(); reject(new Error(`Xvfb did not start: ${err}`)); }, 20_000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdio[3].on('data', (d) => {
      fd += d;
      if (fd.includes('\n')) { clearTimeout(timer); resolve({ proc, display: `:${fd.trim()}` }); }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

async function wd(base, method, path, body) {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 500)}`);
  return json.value;
}

/**
 * Opens `url` in WebKitGTK and returns `expr` (a JavaScript expression) once it is truthy, polling
 * every 200 ms up to `timeoutMs`.
 * @param {string} url @param {string} expr
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<{ value: unknown, version: string, userAgent: string }>}
 */
export async function inWebKit(url, expr, options = {}) {
  const found = findWebKit();
  if ('why' in found) throw new Error(`WebKit: ${found.why}`);
  const { timeoutMs = 90_000, env = {} } = options;
  const x = await startXvfb(found.xvfb);
  const port = await freePort();
  const driver = spawn(found.driver, [`--port=${port}`], { env: { ...process.env, ...env, DISPLAY: x.display }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  driver.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  let session;
  try {
    for (let i = 0; ; i++) {
      try { await wd(base, 'GET', '/status'); break; } catch (e) {
        if (i > 100 || driver.exitCode !== null) throw new Error(`WebKitWebDriver did not start: ${e.message}\n${log}`);
        await sleep(100);
      }
    }
    const s = await wd(base, 'POST', '/session', { capabilities: { alwaysMatch: {} } });
    session = s.sessionId;
    await wd(base, 'POST', `/session/${session}/url`, { url });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await wd(base, 'POST', `/session/${session}/execute/sync`, { script: `return (${expr});`, args: [] });
      if (value) {
        const userAgent = await wd(base, 'POST', `/session/${session}/execute/sync`, { script: 'return navigator.userAgent', args: [] });
        return { value, version: s.capabilities?.browserVersion ?? '?', userAgent };
      }
      if (Date.now() > deadline) throw new Error(`WebKit: ${expr} still falsy after ${timeoutMs} ms at ${url}`);
      await sleep(200);
    }
  } finally {
    if (session) await wd(base, 'DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    await new Promise((r) => (driver.exitCode !== null ? r() : driver.once('exit', r)));
    x.proc.kill();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [url, expr = 'document.readyState === "complete" && document.title'] = process.argv.slice(2);
  if (!url) { console.error('usage: node scripts/webkit.mjs <url> [expr]'); process.exit(2); }
  console.log(JSON.stringify(await inWebKit(url, expr)));
}
