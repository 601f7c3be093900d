import type { AsOf } from './as-of.js';
import type { EventTypeColumns } from './feature-columns.js';
import { type InlineValues, rankedPreferenceSql, valueCounts } from './preference.js';
import { completed, filtered } from './sql-parts.js';

/** `event_type` is one of the raw types of a group. */
function typeIn(a: AsOf, raw: readonly string[]): string {
  if (raw.length === 0) return 'FALSE';
  if (raw.length === 1) return `event_type = ${a.d.literal(raw[0]!)}`;
  return `event_type IN (${raw.map((t) => a.d.literal(t)).join(', ')})`;
}

/**
 * One pass over the events of the 365 days up to the as-of date, grouped by customer: totals per
 * window, visits, engagement events, and the 30- and 90-day counts of each event type.
 * `visit` and `support_ticket` are the raw types that sanitise to those names.
 */
export function eventsStageSql(
  a: AsOf,
  types: readonly EventTypeColumns[],
  special: { visit: readonly string[]; supportTicket: readonly string[] },
): string {
  const since30 = `occurred_at >= ${a.since(30)}`;
  const since90 = `occurred_at >= ${a.since(90)}`;
  const cols = [
    'customer_id',
    `${filtered('COUNT(*)', since30)} AS events_30d`,
    `${filtered('COUNT(*)', since90)} AS events_90d`,
    'COUNT(*) AS events_365d',
    `${filtered('COUNT(*)', typeIn(a, special.visit))} AS visits_365d`,
    special.supportTicket.length === 0
      ? 'COUNT(*) AS engagement_events_365d'
      : `${filtered('COUNT(*)', `event_type IS NULL OR NOT (${typeIn(a, special.supportTicket)})`)} AS engagement_events_365d`,
  ];
  for (const t of types) {
    const is = typeIn(a, t.raw);
    cols.push(`${filtered('COUNT(*)', `${is} AND ${since30}`)} AS ${a.d.ident(`events_${t.name}_30d`)}`);
    cols.push(`${filtered('COUNT(*)', `${is} AND ${since90}`)} AS ${a.d.ident(`events_${t.name}_90d`)}`);
  }
  return (
    `SELECT ${cols.join(', ')} FROM events ` +
    `WHERE occurred_at >= ${a.since(365)} AND occurred_at < ${a.end} GROUP BY customer_id`
  );
}

/**
 * The latest NPS and CSAT answer up to the as-of date per customer (each its own latest: a
 * response may carry only one of the two scores). Ties in time go to the higher score.
 */
export function feedbackStageSql(a: AsOf): string {
  const latest = (score: string) =>
    `ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY CASE WHEN ${score} IS NULL THEN 1 ELSE 0 END, responded_at DESC, ${score} DESC)`;
  return (
    `SELECT customer_id, ` +
    `MAX(CASE WHEN nps_rn = 1 THEN nps_score END) AS nps_latest, ` +
    `MAX(CASE WHEN nps_rn = 1 AND nps_score IS NOT NULL THEN responded_at END) AS nps_latest_at, ` +
    `MAX(CASE WHEN csat_rn = 1 THEN csat_score END) AS csat_latest, ` +
    `MAX(CASE WHEN csat_rn = 1 AND csat_score IS NOT NULL THEN responded_at END) AS csat_latest_at ` +
    `FROM (SELECT customer_id, responded_at, nps_score, csat_score, ${latest('nps_score')} AS nps_rn, ${latest('csat_score')} AS csat_rn ` +
    `FROM feedback WHERE responded_at < ${a.end}) t GROUP BY customer_id`
  );
}

/**
 * Per customer, the order lines of completed orders up to the as-of date by category: one count
 * per category when they are few (`categories` sorted), else the ranked preference
 * (`preferred`, `distinct_values`; ties: alphabetical first).
 */
export function categoriesStageSql(a: AsOf, categories: InlineValues): string {
  const from =
    `FROM order_items i JOIN orders o ON o.order_id = i.order_id ` +
    `WHERE ${completed('o')} AND o.ordered_at < ${a.end} AND i.category IS NOT NULL`;
  if (categories === undefined) return rankedPreferenceSql(`SELECT o.customer_id, i.category AS v ${from}`);
  return `SELECT o.customer_id, ${['COUNT(*) AS lines', ...valueCounts(a.d, categories, 'i.category', 'category')].join(', ')} ${from} GROUP BY o.customer_id`;
}

/**
 * Customer acquisition cost per acquisition channel and month, from `acquisitions`: a table
 * expression with a row per customer, columns `acquisition_channel` and `acquired_month` (the
 * first day of the month the customer was acquired in).
 *
 * A month's spend is the sum over the channel's spend rows of `spend × overlap / length`, where
 * `length` is the row's period in days and `overlap` the days it shares with the month, the month
 * being cut at the as-of date (nothing after it is known yet). CAC = that spend / the customers the
 * channel acquired in the month up to the as-of date. Channels or months without any overlapping
 * spend row get no row, so their CAC is NULL (unknown), not 0: organic and referral customers
 * have no CAC.
 */
export function cacStageSql(a: AsOf, acquisitions: string): string {
  const { d } = a;
  // The month's last day, cut at the as-of date: (first of month + 32 days) truncated, − 1 day.
  const monthEnd = d.cast(
    d.addDays(d.dateTrunc('month', d.cast(d.addDays('acquired_month', 32), 'date')), -1),
    'date',
  );
  const cutEnd = d.fn('least', monthEnd, a.date);
  const overlapFrom = d.fn('greatest', 's.period_start', 'm.month_start');
  const overlapTo = d.fn('least', 's.period_end', 'm.month_end');
  const overlap = `(${d.daysBetween(overlapFrom, overlapTo)} + 1)`;
  const length = `(${d.daysBetween('s.period_start', 's.period_end')} + 1)`;
  return (
    `SELECT m.channel, m.month_start, SUM(s.spend * ${overlap} / ${length}) / MAX(m.customers) AS cac FROM (` +
    `SELECT acquisition_channel AS channel, acquired_month AS month_start, ${cutEnd} AS month_end, COUNT(*) AS customers ` +
    `FROM ${acquisitions} WHERE acquired_month IS NOT NULL ` +
    `GROUP BY acquisition_channel, acquired_month) m ` +
    `JOIN marketing_spend s ON s.channel = m.channel AND s.period_start <= m.month_end AND s.period_end >= m.month_start ` +
    `AND s.period_end >= s.period_start AND s.spend IS NOT NULL ` +
    `GROUP BY m.channel, m.month_start`
  );
}
