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
  /** Cores of this machine (loadWasm({ threads: 'auto' })). */
  cores(): Promise<number>;
  /**
   * The thread pool's workers: node:worker_threads' Worker where workers should be those (Node, and
   * Deno, whose Web Workers cannot be unref'd), or undefined for Web Workers (browsers, Bun).
   */
  nodeWorker(): Promise<NodeWorkerCtor | undefined>;
}

/** node:worker_threads' Worker, as the pool uses it (a script given as source, `eval: true`). */
export type NodeWorkerCtor = new (src: string, opts: { eval: true }) => {
  postMessage(m: unknown, transfer?: unknown[]): void;
  terminate(): unknown;
  unref?(): void; ref?(): void;
  on?(ev: string, f: (...a: unknown[]) => void): void;
};

/** navigator.hardwareConcurrency where there is one, else 1. */
export function navigatorCores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Fetches a user-given URL (`options.wasm`) with the platform's fetch; an Error says what failed. */
export async function fetchUrl(url: URL, what: string): Promise<WasmSource> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`softmax-wasm: ${what}: could not fetch ${url.href}: ${(e as Error).message}`, { cause: e });
  }
  if (!response.ok) throw new Error(`softmax-wasm: ${what}: could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}`);
  return response;
}

/**
 * Loads the first of the builds to try for `build` (the choice for `simd`): with 'auto' a relaxed
 * build that cannot be read or instantiated falls back to the baseline one silently; otherwise
 * `build` alone. Rejects with the last build's error.
 */
export async function loadFirstBuild<T>(simd: 'auto' | 'baseline' | 'relaxed' | undefined, build: 'baseline' | 'relaxed',
  load: (b: 'baseline' | 'relaxed') => Promise<T>): Promise<T> {
  const builds: Array<'baseline' | 'relaxed'> = build === 'relaxed' && (simd ?? 'auto') === 'auto' ? ['relaxed', 'baseline'] : [build];
  let err: unknown;
  for (const b of builds) {
    try {
      return await load(b);
    } catch (e) { err = e; }
  }
  throw err;
}

