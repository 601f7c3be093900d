import { userError } from '../core/errors.js';

/** Parses a whole-number flag, with a clear error for anything else. */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min)
    throw userError(
      'bad_flag',
      `${name} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not '${value}'`,
    );
  return n;
}

/** Parses a number flag. */
export function numberFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw userError('bad_flag', `${name} must be a number of at least ${min}, not '${value}'`);
  return n;
}

/** Checks a YYYY-MM-DD flag. */
export function dateFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw userError('bad_flag', `${name} must be a date as YYYY-MM-DD, not '${value}'`);
  return value;
}
