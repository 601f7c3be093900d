import type { Config } from '../config/types.js';
import type { Engine } from '../engine/engine.js';
import { compileExpression, type ExprSchema } from '../expr/index.js';
import type { FeatureInfo } from '../features/build-features.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { computeKpis } from '../kpis/compute.js';
import type { AggregateCompiler } from '../kpis/custom.js';
import { computeFlags } from '../kpis/flags.js';
import { choosePrimary, resolveKpiSelection, type KpiSelection } from '../kpis/objectives.js';
import type { KpiValue } from '../kpis/types.js';
import type { Assignment } from '../segments/assign.js';
import { BASE_SCHEME, BASE_SEGMENT, type StoredKpi, type StoredSegment } from '../snapshot/store.js';

/** What the KPI stage hands to the snapshot. */
export interface SnapshotKpis {
  kpis: string[];
  primary: string | undefined;
  segments: StoredSegment[];
  base: StoredSegment;
  notes: Record<string, unknown>;
}

/** The KPIs a config asks for (include list, else its objective's set, else the catalogue). */
export function selectedKpis(config: Config): KpiSelection {
  return resolveKpiSelection(config);
}

function stored(v: KpiValue): StoredKpi {
  return {
    value: v.value,
    ci_low: v.ci_low,
    ci_high: v.ci_high,
    ci_method: v.ci_method,
    n: v.n,
    available: v.available,
    reason: v.reason ?? v.note ?? null,
  };
}

/**
 * The KPI stage of a run: the selected KPIs (and custom ones, compiled from the expression
 * language in aggregate mode) for every segment of every scheme and for the whole base, with
 * intervals, and the segments flagged as under- or over-performing.
 */
export async function computeSnapshotKpis(
  engine: Engine,
  config: Config,
  features: FeatureInfo,
  assignment: Assignment,
  selection: KpiSelection,
): Promise<SnapshotKpis> {
  const schema: ExprSchema = {};
  for (const c of features.columns) schema[c.name] = c.type;
  const compile: AggregateCompiler = (expression) => {
    const c = compileExpression(expression, schema, engine.dialect, { mode: 'aggregate' });
    return { sql: c.sql, type: c.type, columns: c.columns };
  };
  const table = await computeKpis(engine, {
    features: features.table,
    members: assignment.table,
    kpis: selection.kpis,
    custom: config.kpis?.custom ?? [],
    compile,
    asOf: features.asOf,
    segments: Object.fromEntries(assignment.schemes.map((s) => [s.scheme, s.segments])),
  });
  const report = computeFlags(table, { minSegmentSize: minSegmentSizeOf(config) });
  const segments: StoredSegment[] = table.schemes.flatMap((s) =>
    s.segments.map((seg) => ({
      scheme: s.scheme,
      segment: seg.segment,
      customers: seg.customers,
      kpis: Object.fromEntries(Object.entries(seg.kpis).map(([k, v]) => [k, stored(v)])),
      flags: report.flags
        .filter((f) => f.scheme === s.scheme && f.segment === seg.segment)
        .map(({ kpi, direction, assessment, p_value, p_raw, test, value, rest_value }) => ({
          kpi,
          direction,
          assessment,
          p_value,
          p_raw,
          test,
          value,
          rest_value,
        })),
    })),
  );
  return {
    kpis: table.kpis.map((k) => k.name),
    primary: choosePrimary(selection.primary, table),
    segments,
    base: {
      scheme: BASE_SCHEME,
      segment: BASE_SEGMENT,
      customers: table.base.customers,
      kpis: Object.fromEntries(Object.entries(table.base.kpis).map(([k, v]) => [k, stored(v)])),
      flags: [],
    },
    notes: {
      period: table.period,
      confidence: table.confidence,
      historical_clv_basis: table.clvBasis,
      flags: { correction: report.correction, level: report.level, min_segment_size: report.minSegmentSize },
      selection: selection.source,
    },
  };
}
