/** Buffers in the states the API must refuse or survive: detached, resizable (then shrunk), revoked. */
import type { FloatArray } from '../../src/index.js';
import { ctorOf, type DT } from './dtype.js';

export type Resizable = ArrayBuffer & { resize(n: number): void };

/** Detaches `buf` (transfers it away): every view of it then has length 0. */
export const detach = (buf: ArrayBufferLike): void => { structuredClone(buf, { transfer: [buf as ArrayBuffer] }); };

/** A resizable ArrayBuffer of n bytes that may grow to max. */
export const resizable = (n: number, max: number): Resizable =>
  new (ArrayBuffer as unknown as new (n: number, o: object) => Resizable)(n, { maxByteLength: max });

/** A growable SharedArrayBuffer of n bytes that may grow to max. */
export const growableShared = (n: number, max: number): SharedArrayBuffer =>
  new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(n, { maxByteLength: max });

/** An array of dt (or Int32Array) of n elements whose buffer is already detached. */
export function detachedArray(dt: DT | 'i32', n: number): FloatArray | Int32Array {
  const a = dt === 'i32' ? new Int32Array(n) : new (ctorOf(dt))(n);
  detach(a.buffer);
  return a;
}

/** A revoked Proxy: any operation on it throws TypeError. */
export const revoked = (): object => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; };

/** The bytes of a view (not a copy). */
export const bytesOf = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** Bit-identical arrays of the same type (Buffer.compare: fast on megabytes, where a deep toEqual is not; Node only). */
export const sameBits = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  a.byteLength === b.byteLength && a.constructor === b.constructor && Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
