import { ORDER_STATUSES } from '../model/canonical.js';
import type { QualityCheck } from './check.js';
import { share, type QualityContext } from './context.js';
import { exampleColumns } from './example-columns.js';
import { evaluateRules, type RowRule, type RuleBatch } from './row-rules.js';
import { col, dayValue, hasText, isCompleted, isMissing, normalised, toNum } from './sql.js';

/** Completed orders above this multiple of the 99.9th revenue percentile are flagged as unusually large. */
export const LARGE_ORDER_FACTOR = 10;
/** The percentile the large-order threshold is based on. */
export const LARGE_ORDER_QUANTILE = 0.999;
/** Oldest plausible age implied by a birth date, in years. */
export const MAX_PLAUSIBLE_AGE = 110;
/** Event types that stand for "no type" when written as text. */
export const EMPTY_EVENT_TYPES = ['null', 'none', 'undefined', 'nan', 'n/a', 'na', '-'] as const;

/**
 * Validity: values that are present but cannot be right, or that deserve a look.
 *
 * | id | table.column | severity |
 * |---|---|---|
 * | `validity.unknown_status` | orders.status | warning (excluded from completed-order KPIs) |
 * | `validity.negative_revenue` | orders.revenue | error (completed orders) |
 * | `validity.negative_cost` | orders.cost | warning |
 * | `validity.zero_value_orders` | orders.revenue | info (completed orders of value 0: free samples…) |
 * | `validity.large_orders` | orders.revenue | warning (above p99.9 × 10) |
 * | `validity.currency_code` | orders.currency | warning (not three letters) |
 * | `validity.negative_items` | orders.items | warning |
 * | `validity.age_out_of_range` | customers.age | warning (outside 0–120) |
 * | `validity.implausible_birth_date` | customers.birth_date | warning (age > 110 or born after the reference date) |
 * | `validity.empty_event_type` | events.event_type | warning (NULL, blank or a placeholder such as 'null') |
 * | `validity.score_out_of_range` | feedback.nps_score / csat_score | warning (outside 0–10 / 1–5) |
 * | `validity.negative_spend` | marketing_spend.spend | warning |
 * | `validity.negative_quantity`, `validity.negative_price` | order_items | warning |
 */
export async function validityChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const batches: RuleBatch[] = [];
  if (ctx.rows.orders > 0) batches.push(await ordersBatch(ctx));
  if (ctx.rows.customers > 0) batches.push(customersBatch(ctx));
  if (ctx.rows.events > 0) batches.push(eventsBatch(ctx));
  if (ctx.rows.feedback > 0) batches.push(feedbackBatch(ctx));
  if (ctx.rows.marketing_spend > 0) batches.push(spendBatch(ctx));
  if (ctx.rows.order_items > 0) batches.push(orderItemsBatch(ctx));
  const checks: QualityCheck[] = [];
  for (const b of batches) checks.push(...(await evaluateRules(ctx, b)));
  return checks;
}

async function ordersBatch(ctx: QualityContext): Promise<RuleBatch> {
  const { d, engine } = ctx;
  const t = (c: string) => col(d, 't', c);
  const completed = isCompleted(d, t('status'));
  const show = (...extra: string[]) => exampleColumns(d, 'orders', 't', extra);
  // The threshold comes first, in its own aggregate, so the rules below stay one scan.
  const [q] = await engine.query(
    `SELECT ${d.fn('quantile_cont', `CASE WHEN ${completed} THEN ${t('revenue')} END`, d.literal(LARGE_ORDER_QUANTILE))} AS p FROM ${d.ident('orders')} t`,
  );
  const p = toNum(q?.['p']);
  const threshold = p * LARGE_ORDER_FACTOR;
  const statuses = ORDER_STATUSES.map((s) => d.literal(s)).join(', ');
  const rules: RowRule[] = [
    {
      id: 'validity.unknown_status',
      column: 'status',
      severity: 'warning',
      where: `${hasText(d, t('status'))} AND ${normalised(d, t('status'))} NOT IN (${statuses})`,
      extras: {
        statuses: `COUNT(DISTINCT CASE WHEN ${hasText(d, t('status'))} AND ${normalised(d, t('status'))} NOT IN (${statuses}) THEN ${normalised(d, t('status'))} END)`,
      },
      show: show('status'),
      message: (r) =>
        `${share(r.count, r.total)} orders have a status other than ${ORDER_STATUSES.join(', ')} (${toNum(r.extras['statuses'])} distinct values); they count as neither completed nor cancelled`,
    },
    {
      id: 'validity.negative_revenue',
      column: 'revenue',
      severity: 'error',
      where: `${completed} AND ${t('revenue')} < 0`,
      show: show('revenue', 'status'),
      message: (r) =>
        `${share(r.count, r.total)} completed orders have a negative revenue; refunds belong in status 'refunded'`,
    },
    {
      id: 'validity.negative_cost',
      column: 'cost',
      severity: 'warning',
      where: `${t('cost')} < 0`,
      show: show('revenue', 'cost'),
      message: (r) => `${share(r.count, r.total)} orders have a negative cost`,
    },
    {
      id: 'validity.zero_value_orders',
      column: 'revenue',
      severity: 'info',
      where: `${completed} AND ${t('revenue')} = 0`,
      show: show('revenue', 'status'),
      message: (r) =>
        `${share(r.count, r.total)} completed orders have a revenue of 0 (free samples, vouchers…); they count as orders but add no revenue`,
    },
    {
      id: 'validity.negative_items',
      column: 'items',
      severity: 'warning',
      // Cancellations and refunds often carry negative quantities; only sales are suspicious.
      where: `${completed} AND ${t('items')} < 0`,
      show: show('items', 'status'),
      message: (r) => `${share(r.count, r.total)} completed orders have a negative number of items`,
    },
    {
      id: 'validity.currency_code',
      column: 'currency',
      severity: 'warning',
      where: `${hasText(d, t('currency'))} AND NOT ${d.fn('regexp_matches', d.fn('trim', t('currency')), d.literal('^[A-Za-z]{3}$'))}`,
      show: show('currency'),
      message: (r) => `${share(r.count, r.total)} orders have a currency that is not a three-letter ISO code`,
    },
  ];
  if (threshold > 0)
    rules.push({
      id: 'validity.large_orders',
      column: 'revenue',
      severity: 'warning',
      where: `${completed} AND ${t('revenue')} > ${d.literal(threshold)}`,
      show: show('revenue'),
      message: (r) =>
        `${share(r.count, r.total)} completed orders have a revenue above ${threshold.toPrecision(6)} (${LARGE_ORDER_FACTOR} × the ${LARGE_ORDER_QUANTILE * 100}th percentile, ${p.toPrecision(6)}); check for unit or decimal errors, or wholesale buyers`,
    });
  return { table: 'orders', from: `${d.ident('orders')} t`, rules };
}

function customersBatch(ctx: QualityContext): RuleBatch {
  const { d } = ctx;
  const t = (c: string) => col(d, 't', c);
  const ref = dayValue(d, ctx.reference);
  const ageDays = d.daysBetween(t('birth_date'), ref);
  // 365.25 days a year: precise enough at a 110-year threshold.
  const maxDays = Math.floor(MAX_PLAUSIBLE_AGE * 365.25);
  return {
    table: 'customers',
    from: `${d.ident('customers')} t`,
    rules: [
      {
        id: 'validity.age_out_of_range',
        column: 'age',
        severity: 'warning',
        where: `(${t('age')} < 0 OR ${t('age')} > 120)`,
        show: exampleColumns(d, 'customers', 't', ['age']),
        message: (r) => `${share(r.count, r.total)} customers have an age outside 0–120`,
      },
      {
        id: 'validity.implausible_birth_date',
        column: 'birth_date',
        severity: 'warning',
        where: `(${ageDays} > ${maxDays} OR ${ageDays} < 0)`,
        show: exampleColumns(d, 'customers', 't', ['birth_date']),
        message: (r) =>
          `${share(r.count, r.total)} customers have a birth date implying an age above ${MAX_PLAUSIBLE_AGE} or below 0 at the ${ctx.referenceName} ${ctx.reference}`,
      },
    ],
  };
}

function eventsBatch(ctx: QualityContext): RuleBatch {
  const { d } = ctx;
  const type = col(d, 't', 'event_type');
  const placeholders = EMPTY_EVENT_TYPES.map((s) => d.literal(s)).join(', ');
  return {
    table: 'events',
    from: `${d.ident('events')} t`,
    rules: [
      {
        id: 'validity.empty_event_type',
        column: 'event_type',
        severity: 'warning',
        where: `(${isMissing(d, type, 'string')} OR ${normalised(d, type)} IN (${placeholders}))`,
        show: exampleColumns(d, 'events', 't'),
        message: (r) =>
          `${share(r.count, r.total)} events have an empty type (NULL, blank or a placeholder such as 'null'); they cannot count towards any engagement feature`,
      },
    ],
  };
}

function feedbackBatch(ctx: QualityContext): RuleBatch {
  const { d } = ctx;
  const score = (column: string, min: number, max: number): RowRule => ({
    id: 'validity.score_out_of_range',
    column,
    severity: 'warning',
    where: `(${col(d, 't', column)} < ${min} OR ${col(d, 't', column)} > ${max})`,
    show: exampleColumns(d, 'feedback', 't', [column]),
    message: (r) => `${share(r.count, r.total)} responses have a ${column} outside ${min}–${max}`,
  });
  return {
    table: 'feedback',
    from: `${d.ident('feedback')} t`,
    rules: [score('nps_score', 0, 10), score('csat_score', 1, 5)],
  };
}

function spendBatch(ctx: QualityContext): RuleBatch {
  const { d } = ctx;
  return {
    table: 'marketing_spend',
    from: `${d.ident('marketing_spend')} t`,
    rules: [
      {
        id: 'validity.negative_spend',
        column: 'spend',
        severity: 'warning',
        where: `${col(d, 't', 'spend')} < 0`,
        show: exampleColumns(d, 'marketing_spend', 't', ['spend']),
        message: (r) => `${share(r.count, r.total)} spend rows are negative`,
      },
    ],
  };
}

function orderItemsBatch(ctx: QualityContext): RuleBatch {
  const { d } = ctx;
  const negative = (column: 'quantity' | 'price'): RowRule => ({
    id: `validity.negative_${column}`,
    column,
    severity: 'warning',
    where: `${col(d, 't', column)} < 0`,
    show: exampleColumns(d, 'order_items', 't', [column]),
    message: (r) => `${share(r.count, r.total)} order lines have a negative ${column}`,
  });
  return {
    table: 'order_items',
    from: `${d.ident('order_items')} t`,
    rules: [negative('quantity'), negative('price')],
  };
}
