/** Types of ./chromium.mjs (the Chromium the browser tests drive). */
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): Promise<{ path: string; source: string; args: string[] }>;
