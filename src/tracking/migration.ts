/**
 * `segtrack migration`: how the customers of a scheme's segments in one snapshot are spread over
 * its segments in a later one — the transition matrix with entries ("(new)") and exits
 * ("(gone)"), revenue and predicted CLV per cell, small cells suppressed. Definitions, the
 * suppression rule and the limits are in CONTEXT.md ("Migration").
 */
import type { Engine } from '../engine/engine.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { DEFAULT_MIN_SEGMENT_SIZE } from '../privacy/threshold.js';
import type { SnapshotInfo } from '../snapshot/read.js';
import { resolveMigrationSnapshots } from './migration-snapshots.js';
import {
  flowRows,
  kpiPeriodOf,
  scoredFeatureTable,
  storedSizes,
  type FlowRow,
  type KpiPeriod,
  type StoredSize,
} from './migration-sql.js';
import { suppressMatrix } from './migration-suppression.js';

/** The row of customers who were not in the `from` snapshot. */
export const NEW = '(new)';
/** The column of customers who are not in the `to` snapshot: left the base, or erased. */
export const GONE = '(gone)';
/**
 * The row of customers who were in the `to` snapshot but have been erased since, so where they
 * came from can no longer be told.
 */
export const ERASED = '(erased)';

/**
 * What a cell is: `stay` (same segment), `move` (another segment), `entry` ("(new)" row), `exit`
 * ("(gone)" column), `erased` ("(erased)" row). Tells the special rows and columns apart from a
 * segment that happens to carry the same name.
 */
export type Flow = 'stay' | 'move' | 'entry' | 'exit' | 'erased';

/** One cell of the matrix (CONTRACT.md: `{"from", "to", "customers", "revenue"}` and more). */
export interface MigrationCell {
  from: string;
  to: string;
  flow: Flow;
  /** Null when suppressed. */
  customers: number | null;
  /**
   * Σ net revenue of the cell's customers' completed orders in the `to` snapshot's KPI period.
   * Null when suppressed, and for customers who can no longer be followed (erased only).
   */
  revenue: number | null;
  /** The same customers' revenue in the `from` snapshot's KPI period. */
  revenue_before: number | null;
  /**
   * Σ predicted CLV from the current feature table (the latest run's scores) of the cell's
   * customers still in it; present only when that table is scored. Null when suppressed or when
   * none of the cell's customers has a score.
   */
  predicted_clv?: number | null;
  suppressed: boolean;
  /** Present only on suppressed cells. */
  suppression?: SuppressionReason;
}

/** A segment's size in one snapshot (the matrix's margin), suppressed as `segtrack segments` shows it. */
export interface MigrationMargin {
  segment: string;
  customers: number | null;
  suppressed: boolean;
  suppression?: SuppressionReason;
}

/** A snapshot as the report names it. */
export interface MigrationSnapshotRef {
  snapshot_id: number;
  as_of: string;
  /** Its KPI period, over which `revenue` (for `to`) and `revenue_before` (for `from`) are summed. */
  kpi_period: KpiPeriod;
}

/** What {@link migrationMatrix} returns (`segtrack migration --json`). */
export interface MigrationReport {
  scheme: string;
  from_snapshot: MigrationSnapshotRef;
  to_snapshot: MigrationSnapshotRef;
  min_segment_size: number;
  /** Whether cells carry `predicted_clv` (the current feature table is scored). */
  predicted_clv: boolean;
  /** Rows: the `from` segments in order, "(new)", then "(erased)" if any; columns: the `to` segments, "(gone)". */
  matrix: MigrationCell[];
  from_segments: MigrationMargin[];
  to_segments: MigrationMargin[];
}

/** Settings of {@link migrationMatrix}. */
export interface MigrationOptions {
  scheme: string;
  /** Snapshot ids; defaults in {@link resolveMigrationSnapshots}. */
  from?: number | undefined;
  to?: number | undefined;
  /** `privacy.min_segment_size` (default 10); 1 shows every cell. */
  minSegmentSize?: number | undefined;
}

/** The matrix before suppression, with the snapshots it came from. */
export interface RawMigration {
  scheme: string;
  from: SnapshotInfo;
  to: SnapshotInfo;
  fromPeriod: KpiPeriod;
  toPeriod: KpiPeriod;
  fromSizes: StoredSize[];
  toSizes: StoredSize[];
  /** Every cell with its true figures (`suppressed: false`). */
  cells: MigrationCell[];
  predictedClv: boolean;
}

/**
 * The transition matrix of a scheme between two snapshots, suppressed for small cells (every
 * figure of a cell with 1 … min_segment_size − 1 customers, and complementary cells so that none
 * can be worked out from the row and column totals).
 *
 * Reconciliation: the cells of a `from` row (with "(gone)") add up to that segment's stored size
 * in `from`; the cells of a `to` column (with "(new)" and "(erased)") add up to its stored size in
 * `to`.
 *
 * @example
 * const m = await migrationMatrix(engine, { scheme: 'rfm', minSegmentSize: minSegmentSizeOf(config) });
 * m.matrix.find((c) => c.from === 'Champions' && c.to === 'At Risk')?.customers;
 */
export async function migrationMatrix(engine: Engine, o: MigrationOptions): Promise<MigrationReport> {
  return shownMigration(await rawMigration(engine, o), o.minSegmentSize ?? DEFAULT_MIN_SEGMENT_SIZE);
}

/** {@link rawMigration}'s matrix as the outputs show it: small cells suppressed (see {@link migrationMatrix}). */
export function shownMigration(raw: RawMigration, threshold: number): MigrationReport {
  const decisions = suppressMatrix(
    raw.cells.map((c) => ({ row: rowKey(c), col: colKey(c), customers: c.customers ?? 0 })),
    threshold,
  );
  const matrix = raw.cells.map((c, i): MigrationCell => {
    const reason = decisions[i]!.reason;
    if (reason === null) return c;
    return {
      ...c,
      customers: null,
      revenue: null,
      revenue_before: null,
      ...(raw.predictedClv ? { predicted_clv: null } : {}),
      suppressed: true,
      suppression: reason,
    };
  });
  const ref = (s: SnapshotInfo, kpi_period: KpiPeriod): MigrationSnapshotRef => ({
    snapshot_id: s.snapshot_id,
    as_of: s.as_of,
    kpi_period,
  });
  return {
    scheme: raw.scheme,
    from_snapshot: ref(raw.from, raw.fromPeriod),
    to_snapshot: ref(raw.to, raw.toPeriod),
    min_segment_size: threshold,
    predicted_clv: raw.predictedClv,
    matrix,
    from_segments: margins(raw.fromSizes, threshold),
    to_segments: margins(raw.toSizes, threshold),
  };
}

/** Row and column identities for the suppression: the special lines apart from same-named segments. */
const rowKey = (c: MigrationCell) =>
  c.flow === 'entry' || c.flow === 'erased' ? `#${c.flow}` : `s:${c.from}`;
const colKey = (c: MigrationCell) => (c.flow === 'exit' ? '#exit' : `s:${c.to}`);

/** The segment sizes as `segtrack segments` shows them (the scheme's segments, total known). */
function margins(sizes: readonly StoredSize[], threshold: number): MigrationMargin[] {
  const d = decideSuppression(
    sizes.map((s) => ({ id: s.segment, customers: s.customers })),
    { threshold, totalKnown: true },
  );
  return sizes.map((s, i) => {
    const reason = d[i]!.reason;
    return reason === null
      ? { segment: s.segment, customers: s.customers, suppressed: false }
      : { segment: s.segment, customers: null, suppressed: true, suppression: reason };
  });
}

/**
 * The matrix with its true figures, nothing suppressed: for tests and for the reconciliation
 * checks. Customers whose memberships are gone (erased) are counted from the stored sizes: a
 * `from` segment's shortfall goes to "(gone)", a `to` segment's to "(erased)".
 */
export async function rawMigration(engine: Engine, o: MigrationOptions): Promise<RawMigration> {
  const { from, to } = await resolveMigrationSnapshots(engine, o.scheme, { from: o.from, to: o.to });
  const fromPeriod = await kpiPeriodOf(engine, from);
  const toPeriod = await kpiPeriodOf(engine, to);
  const fromSizes = await storedSizes(engine, from.snapshot_id, o.scheme);
  const toSizes = await storedSizes(engine, to.snapshot_id, o.scheme);
  const clvTable = await scoredFeatureTable(engine);
  const flows = await flowRows(engine, { scheme: o.scheme, from, to, fromPeriod, toPeriod, clvTable });
  const members = (side: 'from_segment' | 'to_segment', segment: string) =>
    flows.filter((f) => f[side] === segment).reduce((s, f) => s + f.customers, 0);
  // Members of a segment without a stored size cannot occur in a snapshot segtrack wrote; should
  // it happen, the segment is listed with its members as its size rather than dropped.
  for (const f of flows) {
    if (f.from_segment !== null && !fromSizes.some((s) => s.segment === f.from_segment))
      fromSizes.push({ segment: f.from_segment, customers: members('from_segment', f.from_segment) });
    if (f.to_segment !== null && !toSizes.some((s) => s.segment === f.to_segment))
      toSizes.push({ segment: f.to_segment, customers: members('to_segment', f.to_segment) });
  }
  const clv = clvTable !== undefined;
  const find = (a: string | null, b: string | null) =>
    flows.find((f) => f.from_segment === a && f.to_segment === b);
  const cell = (from: string, to: string, flow: Flow, f: FlowRow | undefined, extra = 0): MigrationCell => {
    const customers = (f?.customers ?? 0) + extra;
    // Customers known only from the stored sizes (erased) have no orders or scores left.
    const followable = f !== undefined && f.customers > 0;
    return {
      from,
      to,
      flow,
      customers,
      revenue: followable ? f.revenue : customers === 0 ? 0 : null,
      revenue_before: followable ? f.revenue_before : customers === 0 ? 0 : null,
      ...(clv ? { predicted_clv: followable ? f.predicted_clv : customers === 0 ? 0 : null } : {}),
      suppressed: false,
    };
  };
  const shortfall = (snapshot: SnapshotInfo, size: StoredSize, followed: number) => {
    const n = size.customers - followed;
    if (n < 0)
      throw new Error(
        `snapshot ${snapshot.snapshot_id}: segment '${size.segment}' of ${o.scheme} has ${followed} members but a stored size of ${size.customers}`,
      );
    return n;
  };
  const cells: MigrationCell[] = [];
  for (const a of fromSizes) {
    const followed = members('from_segment', a.segment);
    for (const b of toSizes)
      cells.push(
        cell(a.segment, b.segment, a.segment === b.segment ? 'stay' : 'move', find(a.segment, b.segment)),
      );
    cells.push(cell(a.segment, GONE, 'exit', find(a.segment, null), shortfall(from, a, followed)));
  }
  for (const b of toSizes) cells.push(cell(NEW, b.segment, 'entry', find(null, b.segment)));
  const erased = toSizes.map((b) => shortfall(to, b, members('to_segment', b.segment)));
  if (erased.some((n) => n > 0))
    toSizes.forEach((b, i) => cells.push(cell(ERASED, b.segment, 'erased', undefined, erased[i] ?? 0)));
  return {
    scheme: o.scheme,
    from,
    to,
    fromPeriod,
    toPeriod,
    fromSizes,
    toSizes,
    cells,
    predictedClv: clv,
  };
}
