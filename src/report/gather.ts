/**
 * Everything the HTML report shows, collected through the same library functions the REST API
 * calls (src/server/routes/*.ts), with the same privacy threshold, so the report's numbers and the
 * API's agree and every small segment, cohort and frequency group is suppressed exactly as there.
 */
import { cohorts as cohortTable } from '../analysis/cohorts.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { kpiDefinitions, type KpiDefinitionView } from '../kpis/definitions.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { runQuality, type QualityReport } from '../quality/quality.js';
import {
  listSnapshots,
  requireScheme,
  resolveSnapshot,
  shownSegmentTable,
  trend,
  type SnapshotInfo,
  type TrendSeries,
} from '../snapshot/read.js';
import { latestModelReports } from '../views/model-reports.js';
import { overview, type Overview } from '../views/overview.js';
import type { SchemeSummary } from '../views/schemes.js';

/** One scheme's section: what it is and its segment × KPI table as shown. */
export interface SchemeSection {
  summary: SchemeSummary;
  table: Awaited<ReturnType<typeof shownSegmentTable>>;
}

/** A KPI per segment of one scheme over the snapshots (as `GET …/trend` answers). */
export interface TrendSection {
  scheme: string;
  kpi: string;
  period: 'month' | 'week' | 'day';
  series: TrendSeries[];
}

/** What the report is made of. */
export interface ReportData {
  /** When the report was made (ISO 8601, UTC). */
  generated_at: string;
  /** The workspace's name as the title shows it (its file name). */
  workspace: string;
  currency: string | null;
  min_segment_size: number;
  snapshots: SnapshotInfo[];
  overview: Overview;
  schemes: SchemeSection[];
  /** Null with fewer than two snapshots of the trend's scheme (there is no trend yet). */
  trend: TrendSection | null;
  cohorts: Awaited<ReturnType<typeof cohortTable>>;
  models: Awaited<ReturnType<typeof latestModelReports>>;
  quality: QualityReport;
  definitions: KpiDefinitionView[];
}

/** Options of {@link gatherReport}. */
export interface GatherOptions {
  /** The schemes to include, in this order (default: every scheme of the latest snapshot). */
  schemes?: readonly string[];
  /** The workspace's name for the title. */
  workspace?: string;
  /** The report's time (default: now). */
  now?: Date;
}

/** The KPI the trend chart follows: revenue when stored, else the customers. */
const TREND_KPIS = ['revenue', 'customers'];

/**
 * Collects the report's data from a workspace. Throws the library's user errors: `no_snapshots`
 * when nothing has run yet, `unknown_scheme` for a scheme the latest snapshot lacks.
 */
export async function gatherReport(
  engine: Engine,
  config: Config | undefined,
  o: GatherOptions = {},
): Promise<ReportData> {
  const threshold = minSegmentSizeOf(config);
  const snapshots = await listSnapshots(engine);
  const latest = await resolveSnapshot(engine, undefined, snapshots);
  for (const s of o.schemes ?? []) requireScheme(latest, s);
  const wanted = o.schemes !== undefined && o.schemes.length > 0 ? [...new Set(o.schemes)] : null;
  const over = await overview(engine, config, threshold, { scheme: wanted?.[0] });
  const summaries = wanted ? wanted.map((name) => over.schemes.find((s) => s.name === name)!) : over.schemes;
  const schemes: SchemeSection[] = [];
  for (const summary of summaries)
    schemes.push({ summary, table: await shownSegmentTable(engine, latest, summary.name, threshold) });
  return {
    generated_at: (o.now ?? new Date()).toISOString(),
    workspace: o.workspace ?? 'segtrack workspace',
    currency: config?.currency ?? null,
    min_segment_size: threshold,
    snapshots,
    overview: over,
    schemes,
    trend: await trendSection(engine, snapshots, schemes[0], threshold),
    cohorts: await cohortTable(engine, {
      asOf: latest.as_of,
      period: 'month',
      metric: 'retention',
      minSegmentSize: threshold,
    }),
    models: await latestModelReports(engine, threshold),
    quality: await runQuality(engine),
    definitions: kpiDefinitions(config),
  };
}

async function trendSection(
  engine: Engine,
  snapshots: readonly SnapshotInfo[],
  scheme: SchemeSection | undefined,
  threshold: number,
): Promise<TrendSection | null> {
  if (!scheme) return null;
  const withScheme = snapshots.filter((s) => s.schemes.includes(scheme.summary.name));
  if (withScheme.length < 2) return null;
  const kpi = TREND_KPIS.find((k) => scheme.table.base.kpis[k] !== undefined);
  if (kpi === undefined) return null;
  const period = trendPeriod(withScheme.map((s) => s.as_of));
  const series = await trend(engine, kpi, scheme.summary.name, period, { minSegmentSize: threshold });
  return { scheme: scheme.summary.name, kpi, period, series };
}

/**
 * The coarsest period (month, week, day) that still gives every snapshot date its own point, so
 * that monthly history reads by month and a weekly backfill is not folded into months.
 */
export function trendPeriod(dates: readonly string[]): 'month' | 'week' | 'day' {
  const distinct = (key: (d: string) => string) => new Set(dates.map(key)).size;
  const days = distinct((d) => d.slice(0, 10));
  if (distinct((d) => d.slice(0, 7)) === days) return 'month';
  if (distinct(isoWeekStart) === days) return 'week';
  return 'day';
}

/** The Monday of a date's ISO week, as YYYY-MM-DD. */
function isoWeekStart(date: string): string {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * 86_400_000).toISOString().slice(0, 10);
}
