/** Types of ./timing.mjs (the benchmarks' one timing loop and median). */
export declare function median(a: readonly number[]): number;
export declare function timePerCall(run: () => unknown, ms: number, minCalls?: number): number;
export declare function sampleTimes(run: () => unknown, options?: { warmMs?: number; reps?: number; sampleMs?: number }): number[];
export declare function fmtMs(ms: number): string;
