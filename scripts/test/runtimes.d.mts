/** Types of ./runtimes.mjs (the JavaScript runtimes of the test matrix). */
export interface Runtime { name: string; bin: string; args: string[]; version: string }
export declare function ensureRuntimes(options?: { quiet?: boolean }): void;
export declare function runtimes(names?: string[]): Runtime[];
export declare const RUNTIME_NAMES: string[];
