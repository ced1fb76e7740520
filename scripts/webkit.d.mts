/** Types of ./webkit.mjs (WebKitGTK driven through WebKitWebDriver). */
export declare function findWebKit(): { driver: string; xvfb: string } | { why: string };
export declare function inWebKit(url: string, expr: string, options?: { timeoutMs?: number; env?: Record<string, string> }):
  Promise<{ value: unknown; version: string; userAgent: string }>;
