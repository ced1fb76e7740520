/**
 * Command-line parsing on node:util parseArgs, with one error type for every usage mistake: the
 * entry point prints its message and a hint to stderr and exits with code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A usage mistake (unknown flag, bad value, missing argument): exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure after the arguments were understood (e.g. a check that did not pass): exit code 1. */
export class CommandFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Where a command writes; tests can capture it. */
export interface Io {
  out: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  err: NodeJS.WriteStream | { write(s: string): boolean };
}

/** parseArgs in strict mode with `--help`/`-h` added; node's errors become UsageError. */
export function parse(command: string, argv: string[], options: Options, allowPositionals = false):
  { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals,
    });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    let msg = err.message;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const m = /Unknown option '([^']+)'/.exec(msg);
      msg = `unknown option ${m ? `'${m[1]}'` : ''}`.trim();
    } else if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const m = /Unexpected argument '([^']+)'/.exec(msg);
      msg = `unexpected argument ${m ? `'${m[1]}'` : ''}`.trim();
    } else if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      msg = msg.replace(/\. To specify.*$/s, '').replace(/^Option '/, "option '");
    }
    throw new UsageError(msg, command);
  }
}

/** A value that must be one of `choices`. */
export function choice<T extends string>(command: string, flag: string, v: string | undefined, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}; got '${v}'`, command);
  }
  return v as T;
}

/** A number flag within [lo, hi] (exclusive ends where said), optionally an integer. */
export function num(
  command: string, flag: string, v: string | undefined, dflt: number | undefined,
  range: { lo?: number; hi?: number; loOpen?: boolean; int?: boolean } = {},
): number | undefined {
  if (v === undefined) return dflt;
  const x = v.trim() === '' ? NaN : Number(v);
  const { lo = -Infinity, hi = Infinity, loOpen = false, int = false } = range;
  const ok = Number.isFinite(x) && (loOpen ? x > lo : x >= lo) && x <= hi && (!int || Number.isInteger(x));
  if (!ok) {
    const what = int ? 'an integer' : 'a number';
    const bounds = lo === -Infinity && hi === Infinity ? '' :
      hi === Infinity ? ` ${loOpen ? '>' : '≥'} ${lo}` : ` in ${loOpen ? '(' : '['}${lo}, ${hi}]`;
    throw new UsageError(`--${flag} must be ${what}${bounds}; got '${v}'`, command);
  }
  return x;
}
