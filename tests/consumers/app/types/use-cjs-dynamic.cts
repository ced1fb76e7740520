// A CommonJS TypeScript file (.cts) under `module: node16` / `node18`, where a static import of an
// ES module is TS1479: values through `await import(...)`, types through an import type with
// `resolution-mode: 'import'`. Compiled with tsconfig.cjs-node16.json and tsconfig.cjs-node18.json.
import type { WasmKernels } from 'softmax-wasm' with { 'resolution-mode': 'import' };

export async function main(): Promise<number> {
  const sm = await import('softmax-wasm');
  const k: WasmKernels = await sm.loadWasm();
  const d = k.sample(sm.matrix(new Float32Array([0, 5, 1]), 1, 3), { logProbs: true, seed: 1 });
  return d.logProbs[0];
}
