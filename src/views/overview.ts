import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { kpiDefinitions } from '../kpis/definitions.js';
import type { KpiDirection } from '../kpis/types.js';
import { listSnapshots, resolveSnapshot, shownSegmentTable, type SnapshotInfo } from '../snapshot/read.js';
import { BASE_SCHEME } from '../snapshot/store.js';
import { schemeSummaries, type SchemeSummary } from './schemes.js';

/** A headline KPI of the whole base: now, at the previous snapshot, and over every snapshot. */
export interface HeadlineKpi {
  kpi: string;
  unit: string;
  direction: KpiDirection;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** The value at the previous snapshot (null when there is none or it lacked the KPI). */
  previous: number | null;
  /** value − previous. */
  change: number | null;
  /** change / |previous|; null when previous is 0 or missing. */
  relative_change: number | null;
  /** Whether the change is for the better (by the KPI's direction); null without a change. */
  improved: boolean | null;
  /** One point per snapshot, oldest first: the sparkline. */
  series: { snapshot_id: number; as_of: string; value: number | null }[];
}

/** A segment singled out on the overview. */
export interface HighlightSegment {
  segment: string;
  customers: number;
  value: number | null;
  /** Share of the base's value (for additive KPIs such as revenue). */
  share_of_total: number | null;
  previous: number | null;
  relative_change: number | null;
}

/** What the overview page and the report open with. */
export interface Overview {
  snapshot: { snapshot_id: number; as_of: string };
  previous: { snapshot_id: number; as_of: string } | null;
  snapshots: number;
  customers: number;
  headline: HeadlineKpi[];
  schemes: SchemeSummary[];
  /** Per scheme of the latest snapshot: its most valuable segments and those slipping most. */
  highlights: {
    scheme: string;
    kpi: string;
    most_valuable: HighlightSegment[];
    slipping: HighlightSegment[];
  } | null;
  min_segment_size: number;
}

/** KPIs never worth a headline: `share` of the base is 1 by definition. */
const NOT_HEADLINES = new Set(['share']);

const relative = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : (now - before) / Math.abs(before);

/**
 * The overview: the base's KPIs in the latest snapshot with their change since the previous one
 * and their series over every snapshot, the schemes, and for `scheme` (default the first) its
 * most valuable segments by `kpi` (default revenue, else the first KPI stored) and the segments
 * whose value fell most since the previous snapshot. Small segments are suppressed as everywhere.
 */
export async function overview(
  engine: Engine,
  config: Config | undefined,
  threshold: number,
  o: { scheme?: string | undefined; top?: number } = {},
): Promise<Overview> {
  const all = await listSnapshots(engine);
  const latest = await resolveSnapshot(engine, undefined, all);
  const previous: SnapshotInfo | null = all.length > 1 ? all[all.length - 2]! : null;
  const rows = await engine.query<{
    snapshot_id: number;
    kpi: string;
    value: number | null;
    ci_low: number | null;
    ci_high: number | null;
  }>(`SELECT snapshot_id, kpi, value, ci_low, ci_high FROM snapshot_kpis WHERE scheme = $1`, [BASE_SCHEME]);
  const [size] = await engine.query<{ customers: number }>(
    `SELECT customers FROM snapshot_segments WHERE snapshot_id = $1 AND scheme = $2`,
    [latest.snapshot_id, BASE_SCHEME],
  );
  const at = (id: number, kpi: string) => rows.find((r) => Number(r.snapshot_id) === id && r.kpi === kpi);
  const definitions = kpiDefinitions(config);
  const stored = new Set(rows.filter((r) => Number(r.snapshot_id) === latest.snapshot_id).map((r) => r.kpi));
  const headline: HeadlineKpi[] = definitions
    .filter((k) => stored.has(k.name) && !NOT_HEADLINES.has(k.name))
    .map((k) => {
      const now = at(latest.snapshot_id, k.name)!;
      const before = previous ? (at(previous.snapshot_id, k.name)?.value ?? null) : null;
      const change = now.value !== null && before !== null ? now.value - before : null;
      return {
        kpi: k.name,
        unit: k.unit,
        direction: k.direction,
        value: now.value,
        ci_low: now.ci_low,
        ci_high: now.ci_high,
        previous: before,
        change,
        relative_change: relative(now.value, before),
        improved: change === null || change === 0 ? null : change > 0 === (k.direction === 'higher'),
        series: all.map((s) => ({
          snapshot_id: s.snapshot_id,
          as_of: s.as_of,
          value: at(s.snapshot_id, k.name)?.value ?? null,
        })),
      };
    });
  const schemes = await schemeSummaries(engine, latest);
  return {
    snapshot: { snapshot_id: latest.snapshot_id, as_of: latest.as_of },
    previous: previous ? { snapshot_id: previous.snapshot_id, as_of: previous.as_of } : null,
    snapshots: all.length,
    customers: Number(size?.customers ?? 0),
    headline,
    schemes,
    highlights: await highlights(
      engine,
      config,
      latest,
      previous,
      o.scheme ?? schemes[0]?.name,
      threshold,
      o.top ?? 3,
    ),
    min_segment_size: threshold,
  };
}

async function highlights(
  engine: Engine,
  config: Config | undefined,
  latest: SnapshotInfo,
  previous: SnapshotInfo | null,
  scheme: string | undefined,
  threshold: number,
  top: number,
): Promise<Overview['highlights']> {
  if (scheme === undefined) return null;
  const now = await shownSegmentTable(engine, latest, scheme, threshold);
  const kpi = now.base.kpis['revenue']
    ? 'revenue'
    : Object.keys(now.base.kpis).find((k) => k !== 'customers');
  if (kpi === undefined) return null;
  const before =
    previous && previous.schemes.includes(scheme)
      ? await shownSegmentTable(engine, previous, scheme, threshold)
      : null;
  const total = now.base.kpis[kpi]?.value ?? null;
  const additive = kpiDefinitions(config).find((k) => k.name === kpi)?.additive ?? false;
  const shown: HighlightSegment[] = now.segments
    .filter((s) => !s.suppressed && s.customers !== null && s.customers > 0)
    .map((s) => {
      const value = s.kpis[kpi]?.value ?? null;
      const was =
        before?.segments.find((b) => b.segment === s.segment && !b.suppressed)?.kpis[kpi]?.value ?? null;
      return {
        segment: s.segment,
        customers: s.customers!,
        value,
        share_of_total: additive && value !== null && total ? value / total : null,
        previous: was,
        relative_change: relative(value, was),
      };
    });
  const byValue = [...shown].filter((s) => s.value !== null).sort((a, b) => b.value! - a.value!);
  // Slipping: changed for the worse by the KPI's direction, the worst first.
  const sign = kpiDefinitions(config).find((k) => k.name === kpi)?.direction === 'lower' ? -1 : 1;
  const slipping = shown
    .filter((s) => s.relative_change !== null && sign * s.relative_change < 0)
    .sort((a, b) => sign * (a.relative_change! - b.relative_change!));
  return { scheme, kpi, most_valuable: byValue.slice(0, top), slipping: slipping.slice(0, top) };
}
