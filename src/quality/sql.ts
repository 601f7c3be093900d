import type { Dialect, LogicalType } from '../dialect/dialect.js';
import type { Engine, Row, RowValue } from '../engine/engine.js';
import { ORDER_STATUSES } from '../model/canonical.js';
import { MAX_EXAMPLES } from './check.js';

/*
 * SQL fragments shared by the check families. Everything goes through the dialect; the fragments
 * stay in standard SQL (CASE inside COUNT rather than FILTER, scalar subqueries rather than window
 * functions) so that any engine segtrack supports can run the report.
 */

/** Counts the rows for which `cond` holds (portable spelling of `COUNT(*) FILTER (WHERE …)`). */
export function countIf(cond: string): string {
  return `COUNT(CASE WHEN ${cond} THEN 1 END)`;
}

/** `TRIM(expr)` as text: JSON and other non-text values are cast first. */
function trimmed(d: Dialect, expr: string, type: LogicalType = 'string'): string {
  return d.fn('trim', type === 'string' ? expr : d.cast(expr, 'string'));
}

/** A value is missing when it is NULL or, for text and JSON, blank. */
export function isMissing(d: Dialect, expr: string, type: LogicalType): string {
  if (type === 'string' || type === 'json')
    return `(${expr} IS NULL OR ${trimmed(d, expr, type)} = ${d.literal('')})`;
  return `${expr} IS NULL`;
}

/** A text value that is present (neither NULL nor blank). */
export function hasText(d: Dialect, expr: string): string {
  return `(${expr} IS NOT NULL AND ${trimmed(d, expr)} <> ${d.literal('')})`;
}

/** Text compared without case or surrounding blanks. */
export function normalised(d: Dialect, expr: string): string {
  return d.fn('lower', trimmed(d, expr));
}

/** A completed order: status `completed`, or no status at all (canonical.ts: missing means completed). */
export function isCompleted(d: Dialect, status: string): string {
  return `(${status} IS NULL OR ${trimmed(d, status)} = ${d.literal('')} OR ${normalised(d, status)} = ${d.literal(ORDER_STATUSES[0])})`;
}

/** A calendar day (`YYYY-MM-DD`) as a SQL date. */
export function dayValue(d: Dialect, day: string): string {
  return d.cast(d.literal(day), 'date');
}

/** The first instant after the end of `day`: `x >= dayAfter(day)` means "x is after that day". */
export function dayAfter(d: Dialect, day: string): string {
  return d.addDays(dayValue(d, day), 1);
}

/** `t.<column>` quoted. */
export function col(d: Dialect, alias: string, column: string): string {
  return `${alias}.${d.ident(column)}`;
}

/** A result value as a number (NULL → 0; huge integers come back as text). */
export function toNum(v: RowValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** Select items `expr AS "alias"`. */
function selectList(d: Dialect, show: Record<string, string>): string {
  return Object.entries(show)
    .map(([alias, expr]) => `${expr} AS ${d.ident(alias)}`)
    .join(', ');
}

/**
 * Up to {@link MAX_EXAMPLES} rows of `from` matching `where`, showing the `show` expressions
 * (alias → SQL). Ordered by what is shown, so the examples are the same from run to run; the engine
 * runs it as a top-N, one pass without a full sort.
 */
export async function exampleRows(
  engine: Engine,
  from: string,
  where: string,
  show: Record<string, string>,
): Promise<Row[]> {
  const d = engine.dialect;
  const order = Object.keys(show)
    .map((a) => d.ident(a))
    .join(', ');
  return engine.query(
    `SELECT ${selectList(d, show)} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${MAX_EXAMPLES}`,
  );
}

/** What {@link groupedFindings} found. */
export interface GroupedFindings {
  /** Σ of the groups' `weight`. */
  total: number;
  /** Number of groups. */
  groups: number;
  /** The first groups in `order`, without the bookkeeping columns. */
  examples: Row[];
}

/**
 * Runs a grouped query (one row per offending group) and returns the totals with the first groups
 * as examples, in one statement. `grouped` must yield a numeric column named by `weight` (what the
 * check counts, e.g. surplus copies of a duplicated key).
 */
export async function groupedFindings(
  engine: Engine,
  grouped: string,
  weight: string,
  order: string[],
): Promise<GroupedFindings> {
  const d = engine.dialect;
  const total = '_segtrack_total';
  const groups = '_segtrack_groups';
  const rows = await engine.query(
    `WITH g AS (${grouped})
     SELECT g.*, (SELECT SUM(${d.ident(weight)}) FROM g) AS ${d.ident(total)}, (SELECT COUNT(*) FROM g) AS ${d.ident(groups)}
     FROM g ORDER BY ${order.join(', ')} LIMIT ${MAX_EXAMPLES}`,
  );
  const first = rows[0];
  if (!first) return { total: 0, groups: 0, examples: [] };
  const examples = rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) if (k !== total && k !== groups && k !== weight) out[k] = v;
    return out;
  });
  return { total: toNum(first[total]), groups: toNum(first[groups]), examples };
}

/** A result value as text (NULL → null); dates and timestamps already arrive as text. */
export function toText(v: RowValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
