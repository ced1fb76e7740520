// ESM entry of the conformance suite (./suite.mjs) for Node, Deno and Bun: `<runtime> conformance.mjs`
// from a folder where the packed softmax-wasm is installed. Exit code 1 when a case fails.
import * as sm from 'softmax-wasm';
import { conformance, report } from './suite.mjs';

const r = await conformance(sm, 'esm');
report(r);
if (r.failed > 0) process.exitCode = 1;
