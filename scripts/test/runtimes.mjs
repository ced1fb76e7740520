// The JavaScript runtimes the test matrix and the engine benchmarks run on. Node 20 is the machine's
// own `node`; Node 22/24, Deno and Bun come from npm packages pinned in tools/runtimes/package-lock.json
// (their binaries ship inside the packages; nothing is downloaded from elsewhere).
//
//   import { runtimes, ensureRuntimes } from './runtimes.mjs';
//   ensureRuntimes();               // npm ci in tools/runtimes once (about 10 s, ~570 MB)
//   for (const r of runtimes()) spawnSync(r.bin, [...r.args, 'script.mjs']);
//
// CLI: `node scripts/test/runtimes.mjs` installs them and prints one line per runtime (name, version, path).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'tools', 'runtimes');
const mod = (...p) => join(dir, 'node_modules', ...p);

/** Name → binary and the arguments that run an ESM file with what the package needs (Deno: read access for the .wasm). */
const TABLE = [
  { name: 'node20', bin: () => process.execPath, args: [], version: (b) => run(b, ['--version']) },
  { name: 'node22', bin: () => mod('node22', 'bin', 'node'), args: [], version: (b) => run(b, ['--version']) },
  { name: 'node24', bin: () => mod('node24', 'bin', 'node'), args: [], version: (b) => run(b, ['--version']) },
  { name: 'deno', bin: () => mod('deno', 'deno'), args: ['run', '--allow-read', '--allow-env'], version: (b) => run(b, ['--version']).split('\n')[0] },
  { name: 'bun', bin: () => mod('bun', 'bin', 'bun'), args: [], version: (b) => 'bun ' + run(b, ['--version']) },
];

function run(bin, args) {
  return execFileSync(bin, args, { encoding: 'utf8' }).trim();
}

/** Installs tools/runtimes (npm ci, exact versions from its lock file) unless it is already there. */
export function ensureRuntimes({ quiet = false } = {}) {
  if (TABLE.every((r) => existsSync(r.bin()))) return;
  if (!quiet) console.log('== installing the runtimes of the test matrix (tools/runtimes: node22, node24, deno, bun)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: quiet ? 'ignore' : 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci in ${dir} failed (exit ${r.status})`);
}

/**
 * The runtimes, each `{ name, bin, args, version }` (`node20` is the Node running this script, whatever
 * its version). `names` filters, e.g. ['node24', 'deno'].
 */
export function runtimes(names) {
  const chosen = names ? TABLE.filter((r) => names.includes(r.name)) : TABLE;
  if (names) for (const n of names) if (!TABLE.some((r) => r.name === n)) throw new Error(`unknown runtime ${n} (known: ${TABLE.map((r) => r.name).join(', ')})`);
  return chosen.map((r) => {
    const bin = r.bin();
    return { name: r.name, bin, args: r.args, version: existsSync(bin) ? r.version(bin) : 'not installed' };
  });
}

export const RUNTIME_NAMES = TABLE.map((r) => r.name);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureRuntimes();
  for (const r of runtimes()) console.log(`${r.name.padEnd(7)} ${r.version.padEnd(50)} ${r.bin}`);
}
