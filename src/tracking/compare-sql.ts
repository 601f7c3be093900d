/**
 * The SQL of `segtrack compare`: each customer's metric over the windows, and the pre-period
 * features for matching. Built through the engine's dialect; dates go in as statement parameters
 * and numbers through `dialect.literal`, never pasted.
 */
import type { Dialect } from '../dialect/dialect.js';
import type { SqlValue } from '../engine/engine.js';
import { completed } from '../features/sql-parts.js';
import type { CompareWindows } from './compare-windows.js';

/** The per-customer metrics `compare` can measure. */
export type CompareMetric = 'revenue' | 'orders' | 'active';

/** What each metric means, for the outputs. */
export const METRICS: Record<CompareMetric, { description: string; additive: boolean }> = {
  revenue: {
    description: 'net revenue of completed orders per customer in the window (mean over customers)',
    additive: true,
  },
  orders: {
    description: 'completed orders per customer in the window (mean over customers)',
    additive: true,
  },
  active: {
    description: 'share of customers with at least one completed order in the window',
    additive: false,
  },
};

/** The metric names, for flag checks. */
export const METRIC_NAMES = Object.keys(METRICS) as CompareMetric[];

/** A statement and its parameters. */
export interface Statement {
  sql: string;
  params: SqlValue[];
}

/**
 * Per customer of the group table `groups (customer_key, treated, weight)`: the metric over the
 * pre window (`pre`), the post window (`post`) and each pre sub-period (`p0` … `p{K−1}`), as
 * doubles, customers without orders included (0). Rows come treated first, then by key, so the
 * result is the same on every run.
 */
export function customerMetricSql(
  d: Dialect,
  metric: CompareMetric,
  w: CompareWindows,
  groups: string,
): Statement {
  const day = d.daysBetween('$1', 'o.ordered_at');
  const between = (from: number, to: number) => `o.day >= ${d.literal(from)} AND o.day < ${d.literal(to)}`;
  const agg = (cond: string) => {
    const e =
      metric === 'revenue'
        ? `SUM(CASE WHEN ${cond} THEN o.revenue ELSE 0 END)`
        : metric === 'orders'
          ? `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`
          : `MAX(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
    return d.cast(`COALESCE(${e}, 0)`, 'double');
  };
  const cols = [
    `${agg(between(0, w.pre_days))} AS pre`,
    `${agg(between(w.pre_days, w.pre_days + w.post_days))} AS post`,
    ...w.periods.map((p, k) => `${agg(between(p.from, p.to))} AS ${d.ident(`p${k}`)}`),
  ];
  const g = d.ident(groups);
  const sql =
    `WITH o AS (SELECT k.customer_key, ${day} AS day, COALESCE(o.revenue, 0) AS revenue ` +
    `FROM orders o JOIN customer_keys k ON k.customer_id = o.customer_id ` +
    `WHERE ${completed('o')} AND o.ordered_at >= CAST($1 AS TIMESTAMP) AND o.ordered_at < CAST($2 AS TIMESTAMP) ` +
    `AND k.customer_key IN (SELECT customer_key FROM ${g})) ` +
    `SELECT ${d.cast('g.customer_key', 'double')} AS customer_key, ${d.cast('g.treated', 'double')} AS treated, ` +
    `${d.cast('g.weight', 'double')} AS weight, ${cols.join(', ')} ` +
    `FROM ${g} g LEFT JOIN o ON o.customer_key = g.customer_key ` +
    `GROUP BY g.customer_key, g.treated, g.weight ORDER BY g.treated DESC, g.customer_key`;
  return { sql, params: [w.pre_from, w.end_exclusive] };
}

/** The features matching uses, in the order of the columns {@link matchingFeatureSql} returns. */
export const MATCHING_FEATURES = ['pre_revenue', 'pre_orders', 'recency_days', 'tenure_days'] as const;

/**
 * For the treated customers of `groups` and every other customer seen before the start (created,
 * or first ordered, before it): pre-window revenue and completed orders, days from the last
 * completed order before the start to the start (from their first appearance when they never
 * ordered), and days since their first appearance. Treated rows first (`treated` = 1), then the
 * candidates, each by key.
 */
export function matchingFeatureSql(d: Dialect, w: CompareWindows, groups: string): Statement {
  const g = d.ident(groups);
  const sql =
    `WITH t AS (SELECT DISTINCT customer_key FROM ${g} WHERE treated = 1), ` +
    `o AS (SELECT customer_id, ` +
    `SUM(CASE WHEN ordered_at >= CAST($1 AS TIMESTAMP) THEN COALESCE(revenue, 0) ELSE 0 END) AS pre_revenue, ` +
    `SUM(CASE WHEN ordered_at >= CAST($1 AS TIMESTAMP) THEN 1 ELSE 0 END) AS pre_orders, ` +
    `MIN(ordered_at) AS first_at, MAX(ordered_at) AS last_at ` +
    `FROM orders WHERE ${completed()} AND ordered_at < CAST($2 AS TIMESTAMP) GROUP BY customer_id), ` +
    `b AS (SELECT c.customer_key, CASE WHEN t.customer_key IS NULL THEN 0 ELSE 1 END AS treated, ` +
    `o.pre_revenue, o.pre_orders, o.last_at, ` +
    `CASE WHEN o.first_at IS NULL THEN c.created_at WHEN c.created_at IS NULL OR o.first_at < c.created_at ` +
    `THEN o.first_at ELSE c.created_at END AS first_seen ` +
    `FROM customers c LEFT JOIN o ON o.customer_id = c.customer_id LEFT JOIN t ON t.customer_key = c.customer_key ` +
    `WHERE c.customer_key IS NOT NULL) ` +
    `SELECT ${d.cast('customer_key', 'double')} AS customer_key, ${d.cast('treated', 'double')} AS treated, ` +
    `${d.cast('COALESCE(pre_revenue, 0)', 'double')} AS pre_revenue, ` +
    `${d.cast('COALESCE(pre_orders, 0)', 'double')} AS pre_orders, ` +
    `${d.cast(d.daysBetween('COALESCE(last_at, first_seen)', '$2'), 'double')} AS recency_days, ` +
    `${d.cast(d.daysBetween('first_seen', '$2'), 'double')} AS tenure_days ` +
    `FROM b WHERE treated = 1 OR first_seen < CAST($2 AS TIMESTAMP) ORDER BY treated DESC, customer_key`;
  return { sql, params: [w.pre_from, w.start] };
}

/** The day of the latest completed order (YYYY-MM-DD), or null without orders. */
export function latestOrderSql(d: Dialect): string {
  return `SELECT ${d.cast(d.cast('MAX(ordered_at)', 'date'), 'string')} AS last FROM orders WHERE ${completed()}`;
}
