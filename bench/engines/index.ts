/** The engine registry: every column of the bench, in table order. */
import type { Engine } from '../harness.js';
import { limitsEngine } from './limits.js';
import { numpyEngine } from './numpy.js';
import { ortEngine } from './ort.js';
import { plainJsEngine } from './plain-js.js';
import { referenceEngine } from './reference.js';
import { tfjsEngine } from './tfjs.js';
import { wasmPlainEngine } from './wasm-plain.js';
import { wasmZeroCopyEngine } from './wasm-zerocopy.js';
import { wasmThreadsEngine } from './wasm-threads.js';

export interface EngineChoice {
  numpy?: boolean;
  tfjs?: boolean;
  limits?: boolean;
  /** The wasm-relaxed-zc column (skipped where the engine has no relaxed SIMD). */
  relaxed?: boolean;
  /** The threaded columns (wasm-t2, wasm-zc-t2, wasm-zc-tall). */
  threads?: boolean;
  /** The onnxruntime-node columns (ort-1t, ort-2t). */
  ort?: boolean;
}

export function defaultEngines(choice: EngineChoice = {}): Engine[] {
  const engines: Engine[] = [referenceEngine(), plainJsEngine()];
  if (choice.tfjs !== false) engines.push(tfjsEngine('cpu'), tfjsEngine('wasm'));
  if (choice.numpy !== false) engines.push(numpyEngine('1'), numpyEngine('default'));
  engines.push(wasmPlainEngine(), wasmZeroCopyEngine());
  if (choice.relaxed !== false) engines.push(wasmZeroCopyEngine('relaxed'));
  if (choice.threads !== false) engines.push(wasmThreadsEngine(2, 'plain'), wasmThreadsEngine(2, 'zc'), wasmThreadsEngine('auto', 'zc'));
  if (choice.ort !== false) engines.push(ortEngine(1), ortEngine(2));
  if (choice.limits !== false) engines.push(limitsEngine());
  return engines;
}
