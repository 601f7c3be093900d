import { UserError, type Problem } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { CANONICAL_TABLES } from '../model/canonical.js';
import { ensureCustomerKeys } from '../workspace/customer-keys.js';
import { categoriesStageSql, cacStageSql, eventsStageSql, feedbackStageSql } from './activity-stages.js';
import { asOfSql, parseDay } from './as-of.js';
import { eventTypeCounts, groupEventTypes, sanitizeEventType } from './event-types.js';
import { featureColumns, type FeatureColumn } from './feature-columns.js';
import {
  acquisitionsSql,
  type ExtraColumns,
  featureSelectSql,
  lateCustomersSql,
  purchaseSummarySql,
  type Stages,
} from './feature-select.js';
import {
  firstDayRevenueSql,
  ordersStageHasFirstDay,
  ordersStageSql,
  preferredChannelSql,
} from './order-stage.js';
import { distinctValuesSql, inlineValues } from './preference.js';

export type { FeatureColumn, FeatureType } from './feature-columns.js';
export type { ExtraColumns } from './feature-select.js';
export { sanitizeEventType } from './event-types.js';

/** Settings of {@link buildFeatures}. */
export interface FeatureOptions {
  /** `YYYY-MM-DD`, inclusive: data up to the end of that day (UTC) count. */
  asOf: string;
  /** Name of the table to (re)create (default `features`). */
  table?: string;
  /** Unit of `t_x` and `T` (default `week`; `t_x_days`/`T_days` and `*_weeks` are always there). */
  timeUnit?: 'week' | 'day';
  /**
   * Length of the KPI period P in days (default 365). It sets only `orders_period`,
   * `revenue_period`, `orders_prev_period` and `revenue_prev_period`; the `*_365d` columns keep
   * their 365 days whatever P is.
   */
  periodDays?: number;
  /**
   * A stage run once the per-customer aggregates exist and before the table is written: it gets
   * the purchase summary query (`purchaseSummarySql`) and may add columns (model scores), so the
   * table is written once.
   */
  models?: ModelStep;
}

/** Columns a model stage adds: their SQL (see `ExtraColumns`) and their definitions. */
export interface ModelColumns extends ExtraColumns {
  definitions: FeatureColumn[];
  /** Quoted names of temporary tables the joins read, dropped once the table is written. */
  temporaryTables: string[];
}

/** See {@link FeatureOptions.models}. */
export type ModelStep = (engine: Engine, summarySql: string) => Promise<ModelColumns | undefined>;

/** What {@link buildFeatures} made. */
export interface FeatureInfo {
  table: string;
  asOf: string;
  /** Rows of the table: the customers that exist as of the date. */
  customers: number;
  /** Every column, in table order, with its type and a one-line definition. */
  columns: FeatureColumn[];
}

/** Tables a feature table must never replace. */
const RESERVED_TABLES = new Set<string>([
  ...CANONICAL_TABLES,
  'segtrack_meta',
  'rejected_rows',
  'ingest_runs',
  'loaded_files',
  'customer_keys',
]);

function checkOptions(opts: FeatureOptions): Required<Omit<FeatureOptions, 'models'>> {
  const problems: Problem[] = [];
  const table = opts.table ?? 'features';
  const timeUnit = opts.timeUnit ?? 'week';
  const periodDays = opts.periodDays ?? 365;
  if (typeof opts.asOf !== 'string' || parseDay(opts.asOf) === undefined)
    problems.push({
      code: 'invalid_as_of',
      message: `as-of date ${JSON.stringify(opts.asOf)} is not a date`,
      hint: 'write it as YYYY-MM-DD, e.g. 2024-12-31',
    });
  if (table.trim() === '' || RESERVED_TABLES.has(table.toLowerCase()))
    problems.push({
      code: 'invalid_feature_table',
      message: `the feature table cannot be named ${JSON.stringify(table)}`,
      hint: 'leave the default (features) or choose a name that is not a workspace table',
    });
  if (timeUnit !== 'week' && timeUnit !== 'day')
    problems.push({
      code: 'invalid_time_unit',
      message: `time unit ${JSON.stringify(timeUnit)} is not week or day`,
      hint: 'use week (the default) or day',
    });
  if (!Number.isInteger(periodDays) || periodDays < 1 || periodDays > 3660)
    problems.push({
      code: 'invalid_period',
      message: `the KPI period must be a whole number of days from 1 to 3660, not ${String(periodDays)}`,
      hint: 'the default is 365 (the trailing 12 months)',
    });
  if (problems.length > 0) throw new UserError(problems);
  return { asOf: opts.asOf, table, timeUnit, periodDays };
}

/**
 * (Re)creates the customer feature table: one row per customer that exists as of the date, with
 * order windows, the buy-till-you-die summary (frequency, t_x, T, monetary value), engagement,
 * satisfaction, demographics, preferences and acquisition cost. `src/features/CONTEXT.md` defines
 * every column.
 *
 * Everything runs as set-based SQL in the engine: each source table is aggregated once per
 * customer (conditional aggregates for the windows) into a small temporary staging table, and the
 * staging tables are joined onto the customers into the feature table, which is replaced in one
 * transaction.
 *
 * @example
 * const info = await buildFeatures(engine, { asOf: (await latestOrderDate(engine)) ?? '2024-12-31' });
 * // info.customers === rows of `features`; info.columns lists every column
 * @throws UserError for an invalid date, table name, time unit or period.
 */
export async function buildFeatures(engine: Engine, opts: FeatureOptions): Promise<FeatureInfo> {
  const o = checkOptions(opts);
  const d = engine.dialect;
  const a = asOfSql(d, o.asOf);
  const stageName = (s: string) => d.ident(`_stage_${o.table}_${s}`);
  const stages: Stages = {
    orders: stageName('orders'),
    firstDay: ordersStageHasFirstDay(a) ? undefined : stageName('first_day'),
    late: stageName('late'),
    channel: stageName('channel'),
    events: stageName('events'),
    feedback: stageName('feedback'),
    categories: stageName('categories'),
    cac: stageName('cac'),
  };
  const dropStages = async (e: Engine) => {
    for (const s of Object.values(stages)) if (s !== undefined) await e.exec(`DROP TABLE IF EXISTS ${s}`);
  };

  // The staging tables are temporary and built before the transaction: reading a table created
  // inside the writing transaction is markedly slower in DuckDB, and only the feature table itself
  // needs to appear atomically.
  const create = (name: string, sql: string) => engine.exec(`CREATE TEMP TABLE ${name} AS ${sql}`);
  await dropStages(engine);
  // Customers written by other means than ingestion get their keys now (one count otherwise).
  await engine.transaction((tx) => ensureCustomerKeys(tx));
  let extra: ModelColumns | undefined;
  try {
    const channels = inlineValues(await engine.query(distinctValuesSql(d, 'orders', 'channel')));
    const categories = inlineValues(await engine.query(distinctValuesSql(d, 'order_items', 'category')));
    const counts = await eventTypeCounts(engine);
    const eventTypes = groupEventTypes(counts);
    const rawOf = (name: string) => counts.map((c) => c.type).filter((t) => sanitizeEventType(t) === name);

    await create(stages.orders, ordersStageSql(a, o.periodDays, channels));
    if (stages.firstDay !== undefined) await create(stages.firstDay, firstDayRevenueSql(a, stages.orders));
    await create(stages.late, lateCustomersSql(a));
    if (channels === undefined) await create(stages.channel, preferredChannelSql(a));
    await create(
      stages.events,
      eventsStageSql(a, eventTypes, { visit: rawOf('visit'), supportTicket: rawOf('support_ticket') }),
    );
    await create(stages.feedback, feedbackStageSql(a));
    await create(stages.categories, categoriesStageSql(a, categories));
    await create(stages.cac, cacStageSql(a, `(${acquisitionsSql(a, stages)}) p`));

    extra = opts.models ? await opts.models(engine, purchaseSummarySql(a, stages)) : undefined;

    const table = d.ident(o.table);
    const select = featureSelectSql(a, stages, {
      eventTypes,
      channels,
      categories,
      periodDays: o.periodDays,
      timeUnit: o.timeUnit,
      ...(extra ? { extra } : {}),
    });
    const customers = await engine.transaction(async (tx) => {
      await tx.exec(`DROP TABLE IF EXISTS ${table}`);
      await tx.execUnordered(`CREATE TABLE ${table} AS ${select}`, { transient: true });
      const [row] = await tx.query(`SELECT COUNT(*) AS n FROM ${table}`);
      return Number(row?.['n'] ?? 0);
    });
    const columns = [...featureColumns(eventTypes, o.periodDays), ...(extra?.definitions ?? [])];
    return { table: o.table, asOf: o.asOf, customers, columns };
  } finally {
    await dropStages(engine);
    for (const t of extra?.temporaryTables ?? []) await engine.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}

/**
 * The default as-of date: the day of the latest order (any status), `YYYY-MM-DD`, or null when
 * there are no orders.
 */
export async function latestOrderDate(engine: Engine): Promise<string | null> {
  const d = engine.dialect;
  const [row] = await engine.query(
    `SELECT ${d.cast(d.cast('MAX(ordered_at)', 'date'), 'string')} AS d FROM orders`,
  );
  const v = row?.['d'];
  return typeof v === 'string' ? v : null;
}
