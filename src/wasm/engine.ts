/**
 * The WASM engine: runs each public op on the raw kernels of src/wasm/abi.ts through the op's
 * marshalling plan, declared in its registry entry (src/ops/): a `Call` (src/wasm/marshal.ts) says
 * which arrays go in, which come out, how much workspace the kernel needs, then makes the raw call
 * with the slots' pointers. Arguments arrive validated and normalized (src/api.ts), outputs allocated.
 */
import type { Op, RawKernel, WasmContext } from '../ops/op.js';
import type { FloatArray } from '../types_core.js';
import { dtypeOf } from '../validate.js';
import type { SoftmaxWasmExports } from './abi.js';
import { Arena } from './arena.js';
import { Call, type CallTarget } from './marshal.js';
import type { MatrixHome } from './wasm_matrix.js';

/** The engine of one instance; it is also the home of that instance's alloc() matrices. */
export class WasmEngine implements CallTarget, MatrixHome {
  readonly arena: Arena;
  readonly dropViews = new Set<() => void>();
  private readonly raw: Record<string, RawKernel>;
  constructor(readonly exports: SoftmaxWasmExports) {
    this.arena = new Arena(exports.memory, exports.heap_base());
    this.raw = exports as unknown as Record<string, RawKernel>;
  }

  get memory(): WebAssembly.Memory { return this.exports.memory; }

  /** Runs `op` on `args` (its normalized arguments) through the op's WASM plan. */
  run(op: Op<string, unknown, unknown>, args: unknown): number | void {
    const raw = this.raw;
    const w: WasmContext = {
      call: () => new Call(this, op.name),
      kernel: (base: string, like: FloatArray) => raw[`${base}_${dtypeOf(like) === 'f64' ? 'f64' : 'f32'}`],
      raw: (name: string) => raw[name],
    };
    return op.wasm(w, args);
  }
}
