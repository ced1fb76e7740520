/**
 * The peers' own test cases as committed JSON (scripts/numerics/make-tensor-fixtures.py): ONNX's backend
 * node-test cases (tests/fixtures/onnx_cases.json) and PyTorch's NLLLoss module inputs
 * (tests/fixtures/torch_nll.json), decoded into typed arrays. Node only (reads files).
 */
import { readFileSync } from 'node:fs';

export interface Encoded { dtype: string; shape: number[]; data: Array<number | string> }
export interface OnnxCase { name: string; op: string; attrs: Record<string, unknown>; inputNames: string[]; inputs: Encoded[]; outputs: Encoded[] }
export interface TorchNllCase {
  name: string; shape: number[]; options: { reduction?: 'mean' | 'sum' | 'none'; weight?: number[]; ignore_index?: number };
  input: Encoded; target: Encoded; output: Encoded; grad: Encoded;
}

const dir = new URL('../fixtures/', import.meta.url);
const decodeNum = (v: number | string): number =>
  typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN;

/** The values of an encoded array as numbers. */
export function values(e: Encoded): number[] { return e.data.map(decodeNum); }

/** As a Float32Array / Float64Array (its own float type unless `dt` says), or Int32Array for integers. */
export function floats(e: Encoded, dt?: 'f32' | 'f64'): Float32Array | Float64Array {
  const d = dt ?? (e.dtype === 'float64' ? 'f64' : 'f32');
  return d === 'f64' ? Float64Array.from(values(e)) : Float32Array.from(values(e));
}
export function ints(e: Encoded): Int32Array { return Int32Array.from(values(e)); }

let onnx: OnnxCase[] | null = null;
/** ONNX cases of one op type (e.g. 'NegativeLogLikelihoodLoss'). */
export function onnxCases(op: string): OnnxCase[] {
  onnx ??= (JSON.parse(readFileSync(new URL('onnx_cases.json', dir), 'utf8')) as { cases: OnnxCase[] }).cases;
  return onnx.filter((c) => c.op === op);
}

/** PyTorch NLLLoss module inputs with float64 expected values. */
export function torchNllCases(): TorchNllCase[] {
  return (JSON.parse(readFileSync(new URL('torch_nll.json', dir), 'utf8')) as { cases: TorchNllCase[] }).cases;
}

/** The arguments of an ONNX loss case (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss) in this API's terms. */
export function onnxLossArgs(c: OnnxCase): {
  x: { data: Float32Array; shape: number[] }; labels: { data: Int32Array; shape: number[] };
  options: { reduction: 'mean' | 'sum' | 'none'; weights?: Float32Array; ignoreIndex?: number }; want: number[];
} {
  const reduction = (c.attrs.reduction ?? 'mean') as 'mean' | 'sum' | 'none';
  const ii = c.attrs.ignore_index as number | undefined;
  return {
    x: { data: floats(c.inputs[0], 'f32') as Float32Array, shape: c.inputs[0].shape },
    labels: { data: ints(c.inputs[1]), shape: c.inputs[1].shape },
    options: { reduction, ...(c.inputs[2] ? { weights: floats(c.inputs[2], 'f32') as Float32Array } : {}), ...(ii !== undefined ? { ignoreIndex: ii } : {}) },
    want: values(c.outputs[0]),
  };
}
