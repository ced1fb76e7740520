// A CommonJS TypeScript file (.cts) importing the ES-module package statically: works with
// `module: nodenext` (TypeScript ≥ 5.8 models Node's require(esm), Node ≥ 20.19 / 22.12 runs it).
// Compiled by tests/package/package.test.ts with tsconfig.cjs-nodenext.json.
import { loadWasm, matrix, type WasmKernels } from 'softmax-wasm';

export async function main(): Promise<number> {
  const k: WasmKernels = await loadWasm();
  const d = k.sample(matrix(new Float32Array([0, 5, 1]), 1, 3), { logProbs: true, seed: 1 });
  return d.logProbs[0];
}
