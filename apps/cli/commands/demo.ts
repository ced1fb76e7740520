/** `softmax-wasm demo`: the tutorial's worked example, computed right, beside what it printed. */
import { solveTutorial, tutorialLines } from '../../shared/tutorial.js';
import type { SoftmaxKernels } from 'softmax-wasm';
import { choice, parse, type Io } from '../args.js';
import { ENGINES, loadEngine } from '../engine.js';

export const DEMO_HELP = `Usage: softmax-wasm demo [--engine wasm|reference]

The worked example of the tutorial this project grew from ("NumPy: how to compute the gradient of
the softmax loss"), computed right: x = [1, 2, 3] (1×3), W = [[-1, 1], [1, -1], [0, 0]] (3×2),
label 1, no bias, no reg; with the numbers the tutorial printed instead, and why they are wrong.

Options:
  --engine NAME   wasm (WASM SIMD kernels, default) or reference (plain TypeScript, float64)
  -h, --help      this help
`;

/** Prints the tutorial's example solved with `k` (float64). */
export function printTutorial(k: SoftmaxKernels, write: (line: string) => void): void {
  for (const line of tutorialLines(solveTutorial(k), 16)) write(line);
}

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse('demo', argv, { engine: { type: 'string' } });
  if (values.help) { io.out.write(DEMO_HELP); return 0; }
  const engine = await loadEngine(choice('demo', 'engine', values.engine as string | undefined, ENGINES, 'wasm'));
  try {
    io.out.write(`The tutorial's example, done right (${engine.name} kernels, float64): x = [1, 2, 3], W = [[-1, 1], [1, -1], [0, 0]], label 1\n`);
    printTutorial(engine.kernels, (line) => io.out.write(`${line}\n`));
  } finally {
    engine.dispose();
  }
  return 0;
}
