import type { AsOf } from './as-of.js';
import { type InlineValues, rankedPreferenceSql, valueCounts } from './preference.js';
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
  const cols = [
    'customer_id',
    'COUNT(*) AS orders_total',
    'SUM(revenue) AS revenue_total',
    // Rows without a cost drop out of the sum; the margin is known when cost_known = orders_total.
    'SUM(revenue - cost) AS margin_sum',
    'COUNT(cost) AS cost_known',
    'MIN(ordered_at) AS first_order_at',
    'MAX(ordered_at) AS last_order_at',
    `${d.cast('MIN(ordered_at)', 'date')} AS first_day`,
    `${d.cast(d.countDistinct(d.cast('ordered_at', 'date')), 'integer')} AS purchase_days`,
  ];
  // The models need only the purchase summary's inputs (`purchaseSummarySql`, `firstDayRevenueSql`):
  // the windows, margins and channel counts would be computed for nothing.
  const from = `FROM orders WHERE ${completed()} AND ordered_at < ${a.end} GROUP BY customer_id`;
  if (o.summaryOnly) return `SELECT ${cols.join(', ')} ${from}`;
  for (const w of orderWindows(periodDays)) {
    cols.push(`${filtered('COUNT(*)', inWindow(w))} AS ${w.orders}`);
    cols.push(`${filtered('SUM(revenue)', inWindow(w))} AS ${w.revenue}`);
  }
  const last365 = `ordered_at >= ${a.since(365)}`;
  cols.push(`${filtered('SUM(revenue - cost)', last365)} AS margin_365_sum`);
  cols.push(`${filtered('COUNT(cost)', last365)} AS cost_known_365`);
  cols.push(...valueCounts(d, channels ?? [], 'channel', 'channel'));
  return `SELECT ${cols.join(', ')} ${from}`;
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
