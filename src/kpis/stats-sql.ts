/**
 * The SQL aggregates that reduce a group of customers (a segment, or the whole base) to the
 * sufficient statistics of every catalogue KPI: counts, sums, sums of squares and cross-products
 * over the feature table. The KPI values, their intervals and the flags are all computed from
 * these in TypeScript (evaluate.ts, flags.ts), so the data is read once.
 *
 * Every statistic is a DOUBLE; a statistic whose feature columns are missing is the constant 0
 * (the evaluator then reports the KPIs that need it as unavailable, from the column list).
 */
import type { Dialect } from '../dialect/dialect.js';

/** What the statistics are computed over. */
export interface StatsContext {
  dialect: Dialect;
  /** The as-of date, `YYYY-MM-DD` (the end of P, inclusive). */
  asOf: string;
  /** The day before P starts (P = (periodStart, asOf]), `YYYY-MM-DD`. */
  periodStart: string;
  periodDays: number;
  /** The feature table's columns (lower case). */
  columns: ReadonlySet<string>;
}

/**
 * The feature columns holding the per-period quantities of a period of `days` days: the fixed
 * windows (`orders_365d`, `orders_prev_365d`, `visits_365d`…) when the table has them, else the
 * KPI-period columns (`orders_period`, `revenue_period`, `orders_prev_period`), which the feature
 * stage builds for the period it was given — the same `periodDays` must be passed to both. A
 * quantity with neither is reported under its fixed-window name (and its KPIs are unavailable).
 */
export function periodColumns(
  days: number,
  columns: ReadonlySet<string>,
): {
  orders: string;
  revenue: string;
  ordersPrev: string;
  events: string;
  engagement: string;
  visits: string;
} {
  const pick = (...names: string[]) => names.find((n) => columns.has(n)) ?? names[0]!;
  return {
    orders: pick(`orders_${days}d`, 'orders_period'),
    revenue: pick(`revenue_${days}d`, 'revenue_period'),
    ordersPrev: pick(`orders_prev_${days}d`, 'orders_prev_period'),
    events: `events_${days}d`,
    engagement: `engagement_events_${days}d`,
    visits: `visits_${days}d`,
  };
}

/** One named statistic: its SQL aggregate and the feature columns it reads. */
interface StatDef {
  name: string;
  columns: string[];
  sql: string;
}

/**
 * The statistics' SQL aggregates, `[name, sql]`, in a fixed order. `from` alias-free column
 * references are used, so the aggregates apply to any relation exposing the feature columns.
 */
export function statAggregates(ctx: StatsContext): { name: string; sql: string }[] {
  const d = ctx.dialect;
  const pc = periodColumns(ctx.periodDays, ctx.columns);
  const col = (name: string) => d.ident(name);
  const num = (name: string) => d.cast(col(name), 'double');
  const z = (name: string) => `COALESCE(${num(name)}, 0)`;
  const sum = (expr: string) => `SUM(${expr})`;
  const countIf = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  const countNotNull = (expr: string) => `COUNT(${expr})`;
  const sq = (expr: string) => `(${expr}) * (${expr})`;
  const start = d.cast(d.literal(ctx.periodStart), 'date');
  const end = d.cast(d.literal(ctx.asOf), 'date');
  const inP = (name: string) =>
    `(${d.cast(col(name), 'date')} > ${start} AND ${d.cast(col(name), 'date')} <= ${end})`;

  const o = z(pc.orders);
  const r = z(pc.revenue);
  const pclv = num('predicted_clv');
  const pa = num('p_alive');
  const cac = num('cac');
  const nps = num('nps_latest');
  const csat = num('csat_latest');
  const eventsCol = ctx.columns.has(pc.events) ? pc.events : pc.engagement;

  const defs: StatDef[] = [
    { name: 'n', columns: [], sql: 'COUNT(*)' },
    // Orders: totals in P, buyers in P, ever-buyers and repeaters.
    { name: 'ever_buyers', columns: ['orders_total'], sql: countIf(`${num('orders_total')} >= 1`) },
    { name: 'repeaters', columns: ['orders_total'], sql: countIf(`${num('orders_total')} >= 2`) },
    { name: 'orders_sum', columns: [pc.orders], sql: sum(o) },
    { name: 'orders_sq', columns: [pc.orders], sql: sum(sq(o)) },
    { name: 'buyers', columns: [pc.orders], sql: countIf(`${o} >= 1`) },
    { name: 'revenue_sum', columns: [pc.revenue], sql: sum(r) },
    { name: 'revenue_sq', columns: [pc.revenue], sql: sum(sq(r)) },
    { name: 'revenue_orders', columns: [pc.revenue, pc.orders], sql: sum(`${r} * ${o}`) },
    // Historical CLV: revenue and margin to date; margin_missing counts buyers without a margin.
    { name: 'rt_sum', columns: ['revenue_total'], sql: sum(z('revenue_total')) },
    { name: 'rt_sq', columns: ['revenue_total'], sql: sum(sq(z('revenue_total'))) },
    { name: 'mt_sum', columns: ['margin_total'], sql: sum(z('margin_total')) },
    { name: 'mt_sq', columns: ['margin_total'], sql: sum(sq(z('margin_total'))) },
    { name: 'mt_known', columns: ['margin_total'], sql: countNotNull(num('margin_total')) },
    {
      name: 'margin_missing',
      columns: ['margin_total', 'orders_total'],
      sql: countIf(`${num('orders_total')} >= 1 AND ${col('margin_total')} IS NULL`),
    },
    // Retention: active in P−1, and of those active in P.
    { name: 'prev_active', columns: [pc.ordersPrev], sql: countIf(`${z(pc.ordersPrev)} >= 1`) },
    {
      name: 'retained',
      columns: [pc.ordersPrev, pc.orders],
      sql: countIf(`${z(pc.ordersPrev)} >= 1 AND ${o} >= 1`),
    },
    // Model scores.
    { name: 'pclv_n', columns: ['predicted_clv'], sql: countNotNull(pclv) },
    { name: 'pclv_sum', columns: ['predicted_clv'], sql: sum(pclv) },
    { name: 'pclv_sq', columns: ['predicted_clv'], sql: sum(sq(pclv)) },
    { name: 'pa_n', columns: ['p_alive'], sql: countNotNull(pa) },
    { name: 'pa_sum', columns: ['p_alive'], sql: sum(pa) },
    { name: 'pa_sq', columns: ['p_alive'], sql: sum(sq(pa)) },
    { name: 'rar_n', columns: ['predicted_clv', 'p_alive'], sql: countNotNull(`${pclv} * (1 - ${pa})`) },
    { name: 'rar_sum', columns: ['predicted_clv', 'p_alive'], sql: sum(`${pclv} * (1 - ${pa})`) },
    // Acquisition cost, and its cross-products with predicted CLV for clv_cac_ratio.
    { name: 'cac_n', columns: ['cac'], sql: countNotNull(cac) },
    { name: 'cac_sum', columns: ['cac'], sql: sum(cac) },
    { name: 'cac_sq', columns: ['cac'], sql: sum(sq(cac)) },
    { name: 'cc_n', columns: ['cac', 'predicted_clv'], sql: countNotNull(`${pclv} * ${cac}`) },
    {
      name: 'cc_pclv',
      columns: ['cac', 'predicted_clv'],
      sql: sum(`CASE WHEN ${cac} IS NOT NULL THEN ${pclv} END`),
    },
    {
      name: 'cc_cac',
      columns: ['cac', 'predicted_clv'],
      sql: sum(`CASE WHEN ${pclv} IS NOT NULL THEN ${cac} END`),
    },
    { name: 'cc_prod', columns: ['cac', 'predicted_clv'], sql: sum(`${pclv} * ${cac}`) },
    // Feedback: the latest response per customer, counted when it falls in P.
    { name: 'nps_any', columns: ['nps_latest'], sql: countNotNull(nps) },
    {
      name: 'nps_n',
      columns: ['nps_latest', 'nps_latest_at'],
      sql: countIf(`${nps} IS NOT NULL AND ${inP('nps_latest_at')}`),
    },
    {
      name: 'nps_promoters',
      columns: ['nps_latest', 'nps_latest_at'],
      sql: countIf(`${nps} >= 9 AND ${inP('nps_latest_at')}`),
    },
    {
      name: 'nps_detractors',
      columns: ['nps_latest', 'nps_latest_at'],
      sql: countIf(`${nps} <= 6 AND ${inP('nps_latest_at')}`),
    },
    { name: 'csat_any', columns: ['csat_latest'], sql: countNotNull(csat) },
    {
      name: 'csat_n',
      columns: ['csat_latest', 'csat_latest_at'],
      sql: countIf(`${csat} IS NOT NULL AND ${inP('csat_latest_at')}`),
    },
    {
      name: 'csat_satisfied',
      columns: ['csat_latest', 'csat_latest_at'],
      sql: countIf(`${csat} >= 4 AND ${inP('csat_latest_at')}`),
    },
    // Events in P: any, engagement, visits, and visitors who ordered.
    { name: 'event_customers', columns: [eventsCol], sql: countIf(`${z(eventsCol)} >= 1`) },
    { name: 'engaged', columns: [pc.engagement], sql: countIf(`${z(pc.engagement)} >= 1`) },
    { name: 'visitors', columns: [pc.visits], sql: countIf(`${z(pc.visits)} >= 1`) },
    {
      name: 'visitor_buyers',
      columns: [pc.visits, pc.orders],
      sql: countIf(`${z(pc.visits)} >= 1 AND ${o} >= 1`),
    },
  ];
  return defs.map((s) => ({
    name: s.name,
    sql: s.columns.every((c) => ctx.columns.has(c)) ? d.cast(s.sql, 'double') : d.cast('0', 'double'),
  }));
}
