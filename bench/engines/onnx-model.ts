/**
 * A tiny ONNX model writer: just enough of the protobuf wire format and of onnx.proto
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto) to build the
 * bench's graphs in JS, with no onnx Python package. Default opset 17 (ai.onnx), IR version 8.
 * Only what the graphs need: f32/int64 tensors, int/float/ints attributes, fixed or symbolic dims.
 *
 * The bench graphs (all f32; N, C, D are fixed by the workload):
 * - softmaxModel:       p = Softmax(x, axis=-1) (LogSoftmax, Exp: the same with that op)
 * - crossEntropyModel: inputs logits [N,C], labels int64 [N]; onehot = OneHot(labels, C);
 *                         logp = LogSoftmax(logits); p = Exp(logp);
 *                         loss = −(1/N)·ΣΣ onehot·logp; grad = (p − onehot)·(1/N)
 * - linearSoftmaxModel: inputs X [N,D], W [D,C], b [C], labels int64 [N];
 *                         scores = Gemm(X, W, b); logp, p, onehot as above; ds = (p − onehot)·(1/N);
 *                         loss = −(1/N)·ΣΣ onehot·logp + reg·ΣW²;
 *                         dW = Gemm(X, ds, W, transA=1, beta=2·reg) = Xᵀ·ds + 2·reg·W;
 *                         db = ReduceSum(ds, axes=[0])
 */

// ---- protobuf wire format ----

/** Appends protobuf fields to a growing byte list. */
class Pb {
  private bytes: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  private tag(field: number, wire: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  /** int32 / int64 / enum (varint; negative numbers as 64-bit two's complement). */
  int(field: number, v: number | bigint): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes.push(...b);
    return this;
  }

  /** Length-delimited bytes (strings, sub-messages, packed repeated fields, raw data). */
  raw(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]);
    return this;
  }

  str(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }

  msg(field: number, m: Pb): this {
    return this.raw(field, m.finish());
  }

  /** A packed repeated varint field (int64 dims, ints). */
  packedInts(field: number, vs: ReadonlyArray<number | bigint>): this {
    const inner = new Pb();
    for (const v of vs) inner.varint(v);
    return this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

// ---- onnx.proto ----

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

/** A dimension: a fixed size or a symbolic name. */
export type Dim = number | string;

export type Attr =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; ints: number[] };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface ValueInfo {
  name: string;
  type: typeof FLOAT | typeof INT64;
  dims: Dim[];
}

export interface Initializer {
  name: string;
  type: typeof FLOAT | typeof INT64;
  dims: number[];
  values: ArrayLike<number>;
}

export interface GraphSpec {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
  opset?: number;
}

function attribute(a: Attr): Pb {
  const p = new Pb().str(1, a.name);
  // AttributeProto: f = 2, i = 3, ints = 8, type = 20 (FLOAT 1, INT 2, INTS 7)
  if ('int' in a) return p.int(3, a.int).int(20, 2);
  if ('float' in a) return p.float(2, a.float).int(20, 1);
  return p.packedInts(8, a.ints).int(20, 7);
}

function node(n: Node, i: number): Pb {
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5
  const p = new Pb();
  for (const s of n.inputs) p.str(1, s);
  for (const s of n.outputs) p.str(2, s);
  p.str(3, `${n.op.toLowerCase()}_${i}`).str(4, n.op);
  for (const a of n.attrs ?? []) p.msg(5, attribute(a));
  return p;
}

function valueInfo(v: ValueInfo): Pb {
  // ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 → elem_type = 1, shape = 2
  // → TensorShapeProto.dim = 1 → dim_value = 1 | dim_param = 2
  const shape = new Pb();
  for (const d of v.dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensor = new Pb().int(1, v.type).msg(2, shape);
  return new Pb().str(1, v.name).msg(2, new Pb().msg(1, tensor));
}

function tensor(t: Initializer): Pb {
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian)
  const n = t.values.length;
  const raw = t.type === FLOAT ? new Uint8Array(Float32Array.from(t.values).buffer)
    : new Uint8Array(BigInt64Array.from(Array.from(t.values, (v) => BigInt(v))).buffer);
  const p = new Pb();
  if (t.dims.length) p.packedInts(1, t.dims);
  if (t.dims.reduce((a, b) => a * b, 1) !== n) throw new Error(`initializer ${t.name}: ${n} values for dims [${t.dims}]`);
  return p.int(2, t.type).str(8, t.name).raw(9, raw);
}

/** Serializes a ModelProto holding one graph. */
export function encodeModel(g: GraphSpec): Uint8Array {
  const graph = new Pb();
  g.nodes.forEach((n, i) => graph.msg(1, node(n, i)));
  graph.str(2, g.name);
  for (const t of g.initializers ?? []) graph.msg(5, tensor(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (domain 1, version 2)
  return new Pb()
    .int(1, 8)
    .str(2, 'softmax-wasm bench')
    .msg(7, graph)
    .msg(8, new Pb().str(1, '').int(2, g.opset ?? 17))
    .finish();
}

// ---- the bench graphs ----

const scalar = (name: string, v: number): Initializer => ({ name, type: FLOAT, dims: [], values: [v] });

/** p = Softmax(x) over the last axis of an n×c matrix (or LogSoftmax, or elementwise Exp). */
export function softmaxModel(n: number, c: number, op: 'Softmax' | 'LogSoftmax' | 'Exp' = 'Softmax'): Uint8Array {
  return encodeModel({
    name: op,
    inputs: [{ name: 'x', type: FLOAT, dims: [n, c] }],
    outputs: [{ name: 'p', type: FLOAT, dims: [n, c] }],
    nodes: [{ op, inputs: ['x'], outputs: ['p'], attrs: op === 'Exp' ? [] : [{ name: 'axis', int: -1 }] }],
  });
}

/** The shared part of the cross-entropy and linear classifier graphs: one-hot, log-probabilities, mean CE loss (`ce`) and ds = (p − onehot)/N. */
function crossEntropyNodes(logits: string, n: number, c: number): { nodes: Node[]; inits: Initializer[] } {
  return {
    inits: [
      { name: 'depth', type: INT64, dims: [], values: [c] },
      { name: 'onoff', type: FLOAT, dims: [2], values: [0, 1] },
      scalar('neg_inv_n', -1 / n),
      scalar('inv_n', 1 / n),
    ],
    nodes: [
      { op: 'OneHot', inputs: ['labels', 'depth', 'onoff'], outputs: ['onehot'], attrs: [{ name: 'axis', int: -1 }] },
      { op: 'LogSoftmax', inputs: [logits], outputs: ['logp'], attrs: [{ name: 'axis', int: -1 }] },
      { op: 'Exp', inputs: ['logp'], outputs: ['p'] },
      { op: 'Mul', inputs: ['onehot', 'logp'], outputs: ['picked'] },
      { op: 'ReduceSum', inputs: ['picked'], outputs: ['picked_sum'], attrs: [{ name: 'keepdims', int: 0 }] },
      { op: 'Mul', inputs: ['picked_sum', 'neg_inv_n'], outputs: ['ce'] },
      { op: 'Sub', inputs: ['p', 'onehot'], outputs: ['p_minus_y'] },
      { op: 'Mul', inputs: ['p_minus_y', 'inv_n'], outputs: ['ds'] },
    ],
  };
}

/** Mean cross-entropy of logits [n,c] against int64 labels [n], and its gradient w.r.t. the logits. */
export function crossEntropyModel(n: number, c: number): Uint8Array {
  const ce = crossEntropyNodes('logits', n, c);
  return encodeModel({
    name: 'cross_entropy',
    inputs: [{ name: 'logits', type: FLOAT, dims: [n, c] }, { name: 'labels', type: INT64, dims: [n] }],
    outputs: [{ name: 'loss', type: FLOAT, dims: [] }, { name: 'grad', type: FLOAT, dims: [n, c] }],
    initializers: ce.inits,
    nodes: [
      ...ce.nodes,
      { op: 'Identity', inputs: ['ce'], outputs: ['loss'] },
      { op: 'Identity', inputs: ['ds'], outputs: ['grad'] },
    ],
  });
}

/** The linear softmax classifier X [n,d] · W [d,c] + b [c], labels int64 [n]: loss (+ reg·ΣW²), dW, db. */
export function linearSoftmaxModel(n: number, d: number, c: number, reg: number): Uint8Array {
  const ce = crossEntropyNodes('scores', n, c);
  return encodeModel({
    name: 'linear_softmax',
    inputs: [
      { name: 'X', type: FLOAT, dims: [n, d] },
      { name: 'W', type: FLOAT, dims: [d, c] },
      { name: 'b', type: FLOAT, dims: [c] },
      { name: 'labels', type: INT64, dims: [n] },
    ],
    outputs: [
      { name: 'loss', type: FLOAT, dims: [] },
      { name: 'dW', type: FLOAT, dims: [d, c] },
      { name: 'db', type: FLOAT, dims: [c] },
    ],
    initializers: [...ce.inits, scalar('reg', reg), { name: 'axis0', type: INT64, dims: [1], values: [0] }],
    nodes: [
      { op: 'Gemm', inputs: ['X', 'W', 'b'], outputs: ['scores'] },
      ...ce.nodes,
      { op: 'Mul', inputs: ['W', 'W'], outputs: ['W2'] },
      { op: 'ReduceSum', inputs: ['W2'], outputs: ['W2_sum'], attrs: [{ name: 'keepdims', int: 0 }] },
      { op: 'Mul', inputs: ['W2_sum', 'reg'], outputs: ['reg_loss'] },
      { op: 'Add', inputs: ['ce', 'reg_loss'], outputs: ['loss'] },
      { op: 'Gemm', inputs: ['X', 'ds', 'W'], outputs: ['dW'], attrs: [{ name: 'transA', int: 1 }, { name: 'beta', float: 2 * reg }] },
      { op: 'ReduceSum', inputs: ['ds', 'axis0'], outputs: ['db'], attrs: [{ name: 'keepdims', int: 0 }] },
    ],
  });
}
