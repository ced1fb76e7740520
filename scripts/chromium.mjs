// Which Chromium the browser tests drive, in this order:
//   1. $CHROMIUM_PATH,
//   2. `chromium` (or `chromium-browser`) on PATH (Debian's package, as .ci/run installs it),
//   3. the headless Chromium inside the npm package @sparticuz/chromium (a devDependency): its
//      executablePath() unpacks it to /tmp once, so a fresh clone needs nothing but Node and npm.
// `findChromium()` returns { path, source, args } with args merged from ours and the package's.
// CLI: `node scripts/chromium.mjs` prints the choice.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Headless, as root, on a machine with no network but the package registries. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

function executable(p) {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

function onPath(names) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) if (executable(join(dir, n))) return join(dir, n);
  }
  return null;
}

/**
 * The package's flags we leave out: --single-process is for serverless sandboxes (the tests want an
 * ordinary multi-process browser); --disable-web-security makes every page report
 * `crossOriginIsolated === false` even when served with COOP/COEP (measured with Chromium 153: with
 * it, false; without it, true), so loadWasm({ threads }) would fall back to 1 thread.
 */
const DROPPED = ['--single-process', '--disable-web-security'];

/** Ours first, then the package's flags whose name (before '=') we do not set already. */
function mergeArgs(ours, theirs) {
  const name = (a) => a.split('=')[0];
  const theirNames = new Set(theirs.map(name));
  // The package runs its build with --headless='shell'; keep that one instead of our plain --headless.
  const kept = ours.filter((a) => !(name(a) === '--headless' && theirNames.has('--headless')));
  const keptNames = new Set(kept.map(name));
  return [...kept, ...theirs.filter((a) => !keptNames.has(name(a)) && !DROPPED.includes(name(a)))];
}

let cached;
/** @returns {Promise<{ path: string, source: string, args: string[] }>} */
export async function findChromium() {
  if (cached) return cached;
  const env = process.env.CHROMIUM_PATH;
  if (env) {
    if (!executable(env)) throw new Error(`CHROMIUM_PATH=${env} is not an executable file`);
    return (cached = { path: env, source: 'CHROMIUM_PATH', args: CHROMIUM_ARGS });
  }
  const system = onPath(['chromium', 'chromium-browser']);
  if (system) return (cached = { path: system, source: 'system chromium on PATH', args: CHROMIUM_ARGS });
  const { default: sparticuz } = await import('@sparticuz/chromium');
  const path = await sparticuz.executablePath();
  return (cached = { path, source: 'npm @sparticuz/chromium', args: mergeArgs(CHROMIUM_ARGS, sparticuz.args) });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const c = await findChromium();
  console.log(`chromium: ${c.path} (${c.source})`);
}
