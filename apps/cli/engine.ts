/** Loads the kernels a command runs on: the WASM SIMD kernels or the float64 TypeScript reference. */
import { loadWasm, reference, type SoftmaxKernels } from 'softmax-wasm';
import { CommandFailed } from './args.js';

export const ENGINES = ['wasm', 'reference'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface Engine {
  name: EngineName;
  kernels: SoftmaxKernels;
  dispose(): void;
}

/** `threads` (wasm only): loadWasm's option; the train command passes --threads (default 'auto'). */
export async function loadEngine(name: EngineName, threads: number | 'auto' = 1): Promise<Engine & { threads?: number; threadsUnavailable?: string }> {
  if (name === 'reference') return { name, kernels: reference, dispose() {} };
  try {
    const k = await loadWasm({ threads });
    return { name, kernels: k, dispose: () => k.dispose(), threads: k.threads, threadsUnavailable: k.threadsUnavailable };
  } catch (e) {
    throw new CommandFailed(`could not load the WASM kernels (${(e as Error).message}); build them with 'npm run asbuild', or use --engine reference`);
  }
}
