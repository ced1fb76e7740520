#!/usr/bin/env node
/** Entry point of the `softmax-wasm` command (package.json "bin"); see ./run.ts. */
import { main } from './run.js';

// `softmax-wasm … | head`: a closed pipe ends the command quietly, as for other Unix tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
