import type { Engine } from '../engine/engine.js';
import type { AsOf } from '../features/as-of.js';
import { firstDayRevenueSql, ordersStageHasFirstDay, ordersStageSql } from '../features/order-stage.js';
import { completed } from '../features/sql-parts.js';

/** Every buyer's purchase summary as of a date, column-wise, in whole days. */
export interface SummaryData {
  x: Float64Array;
  txDays: Float64Array;
  bigTDays: Float64Array;
  /** Mean repeat spend; NaN without a repeat purchase. */
  monetary: Float64Array;
  /** Purchase days in the holdout period, when one was asked for. */
  holdout?: Float64Array;
}

/**
 * Runs `work` with the per-customer order stages of the as-of date as temporary tables (the
 * same SQL as the feature build, so a fit here sees exactly what the feature table holds), and
 * drops them afterwards. `work` gets the quoted stage names.
 */
export async function withOrderStages<T>(
  engine: Engine,
  asOf: AsOf,
  work: (stages: { orders: string; firstDay?: string | undefined }) => Promise<T>,
): Promise<T> {
  const d = engine.dialect;
  const stages = {
    orders: d.ident('_stage_models_orders'),
    firstDay: ordersStageHasFirstDay(asOf) ? undefined : d.ident('_stage_models_first_day'),
  };
  const drop = async () => {
    for (const s of Object.values(stages))
      if (s !== undefined) await engine.exec(`DROP TABLE IF EXISTS ${s}`);
  };
  await drop();
  try {
    await engine.exec(
      `CREATE TEMP TABLE ${stages.orders} AS ${ordersStageSql(asOf, 365, [], { summaryOnly: true })}`,
    );
    if (stages.firstDay !== undefined)
      await engine.exec(`CREATE TEMP TABLE ${stages.firstDay} AS ${firstDayRevenueSql(asOf, stages.orders)}`);
    return await work(stages);
  } finally {
    await drop();
  }
}

/**
 * The purchase days of every customer in (from, to] (the holdout period), as a query with columns
 * `customer_id`, `n`.
 */
export function holdoutSql(engine: Engine, from: AsOf, to: AsOf): string {
  const d = engine.dialect;
  return (
    `SELECT customer_id, ${d.countDistinct(d.cast('ordered_at', 'date'))} AS n FROM orders ` +
    `WHERE ${completed()} AND ordered_at >= ${from.end} AND ordered_at < ${to.end} GROUP BY customer_id`
  );
}

/**
 * Reads a purchase summary query (`purchaseSummarySql`'s columns) into typed arrays, with each
 * customer's holdout purchase days when a `holdoutSql` query is given.
 */
export async function readSummary(
  engine: Engine,
  summarySql: string,
  holdout?: string,
): Promise<SummaryData> {
  const d = engine.dialect;
  const cols = await engine.numericColumns(
    `SELECT s.x, s.t_x_days, s.${d.ident('T_days')} AS big_t, s.monetary_mean` +
      (holdout ? `, COALESCE(h.n, 0) AS holdout_x` : '') +
      ` FROM (${summarySql}) s` +
      (holdout ? ` LEFT JOIN (${holdout}) h ON h.customer_id = s.customer_id` : '') +
      // Sorted: the engine returns unsorted rows in any order, and the same data must give the
      // same rows in the same order for fits to be reproducible to the last digit.
      ` ORDER BY 1, 2, 3, 4${holdout ? ', 5' : ''}`,
  );
  return {
    x: cols['x'] ?? new Float64Array(0),
    txDays: cols['t_x_days'] ?? new Float64Array(0),
    bigTDays: cols['big_t'] ?? new Float64Array(0),
    monetary: cols['monetary_mean'] ?? new Float64Array(0),
    ...(holdout ? { holdout: cols['holdout_x'] ?? new Float64Array(0) } : {}),
  };
}
