import type { Dialect } from '../dialect/dialect.js';

/**
 * The as-of date as SQL constants. Days are calendar days in UTC; the as-of day is included, so
 * "up to the as-of date" means `ts < end` with `end` the start of the next day, and "the last n
 * days" means the n calendar days ending on the as-of day: `ts >= since(n)`.
 */
export interface AsOf {
  readonly d: Dialect;
  /** `YYYY-MM-DD`. */
  readonly text: string;
  /** The as-of day as a SQL DATE. */
  readonly date: string;
  /** The start of the day after the as-of day, as a SQL TIMESTAMP (exclusive upper bound). */
  readonly end: string;
  /** The start of the first of the `n` days ending on the as-of day, as a SQL TIMESTAMP. */
  since(n: number): string;
}

const DAY_MS = 86_400_000;

/** Parses `YYYY-MM-DD` to a UTC day number, or undefined if it is not a real date. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / DAY_MS;
}

/** `YYYY-MM-DD` of a UTC day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The SQL constants of an as-of date (`YYYY-MM-DD`, already validated). */
export function asOfSql(d: Dialect, text: string): AsOf {
  const day = parseDay(text);
  if (day === undefined) throw new Error(`not a date: ${text}`);
  const ts = (n: number) => d.cast(d.literal(`${formatDay(n)} 00:00:00`), 'timestamp');
  return {
    d,
    text,
    date: d.cast(d.literal(text), 'date'),
    end: ts(day + 1),
    since: (n) => ts(day - n + 1),
  };
}
