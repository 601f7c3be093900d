import type { AsOf } from './as-of.js';
import { countColumn, type InlineValues, rankedPreferenceSql } from './preference.js';
import { completed, filtered } from './sql-parts.js';

/** A window of order dates: `[since(from), since(to))`, i.e. from `from` days back to `to` days back. */
interface OrderWindow {
  orders: string;
  revenue: string;
  from: number;
  to?: number;
}

/**
 * The order windows: 30, 90 and 365 days, the 365 days before those, and the KPI period P and
 * the P days before it (sharing the fixed windows' aggregates when P is 30, 90 or 365).
 */
function orderWindows(periodDays: number): OrderWindow[] {
  const w: OrderWindow[] = [30, 90, 365].map((n) => ({
    orders: `orders_${n}d`,
    revenue: `revenue_${n}d`,
    from: n,
  }));
  w.push({ orders: 'orders_prev_365d', revenue: 'revenue_prev_365d', from: 730, to: 365 });
  if (![30, 90, 365].includes(periodDays))
    w.push({ orders: 'orders_p', revenue: 'revenue_p', from: periodDays });
  if (periodDays !== 365)
    w.push({ orders: 'orders_prev_p', revenue: 'revenue_prev_p', from: 2 * periodDays, to: periodDays });
  return w;
}

/** Stage column names of the KPI period's four aggregates. */
export function periodColumns(
  periodDays: number,
): Record<'orders' | 'revenue' | 'ordersPrev' | 'revenuePrev', string> {
  const fixed = [30, 90, 365].includes(periodDays);
  return {
    orders: fixed ? `orders_${periodDays}d` : 'orders_p',
    revenue: fixed ? `revenue_${periodDays}d` : 'revenue_p',
    ordersPrev: periodDays === 365 ? 'orders_prev_365d' : 'orders_prev_p',
    revenuePrev: periodDays === 365 ? 'revenue_prev_365d' : 'revenue_prev_p',
  };
}

/**
 * One pass over the completed orders up to the as-of date, grouped by customer: totals, first and
 * last order, distinct purchase days, every window (conditional aggregates), the margin inputs
 * and, when the channels are few, the orders per channel; with `summaryOnly`, only what the
 * purchase summary needs (totals, first and last order, purchase days).
 */
export function ordersStageSql(
  a: AsOf,
  periodDays: number,
  channels: InlineValues,
  o: { summaryOnly?: boolean } = {},
): string {
  const { d } = a;
  const inWindow = (w: OrderWindow) =>
    w.to === undefined
      ? `ordered_at >= ${a.since(w.from)}`
      : `ordered_at >= ${a.since(w.from)} AND ordered_at < ${a.since(w.to)}`;
  const cols: [string, string][] = [
    ['orders_total', 'COUNT(*)'],
    ['revenue_total', 'SUM(revenue)'],
    // Rows without a cost drop out of the sum; the margin is known when cost_known = orders_total.
    ['margin_sum', 'SUM(revenue - cost)'],
    ['cost_known', 'COUNT(cost)'],
    ['first_order_at', 'MIN(ordered_at)'],
    ['last_order_at', 'MAX(ordered_at)'],
    ['first_day', d.cast('MIN(ordered_at)', 'date')],
  ];
  // The models need only the purchase summary's inputs (`purchaseSummarySql`, `firstDayRevenueSql`):
  // the windows, margins and channel counts would be computed for nothing.
  if (!o.summaryOnly) {
    for (const w of orderWindows(periodDays)) {
      cols.push([w.orders, filtered('COUNT(*)', inWindow(w))]);
      cols.push([w.revenue, filtered('SUM(revenue)', inWindow(w))]);
    }
    const last365 = `ordered_at >= ${a.since(365)}`;
    cols.push(['margin_365_sum', filtered('SUM(revenue - cost)', last365)]);
    cols.push(['cost_known_365', filtered('COUNT(cost)', last365)]);
    // The orders per channel, when the channels are few enough to count inline.
    for (const [i, v] of (channels ?? []).entries())
      cols.push([countColumn('channel', i), filtered('COUNT(*)', `channel = ${d.literal(v)}`)]);
  }
  const from = `FROM orders WHERE ${completed()} AND ordered_at < ${a.end} GROUP BY customer_id`;
  const aggregates = cols.map(([n, e]) => `${e} AS ${n}`);
  const day = d.cast('ordered_at', 'date');
  const folded = d.distinctAndSumAtMin(day, 'revenue', '_day');
  if (folded === undefined)
    return (
      `SELECT customer_id, ${aggregates.join(', ')}, ` +
      `${d.cast(d.countDistinct(day), 'integer')} AS purchase_days ${from}`
    );
  // Purchase days and the first day's revenue in the same pass (no `firstDayRevenueSql` stage).
  return (
    `SELECT customer_id, ${cols.map(([n]) => n).join(', ')}, ${d.cast(folded.distinct, 'integer')} AS purchase_days, ` +
    `${folded.sumAtMin} AS first_day_revenue ` +
    `FROM (SELECT customer_id, ${[...aggregates, ...folded.inner].join(', ')} ${from}) g`
  );
}

/**
 * Whether {@link ordersStageSql} carries `first_day_revenue` itself (the dialect can compute it
 * in the same pass); otherwise the feature build adds the {@link firstDayRevenueSql} stage.
 */
export function ordersStageHasFirstDay(a: AsOf): boolean {
  return a.d.distinctAndSumAtMin('d', 'v', '_p') !== undefined;
}

/**
 * Revenue of each repeat customer's first purchase day (all completed orders of that day), for
 * the monetary value of Fader, Hardie & Lee (2005), which averages the repeat purchases only.
 * Joining on the day as well keeps the join's output to the first-day orders.
 */
export function firstDayRevenueSql(a: AsOf, stage: string): string {
  const { d } = a;
  return (
    `SELECT o.customer_id, SUM(o.revenue) AS first_day_revenue ` +
    `FROM orders o JOIN ${stage} s ON s.customer_id = o.customer_id AND s.first_day = ${d.cast('o.ordered_at', 'date')} ` +
    `WHERE s.purchase_days > 1 AND ${completed('o')} AND o.ordered_at < ${a.end} ` +
    `GROUP BY o.customer_id`
  );
}

/**
 * The channel of most completed orders per customer (`preferred`) when there are too many
 * channels to count inline: ties go to the alphabetically first channel.
 */
export function preferredChannelSql(a: AsOf): string {
  return rankedPreferenceSql(
    `SELECT customer_id, channel AS v FROM orders WHERE ${completed()} AND ordered_at < ${a.end} AND channel IS NOT NULL`,
  );
}
