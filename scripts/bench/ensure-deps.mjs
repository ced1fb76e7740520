// The benchmarks' peers (TF.js, onnxruntime-node, onnxruntime-web) are their own package, bench/
// (bench/package.json, pinned in bench/package-lock.json), so a contributor's root `npm ci` does not
// carry them. This installs it (npm ci --prefix bench, once: about 700 MB) unless bench/node_modules
// is already there; `npm run bench`, `bench:quick`, `bench:engines` and `bench:web` run it first.
//
//   import { benchDepsMissing, ensureBenchDeps } from './ensure-deps.mjs';
//   benchDepsMissing();   // null when installed, else why not (for a test's skip reason)
//   ensureBenchDeps();    // npm ci --prefix bench when missing
//
// CLI: `node scripts/bench/ensure-deps.mjs` installs it if missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = join(root, 'bench');

/** null when every dependency of bench/package.json is installed in bench/node_modules, else the reason. */
export function benchDepsMissing() {
  const { dependencies } = JSON.parse(readFileSync(join(BENCH_DIR, 'package.json'), 'utf8'));
  const missing = Object.keys(dependencies).filter((d) => !existsSync(join(BENCH_DIR, 'node_modules', d, 'package.json')));
  return missing.length ? `the bench package is not installed (${missing.join(', ')} missing in bench/node_modules; node scripts/bench/ensure-deps.mjs installs it)` : null;
}

/** Installs the bench package (npm ci, exact versions from its lock file) unless it is already there. */
export function ensureBenchDeps({ quiet = false } = {}) {
  if (!benchDepsMissing()) return;
  if (!quiet) console.log('== installing the benchmark peers (bench/: TF.js, onnxruntime-node, onnxruntime-web), once');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', BENCH_DIR], {
    stdio: quiet ? 'ignore' : 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' }, // the CPU build ships in the package: no CUDA download
  });
  if (r.status !== 0) throw new Error(`npm ci in ${BENCH_DIR} failed (exit ${r.status})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBenchDeps();
