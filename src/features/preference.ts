import type { Row } from '../engine/engine.js';
import type { Dialect } from '../dialect/dialect.js';
import { filtered } from './sql-parts.js';

/**
 * Up to this many distinct values (order channels, product categories) are counted with one
 * conditional aggregate each inside the pass that reads the rows; with more, a separate
 * per-(customer, value) aggregation ranks them.
 */
export const MAX_INLINE_VALUES = 32;

/**
 * Where a customer's preferred value comes from: the distinct values of a column when they are
 * few (counted inline, sorted), or undefined when there are too many.
 */
export type InlineValues = readonly string[] | undefined;

/** A query listing at most {@link MAX_INLINE_VALUES} + 1 distinct non-NULL values of `column` as `v`. */
export function distinctValuesSql(d: Dialect, table: string, column: string): string {
  return `SELECT DISTINCT ${d.ident(column)} AS v FROM ${d.ident(table)} WHERE ${d.ident(column)} IS NOT NULL LIMIT ${MAX_INLINE_VALUES + 1}`;
}

/** The values to count inline (sorted), or undefined when the query found too many. */
export function inlineValues(rows: readonly Row[]): InlineValues {
  if (rows.length > MAX_INLINE_VALUES) return undefined;
  return rows.map((r) => (typeof r['v'] === 'string' ? r['v'] : JSON.stringify(r['v']))).sort();
}

/** Name of the count column of the i-th inline value. */
export const countColumn = (prefix: string, i: number): string => `${prefix}_${i}_n`;

/** One conditional count per inline value: rows where `expr` equals it. */
export function valueCounts(d: Dialect, values: readonly string[], expr: string, prefix: string): string[] {
  return values.map(
    (v, i) => `${filtered('COUNT(*)', `${expr} = ${d.literal(v)}`)} AS ${countColumn(prefix, i)}`,
  );
}

/**
 * The value with the largest count (ties: the first in `values`, which is sorted), NULL when
 * every count is 0 or NULL; `alias` is the table holding the count columns.
 */
export function topValue(d: Dialect, values: readonly string[], alias: string, prefix: string): string {
  if (values.length === 0) return d.cast('NULL', 'string');
  const counts = values.map((_, i) => `${alias}.${countColumn(prefix, i)}`);
  const max = counts.length === 1 ? counts[0]! : d.fn('greatest', ...counts);
  const whens = values.map((v, i) => `WHEN ${counts[i]!} = ${max} THEN ${d.literal(v)}`);
  return `CASE WHEN COALESCE(${max}, 0) = 0 THEN NULL ${whens.join(' ')} END`;
}

/** How many inline values have a positive count (0 when the counts are NULL). */
export function valuesSeen(values: readonly string[], alias: string, prefix: string): string {
  if (values.length === 0) return '0';
  return values
    .map((_, i) => `CASE WHEN ${alias}.${countColumn(prefix, i)} > 0 THEN 1 ELSE 0 END`)
    .join(' + ');
}

/**
 * Ranking of many values: per customer, the value of most rows (ties: alphabetical first) as
 * `preferred` and the number of distinct values as `distinct_values`. `from` must yield the
 * columns `customer_id` and `v` (non-NULL).
 */
export function rankedPreferenceSql(from: string): string {
  return (
    `SELECT customer_id, COUNT(*) AS distinct_values, MAX(CASE WHEN rn = 1 THEN v END) AS preferred FROM (` +
    `SELECT customer_id, v, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY COUNT(*) DESC, v) AS rn ` +
    `FROM (${from}) x GROUP BY customer_id, v) t GROUP BY customer_id`
  );
}
