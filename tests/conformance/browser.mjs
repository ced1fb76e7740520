// Page entry of the conformance suite (./suite.mjs), bundled by the runner with esbuild for the
// browser: the result goes to window.__conformance and into #out.
import * as sm from 'softmax-wasm';
import { conformance } from './suite.mjs';

conformance(sm, 'esm').then((r) => {
  window.__conformance = r;
  document.getElementById('out').textContent = `${r.passed} passed, ${r.failed} failed`;
}, (e) => {
  window.__conformance = { error: String(e?.stack ?? e) };
});
