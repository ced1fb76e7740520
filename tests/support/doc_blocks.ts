/**
 * The documentation's code, as tests: extracts the ```ts / ```js blocks of README.md and docs/*.md and
 * the `@example` blocks of the JSDoc in src/, turns the outputs they show into checks, and compares
 * what a block prints with the ```text block that follows it. tests/docs.test.ts runs them; the
 * conventions a writer follows are in CONTRIBUTING.md ("Documentation").
 *
 * - A shown value is a comment that starts with `→` (or `≈`) after a statement:
 *   `k.softmax(x).data; // → Float32Array [0.0900, 0.2447, 0.6652]`. It belongs to the top-level
 *   statement just before it (an expression, or `const name = …`, whose `name` is shown). Numbers
 *   written with a decimal point or an exponent match at the precision shown (half a unit of the
 *   last digit, never finer than 4 ulp of float64); integers, strings and booleans exactly.
 *   `[a, b, …]` / `{ k: v, … }` end with `…` when only a prefix / some keys are shown. `< x`, `<= x`,
 *   `> x`, `>= x` bound a number. A typed array shows its constructor: `Int32Array [1, 2]`. A note in
 *   parentheses may follow the value: `// → 2 (threads in use)`.
 * - A ```text block right after a code block is what its `console.log` calls print (util.format),
 *   line for line.
 * - `ts no-run <why>` (or `js no-run …`) keeps a block out, visibly: only for what cannot run here
 *   (a browser-only snippet, CommonJS next to ESM). The test counts them and fails on a missing reason.
 * - `<!-- doc-test setup: code -->` right before a block runs `code` first (a stand-in for the user's
 *   model, say), unseen in the rendered page.
 * No vitest import here: the test file owns the assertions.
 */
import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import ts from 'typescript';

export interface DocBlock {
  /** file (repo-relative) and 1-based line of the block's first code line */
  file: string;
  line: number;
  lang: 'ts' | 'js';
  /** null: runs; else the reason it does not */
  noRun: string | null;
  code: string;
  /** the ```text block right after it: what its console.log calls print */
  expectedOutput?: string;
  /** hidden setup code (`<!-- doc-test setup: … -->` before the block) */
  setup?: string;
  /** a JSDoc @example: the library's exports are in scope without an import */
  jsdoc?: boolean;
}

const RUN_LANGS: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

/** The runnable-language fenced blocks of a markdown file, with their flags, outputs and setups. */
export function extractMarkdownBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  let pendingSetup: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const setup = /^<!--\s*doc-test setup:([\s\S]*?)-->\s*$/.exec(lines[i]);
    if (setup) { pendingSetup = setup[1].trim(); continue; }
    // a fence (CommonMark): up to 3 spaces, 3+ backticks or tildes; a backtick fence's info string has no backtick
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]);
    if (!open || (open[2][0] === '`' && open[4].includes('`'))) { if (lines[i].trim() !== '') pendingSetup = undefined; continue; }
    const [, indent, fence, info, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].startsWith(indent + fence[0].repeat(fence.length)) && lines[j].trim().replace(/[`~]/g, '') === '')) {
      body.push(lines[j].slice(Math.min(indent.length, lines[j].length - lines[j].trimStart().length)));
      j++;
    }
    if (j >= lines.length) throw new Error(`${file}:${i + 1}: code block never closed`);
    const lang = RUN_LANGS[info.toLowerCase()];
    if (lang) {
      const flags = rest.trim();
      let noRun: string | null = null;
      if (/^no-run\b/.test(flags)) {
        noRun = flags.slice(6).trim().replace(/^[(:–—-]\s*|\)$/g, '');
        if (!noRun) throw new Error(`${file}:${i + 1}: a no-run block must say why (\`${info} no-run (browser only)\`)`);
      } else if (flags !== '') {
        throw new Error(`${file}:${i + 1}: unknown code block flags "${flags}" (only "no-run <why>")`);
      }
      const block: DocBlock = { file, line: i + 2, lang, noRun, code: body.join('\n'), setup: pendingSetup };
      // a ```text block after only blank lines: the block's printed output
      let k = j + 1;
      while (k < lines.length && lines[k].trim() === '') k++;
      const next = k < lines.length ? /^(\s*)(`{3,}|~{3,})\s*text\s*$/.exec(lines[k]) : null;
      if (next) {
        const out: string[] = [];
        let m = k + 1;
        while (m < lines.length && lines[m].trim() !== next[2]) out.push(lines[m++]);
        block.expectedOutput = out.join('\n');
      }
      blocks.push(block);
    }
    pendingSetup = undefined;
    i = j;
  }
  return blocks;
}

/** The `@example` blocks of the JSDoc comments of a TypeScript source file. */
export function extractJsdocExamples(file: string, text: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i])) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j];
      if (/^\s*\*\//.test(l) || /^\s*\*\s*@\w/.test(l)) break;
      const m = /^\s*\*(?: |$)(.*)$/.exec(l);
      if (!m) break;
      if (m[1].trimStart().startsWith('*/')) break;
      body.push(m[1].replace(/\s*\*\/\s*$/, ''));
      if (/\*\/\s*$/.test(l)) break;
    }
    blocks.push({ file, line: i + 2, lang: 'ts', noRun: null, code: body.join('\n'), jsdoc: true });
    i = j - 1;
  }
  return blocks;
}

// ---- shown values --------------------------------------------------------------------------------

/** A value as the docs show it. */
export type Shown =
  | { kind: 'number'; value: number; tol: number }
  | { kind: 'bound'; op: '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: boolean | null | undefined }
  | { kind: 'array'; ctor: string | null; items: Shown[]; partial: boolean }
  | { kind: 'object'; entries: Array<[string, Shown]>; partial: boolean };

/** Parses the text of a shown value (after `→` / `≈`). Throws on anything it cannot read. */
export function parseShown(src: string): Shown {
  let p = 0;
  const ws = () => { while (p < src.length && /\s/.test(src[p])) p++; };
  const fail = (what: string): never => { throw new Error(`cannot read the shown value "${src}": ${what} at ${p}`); };
  const num = (): Shown => {
    const m = /^[+-]?(?:Infinity|NaN|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(src.slice(p));
    if (!m) return fail('expected a number');
    p += m[0].length;
    const t = m[0];
    const value = Number(t.replace(/^\+/, ''));
    if (!/[.e]/i.test(t) || !Number.isFinite(value)) return { kind: 'number', value, tol: 0 };
    const [mant, exp] = t.toLowerCase().split('e');
    const decimals = mant.includes('.') ? mant.length - mant.indexOf('.') - 1 : 0;
    return { kind: 'number', value, tol: 0.5 * 10 ** (-decimals + Number(exp ?? 0)) * (1 + 1e-9) };
  };
  const value = (): Shown => {
    ws();
    const c = src[p];
    const bound = /^(<=|>=|<|>|≤|≥)\s*/.exec(src.slice(p));
    if (bound) {
      p += bound[0].length;
      const n = num() as { value: number };
      const op = ({ '≤': '<=', '≥': '>=' } as Record<string, '<=' | '>='>)[bound[1]] ?? (bound[1] as '<' | '<=' | '>' | '>=');
      return { kind: 'bound', op, value: n.value };
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, p + 1);
      if (end < 0) fail('unclosed string');
      const s = src.slice(p + 1, end);
      p = end + 1;
      return { kind: 'string', value: s };
    }
    if (c === '[') return list(null);
    if (c === '{') {
      p++;
      const entries: Array<[string, Shown]> = [];
      let partial = false;
      for (;;) {
        ws();
        if (src[p] === '}') { p++; break; }
        if (src.startsWith('…', p) || src.startsWith('...', p)) { p += src[p] === '…' ? 1 : 3; partial = true; ws(); if (src[p] !== '}') fail('expected } after …'); p++; break; }
        const key = /^(?:[A-Za-z_$][\w$]*|'[^']*'|"[^"]*")/.exec(src.slice(p));
        if (!key) fail('expected a key');
        p += key![0].length;
        ws();
        if (src[p] !== ':') fail('expected :');
        p++;
        entries.push([key![0].replace(/^['"]|['"]$/g, ''), value()]);
        ws();
        if (src[p] === ',') p++;
      }
      return { kind: 'object', entries, partial };
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(src.slice(p));
    if (word && !/^(Infinity|NaN)$/.test(word[0])) {
      p += word[0].length;
      if (word[0] === 'true' || word[0] === 'false') return { kind: 'literal', value: word[0] === 'true' };
      if (word[0] === 'null') return { kind: 'literal', value: null };
      if (word[0] === 'undefined') return { kind: 'literal', value: undefined };
      ws();
      if (src[p] === '(') { const e = src.indexOf(')', p); if (e < 0) fail('unclosed ('); p = e + 1; ws(); } // Int32Array(2) [..]
      if (src[p] !== '[') fail(`expected [ after ${word[0]}`);
      return list(word[0]);
    }
    return num();
  };
  const list = (ctor: string | null): Shown => {
    p++;
    const items: Shown[] = [];
    let partial = false;
    for (;;) {
      ws();
      if (src[p] === ']') { p++; break; }
      if (src.startsWith('…', p) || src.startsWith('...', p)) { p += src[p] === '…' ? 1 : 3; partial = true; ws(); if (src[p] !== ']') fail('expected ] after …'); p++; break; }
      items.push(value());
      ws();
      if (src[p] === ',') p++;
      else if (src[p] !== ']') fail('expected , or ]');
    }
    return { kind: 'array', ctor, items, partial };
  };
  const v = value();
  ws();
  // a note in parentheses may follow the value: `// → 2 (threads in use)`
  if (src[p] === '(' && src.trimEnd().endsWith(')')) p = src.length;
  if (p !== src.length) fail('unexpected text after the value (a note goes in parentheses)');
  return v;
}

function show(x: unknown): string {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const a = x as unknown as ArrayLike<number>;
    const head = Array.from({ length: Math.min(a.length, 12) }, (_, i) => String(a[i]));
    return `${x.constructor.name} [${head.join(', ')}${a.length > 12 ? `, … (${a.length})` : ''}]`;
  }
  if (typeof x === 'string') return JSON.stringify(x);
  try { return format('%o', x).slice(0, 400); } catch { return String(x); }
}

/** null when `actual` is what `shown` shows, else a sentence saying where it differs. */
export function compareShown(actual: unknown, shown: Shown, path = 'value'): string | null {
  const bad = (want: string) => `${path}: shown ${want}, got ${show(actual)}`;
  switch (shown.kind) {
    case 'number': {
      if (typeof actual !== 'number') return bad(String(shown.value));
      if (Number.isNaN(shown.value)) return Number.isNaN(actual) ? null : bad('NaN');
      if (shown.tol === 0) return Object.is(actual, shown.value) || actual === shown.value ? null : bad(String(shown.value));
      // half a unit of the last digit shown, and never finer than float64's last bits (4 ulp)
      const tol = Math.max(shown.tol, Math.abs(shown.value) * 2 ** -50);
      return Math.abs(actual - shown.value) <= tol ? null : bad(`${shown.value} (±${tol.toPrecision(2)})`);
    }
    case 'bound': {
      if (typeof actual !== 'number') return bad(`${shown.op} ${shown.value}`);
      const ok = shown.op === '<' ? actual < shown.value : shown.op === '<=' ? actual <= shown.value
        : shown.op === '>' ? actual > shown.value : actual >= shown.value;
      return ok ? null : bad(`${shown.op} ${shown.value}`);
    }
    case 'string': return actual === shown.value ? null : bad(JSON.stringify(shown.value));
    case 'literal': return actual === shown.value ? null : bad(String(shown.value));
    case 'array': {
      const isTyped = ArrayBuffer.isView(actual) && !(actual instanceof DataView);
      if (!Array.isArray(actual) && !isTyped) return bad(`${shown.ctor ?? 'an array'} [...]`);
      if (shown.ctor !== null && (actual as object).constructor.name !== shown.ctor) return bad(`a ${shown.ctor}`);
      const a = actual as ArrayLike<unknown>;
      if (shown.partial ? a.length < shown.items.length : a.length !== shown.items.length) {
        return `${path}: shown ${shown.items.length}${shown.partial ? '+' : ''} entries, got ${a.length}: ${show(actual)}`;
      }
      for (let i = 0; i < shown.items.length; i++) {
        const m = compareShown(a[i], shown.items[i], `${path}[${i}]`);
        if (m) return m;
      }
      return null;
    }
    case 'object': {
      if (actual === null || typeof actual !== 'object') return bad('an object');
      const keys = Object.keys(actual);
      if (!shown.partial) {
        const want = shown.entries.map(([k]) => k).sort().join(', ');
        const got = keys.slice().sort().join(', ');
        if (want !== got) return `${path}: shown the keys {${want}}, got {${got}} (end with "…" to show some)`;
      }
      for (const [k, v] of shown.entries) {
        const m = compareShown((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
        if (m) return m;
      }
      return null;
    }
  }
}

// ---- instrumenting a block -----------------------------------------------------------------------

/** A block made runnable: its module source and the number of shown values it checks. */
export interface Instrumented { source: string; checks: number }

const SHOWN = /^\/\/\s*[→≈]\s?(.*)$/;

/**
 * Rewrites a block so each shown value is checked: the statement before a `// → v` comment becomes
 * `__doc.show(<its value>, v, line)`; `console.log` becomes `__doc.log`. Throws when a shown comment
 * belongs to no top-level statement (so nothing is silently left unchecked). `prelude` goes first.
 */
export function instrument(block: DocBlock, prelude: string): Instrumented {
  const code = block.code;
  const sf = ts.createSourceFile('block.' + block.lang, code, ts.ScriptTarget.ES2022, true, block.lang === 'ts' ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let checks = 0;
  const lineOf = (pos: number) => block.line + sf.getLineAndCharacterOfPosition(pos).line;
  // every `// →` comment of the block, and the top-level statement it follows
  const stmts = sf.statements;
  for (const hit of code.matchAll(/\/\/[ \t]*[→≈]/g)) {
    const pos = hit.index!;
    const eol = code.indexOf('\n', pos);
    const m = SHOWN.exec(code.slice(pos, eol < 0 ? code.length : eol).trimEnd())!;
    const where = `${block.file}:${lineOf(pos)}`;
    let target: ts.Statement | undefined;
    for (const s of stmts) {
      if (s.getStart(sf) <= pos && pos < s.end) {
        throw new Error(`${where}: the shown value "${m[1]}" is inside a statement; only top-level statements can show values`);
      }
      if (s.end <= pos) target = s;
    }
    const between = target ? code.slice(target.end, pos) : '';
    if (!target || between.split('\n').length > 2 || /\S/.test(between.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''))) {
      throw new Error(`${where}: the shown value "${m[1]}" follows no statement (put it on the statement's line or the line after)`);
    }
    // the shown value must parse now, so a typo fails with its line
    try { parseShown(m[1].trim()); } catch (e) { throw new Error(`${where}: ${(e as Error).message}`); }
    const shownText = JSON.stringify(m[1].trim());
    const call = (expr: string) => `__doc.show((${expr}), ${shownText}, ${JSON.stringify(where)});`;
    if (ts.isExpressionStatement(target)) {
      edits.push({ start: target.getStart(sf), end: target.end, text: call(target.expression.getText(sf)) });
    } else if (ts.isVariableStatement(target) && target.declarationList.declarations.length === 1
      && ts.isIdentifier(target.declarationList.declarations[0].name)) {
      edits.push({ start: target.end, end: target.end, text: ' ' + call(target.declarationList.declarations[0].name.text) });
    } else {
      throw new Error(`${where}: a shown value follows an expression or \`const name = …\`, not a ${ts.SyntaxKind[target.kind]}`);
    }
    checks++;
  }
  // console.log → __doc.log (every call, nested ones included)
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && n.getText(sf) === 'console.log') edits.push({ start: n.getStart(sf), end: n.end, text: '__doc.log' });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const setup = block.setup ? block.setup + '\n' : '';
  return { source: `const __doc = (globalThis as any).__docTest;\n${prelude}${setup}${out}\n`, checks };
}

/** What a block's run records: the mismatches of its shown values and what it printed. */
export class DocRecorder {
  readonly mismatches: string[] = [];
  readonly printed: string[] = [];
  checked = 0;
  show(actual: unknown, shownText: string, where: string): void {
    this.checked++;
    const m = compareShown(actual, parseShown(shownText));
    if (m) this.mismatches.push(`${where}: ${m}`);
  }
  log(...args: unknown[]): void {
    this.printed.push(format(...args));
  }
}

/** Reads a file (repo-relative path) and extracts its blocks by kind. */
export function blocksOf(root: string, file: string): DocBlock[] {
  const text = readFileSync(`${root}/${file}`, 'utf8');
  return file.endsWith('.md') ? extractMarkdownBlocks(file, text) : extractJsdocExamples(file, text);
}
