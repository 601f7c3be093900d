import type { SchemeBuilder } from './scheme.js';

/** Lifecycle stages in display order. */
export const LIFECYCLE_SEGMENTS = ['prospect', 'new', 'active', 'at risk', 'lapsed', 'churned'];

/** Thresholds in days; each stage is judged in this order, the first that holds wins. */
export interface LifecycleThresholds {
  /** A first order at most this many days ago: new. */
  new_days: number;
  /** A last order at most this many days ago: active. */
  active_days: number;
  /** … at risk. */
  at_risk_days: number;
  /** … lapsed; older than this: churned. */
  lapsed_days: number;
}

const round = (x: number) => Math.max(1, Math.round(x));

/**
 * Lifecycle: prospect (no completed order yet), new (first order within `new_days`), then by days
 * since the last order: active, at risk, lapsed, churned.
 *
 * Unless the config sets them, the thresholds come from the customer base's own rhythm: over the
 * customers with at least two orders, the median (g50), 75th (g75) and 90th (g90) percentiles of
 * their average days between orders. new = g50, active = g75, at risk = g90, lapsed = 2 × g90 —
 * a customer is "at risk" once they have gone longer without buying than 75 % of repeat customers
 * usually wait, and "churned" past twice what 90 % wait. Without repeat customers the defaults are
 * 30 / 90 / 180 / 365 days.
 */
export const lifecycleScheme: SchemeBuilder = async (scheme, ctx) => {
  const d = ctx.engine.dialect;
  const t = d.ident(ctx.features.table);
  const given = (scheme['thresholds'] ?? {}) as Partial<LifecycleThresholds>;
  const [q] = await ctx.engine.query(
    `SELECT count(*) AS n, ${d.fn('quantile_cont', 'avg_days_between_orders', '0.5')} AS g50, ` +
      `${d.fn('quantile_cont', 'avg_days_between_orders', '0.75')} AS g75, ` +
      `${d.fn('quantile_cont', 'avg_days_between_orders', '0.9')} AS g90 ` +
      `FROM ${t} WHERE avg_days_between_orders IS NOT NULL`,
  );
  const n = Number(q?.['n'] ?? 0);
  const g = (k: string, fallback: number) => (n > 0 ? round(Number(q?.[k])) : fallback);
  const derived: LifecycleThresholds = {
    new_days: g('g50', 30),
    active_days: g('g75', 90),
    at_risk_days: g('g90', 180),
    lapsed_days: n > 0 ? round(2 * Number(q?.['g90'])) : 365,
  };
  const th: LifecycleThresholds = { ...derived, ...given };
  // Keep the stages in order even when only some thresholds are configured.
  th.at_risk_days = Math.max(th.at_risk_days, th.active_days + 1);
  th.lapsed_days = Math.max(th.lapsed_days, th.at_risk_days + 1);
  const sql =
    `SELECT customer_id, customer_key, CASE ` +
    `WHEN coalesce(orders_total, 0) = 0 THEN 'prospect' ` +
    `WHEN ${d.daysBetween('first_order_at', d.literal(ctx.features.asOf))} <= ${th.new_days} THEN 'new' ` +
    `WHEN recency_days <= ${th.active_days} THEN 'active' ` +
    `WHEN recency_days <= ${th.at_risk_days} THEN 'at risk' ` +
    `WHEN recency_days <= ${th.lapsed_days} THEN 'lapsed' ` +
    `ELSE 'churned' END AS segment FROM ${t}`;
  return {
    scheme: scheme.name,
    type: 'lifecycle',
    sql,
    segments: LIFECYCLE_SEGMENTS,
    meta: {
      thresholds_days: th,
      derived_from:
        n > 0 ? `average days between orders of ${n} repeat customers (g50, g75, g90)` : 'defaults',
      configured: Object.keys(given),
    },
  };
};
