/**
 * Bad-argument builders of the fuzz: for a valid matrix, float vector or label array, a replacement
 * of a named kind that the call must refuse with SoftmaxInputError (wrong type, shape, size, a
 * detached buffer, a freed alloc(), a view of WASM memory outside any live block, ...).
 */
import type { FloatArray } from '../../src/index.js';
import { ctorOf, detachedArray, otherDt, type DT } from '../support/index.js';
import type { Builder } from './storage.js';

/** Bad replacements for a matrix argument. 'other' (the other float type) only for secondary args. */
export const MATRIX_BADS = ['null', 'undefined', 'number', 'string', 'array', 'typed', 'map', 'dataArray', 'dataInt32',
  'dataUint8', 'dataBigInt', 'dataDataView', 'dataProxy', 'dataMissing', 'dataNumber', 'rowsFrac', 'rowsNeg',
  'rowsNaN', 'rowsInf', 'rowsString', 'rowsNumberObj', 'rowsBig', 'rowsBigint', 'colsFrac', 'colsNeg', 'colsNaN',
  'colsString', 'lenLong', 'lenShort', 'detached', 'freedAlloc'] as const;
export const SECONDARY_BADS = ['other', 'shapeRows', 'shapeCols'] as const;
export type MatrixBad = (typeof MATRIX_BADS)[number] | (typeof SECONDARY_BADS)[number];

/** A replacement for a valid rows×cols matrix of dt that is invalid for the call, or null if impossible. */
export function badMatrix(b: Builder, kind: MatrixBad, rows: number, cols: number, dt: DT): unknown {
  const C = ctorOf(dt);
  const n = rows * cols;
  const data = new C(n);
  switch (kind) {
    case 'null': return null;
    case 'undefined': return undefined;
    case 'number': return 3;
    case 'string': return 'matrix';
    case 'array': return Array.from(data);
    case 'typed': return data;
    case 'map': return new Map<string, unknown>([['data', data], ['rows', rows], ['cols', cols]]);
    case 'dataArray': return { data: Array.from(data), rows, cols };
    case 'dataInt32': return { data: new Int32Array(n), rows, cols };
    case 'dataUint8': return { data: new Uint8Array(n), rows, cols };
    case 'dataBigInt': return { data: new BigInt64Array(n), rows, cols };
    case 'dataDataView': return { data: new DataView(new ArrayBuffer(n * C.BYTES_PER_ELEMENT)), rows, cols };
    case 'dataProxy': return { data: new Proxy(data, {}), rows, cols };
    case 'dataMissing': return { rows, cols };
    case 'dataNumber': return { data: n, rows, cols };
    case 'rowsFrac': return { data, rows: rows + 0.5, cols };
    case 'rowsNeg': return { data, rows: -1, cols };
    case 'rowsNaN': return { data, rows: NaN, cols };
    case 'rowsInf': return { data, rows: Infinity, cols };
    case 'rowsString': return { data, rows: String(rows), cols };
    case 'rowsNumberObj': return { data, rows: new Number(rows), cols };
    case 'rowsBig': return { data, rows: 2 ** 31, cols: 0 };
    case 'rowsBigint': return { data, rows: BigInt(rows), cols };
    case 'colsFrac': return { data, rows, cols: cols + 0.25 };
    case 'colsNeg': return { data: new C(0), rows: 0, cols: -2 };
    case 'colsNaN': return { data, rows, cols: NaN };
    case 'colsString': return { data, rows, cols: `${cols}` };
    case 'lenLong': return { data: new C(n + 1), rows, cols };
    case 'lenShort': return n > 0 ? { data: new C(n - 1), rows, cols } : { data: new C(1), rows, cols };
    case 'detached': return { data: detachedArray(dt, n), rows, cols };
    case 'freedAlloc': return b.freedAlloc(rows, cols, dt);
    case 'other': return { data: new (ctorOf(otherDt(dt)))(n), rows, cols };
    case 'shapeRows': return { data: new C((rows + 1) * cols), rows: rows + 1, cols };
    case 'shapeCols': return { data: new C(rows * (cols + 1)), rows, cols: cols + 1 };
  }
}

export const VECTOR_BADS = ['null', 'array', 'int32', 'other', 'short', 'long', 'detached', 'matrix', 'dataView', 'proxy', 'number'] as const;
export type VectorBad = (typeof VECTOR_BADS)[number];

/** A replacement for a valid float vector of length n and type dt (`other` only when dt is fixed). */
export function badVector(kind: VectorBad, n: number, dt: DT): unknown {
  const C = ctorOf(dt);
  switch (kind) {
    case 'null': return null;
    case 'array': return new Array(n).fill(0.5);
    case 'int32': return new Int32Array(n);
    case 'other': return new (ctorOf(otherDt(dt)))(n);
    case 'short': return n > 0 ? new C(n - 1) : new C(2);
    case 'long': return new C(n + 1);
    case 'detached': return detachedArray(dt, n);
    case 'matrix': return { data: new C(n), rows: 1, cols: n };
    case 'dataView': return new DataView(new ArrayBuffer(n * C.BYTES_PER_ELEMENT));
    case 'proxy': return new Proxy(new C(n), {});
    case 'number': return n;
  }
}

export const LABEL_BADS = ['array', 'float32', 'float64', 'uint32', 'int16', 'short', 'long', 'value', 'detached', 'null', 'number'] as const;
export type LabelBad = (typeof LABEL_BADS)[number];

/** A replacement for valid integer labels (n entries in [0, c) or ignoreIndex) that is invalid. */
export function badLabels(kind: LabelBad, labels: Int32Array, c: number, ignoreIndex: number | undefined, seed: number): unknown {
  const n = labels.length;
  switch (kind) {
    case 'array': return Array.from(labels);
    case 'float32': return Float32Array.from(labels);
    case 'float64': return Float64Array.from(labels);
    case 'uint32': return Uint32Array.from(labels);
    case 'int16': return Int16Array.from(labels);
    case 'short': return n > 0 ? labels.slice(1) : new Int32Array(1);
    case 'long': return Int32Array.from([...labels, 0]);
    case 'value': {
      if (n === 0) return new Int32Array(1);
      const candidates = [c, c + 1, -1, -2, -100, 2 ** 31 - 1, -(2 ** 31)].filter((v) => v !== ignoreIndex && (v < 0 || v >= c));
      const out = labels.slice();
      out[seed % n] = candidates[seed % candidates.length];
      return out;
    }
    case 'detached': return detachedArray('i32', n);
    case 'null': return null;
    case 'number': return 0;
  }
}

/** Bad names that only the WASM engine can be given (views of its memory). */
export const WASM_ONLY_BADS = ['x:wasmStatic', 'x:freedView', 'out:freedView', 'y:freedView', 'logits:freedView', 'X:freedView', 'W:freedView', 'dW:freedView'];

/** A view of WASM memory outside any live alloc() block: a freed matrix's old view, or the static data. */
export function strayWasmView(b: Builder, kind: 'freedView' | 'wasmStatic', n: number, dt: DT): FloatArray {
  const C = ctorOf(dt);
  if (kind === 'wasmStatic' && n * C.BYTES_PER_ELEMENT <= 4096) {
    const probe = b.ctx.wasm.alloc('f32', 1, 1);
    const mem = probe.data.buffer;
    probe.free();
    return new C(mem as ArrayBuffer, 0, n); // from address 0: the module's static data, never handed out
  }
  const m = b.ctx.wasm.alloc(dt, 1, n);
  const v = m.data;
  m.free();
  return v;
}
