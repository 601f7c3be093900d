import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Dialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { suppressSegmentRows, type ShownSegmentRow } from '../privacy/suppress-segments.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { DEFAULT_MIN_SEGMENT_SIZE } from '../privacy/threshold.js';
import { BASE_SCHEME, type StoredFlag } from './store.js';

/** A snapshot's identity (CONTRACT.md, `segtrack snapshots`). */
export interface SnapshotInfo {
  snapshot_id: number;
  as_of: string;
  created_at: string;
  config_hash: string;
  schemes: string[];
}

/** Every snapshot, oldest as-of first. */
export async function listSnapshots(engine: Engine): Promise<SnapshotInfo[]> {
  const rows = await engine.query<{
    snapshot_id: number;
    as_of: string;
    created_at: string;
    config_hash: string;
    schemes: string;
  }>(
    `SELECT snapshot_id, CAST(as_of AS VARCHAR) AS as_of, CAST(created_at AS VARCHAR) AS created_at, config_hash, schemes
       FROM snapshots ORDER BY as_of, snapshot_id`,
  );
  return rows.map((r) => ({ ...r, schemes: JSON.parse(r.schemes) as string[] }));
}

/**
 * The snapshot with this id, or the latest (by as-of date, then id) when none is given. `known`:
 * the snapshots when the caller has already listed them (they are not read again).
 */
export async function resolveSnapshot(
  engine: Engine,
  id?: number,
  known?: readonly SnapshotInfo[],
): Promise<SnapshotInfo> {
  const all = known ?? (await listSnapshots(engine));
  if (all.length === 0)
    throw userError('no_snapshots', 'the workspace has no snapshots yet', {
      hint: 'run `segtrack run` (or `segtrack backfill`) first',
    });
  if (id === undefined) return all[all.length - 1]!;
  const found = all.find((s) => s.snapshot_id === id);
  if (!found)
    throw userError('unknown_snapshot', `there is no snapshot ${id}`, {
      hint: `snapshots: ${all.map((s) => `${s.snapshot_id} (${s.as_of})`).join(', ')}`,
    });
  return found;
}

/** Checks a scheme name against a snapshot's schemes. */
export function requireScheme(snapshot: SnapshotInfo, scheme: string): void {
  if (!snapshot.schemes.includes(scheme))
    throw userError('unknown_scheme', `snapshot ${snapshot.snapshot_id} has no scheme '${scheme}'`, {
      hint: didYouMean(scheme, snapshot.schemes),
    });
}

/** One KPI value as `segtrack segments` shows it. */
export interface KpiCell {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ci_method?: string | null;
  available?: boolean;
  reason?: string | null;
}

/** One segment row of `segtrack segments` (CONTRACT.md). */
export interface SegmentRow {
  segment: string;
  customers: number;
  kpis: Record<string, KpiCell>;
  flags: StoredFlag[];
}

/**
 * The segment × KPI table of a scheme in a snapshot, segments in the scheme's order, as stored:
 * nothing is suppressed. What segtrack prints goes through {@link shownSegmentTable}.
 */
export async function segmentTable(
  engine: Engine,
  snapshot: SnapshotInfo,
  scheme: string,
  kpis?: string[],
): Promise<{ segments: SegmentRow[]; base: SegmentRow }> {
  requireScheme(snapshot, scheme);
  const segs = await engine.query<{
    scheme: string;
    segment: string;
    customers: number;
    flags: string;
    position: number;
  }>(
    `SELECT scheme, segment, customers, flags, position FROM snapshot_segments
      WHERE snapshot_id = $1 AND scheme IN ($2, $3) ORDER BY position, segment`,
    [snapshot.snapshot_id, scheme, BASE_SCHEME],
  );
  const values = await engine.query<{
    scheme: string;
    segment: string;
    kpi: string;
    value: number | null;
    ci_low: number | null;
    ci_high: number | null;
    ci_method: string | null;
    available: boolean;
    reason: string | null;
  }>(
    `SELECT scheme, segment, kpi, value, ci_low, ci_high, ci_method, available, reason FROM snapshot_kpis
      WHERE snapshot_id = $1 AND scheme IN ($2, $3)`,
    [snapshot.snapshot_id, scheme, BASE_SCHEME],
  );
  const stored = [...new Set(values.map((v) => v.kpi))];
  if (kpis)
    for (const k of kpis)
      if (!stored.includes(k))
        throw userError('unknown_kpi', `snapshot ${snapshot.snapshot_id} has no KPI '${k}'`, {
          hint: didYouMean(k, stored),
        });
  const order = kpis ?? stored;
  const row = (s: { scheme: string; segment: string; customers: number; flags: string }): SegmentRow => {
    const mine = values.filter((v) => v.scheme === s.scheme && v.segment === s.segment);
    const cells: Record<string, KpiCell> = {};
    for (const k of order) {
      const v = mine.find((m) => m.kpi === k);
      if (v)
        cells[k] = {
          value: v.value,
          ci_low: v.ci_low,
          ci_high: v.ci_high,
          ci_method: v.ci_method,
          available: v.available,
          reason: v.reason,
        };
    }
    const flags = (JSON.parse(s.flags) as StoredFlag[]).filter((f) => order.includes(f.kpi));
    return { segment: s.segment, customers: Number(s.customers), kpis: cells, flags };
  };
  const base = segs.find((s) => s.scheme === BASE_SCHEME);
  return {
    segments: segs.filter((s) => s.scheme === scheme).map(row),
    base: base ? row(base) : { segment: 'All customers', customers: 0, kpis: {}, flags: [] },
  };
}

/**
 * {@link segmentTable} as the outputs show it: segments with fewer than `minSegmentSize` customers
 * suppressed, with complementary suppression against the base row (src/privacy/CONTEXT.md). The
 * base row is returned as stored.
 */
export async function shownSegmentTable(
  engine: Engine,
  snapshot: SnapshotInfo,
  scheme: string,
  minSegmentSize: number,
  kpis?: string[],
): Promise<{ segments: ShownSegmentRow[]; base: SegmentRow; min_segment_size: number }> {
  const t = await segmentTable(engine, snapshot, scheme, kpis);
  return {
    segments: suppressSegmentRows(t.segments, minSegmentSize),
    base: t.base,
    min_segment_size: minSegmentSize,
  };
}

/** One point of a KPI's series (CONTRACT.md, `segtrack trend`). */
export interface TrendPoint {
  period: string;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  snapshot_id: number;
  suppressed: boolean;
  /** Present only on suppressed points. */
  suppression?: SuppressionReason;
}

/** A KPI's series for one segment. */
export interface TrendSeries {
  segment: string;
  points: TrendPoint[];
}

/**
 * A KPI's series per segment over the snapshots (CONTRACT.md, `segtrack trend`). In each
 * snapshot, the scheme's segments with fewer than `minSegmentSize` customers (default 10) are
 * suppressed, with complementary suppression across the scheme's segments since the base total
 * is known: their points keep the period and snapshot but have null value and interval and
 * `suppressed: true`. Pass `minSegmentSize: 1` for the stored values.
 */
export async function trend(
  engine: Engine,
  kpi: string,
  scheme: string,
  period: 'month' | 'week' | 'day' = 'month',
  options: { minSegmentSize?: number } = {},
): Promise<TrendSeries[]> {
  const d = engine.dialect;
  const threshold = options.minSegmentSize ?? DEFAULT_MIN_SEGMENT_SIZE;
  const snaps = await listSnapshots(engine);
  if (snaps.length === 0) await resolveSnapshot(engine);
  if (!snaps.some((s) => s.schemes.includes(scheme))) requireScheme(snaps[snaps.length - 1]!, scheme);
  const kpis = await engine.query<{ kpi: string }>(`SELECT DISTINCT kpi FROM snapshot_kpis`);
  if (!kpis.some((k) => k.kpi === kpi))
    throw userError('unknown_kpi', `no snapshot has the KPI '${kpi}'`, {
      hint: didYouMean(
        kpi,
        kpis.map((k) => k.kpi),
      ),
    });
  // The latest snapshot of each period stands for the period.
  const rows = await engine.query<{
    segment: string;
    period: string;
    value: number | null;
    ci_low: number | null;
    ci_high: number | null;
    snapshot_id: number;
    position: number;
  }>(
    `WITH latest AS (
       SELECT snapshot_id, CAST(${d.dateTrunc(period, 'as_of')} AS VARCHAR) AS period,
              row_number() OVER (PARTITION BY ${d.dateTrunc(period, 'as_of')} ORDER BY as_of DESC, snapshot_id DESC) AS rn
         FROM snapshots)
     SELECT k.segment, l.period, k.value, k.ci_low, k.ci_high, k.snapshot_id, coalesce(s.position, 0) AS position
       FROM snapshot_kpis k JOIN latest l ON l.snapshot_id = k.snapshot_id AND l.rn = 1
       LEFT JOIN snapshot_segments s ON s.snapshot_id = k.snapshot_id AND s.scheme = k.scheme AND s.segment = k.segment
      WHERE k.scheme = $1 AND k.kpi = $2 ORDER BY position, k.segment, l.period`,
    [scheme, kpi],
  );
  const hidden = await suppressedPerSnapshot(engine, scheme, threshold);
  const out = new Map<string, TrendSeries>();
  for (const r of rows) {
    const s = out.get(r.segment) ?? { segment: r.segment, points: [] };
    const id = Number(r.snapshot_id);
    // A KPI row without its segment row cannot be checked: hidden, to be safe.
    const decided = hidden.get(id)?.get(r.segment);
    const reason = decided === undefined ? 'small' : decided;
    s.points.push(
      reason === null
        ? {
            period: r.period,
            value: r.value,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            snapshot_id: id,
            suppressed: false,
          }
        : {
            period: r.period,
            value: null,
            ci_low: null,
            ci_high: null,
            snapshot_id: id,
            suppressed: true,
            suppression: reason,
          },
    );
    out.set(r.segment, s);
  }
  return [...out.values()];
}

/** Per snapshot, per segment of `scheme`: the suppression reason, or null when shown. */
async function suppressedPerSnapshot(
  engine: Engine,
  scheme: string,
  threshold: number,
): Promise<Map<number, Map<string, SuppressionReason | null>>> {
  const segs = await engine.query<{ snapshot_id: number; segment: string; customers: number }>(
    `SELECT snapshot_id, segment, customers FROM snapshot_segments WHERE scheme = $1 ORDER BY snapshot_id, position, segment`,
    [scheme],
  );
  const bySnapshot = new Map<number, { id: string; customers: number }[]>();
  for (const s of segs) {
    const id = Number(s.snapshot_id);
    const list = bySnapshot.get(id) ?? [];
    list.push({ id: s.segment, customers: Number(s.customers) });
    bySnapshot.set(id, list);
  }
  const out = new Map<number, Map<string, SuppressionReason | null>>();
  for (const [id, cells] of bySnapshot)
    out.set(
      id,
      new Map(decideSuppression(cells, { threshold, totalKnown: true }).map((x) => [x.id, x.reason])),
    );
  return out;
}

/**
 * `FROM … WHERE …` of a scheme's (or one segment's) members in a snapshot, with their ids:
 * `m` the memberships (by customer key), `k` the key → id map, and `join` any further joins
 * (e.g. the feature table on `customer_key`). Values are quoted through the dialect.
 */
export function membersFrom(
  d: Dialect,
  snapshotId: number,
  scheme: string,
  segment?: string,
  join = '',
): string {
  return (
    `FROM snapshot_members m JOIN customer_keys k ON k.customer_key = m.customer_key ${join}` +
    `WHERE m.snapshot_id = ${d.literal(snapshotId)} AND m.scheme = ${d.literal(scheme)}` +
    (segment !== undefined ? ` AND m.segment = ${d.literal(segment)}` : '')
  );
}
