/** Types of ./ensure-deps.mjs (the bench package's install on first use). */
export declare const BENCH_DIR: string;
export declare function benchDepsMissing(): string | null;
export declare function ensureBenchDeps(options?: { quiet?: boolean }): void;
