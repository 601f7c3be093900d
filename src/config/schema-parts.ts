/**
 * Building blocks shared by the parts of the config schema: scalar types and the checks that span
 * several keys. Custom issues carry `params: {code, hint}`, which ./validate.ts turns into the
 * problem's code and hint.
 */
import { z } from 'zod';

/** Parameters of a custom issue, read by ./validate.ts. */
export interface CheckParams {
  code: string;
  hint?: string;
}

/** Options for a refinement: the problem code and hint it reports. */
export const params = (code: string, hint?: string): { params: CheckParams } => ({
  params: hint === undefined ? { code } : { code, hint },
});

/**
 * Sets an own, enumerable property. Unlike `obj[key] = v`, a key named `__proto__` written in the
 * config stays an ordinary key instead of replacing the object's prototype.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A plain mapping (not null, not a list). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Scalars

/** Non-empty text. */
export const text = z.string().min(1);

/**
 * A SQL or rule expression. YAML reads `where: true` or `revenue: 0` as a boolean or a number; both
 * are accepted and turned back into the text the user wrote.
 */
export const expression = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected an expression (text)' })
  .transform((v) => String(v))
  .refine((v) => v.trim() !== '', {
    message: 'the expression is empty',
    ...params('config_empty_expression'),
  });

/**
 * Why a SQL snippet from the config (a source column expression or filter) cannot be spliced
 * into the statement that reads the source, or undefined when it can: outside string literals
 * and quoted names it must not end the statement (`;`), open a comment (`--`, `/*`) that would
 * swallow the rest of the statement, or close a parenthesis it did not open (which would let it
 * break out of its place). The engine parses and checks everything else.
 */
export function sqlSnippetProblem(sql: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const close = sql.indexOf(ch, i + 1);
      if (close < 0) return `it has an unterminated ${ch === "'" ? 'string' : 'quoted name'}`;
      i = close;
      continue;
    }
    if (ch === ';')
      return `it contains ';' at character ${i + 1}: a snippet is one expression, not statements`;
    if ((ch === '-' && sql[i + 1] === '-') || (ch === '/' && sql[i + 1] === '*'))
      return `it contains a comment at character ${i + 1}`;
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return `it closes a parenthesis it did not open, at character ${i + 1}`;
    if (ch.charCodeAt(0) < 32 && ch !== '\t' && ch !== '\n' && ch !== '\r')
      return `it contains a control character at character ${i + 1}`;
  }
  return depth > 0 ? 'it leaves a parenthesis open' : undefined;
}

/** A SQL expression over a source's columns (see {@link sqlSnippetProblem}). */
export const sqlSnippet = expression.superRefine((v, ctx) => {
  const problem = sqlSnippetProblem(v);
  if (problem !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `this SQL snippet cannot be used: ${problem}`,
      ...params(
        'config_unsafe_sql',
        "write one SQL expression over the source's columns, e.g. `Quantity * UnitPrice`",
      ),
    });
});

/** Lower-case identifier, usable as a column name in SQL and in rule expressions. */
export const identifier = z.string().refine((v) => /^[a-z][a-z0-9_]*$/.test(v), {
  message: 'must be a lower-case name (letters, digits and _ , starting with a letter)',
  ...params('config_invalid_format', 'for example `vip_share`'),
});

/** A real calendar date written YYYY-MM-DD (a JS Date, from programmatic use, is accepted too). */
export const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z.string().refine(
    (v) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      if (!m) return false;
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return d.toISOString().slice(0, 10) === v;
    },
    {
      message: 'must be a date written YYYY-MM-DD',
      ...params('config_invalid_date', 'for example `2011-12-09`'),
    },
  ),
);

/** An ISO 4217 currency code. */
export const currency = z.string().refine((v) => /^[A-Z]{3}$/.test(v), {
  message: 'must be a three-letter ISO 4217 currency code',
  ...params('config_invalid_format', 'for example `GBP`, `EUR` or `USD` (upper case)'),
});

/** A whole number ≥ 1. */
export const positiveInt = z.int().min(1);
/** A fraction in (0, 1]. */
export const share = z.number().gt(0).max(1);

/** Names in a list of objects are unique (checked defensively: the list may be partly invalid). */
export function uniqueNames(what: string, key = 'name') {
  return (list: unknown, ctx: z.RefinementCtx): void => {
    if (!Array.isArray(list)) return;
    const seen = new Map<string, number>();
    list.forEach((item: unknown, i) => {
      if (!isRecord(item) || typeof item[key] !== 'string') return;
      const name = item[key];
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else
        ctx.addIssue({
          code: 'custom',
          message: `${what} '${name}' is defined twice (also at item ${first + 1})`,
          path: [i, key],
          ...params('config_duplicate_name', `give each ${what} its own ${key}`),
        });
    });
  };
}
