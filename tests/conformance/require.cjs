// CommonJS entry of the conformance suite (./suite.mjs): `require('softmax-wasm')`, as a CommonJS
// user does (Node ≥ 20.19 and Bun load the ES module through require).
const sm = require('softmax-wasm');

import('./suite.mjs').then(async ({ conformance, report }) => {
  const r = await conformance(sm, 'cjs');
  report(r);
  if (r.failed > 0) process.exitCode = 1;
});
