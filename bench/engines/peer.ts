/**
 * The peers (plain JS, TF.js, ONNX Runtime) have their own version of some ops only: each keys its
 * cases by the registry's op names (bench/ops.ts), and `peerSupports` skips the rest — and the
 * workloads whose options it does not implement — with the reason.
 */
import type { Case } from '../harness.js';
import type { OpName, OpOptions } from '../ops.js';
import type { Workload } from '../workloads.js';

/** A peer's case builder per op it has. */
export type PeerCases = Partial<Record<OpName, (w: Workload) => Case | Promise<Case>>>;

/** The options each peer's version implements (the standard rows': reg of the linear classifier, sampling settings, k). */
const PLAIN_OPTIONS: ReadonlyArray<keyof OpOptions> = ['reg', 'k', 'temperature', 'topP', 'seed'];

/** true, or why `peer` skips workload `w`. */
export function peerSupports(peer: string, cases: Partial<Record<OpName, unknown>>, w: Workload, extra: ReadonlyArray<keyof OpOptions> = []): true | string {
  if (!cases[w.op]) return `${peer} has no ${w.op} here`;
  const other = (Object.keys(w.options) as Array<keyof OpOptions>).filter((o) => !PLAIN_OPTIONS.includes(o) && !extra.includes(o));
  return other.length ? `${peer}'s ${w.op} here has no ${other.join(', ')}` : true;
}
