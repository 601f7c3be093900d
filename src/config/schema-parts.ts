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
