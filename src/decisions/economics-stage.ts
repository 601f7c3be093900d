/**
 * The SQL stage of unit economics: one temporary row per customer with its group, acquisition
 * cell (channel × month), CLV and the CAC of its cell, and a temporary table of spend per cell.
 * Built through the engine's dialect; the months are inlined as literals.
 */
import type { Engine } from '../engine/engine.js';
import { asOfSql, formatDay, parseDay } from '../features/as-of.js';
import { completed } from '../features/sql-parts.js';
import { monthIndex, monthLabel } from './payback.js';

/** How the customers are grouped in the stage. */
export type StageGroup = { by: 'channel' | 'cohort' } | { by: 'segment'; snapshotId: number; scheme: string };

/** What {@link stageEconomics} made; call `drop` when done. */
export interface EconomicsStage {
  /** Temporary table: customer_id, grp, channel, month_start, clv, hist, pred, cac, paid. */
  customers: string;
  /** Temporary table: channel, month_start, spend — spend per acquisition cell. */
  spend: string;
  /** Whether the feature table has model CLV (predicted_clv) for anyone. */
  predicted: boolean;
  /** Whether every buyer's margin is known (values are then margins, else revenue). */
  margin: boolean;
  /** Condition on orders `o`: completed, up to the as-of date. */
  completedOrders: string;
  hasSpend: boolean;
  drop(): Promise<void>;
}

let counter = 0;

/**
 * Builds the stage as of `asOf` (the feature table's date, whose column names are `columns`).
 *
 * - Acquisition month: of created_at (when not after the as-of date), else of the first
 *   completed order — as the feature stage charges CAC (src/features/CONTEXT.md, `cac`).
 * - Spend per (channel, month): Σ over the channel's marketing_spend rows of spend × the days the
 *   row shares with the month ÷ the row's days, the month cut at the as-of date.
 * - A customer's CAC: its cell's spend ÷ the customers the channel acquired that month (every
 *   customer of the feature table, whatever the grouping); NULL when the cell has no spend row.
 */
export async function stageEconomics(
  engine: Engine,
  asOfText: string,
  group: StageGroup,
  columns: ReadonlySet<string>,
): Promise<EconomicsStage> {
  const d = engine.dialect;
  const asOf = asOfSql(d, asOfText);
  const day = parseDay(asOfText)!;
  const suffix = `${process.pid}_${++counter}`;
  const customers = d.ident(`_segtrack_economics_${suffix}`);
  const spend = d.ident(`_segtrack_economics_spend_${suffix}`);

  const [spendRow] = await engine.query(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM marketing_spend LIMIT 1) t`,
  );
  const hasSpend = Number(spendRow?.['n'] ?? 0) > 0;
  const [counts] = await engine.query(
    `SELECT ${columns.has('predicted_clv') ? 'COUNT(predicted_clv)' : '0'} AS scored, COUNT(*) FILTER (WHERE orders_total > 0 AND margin_total IS NULL) AS no_margin ` +
      `FROM features`,
  );
  const predicted = Number(counts?.['scored'] ?? 0) > 0;
  const margin = Number(counts?.['no_margin'] ?? 0) === 0;
  const hist = margin ? 'f.margin_total' : 'f.revenue_total';
  const acquired = d.cast(
    d.dateTrunc(
      'month',
      `COALESCE(CASE WHEN f.created_at < ${asOf.end} THEN f.created_at END, f.first_order_at)`,
    ),
    'date',
  );

  // The months from the first spend or acquisition to the as-of month, each cut at the as-of date.
  const [range] = await engine.query<{ first: string | null }>(
    `SELECT ${d.cast(`LEAST(MIN(m), ${asOf.date})`, 'string')} AS first FROM (` +
      `SELECT MIN(${acquired}) AS m FROM features f` +
      (hasSpend
        ? ` UNION ALL SELECT MIN(period_start) FROM marketing_spend WHERE period_start <= ${asOf.date}`
        : '') +
      `) t`,
  );
  const months: string[] = [];
  for (let m = monthIndex(range?.first ?? asOfText); m <= monthIndex(asOfText); m++) {
    const end = formatDay(Math.min(parseDay(`${monthLabel(m + 1)}-01`)! - 1, day));
    months.push(`(${d.cast(d.literal(`${monthLabel(m)}-01`), 'date')}, ${d.cast(d.literal(end), 'date')})`);
  }
  const overlap = `(${d.daysBetween(d.fn('greatest', 's.period_start', 'mo.month_start'), d.fn('least', 's.period_end', 'mo.month_end'))} + 1)`;
  const length = `(${d.daysBetween('s.period_start', 's.period_end')} + 1)`;
  const spendCells = hasSpend
    ? `SELECT s.channel, mo.month_start, SUM(${d.cast('s.spend', 'double')} * ${overlap} / ${length}) AS spend ` +
      `FROM marketing_spend s JOIN (VALUES ${months.join(', ')}) AS mo(month_start, month_end) ` +
      `ON s.period_start <= mo.month_end AND s.period_end >= mo.month_start ` +
      `WHERE s.period_end >= s.period_start AND s.spend IS NOT NULL GROUP BY s.channel, mo.month_start`
    : `SELECT ${d.cast('NULL', 'string')} AS channel, ${d.cast('NULL', 'date')} AS month_start, ` +
      `${d.cast('NULL', 'double')} AS spend WHERE FALSE`;

  const grp =
    group.by === 'channel'
      ? 'b.channel'
      : group.by === 'cohort'
        ? d.cast('b.month_start', 'string')
        : 'm.segment';
  const members =
    group.by === 'segment'
      ? `JOIN snapshot_members m ON m.customer_key = b.customer_key AND m.snapshot_id = ${d.literal(group.snapshotId)} ` +
        `AND m.scheme = ${d.literal(group.scheme)} `
      : '';
  const drop = async () => {
    await engine.exec(`DROP TABLE IF EXISTS ${customers}`);
    await engine.exec(`DROP TABLE IF EXISTS ${spend}`);
  };
  try {
    await engine.exec(`CREATE TEMP TABLE ${spend} AS ${spendCells}`);
    const pred = predicted ? 'f.predicted_clv' : d.cast('NULL', 'double');
    await engine.exec(
      `CREATE TEMP TABLE ${customers} AS WITH b AS (` +
        `SELECT f.customer_id, f.customer_key, f.acquisition_channel AS channel, ${acquired} AS month_start, ` +
        `COALESCE(${predicted ? 'f.predicted_clv' : hist}, 0) AS clv, COALESCE(${hist}, 0) AS hist, ${pred} AS pred ` +
        `FROM features f), ` +
        `cells AS (SELECT channel, month_start, COUNT(*) AS n FROM b GROUP BY channel, month_start) ` +
        `SELECT b.customer_id, ${grp} AS grp, b.channel, b.month_start, b.clv, b.hist, b.pred, ` +
        `sc.spend / cells.n AS cac, sc.spend IS NOT NULL AS paid FROM b ${members}` +
        `LEFT JOIN ${spend} sc ON sc.channel = b.channel AND sc.month_start = b.month_start ` +
        `LEFT JOIN cells ON cells.channel = b.channel AND cells.month_start = b.month_start`,
    );
  } catch (e) {
    await drop();
    throw e;
  }
  return {
    customers,
    spend,
    predicted,
    margin,
    completedOrders: `${completed('o')} AND o.ordered_at < ${asOf.end}`,
    hasSpend,
    drop,
  };
}
