import type { Span } from './ast.js';
import { exprError, exprProblem, type ExprProblem } from './problem.js';

/** Kinds of token. Keywords are recognised case-insensitively; `date`/`timestamp` stay identifiers. */
export type TokenKind = 'number' | 'string' | 'ident' | 'quoted_ident' | 'keyword' | 'op' | 'eof';

/** One token of an expression. */
export interface Token {
  kind: TokenKind;
  /**
   * keyword: lower-case; ident / quoted_ident: the name; string: the contents with escapes
   * resolved; op: the operator as written; number: the digits as written; eof: ''.
   */
  value: string;
  /** The value of a number token (0 for other kinds). */
  num: number;
  span: Span;
}

/** Reserved words. A column named like one must be quoted with backticks (`` `end` ``). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'between',
  'in',
  'is',
  'null',
  'like',
  'true',
  'false',
  'case',
  'when',
  'then',
  'else',
  'end',
]);

/** Longest accepted expression text, in characters (a guard against runaway input, not a style rule). */
export const MAX_EXPRESSION_LENGTH = 1_000_000;

const OPERATORS = ['==', '!=', '<>', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '(', ')', ','];
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD_TAIL = /[\p{L}\p{N}_.]*/uy;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
};

/** Line starts of a text, for turning offsets into 1-based line/column. */
class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  span(offset: number, length: number): Span {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, length, line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** A character as shown in a message: `';'`, or `U+0007` for one that cannot be printed. */
export function showChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029)
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${c}'`;
}

/** User text as shown in a message: quoted, control characters escaped, cut at 40 characters. */
export function showText(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => showChar(c).replace(/'/g, ''));
  return `'${clean.length > 40 ? `${clean.slice(0, 40)}…` : clean}'`;
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function isSpace(c: string): boolean {
  return /\s/u.test(c);
}

const CHARACTER_HINTS: Record<string, string> = {
  ';': "an expression is one condition or value: ';' and SQL statements are not allowed",
  '!': "write 'not' (or '!=' for not equal)",
  '&': "write 'and'",
  '|': "write 'or'",
  '[': 'use parentheses for grouping',
  '{': 'use parentheses for grouping',
  '#': 'expressions have no comments',
};

/**
 * Splits an expression into tokens, ending with an `eof` token. Throws a {@link UserError} holding
 * every lexical problem found (unterminated strings, unknown characters, malformed numbers).
 */
export function tokenize(text: string): Token[] {
  const pos = new Positions(text);
  if (text.length > MAX_EXPRESSION_LENGTH)
    throw exprError([
      exprProblem(
        'expression_too_long',
        `the expression is ${text.length} characters long, more than the ${MAX_EXPRESSION_LENGTH} allowed`,
        pos.span(0, 0),
      ),
    ]);
  const tokens: Token[] = [];
  const problems: ExprProblem[] = [];
  const push = (kind: TokenKind, value: string, start: number, end: number, num = 0) =>
    tokens.push({ kind, value, num, span: pos.span(start, end - start) });

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isControl(code)) {
      problems.push(
        exprProblem(
          'invalid_character',
          `unexpected control character ${showChar(c)}`,
          pos.span(i, 1),
          'remove it (control characters are allowed only inside quoted strings)',
        ),
      );
      i++;
      continue;
    }
    // Numbers: 12, 1.5, .5, 1e3, 2.5E-3; a letter right after one is a mistake (`12abc`).
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      const end = i + num[0].length;
      WORD_TAIL.lastIndex = end;
      const tail = WORD_TAIL.exec(text)?.[0] ?? '';
      if (tail !== '') {
        problems.push(
          exprProblem(
            'invalid_number',
            `invalid number ${showText(num[0] + tail)}`,
            pos.span(i, num[0].length + tail.length),
          ),
        );
        i = end + tail.length;
        continue;
      }
      const value = Number(num[0]);
      if (!Number.isFinite(value))
        problems.push(
          exprProblem('invalid_number', `number ${showText(num[0])} is too large`, pos.span(i, end - i)),
        );
      push('number', num[0], i, end, value);
      i = end;
      continue;
    }
    IDENT.lastIndex = i;
    const word = IDENT.exec(text);
    if (word) {
      const lower = word[0].toLowerCase();
      if (KEYWORDS.has(lower)) push('keyword', lower, i, i + word[0].length);
      else push('ident', word[0], i, i + word[0].length);
      i += word[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      i = readString(text, i, pos, tokens, problems);
      continue;
    }
    if (c === '`') {
      i = readQuotedIdent(text, i, pos, tokens, problems);
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      push('op', op, i, i + op.length);
      i += op.length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    problems.push(
      exprProblem(
        'invalid_character',
        `unexpected character ${showChar(ch)}`,
        pos.span(i, ch.length),
        CHARACTER_HINTS[ch],
      ),
    );
    i += ch.length;
  }
  push('eof', '', text.length, text.length);
  if (problems.length > 0) throw exprError(problems);
  return tokens;
}

/** Reads a '…' or "…" string starting at `start`; returns the offset after it. */
function readString(
  text: string,
  start: number,
  pos: Positions,
  tokens: Token[],
  problems: ExprProblem[],
): number {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      tokens.push({ kind: 'string', value, num: 0, span: pos.span(start, i + 1 - start) });
      return i + 1;
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
        value += SIMPLE_ESCAPES[e];
        i += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      problems.push(
        exprProblem(
          'invalid_escape',
          `unknown escape ${showText(`\\${e ?? ''}`)} in a string`,
          pos.span(i, e === undefined ? 1 : 2),
          "write '\\\\' for a backslash; the escapes are \\\\ \\' \\\" \\n \\t \\r \\uXXXX",
        ),
      );
      value += e ?? '';
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  problems.push(
    exprProblem(
      'unterminated_string',
      'unterminated string',
      pos.span(start, 1),
      `close it with ${quote} (write ${quote}${quote} for a ${quote} inside it)`,
    ),
  );
  return text.length;
}

/** Reads a `name` starting at `start`; returns the offset after it. */
function readQuotedIdent(
  text: string,
  start: number,
  pos: Positions,
  tokens: Token[],
  problems: ExprProblem[],
): number {
  let name = '';
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '`') {
      if (text[i + 1] === '`') {
        name += '`';
        i += 2;
        continue;
      }
      if (name === '')
        problems.push(exprProblem('invalid_identifier', 'empty quoted name', pos.span(start, 2)));
      tokens.push({ kind: 'quoted_ident', value: name, num: 0, span: pos.span(start, i + 1 - start) });
      return i + 1;
    }
    name += text[i];
    i++;
  }
  problems.push(
    exprProblem('unterminated_identifier', 'unterminated quoted name', pos.span(start, 1), 'close it with `'),
  );
  return text.length;
}
