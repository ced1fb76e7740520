/**
 * The op registry: every public op of softmax-wasm, in the order of the docs table (docs/ops.md).
 * Each family file (./softmax.ts, ./backward.ts, …) declares its ops (see ./op.ts for what an entry
 * holds) and exports them as a list; this file joins the lists. A new op in an existing family is
 * one entry in that file; a new family file adds its list here.
 *
 * Derived from it: the public methods (src/api.ts createKernels), the Backend type both engines
 * implement (below), the reference engine (src/reference/backend.ts), the WASM engine's dispatch
 * (src/wasm/engine.ts) and loadWasm's forwarding backend (src/wasm/load_wasm.ts), the pool's split
 * (src/wasm/threaded.ts), bench/ops.ts and bench/workloads.ts, scripts/numerics/digest.ts and docs/ops.md
 * (scripts/build/ops-doc.ts).
 */
import type { EngineMemory } from '../snapshot_seal.js';
import { BACKWARD_OPS } from './backward.js';
import { CROSS_ENTROPY_OPS } from './cross_entropy.js';
import { LINEAR_OPS } from './linear.js';
import { LOGITS_OPS } from './logits.js';
import type { Op } from './op.js';
import { SAMPLE_OPS } from './sample.js';
import { SOFTMAX_OPS } from './softmax.js';
import { TENSOR_OPS } from './tensors.js';

export const OPS = [...SOFTMAX_OPS, ...BACKWARD_OPS, ...CROSS_ENTROPY_OPS, ...LINEAR_OPS, ...LOGITS_OPS, ...SAMPLE_OPS, ...TENSOR_OPS] as const;

type AnyEntry = (typeof OPS)[number];
/** The name of a public op. */
export type OpName = AnyEntry['name'];
/** The normalized arguments an engine receives for op `N`. */
export type ArgsOf<N extends OpName> = Extract<AnyEntry, { name: N }> extends Op<N, infer A, unknown> ? A : never;

/**
 * The internal interface between the validating public layer (src/api.ts) and the two engines
 * (src/reference, src/wasm): one method per op, taking the op's normalized arguments. Everything
 * a Backend receives is validated: shapes agree, every matrix of a call has one float type, labels
 * are in range, options are normalized, and every output array exists. A Backend only computes;
 * it returns the op's number (a loss) where it has one. An output may be the very same array
 * region as an input (e.g. `out === x`); partial overlaps are rejected before a Backend sees them.
 */
export type Backend = { [N in OpName]: (args: ArgsOf<N>) => number | void } & EngineMemory;

/** An entry by name. */
export const OP_BY_NAME: ReadonlyMap<string, Op<OpName, unknown, unknown>> = new Map(
  OPS.map((op) => [op.name, op as unknown as Op<OpName, unknown, unknown>]),
);

/** The list as plain entries (for code that walks every op without caring for its types). */
export const ENTRIES: ReadonlyArray<Op<OpName, unknown, unknown>> = OPS as unknown as ReadonlyArray<Op<OpName, unknown, unknown>>;

/** A Backend whose every op method forwards to `compute(op, args)`, with the engine's memory traits. */
export function backendOf(compute: (op: Op<OpName, unknown, unknown>, args: unknown) => number | void, memory: EngineMemory = {}): Backend {
  const b: Record<string, unknown> = { ...memory };
  for (const op of ENTRIES) b[op.name] = (args: unknown) => compute(op, args);
  return b as unknown as Backend;
}
