/**
 * The shipped kernel builds (one row per .wasm in build/; the inline modules in src/wasm/inline/
 * are named after the file) and the contract between the loader and the per-runtime `#platform`
 * modules (./platform.node.ts, ./platform.inline.ts).
 */
export const BUILDS = {
  baseline: 'softmax.wasm',
  relaxed: 'softmax.relaxed.wasm',
  /** The same kernels over a shared imported memory, for loadWasm({ threads }) (src/wasm/threaded.ts). */
  'baseline-threads': 'softmax.threads.wasm',
  'relaxed-threads': 'softmax.relaxed.threads.wasm',
} as const;
export type BuildName = keyof typeof BUILDS;

/** Something @assemblyscript/loader's instantiate() takes: bytes, a Response or a compiled module. */
export type WasmSource = ArrayBuffer | ArrayBufferView | object;

/** What a platform module (`#platform`) provides. */
export interface Platform {
  /** Where the shipped builds come from, for messages. */
  readonly where: string;
  /** The bytes of a shipped build. Rejects with an Error that says what was looked for where. */
  shipped(build: BuildName): Promise<WasmSource>;
  /** Reads or fetches a user-given URL (`options.wasm`). */
  readUrl(url: URL): Promise<WasmSource>;
}
