/**
 * The `softmax-wasm` command line: `demo`, `train`, `predict`, `gradcheck`, `bench`, `sample`. Returns the exit code:
 * 0 done, 1 the command failed, 2 a usage mistake (message and hint on stderr).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoftmaxInputError } from 'softmax-wasm';
import { CommandFailed, UsageError, type Io } from './args.js';
import { benchCommand, hasBench, packageRoot } from './commands/bench.js';
import { demoCommand } from './commands/demo.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { trainCommand } from './commands/train.js';
import { sampleCommand } from './commands/sample.js';
import { predictCommand } from './commands/predict.js';

// `bench` runs bench/run.ts, which only a source checkout has: an installed package does not list it.
const HAS_BENCH = hasBench();

export const USAGE = `Usage: softmax-wasm <command> [options]

Commands:
  demo        the tutorial's example (x = [1, 2, 3], W 3×2, label 1) computed right
  train       train a softmax classifier on the MNIST digits or Iris, with progress, curves and a log
  predict     evaluate a model saved by 'train --save' on the held-out digits or Iris
  gradcheck   check the analytic gradients against numerical differences (float64)
${HAS_BENCH ? '  bench       run the benchmark suite (source checkout only)\n' : ''}  sample      time one decoding step's sampling (top-k / top-p / min-p) on an LLM-size vocabulary
Run 'softmax-wasm <command> --help' for the options of a command.
Options: -h, --help (this help), -v, --version
`;

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  demo: demoCommand, train: trainCommand, gradcheck: gradcheckCommand, bench: benchCommand,
  sample: sampleCommand, predict: predictCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) { io.err.write(USAGE); return 2; }
    if (command === '--help' || command === '-h' || command === 'help') { io.out.write(USAGE); return 0; }
    if (command === '--version' || command === '-v') { io.out.write(`${version()}\n`); return 0; }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(command.startsWith('-') ? `unknown option '${command}' (a command comes first)` : `unknown command '${command}'`, '');
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const where = e.command ? `softmax-wasm ${e.command}` : 'softmax-wasm';
      io.err.write(`${where}: ${e.message}\nRun '${where} --help' for usage.\n`);
      return 2;
    }
    if (e instanceof CommandFailed || e instanceof SoftmaxInputError) {
      io.err.write(`softmax-wasm ${command}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
