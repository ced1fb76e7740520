/**
 * Public types of loadWasm's options: which module, which SIMD build, how many threads, and the
 * structural stand-ins that let them compile without the DOM lib. Re-exported by ./types.ts.
 */

/** Options of {@link loadWasm}. */
export interface LoadWasmOptions {
  /** The module: its bytes, a `URL` object to fetch (or read, for `file:` URLs in Node, Bun and
   * Deno), a fetch `Response` (compiled while streaming when its Content-Type is `application/wasm`,
   * else from its bytes) or a compiled `WebAssembly.Module`. A string is refused (a path and
   * a URL look alike): pass `new URL(s, import.meta.url)` or the bytes. Only the single-thread
   * builds (`softmax.wasm`, `softmax.relaxed.wasm`): a threads build imports a shared memory that
   * only the pool of `threads` provides, and is refused with a SoftmaxInputError; with `wasm`, the
   * instance runs on one thread.
   * Default: the shipped `build/softmax.wasm` or `build/softmax.relaxed.wasm` (see `simd`): read
   * from the package's files in Node and Bun, imported as inlined modules in browsers and Deno. */
  wasm?: WasmBytes | WasmUrlLike | WasmResponseLike | WasmModuleLike;
  /**
   * Which of the two shipped modules to load when `wasm` is not given (ignored with `wasm`: that
   * module is used as given); with `threads`, the threads build of the one chosen:
   * - `'auto'` (default): the faster build on this engine, from a per-engine table (no load-time
   *   measurement): V8 (Node ≥ 22, Deno, Chromium; Node 20 only with
   *   `node --experimental-wasm-relaxed-simd`) → `build/softmax.relaxed.wasm`; JavaScriptCore (Bun,
   *   Safari, WebKitGTK) → `build/softmax.wasm`, where the relaxed build measured slower; other engines → relaxed
   *   where `WebAssembly.validate` accepts a `f32x4.relaxed_madd` probe; no relaxed SIMD → baseline.
   *   `build` and `buildReason` on the kernels say which ran and why.
   * - `'baseline'`: always `build/softmax.wasm` (plain SIMD-128; bit-for-bit reproducible everywhere).
   * - `'relaxed'`: `build/softmax.relaxed.wasm`; throws an Error where relaxed SIMD is unsupported.
   *
   * relaxed_madd may run fused (one rounding) or not, as the engine and CPU choose, so results can
   * differ from the baseline build in the last bits; both stay within the documented tolerances.
   */
  simd?: 'baseline' | 'relaxed' | 'auto';
  /**
   * Threads to run the kernels on, the calling thread included: a positive integer or `'auto'`
   * (the number of cores). Default 1: today's single-threaded module. With more, the threads build
   * runs in a pool of workers over one shared memory; results are bit-identical for every thread
   * count. Where threads cannot run, the instance uses one and says why in `threadsUnavailable`:
   * no `SharedArrayBuffer` global (e.g. WebKitGTK by default), a page that is not cross-origin
   * isolated (it needs `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`), or `wasm` given.
   */
  threads?: number | 'auto';
}

// Structural stand-ins for DOM / WebAssembly types, so that these declarations compile without the
// DOM lib (e.g. `lib: ["ES2022"]` + @types/node, skipLibCheck: false). The real objects fit them.

/** A module's bytes: an ArrayBuffer or any view of one (the DOM's `BufferSource`). */
export type WasmBytes = ArrayBufferLike | ArrayBufferView;

/** A `URL` object (only `href` and `protocol` are read). */
export interface WasmUrlLike {
  /** The whole URL, e.g. `"https://example.com/assets/softmax.wasm"`. */
  readonly href: string;
  /** Its scheme with the colon, e.g. `"file:"` (read from disk in Node, Bun and Deno) or `"https:"` (fetched). */
  readonly protocol: string;
}

/** A fetch `Response` (a real one is compiled while streaming; others give `arrayBuffer()`). */
export interface WasmResponseLike {
  /** False for an HTTP error status: loadWasm then throws an Error naming `status` and `url`. */
  readonly ok: boolean;
  /** The HTTP status, e.g. 200 or 404. */
  readonly status: number;
  /** Where the response came from (quoted in error messages). */
  readonly url: string;
  /** The body's bytes, read when the response cannot be compiled while streaming. */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * A compiled `WebAssembly.Module`. The WebAssembly namespace comes only with the DOM lib, and its
 * `Module` is an empty interface there, so this is `object`: loadWasm checks it at run time.
 */
export type WasmModuleLike = object;
