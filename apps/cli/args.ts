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

/**
 * `--lr -1` → `--lr=-1`: parseArgs refuses a value that starts with '-' ("ambiguous"), so a negative
 * number after a string option is joined to it, and the option's own check says what is wrong.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity$)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** parseArgs in strict mode with `--help`/`-h` added; node's errors become UsageError. */
export function parse(command: string, argv: string[], options: Options, allowPositionals = false):
  { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: joinNegativeValues(argv, options),
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

/** Levenshtein distance (small strings: flag values). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * A value that must be one of `choices`. A wrong value gets a suggestion: `aliases` maps other names
 * people use to a choice (e.g. mnist → digits), else the closest choice within two edits.
 */
export function choice<T extends string>(command: string, flag: string, v: string | undefined, choices: readonly T[], dflt: T,
  aliases: Readonly<Record<string, T>> = {}): T {
  if (v === undefined) return dflt;
  if (!(choices as readonly string[]).includes(v)) {
    const lower = v.toLowerCase();
    const alias = Object.hasOwn(aliases, lower) ? aliases[lower] : undefined;
    const near = choices.map((c) => [c, editDistance(lower, c)] as const).filter(([, d]) => d <= 2).sort((a, b) => a[1] - b[1])[0]?.[0];
    const hint = alias ?? near;
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}; got '${v}'${hint ? ` (did you mean '${hint}'?)` : ''}`, command);
  }
  return v as T;
}

/** `n word` with the plural when n ≠ 1 ("1 epoch", "2 epochs"). */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
