/** `softmax-wasm bench`: runs the benchmark suite (bench/run.ts, with tsx) and forwards its exit code. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CommandFailed, type Io } from '../args.js';

export const BENCH_HELP = `Usage: softmax-wasm bench [arguments for bench/run.ts]

Runs the benchmark suite, bench/run.ts, with tsx (like 'npm run bench'); every argument after
'bench' is passed on to it. Needs a source checkout of softmax-wasm with its dev dependencies
(the published package does not ship bench/).

Options:
  -h, --help   this help (the suite's own options: softmax-wasm bench -- --help)
`;

/**
 * The package root, found through the package's own name (package.json "exports" lists
 * ./package.json), so it is the same whether this runs as apps/cli/ with tsx or as the compiled
 * dist/apps/cli/ of a checkout or an installed package.
 */
export function packageRoot(): string {
  return dirname(createRequire(import.meta.url).resolve('softmax-wasm/package.json'));
}

const BENCH_SCRIPT = 'bench/run.ts';

/** Whether the benchmark suite is here: only a source checkout has bench/ (the package does not ship it). */
export function hasBench(): boolean {
  return existsSync(join(packageRoot(), BENCH_SCRIPT));
}

export async function benchCommand(argv: string[], io: Io): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') { io.out.write(BENCH_HELP); return 0; }
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const root = packageRoot();
  if (!hasBench()) {
    throw new CommandFailed(`${BENCH_SCRIPT} was not found in ${root}: the benchmark suite runs from a source checkout (npm install; npm run bench)`);
  }
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BENCH_SCRIPT, ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', (e) => reject(new CommandFailed(`could not start the benchmark: ${e.message}`)));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
