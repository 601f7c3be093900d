/**
 * What the migration reads from the workspace: the snapshots' stored segment sizes and KPI
 * periods, and one grouped query pairing each customer's segment in two snapshots with their
 * revenue and predicted CLV. Definitions in CONTEXT.md ("Migration").
 */
import type { Engine } from '../engine/engine.js';
import { asOfSql } from '../features/as-of.js';
import { completed, filtered } from '../features/sql-parts.js';
import type { SnapshotInfo } from '../snapshot/read.js';

/** The KPI period P of a snapshot: (end − days, end], as its KPIs used it. */
export interface KpiPeriod {
  /** Exclusive: the day before the first day counted. */
  start: string;
  /** The as-of date, included. */
  end: string;
  days: number;
}

/** The default KPI period length (src/kpis/CONTEXT.md), for snapshots that do not record theirs. */
const DEFAULT_PERIOD_DAYS = 365;

/** The KPI period a snapshot's KPIs used (stored in its meta), else the trailing 365 days. */
export async function kpiPeriodOf(engine: Engine, snapshot: SnapshotInfo): Promise<KpiPeriod> {
  const [row] = await engine.query<{ meta: string | null }>(
    `SELECT meta FROM snapshots WHERE snapshot_id = $1`,
    [snapshot.snapshot_id],
  );
  let days = DEFAULT_PERIOD_DAYS;
  try {
    const meta = JSON.parse(row?.meta ?? '{}') as { kpi_notes?: { period?: { days?: unknown } } };
    const stored = meta.kpi_notes?.period?.days;
    if (typeof stored === 'number' && Number.isInteger(stored) && stored > 0) days = stored;
  } catch {
    // An unreadable meta keeps the default.
  }
  const start = new Date(Date.parse(`${snapshot.as_of}T00:00:00Z`) - days * 86_400_000);
  return { start: start.toISOString().slice(0, 10), end: snapshot.as_of, days };
}

/** A segment of a scheme in a snapshot, with its stored (published) size, in display order. */
export interface StoredSize {
  segment: string;
  customers: number;
}

/** The scheme's segments in a snapshot with their stored sizes, in the scheme's order. */
export async function storedSizes(engine: Engine, snapshotId: number, scheme: string): Promise<StoredSize[]> {
  const rows = await engine.query<{ segment: string; customers: number }>(
    `SELECT segment, customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2 ORDER BY position, segment`,
    [snapshotId, scheme],
  );
  return rows.map((r) => ({ segment: r.segment, customers: Number(r.customers) }));
}

/** One (from segment, to segment) group of customers who can still be followed. */
export interface FlowRow {
  /** Null: not in the `from` snapshot (a new customer). */
  from_segment: string | null;
  /** Null: not in the `to` snapshot (left the base). */
  to_segment: string | null;
  customers: number;
  /** Σ revenue of their completed orders in the `to` snapshot's KPI period. */
  revenue: number;
  /** The same in the `from` snapshot's KPI period. */
  revenue_before: number;
  /** Σ predicted_clv of those scored in the current feature table (null without the column or a score). */
  predicted_clv: number | null;
}

/** What {@link flowRows} needs. */
export interface FlowQuery {
  scheme: string;
  from: SnapshotInfo;
  to: SnapshotInfo;
  fromPeriod: KpiPeriod;
  toPeriod: KpiPeriod;
  /** Feature table with `customer_key` and `predicted_clv`, when there is one. */
  clvTable?: string | undefined;
}

/**
 * Members of the scheme in one snapshot whose key still maps to a customer id: an erased
 * customer's memberships are deleted (src/privacy/forget.ts), and a key whose id is gone is
 * treated the same way should a membership survive.
 */
export function followableMembersSql(snapshotParam: string, schemeParam: string): string {
  return (
    `SELECT m.customer_key, m.segment FROM snapshot_members m ` +
    `JOIN customer_keys k ON k.customer_key = m.customer_key AND k.customer_id IS NOT NULL ` +
    `WHERE m.snapshot_id = ${snapshotParam} AND m.scheme = ${schemeParam}`
  );
}

/**
 * Customers who can still be followed, grouped by (segment in `from`, segment in `to`), with their
 * revenue in each snapshot's KPI period (completed orders, as the `revenue` KPI counts them) and,
 * when the current feature table is scored, their predicted CLV. One statement.
 */
export async function flowRows(engine: Engine, q: FlowQuery): Promise<FlowRow[]> {
  const d = engine.dialect;
  const inPeriod = (p: KpiPeriod) => {
    const a = asOfSql(d, p.end);
    return `o.ordered_at >= ${a.since(p.days)} AND o.ordered_at < ${a.end}`;
  };
  const toP = inPeriod(q.toPeriod);
  const fromP = inPeriod(q.fromPeriod);
  const clv = q.clvTable !== undefined;
  const sql =
    `WITH f AS (${followableMembersSql('$1', '$3')}), t AS (${followableMembersSql('$2', '$3')}), ` +
    `p AS (SELECT coalesce(f.customer_key, t.customer_key) AS customer_key, f.segment AS from_segment, ` +
    `t.segment AS to_segment FROM f FULL OUTER JOIN t ON f.customer_key = t.customer_key), ` +
    `r AS (SELECT k.customer_key, ${filtered('sum(o.revenue)', toP)} AS revenue, ` +
    `${filtered('sum(o.revenue)', fromP)} AS revenue_before ` +
    `FROM orders o JOIN customer_keys k ON k.customer_id = o.customer_id ` +
    `WHERE ${completed('o')} AND ((${toP}) OR (${fromP})) GROUP BY k.customer_key) ` +
    `SELECT p.from_segment, p.to_segment, count(*) AS customers, ` +
    `coalesce(sum(r.revenue), 0) AS revenue, coalesce(sum(r.revenue_before), 0) AS revenue_before` +
    (clv ? `, sum(x.predicted_clv) AS predicted_clv` : '') +
    ` FROM p LEFT JOIN r ON r.customer_key = p.customer_key` +
    (clv ? ` LEFT JOIN ${d.ident(q.clvTable!)} x ON x.customer_key = p.customer_key` : '') +
    ` GROUP BY p.from_segment, p.to_segment`;
  const rows = await engine.query<{
    from_segment: string | null;
    to_segment: string | null;
    customers: number;
    revenue: number | null;
    revenue_before: number | null;
    predicted_clv?: number | null;
  }>(sql, [q.from.snapshot_id, q.to.snapshot_id, q.scheme]);
  return rows.map((r) => ({
    from_segment: r.from_segment,
    to_segment: r.to_segment,
    customers: Number(r.customers),
    revenue: Number(r.revenue ?? 0),
    revenue_before: Number(r.revenue_before ?? 0),
    predicted_clv: r.predicted_clv === null || r.predicted_clv === undefined ? null : Number(r.predicted_clv),
  }));
}

/** The current feature table when it has `customer_key` and `predicted_clv` (a scored run). */
export async function scoredFeatureTable(engine: Engine, table = 'features'): Promise<string | undefined> {
  const cols = await engine.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('customer_key', 'predicted_clv')`,
    [table],
  );
  return cols.length === 2 ? table : undefined;
}
