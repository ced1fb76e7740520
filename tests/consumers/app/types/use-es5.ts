// Declarations under target ES5 (TypeScript 5.9's default target): no `#private` member (TS18028)
// and nothing else that needs a newer target. Compiled with tsconfig.es5.json.
import { Rng, loadWasm, type WasmKernels } from 'softmax-wasm';

export const rng: Rng = new Rng(1);
export const load: () => Promise<WasmKernels> = () => loadWasm();
