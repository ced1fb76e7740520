// The app every bundler builds: the tutorial's example through the installed package.
import { loadWasm, matrix } from 'softmax-wasm';

const out = document.getElementById('out');
loadWasm().then((k) => {
  const p = k.softmax(matrix(new Float64Array([1, 2, 3]), 1, 3)).data;
  const r = k.linearSoftmaxLoss(matrix(new Float64Array([1, 2, 3]), 1, 3), new Int32Array([1]),
    matrix(new Float64Array([-1, 1, 1, -1, 0, 0]), 3, 2));
  out.textContent = `build=${k.build} softmax=${Array.from(p, (v) => v.toFixed(6)).join(',')} loss=${r.loss.toFixed(12)}`;
}, (e) => {
  out.textContent = `error: ${e.message}`;
});
