import type { QualityCheck } from './check.js';
import { share, type QualityContext } from './context.js';
import { exampleColumns } from './example-columns.js';
import { evaluateRules, type RowRule } from './row-rules.js';
import { col, groupedFindings, hasText, isCompleted, normalised, toNum, toText } from './sql.js';

/**
 * Consistency: values that are fine alone but contradict each other.
 *
 * | id | table.column | severity |
 * |---|---|---|
 * | `consistency.order_before_customer_created` | orders.ordered_at | warning (ordered on a day before the customer's created_at) |
 * | `consistency.cost_exceeds_revenue` | orders.cost | warning (completed orders) |
 * | `consistency.mixed_currencies` | orders.currency | warning (count: orders outside the main currency) |
 * | `consistency.duplicate_orders` | orders | warning (same customer, timestamp and revenue under different order ids) |
 * | `consistency.spend_period_reversed` | marketing_spend.period_end | warning |
 * | `consistency.unmatched_spend_channel` | marketing_spend.channel | warning (no customer was acquired through it) |
 * | `consistency.intervention_period_reversed` | interventions.ended_at | warning |
 */
export async function consistencyChecks(ctx: QualityContext): Promise<QualityCheck[]> {
  const checks: QualityCheck[] = [];
  if (ctx.rows.orders > 0) {
    checks.push(...(await orderRules(ctx)));
    checks.push(...(await mixedCurrencies(ctx)));
    checks.push(...(await duplicateOrders(ctx)));
  }
  if (ctx.rows.marketing_spend > 0) {
    checks.push(...(await spendPeriods(ctx)));
    checks.push(...(await unmatchedChannels(ctx)));
  }
  if (ctx.rows.interventions > 0) checks.push(...(await interventionPeriods(ctx)));
  return checks;
}

async function orderRules(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d } = ctx;
  const t = (c: string) => col(d, 't', c);
  const checks: QualityCheck[] = [];
  checks.push(
    ...(await evaluateRules(ctx, {
      table: 'orders',
      from: `${d.ident('orders')} t`,
      rules: [
        {
          id: 'consistency.cost_exceeds_revenue',
          column: 'cost',
          severity: 'warning',
          where: `${isCompleted(d, t('status'))} AND ${t('cost')} > ${t('revenue')}`,
          show: exampleColumns(d, 'orders', 't', ['revenue', 'cost']),
          message: (r) =>
            `${share(r.count, r.total)} completed orders cost more than their revenue (negative margin); check that cost is per order, not per unit or in another currency`,
        },
      ],
    })),
  );
  if (ctx.rows.customers > 0) {
    // One created_at per customer even if a key is duplicated (that is reported under uniqueness).
    const customers = `(SELECT ${d.ident('customer_id')}, MIN(${d.ident('created_at')}) AS ${d.ident('created_at')} FROM ${d.ident('customers')} GROUP BY ${d.ident('customer_id')})`;
    const rule: RowRule = {
      id: 'consistency.order_before_customer_created',
      column: 'ordered_at',
      severity: 'warning',
      // Compared by day: a guest checkout minutes before the account is created is not a problem.
      where: `${d.daysBetween(col(d, 'c', 'created_at'), t('ordered_at'))} < 0`,
      extras: {
        customers: `COUNT(DISTINCT CASE WHEN ${d.daysBetween(col(d, 'c', 'created_at'), t('ordered_at'))} < 0 THEN ${t('customer_id')} END)`,
      },
      show: exampleColumns(d, 'orders', 't', [['created_at', col(d, 'c', 'created_at')]]),
      message: (r) =>
        `${share(r.count, r.total)} orders of known customers (${toNum(r.extras['customers'])} customers) were placed on a day before their customer's created_at; tenure and cohorts will be off`,
    };
    checks.push(
      ...(await evaluateRules(ctx, {
        table: 'orders',
        from: `${d.ident('orders')} t JOIN ${customers} c ON ${col(d, 'c', 'customer_id')} = ${t('customer_id')}`,
        rules: [rule],
      })),
    );
  }
  return checks;
}

async function mixedCurrencies(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d, engine } = ctx;
  const currency = d.fn('upper', d.fn('trim', col(d, 't', 'currency')));
  const grouped = `SELECT ${currency} AS currency, COUNT(*) AS orders, COUNT(*) AS ${d.ident('_orders')}
    FROM ${d.ident('orders')} t WHERE ${hasText(d, col(d, 't', 'currency'))} GROUP BY ${currency}`;
  const found = await groupedFindings(engine, grouped, '_orders', ['orders DESC', 'currency']);
  if (found.groups < 2) return [];
  const main = found.examples[0];
  const outside = found.total - toNum(main?.['orders']);
  const listed = found.examples.map((e) => `${toText(e['currency'])} ${toNum(e['orders'])}`).join(', ');
  const more =
    found.groups > found.examples.length ? `, and ${found.groups - found.examples.length} more` : '';
  return [
    {
      id: 'consistency.mixed_currencies',
      table: 'orders',
      column: 'currency',
      severity: 'warning',
      count: outside,
      message: `orders are in ${found.groups} currencies (${listed}${more}); revenue is summed without conversion: ${share(outside, found.total)} orders are not in ${toText(main?.['currency'])}`,
      examples: found.examples,
    },
  ];
}

async function duplicateOrders(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d, engine } = ctx;
  const names = ['customer_id', 'ordered_at', 'revenue'];
  const keys = names.map((c) => col(d, 't', c));
  const orderId = col(d, 't', 'order_id');
  const grouped = `SELECT ${names.map((c) => `${col(d, 't', c)} AS ${d.ident(c)}`).join(', ')},
      COUNT(*) AS copies, MIN(${orderId}) AS first_order_id, MAX(${orderId}) AS last_order_id,
      COUNT(*) - 1 AS ${d.ident('_surplus')}
    FROM ${d.ident('orders')} t WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}
    GROUP BY ${keys.join(', ')} HAVING COUNT(*) > 1`;
  const found = await groupedFindings(engine, grouped, '_surplus', [
    'copies DESC',
    'customer_id',
    'ordered_at',
    'revenue',
  ]);
  if (found.groups === 0) return [];
  return [
    {
      id: 'consistency.duplicate_orders',
      table: 'orders',
      column: null,
      severity: 'warning',
      count: found.total,
      message: `${found.groups} groups of orders share customer, timestamp and revenue under different order ids: ${share(found.total, ctx.rows.orders)} orders may be double-loaded`,
      examples: found.examples,
    },
  ];
}

async function spendPeriods(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d } = ctx;
  const t = (c: string) => col(d, 't', c);
  return evaluateRules(ctx, {
    table: 'marketing_spend',
    from: `${d.ident('marketing_spend')} t`,
    rules: [
      {
        id: 'consistency.spend_period_reversed',
        column: 'period_end',
        severity: 'warning',
        where: `${t('period_end')} < ${t('period_start')}`,
        show: exampleColumns(d, 'marketing_spend', 't', ['period_end', 'spend']),
        message: (r) =>
          `${share(r.count, r.total)} spend rows end before they start (period_end < period_start)`,
      },
    ],
  });
}

async function unmatchedChannels(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d, engine } = ctx;
  const channel = normalised(d, col(d, 't', 'channel'));
  const acquisition = normalised(d, d.ident('acquisition_channel'));
  const known = `(SELECT DISTINCT ${acquisition} AS channel FROM ${d.ident('customers')} WHERE ${hasText(d, d.ident('acquisition_channel'))})`;
  const grouped = `SELECT ${channel} AS channel, COUNT(*) AS ${d.ident('rows')}, SUM(${col(d, 't', 'spend')}) AS spend,
      COUNT(*) AS ${d.ident('_rows')}
    FROM ${d.ident('marketing_spend')} t LEFT JOIN ${known} k ON k.channel = ${channel}
    WHERE ${hasText(d, col(d, 't', 'channel'))} AND k.channel IS NULL
    GROUP BY ${channel}`;
  const found = await groupedFindings(engine, grouped, '_rows', ['spend DESC NULLS LAST', 'channel']);
  if (found.groups === 0) return [];
  const names = found.examples.map((e) => toText(e['channel'])).join(', ');
  return [
    {
      id: 'consistency.unmatched_spend_channel',
      table: 'marketing_spend',
      column: 'channel',
      severity: 'warning',
      count: found.total,
      message: `${found.groups} spend channels (${names}${found.groups > found.examples.length ? ', …' : ''}) match no customer's acquisition_channel: ${share(found.total, ctx.rows.marketing_spend)} spend rows cannot enter CAC`,
      examples: found.examples,
    },
  ];
}

async function interventionPeriods(ctx: QualityContext): Promise<QualityCheck[]> {
  const { d } = ctx;
  const t = (c: string) => col(d, 't', c);
  return evaluateRules(ctx, {
    table: 'interventions',
    from: `${d.ident('interventions')} t`,
    rules: [
      {
        id: 'consistency.intervention_period_reversed',
        column: 'ended_at',
        severity: 'warning',
        where: `${t('ended_at')} < ${t('started_at')}`,
        show: exampleColumns(d, 'interventions', 't', ['started_at', 'ended_at']),
        message: (r) => `${share(r.count, r.total)} interventions end before they start`,
      },
    ],
  });
}
