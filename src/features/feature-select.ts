import type { AsOf } from './as-of.js';
import type { EventTypeColumns } from './feature-columns.js';
import { periodColumns } from './order-stage.js';
import { type InlineValues, topValue, valuesSeen } from './preference.js';

/** Quoted names of the staging tables of one build. */
export interface Stages {
  /** Per customer: completed orders up to the as-of date (see `ordersStageSql`). */
  orders: string;
  /**
   * Per repeat customer: revenue of the first purchase day; undefined when the orders stage
   * carries `first_day_revenue` itself (`ordersStageHasFirstDay`).
   */
  firstDay?: string | undefined;
  /** Customers without created_at whose first order is after the as-of date. */
  late: string;
  /** Per customer: preferred channel (only when there are too many channels to count inline). */
  channel: string;
  events: string;
  feedback: string;
  categories: string;
  /** Per acquisition channel and month: CAC. */
  cac: string;
}

/**
 * The customers that exist as of the date, with their order stage: created up to the as-of date;
 * or with a completed order up to it (even if created_at says later); or without created_at,
 * unless their first order comes after the as-of date.
 */
function population(a: AsOf, s: Stages): { from: string; where: string } {
  return {
    from:
      `customers c LEFT JOIN ${s.orders} o ON o.customer_id = c.customer_id ` +
      `LEFT JOIN ${s.late} l ON l.customer_id = c.customer_id`,
    where: `c.created_at < ${a.end} OR o.orders_total > 0 OR (c.created_at IS NULL AND l.customer_id IS NULL)`,
  };
}

/** Customers without created_at whose first order (any status) comes after the as-of date. */
export function lateCustomersSql(a: AsOf): string {
  return (
    `SELECT x.customer_id FROM orders x JOIN customers c ON c.customer_id = x.customer_id ` +
    `WHERE c.created_at IS NULL GROUP BY x.customer_id HAVING MIN(x.ordered_at) >= ${a.end}`
  );
}

/** First day of the acquisition month: of created_at (when not after the as-of date), else of the first order. */
function acquiredMonth(a: AsOf): string {
  return a.d.dateTrunc(
    'month',
    `COALESCE(CASE WHEN c.created_at < ${a.end} THEN c.created_at END, o.first_order_at)`,
  );
}

/**
 * Acquisition channel and month of every customer of the population that has both (input of the
 * CAC stage): those created by the as-of date, from customers alone; the few without created_at
 * (or created later) who have ordered, through the order stage.
 */
export function acquisitionsSql(a: AsOf, s: Stages): string {
  const { d } = a;
  return (
    `SELECT acquisition_channel, ${d.dateTrunc('month', 'created_at')} AS acquired_month FROM customers ` +
    `WHERE created_at < ${a.end} AND acquisition_channel IS NOT NULL ` +
    `UNION ALL SELECT c.acquisition_channel, ${d.dateTrunc('month', 'o.first_order_at')} ` +
    `FROM customers c JOIN ${s.orders} o ON o.customer_id = c.customer_id ` +
    `WHERE (c.created_at IS NULL OR c.created_at >= ${a.end}) AND c.acquisition_channel IS NOT NULL`
  );
}

/** Age in whole years at the as-of date from birth_date (not after it), else the recorded age. */
function ageSql(a: AsOf): string {
  const { d } = a;
  const [y, m, day] = a.text.split('-').map(Number) as [number, number, number];
  const part = (p: string) => d.cast(`EXTRACT(${p} FROM c.birth_date)`, 'integer');
  const years = `${y} - ${part('YEAR')} - CASE WHEN ${part('MONTH')} * 100 + ${part('DAY')} > ${m * 100 + day} THEN 1 ELSE 0 END`;
  return `CASE WHEN c.birth_date IS NOT NULL AND c.birth_date <= ${a.date} THEN ${years} ELSE ${d.cast('c.age', 'integer')} END`;
}

function ageBandSql(age: string): string {
  return (
    `CASE WHEN ${age} IS NULL THEN 'unknown' WHEN ${age} < 18 THEN 'under 18' WHEN ${age} < 25 THEN '18-24' ` +
    `WHEN ${age} < 35 THEN '25-34' WHEN ${age} < 45 THEN '35-44' WHEN ${age} < 55 THEN '45-54' ` +
    `WHEN ${age} < 65 THEN '55-64' ELSE '65+' END`
  );
}

/** What the final select needs to know besides the as-of date. */
export interface SelectOptions {
  eventTypes: readonly EventTypeColumns[];
  /** The inline channel list (sorted), or undefined when the channel stage holds the preference. */
  channels: InlineValues;
  /** The inline category list (sorted), or undefined when the category stage ranks them. */
  categories: InlineValues;
  periodDays: number;
  timeUnit: 'week' | 'day';
  /** Columns added after the standard ones (model scores), over the inner row `t`. */
  extra?: ExtraColumns;
}

/** Columns a later stage adds to the feature table as it is written, with the joins they need. */
export interface ExtraColumns {
  /** `LEFT JOIN … ON …` clauses that may refer to the standard columns as `t.<name>`. */
  joins: string[];
  /** Name and SQL expression of each added column. */
  columns: [string, string][];
}

/** The first purchase day's revenue: from its own stage (alias `f`) or the orders stage (`o`). */
const firstDayRevenue = (s: Pick<Stages, 'firstDay'>) =>
  s.firstDay === undefined ? 'o.first_day_revenue' : 'f.first_day_revenue';

/** The join of the first-day stage onto `alias`'s customers, when there is such a stage. */
const firstDayJoin = (s: Pick<Stages, 'firstDay'>, alias: string) =>
  s.firstDay === undefined ? '' : `LEFT JOIN ${s.firstDay} f ON f.customer_id = ${alias}.customer_id `;

/**
 * Per customer with a completed order by the as-of date: the buy-till-you-die summary in whole
 * days (`x`, `t_x_days`, `T_days`) and the mean repeat spend, as the feature table will hold
 * them. Model stages fit on it before the table is written.
 */
export function purchaseSummarySql(a: AsOf, s: Pick<Stages, 'orders' | 'firstDay'>): string {
  const txDays = a.d.daysBetween('o.first_order_at', 'o.last_order_at');
  const bigTDays = a.d.daysBetween('o.first_order_at', a.date);
  return (
    `SELECT o.customer_id, o.purchase_days - 1 AS x, ${txDays} AS t_x_days, ${bigTDays} AS ${a.d.ident('T_days')}, ` +
    `CASE WHEN o.purchase_days > 1 THEN (o.revenue_total - COALESCE(${firstDayRevenue(s)}, 0)) / (o.purchase_days - 1) END AS monetary_mean ` +
    `FROM ${s.orders} o ${firstDayJoin(s, 'o')}WHERE o.orders_total > 0`
  );
}

/**
 * The feature table's SELECT: the population joined with every stage, in the column order of
 * `featureColumns`. Counts without activity are 0; values that do not exist are NULL.
 */
export function featureSelectSql(a: AsOf, s: Stages, opts: SelectOptions): string {
  const { d } = a;
  const zero = (x: string) => `COALESCE(${x}, 0)`;
  const dbl = (x: string) => d.cast(x, 'double');
  const days = (from: string, to: string) => d.daysBetween(from, to);
  const txDays = days('o.first_order_at', 'o.last_order_at');
  const bigTDays = days('o.first_order_at', a.date);
  const perUnit = opts.timeUnit === 'week' ? 7 : 1;
  const period = periodColumns(opts.periodDays);
  const age = ageSql(a);
  const cols: [string, string][] = [
    ['customer_id', 'c.customer_id'],
    ['created_at', 'c.created_at'],
    ['first_order_at', 'o.first_order_at'],
    ['last_order_at', 'o.last_order_at'],
    ['orders_total', zero('o.orders_total')],
    ['revenue_total', dbl(zero('o.revenue_total'))],
    [
      'margin_total',
      `CASE WHEN o.customer_id IS NULL THEN ${dbl('0')} WHEN o.cost_known = o.orders_total THEN o.margin_sum END`,
    ],
    ['orders_30d', zero('o.orders_30d')],
    ['orders_90d', zero('o.orders_90d')],
    ['orders_365d', zero('o.orders_365d')],
    ['revenue_30d', dbl(zero('o.revenue_30d'))],
    ['revenue_90d', dbl(zero('o.revenue_90d'))],
    ['revenue_365d', dbl(zero('o.revenue_365d'))],
    [
      'margin_365d',
      `CASE WHEN ${zero('o.cost_known_365')} = ${zero('o.orders_365d')} THEN ${dbl(zero('o.margin_365_sum'))} END`,
    ],
    ['orders_prev_365d', zero('o.orders_prev_365d')],
    ['revenue_prev_365d', dbl(zero('o.revenue_prev_365d'))],
    ['orders_period', zero(`o.${period.orders}`)],
    ['revenue_period', dbl(zero(`o.${period.revenue}`))],
    ['orders_prev_period', zero(`o.${period.ordersPrev}`)],
    ['revenue_prev_period', dbl(zero(`o.${period.revenuePrev}`))],
    ['aov', `o.revenue_total / o.orders_total`],
    ['recency_days', days('o.last_order_at', a.date)],
    ['tenure_days', days('COALESCE(o.first_order_at, c.created_at)', a.date)],
    [
      'avg_days_between_orders',
      `CASE WHEN o.orders_total >= 2 THEN ${dbl(txDays)} / (o.orders_total - 1) END`,
    ],
    // Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2):
    // x = repeat transactions, t_x = time of the last one, T = time since the first, all from
    // the first purchase; transactions are purchase days (same-day orders merged).
    ['frequency', 'o.purchase_days - 1'],
    ['t_x_days', txDays],
    ['T_days', bigTDays],
    ['t_x_weeks', `${dbl(txDays)} / 7`],
    ['T_weeks', `${dbl(bigTDays)} / 7`],
    ['t_x', `${dbl(txDays)} / ${perUnit}`],
    ['T', `${dbl(bigTDays)} / ${perUnit}`],
    [
      'monetary_mean',
      `CASE WHEN o.purchase_days > 1 THEN (o.revenue_total - ${zero(firstDayRevenue(s))}) / (o.purchase_days - 1) END`,
    ],
    ...opts.eventTypes.flatMap((t): [string, string][] =>
      [`events_${t.name}_30d`, `events_${t.name}_90d`].map((n) => [n, zero(`e.${d.ident(n)}`)]),
    ),
    ['events_30d', zero('e.events_30d')],
    ['events_90d', zero('e.events_90d')],
    ['events_365d', zero('e.events_365d')],
    ['visits_365d', zero('e.visits_365d')],
    ['engagement_events_365d', zero('e.engagement_events_365d')],
    ['nps_latest', d.cast('fb.nps_latest', 'integer')],
    ['nps_latest_at', 'fb.nps_latest_at'],
    ['csat_latest', d.cast('fb.csat_latest', 'integer')],
    ['csat_latest_at', 'fb.csat_latest_at'],
    ['age', age],
    // Filled in by the outer query, from the age computed once.
    ['age_band', `${d.cast('NULL', 'string')}`],
    ['gender', 'c.gender'],
    ['country', 'c.country'],
    ['region', 'c.region'],
    ['city', 'c.city'],
    ['acquisition_channel', 'c.acquisition_channel'],
    ['consent_marketing', 'c.consent_marketing'],
    [
      'cohort',
      // YYYY-MM: the first 7 characters of the date's ISO text.
      d.fn('substr', d.cast(d.cast('COALESCE(o.first_order_at, c.created_at)', 'date'), 'string'), '1', '7'),
    ],
    [
      'preferred_channel',
      opts.channels === undefined ? 'ch.preferred' : topValue(d, opts.channels, 'o', 'channel'),
    ],
    [
      'preferred_category',
      opts.categories === undefined ? 'cat.preferred' : topValue(d, opts.categories, 'cat', 'category'),
    ],
    [
      'categories_bought',
      opts.categories === undefined
        ? zero('cat.distinct_values')
        : `(${valuesSeen(opts.categories, 'cat', 'category')})`,
    ],
    ['cac', dbl('k.cac')],
    ['customer_key', 'c.customer_key'],
  ];
  const joins = [
    ...(s.firstDay === undefined ? [] : [firstDayJoin(s, 'c').trim()]),
    ...(opts.channels === undefined ? [`LEFT JOIN ${s.channel} ch ON ch.customer_id = c.customer_id`] : []),
    `LEFT JOIN ${s.events} e ON e.customer_id = c.customer_id`,
    `LEFT JOIN ${s.feedback} fb ON fb.customer_id = c.customer_id`,
    `LEFT JOIN ${s.categories} cat ON cat.customer_id = c.customer_id`,
    `LEFT JOIN ${s.cac} k ON k.channel = c.acquisition_channel AND k.month_start = ${acquiredMonth(a)}`,
  ];
  const p = population(a, s);
  const outer = cols.map(([n]) =>
    n === 'age_band' ? `${ageBandSql('t.age')} AS age_band` : `t.${d.ident(n)}`,
  );
  for (const [n, e] of opts.extra?.columns ?? []) outer.push(`${e} AS ${d.ident(n)}`);
  return (
    `SELECT ${outer.join(', ')} FROM (` +
    `SELECT ${cols.map(([n, e]) => `${e} AS ${d.ident(n)}`).join(', ')} ` +
    `FROM ${p.from} ${joins.join(' ')} WHERE ${p.where}) t` +
    (opts.extra?.joins.length ? ` ${opts.extra.joins.join(' ')}` : '')
  );
}
