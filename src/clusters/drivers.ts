import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import { describeColumns } from '../ingest/stage.js';
import { spearman } from './spearman.js';

/** Columns fetched per round trip (bounded memory on large tables). */
const BATCH = 8;

/** Settings of {@link kpiDrivers}. */
export interface DriversOptions {
  /** The numeric feature or model column to explain, e.g. `predicted_clv`. */
  target: string;
  /** The feature table. Default `features`. */
  table?: string;
  /** Features to consider. Default: every numeric column but the target. */
  features?: string[];
  /** Also compare the segments of this scheme in this snapshot. */
  scheme?: { scheme: string; snapshotId: number };
  /** Distinguishing features listed for the best and worst segment. Default 5. */
  top?: number;
  /**
   * `privacy.min_segment_size` (default 10): segments with fewer customers, and their complement
   * (src/privacy/suppression.ts), are listed without figures and never named best or worst.
   */
  minSegmentSize?: number;
}

/** One feature's rank correlation with the target. */
export interface DriverCorrelation {
  feature: string;
  /** Spearman's ρ over customers with both values. */
  rho: number;
  n: number;
  /** Whether customers high on the feature tend to be high (`higher`) or low on the target. */
  direction: 'higher' | 'lower';
}

/** A segment's target mean and what sets it apart. */
export interface DriverSegment {
  segment: string;
  /** Null when suppressed. */
  customers: number | null;
  target_mean: number | null;
  suppressed: boolean;
  suppression?: SuppressionReason;
}

/** A feature setting a segment apart: (segment mean − base mean) / base sd. */
export interface DistinguishingFeature {
  feature: string;
  segment_mean: number | null;
  base_mean: number | null;
  std_diff: number;
}

/** What {@link kpiDrivers} returns (`segtrack drivers --json`). */
export interface DriversReport {
  target: string;
  table: string;
  /** Customers with the target observed. */
  customers: number;
  /** By decreasing |ρ|; features with an undefined ρ (constant, too few values) left out. */
  correlations: DriverCorrelation[];
  scheme: {
    scheme: string;
    snapshot_id: number;
    /** By decreasing target mean. */
    segments: DriverSegment[];
    best: { segment: string; target_mean: number | null; distinguishing: DistinguishingFeature[] } | null;
    worst: { segment: string; target_mean: number | null; distinguishing: DistinguishingFeature[] } | null;
  } | null;
}

/**
 * Which features separate customers high on a KPI column from those low on it: Spearman's rank
 * correlation of every numeric feature with the target (on typed arrays pulled from the engine,
 * rows in `customer_id` order, pairwise complete), and, for a scheme, the target's mean per
 * segment (in the engine) with the features that most distinguish the best and the worst segment
 * (standardised mean differences against the whole base, in the engine).
 *
 * @example
 * const r = await kpiDrivers(engine, { target: 'predicted_clv', scheme: { scheme: 'clusters', snapshotId: 3 } });
 * r.correlations[0]; // { feature: 'revenue_365d', rho: 0.83, n: 4812, direction: 'higher' }
 */
export async function kpiDrivers(engine: Engine, o: DriversOptions): Promise<DriversReport> {
  const d = engine.dialect;
  const table = o.table ?? 'features';
  const columns = await describeColumns(engine, table);
  if (columns.length === 0)
    throw userError('no_features', `the workspace has no feature table \`${table}\``, {
      hint: 'run `segtrack run` first',
    });
  const numeric = columns.filter((c) => d.valueKind(c.type) === 'number').map((c) => c.name);
  if (!numeric.includes(o.target))
    throw userError(
      'unknown_kpi',
      columns.some((c) => c.name === o.target)
        ? `--kpi ${o.target} is not a numeric column`
        : `--kpi ${o.target} is not a column of the feature table`,
      { hint: didYouMean(o.target, numeric) },
    );
  const features = (o.features ?? numeric).filter((f) => f !== o.target);
  for (const f of features)
    if (!numeric.includes(f))
      throw userError('unknown_feature', `'${f}' is not a numeric feature column`, {
        hint: didYouMean(f, numeric),
      });
  const from = `FROM ${d.ident(table)} ORDER BY customer_id`;
  const y = (await engine.numericColumns(`SELECT ${d.ident(o.target)} ${from}`))[o.target]!;
  let customers = 0;
  for (const v of y) if (!Number.isNaN(v)) customers++;
  const correlations: DriverCorrelation[] = [];
  for (let b = 0; b < features.length; b += BATCH) {
    const batch = features.slice(b, b + BATCH);
    const cols = await engine.numericColumns(`SELECT ${batch.map((f) => d.ident(f)).join(', ')} ${from}`);
    for (const f of batch) {
      const { rho, n } = spearman(cols[f]!, y);
      if (Number.isFinite(rho))
        correlations.push({ feature: f, rho, n, direction: rho >= 0 ? 'higher' : 'lower' });
    }
  }
  correlations.sort((a, b) => Math.abs(b.rho) - Math.abs(a.rho) || a.feature.localeCompare(b.feature));
  return {
    target: o.target,
    table,
    customers,
    correlations,
    scheme: o.scheme
      ? await schemeDrivers(engine, table, o.target, features, o.scheme, o.top ?? 5, o.minSegmentSize ?? 10)
      : null,
  };
}

async function schemeDrivers(
  engine: Engine,
  table: string,
  target: string,
  features: string[],
  s: { scheme: string; snapshotId: number },
  top: number,
  minSegmentSize: number,
): Promise<NonNullable<DriversReport['scheme']>> {
  const d = engine.dialect;
  const join =
    `FROM snapshot_members m JOIN ${d.ident(table)} f ON f.customer_key = m.customer_key ` +
    `WHERE m.snapshot_id = ${d.literal(s.snapshotId)} AND m.scheme = ${d.literal(s.scheme)}`;
  const rows = await engine.query<{ segment: string; customers: number; target_mean: number | null }>(
    `SELECT m.segment, COUNT(*) AS customers, AVG(f.${d.ident(target)}) AS target_mean ${join} GROUP BY m.segment`,
  );
  const decisions = decideSuppression(
    rows.map((r) => ({ id: r.segment, customers: Number(r.customers) })),
    { threshold: minSegmentSize, totalKnown: true },
  );
  const segments: DriverSegment[] = rows
    .map((r, i): DriverSegment => {
      const reason = decisions[i]!.reason;
      return reason !== null
        ? { segment: r.segment, customers: null, target_mean: null, suppressed: true, suppression: reason }
        : {
            segment: r.segment,
            customers: Number(r.customers),
            target_mean: r.target_mean === null ? null : Number(r.target_mean),
            suppressed: false,
          };
    })
    .sort(
      (a, b) =>
        (b.target_mean ?? -Infinity) - (a.target_mean ?? -Infinity) || a.segment.localeCompare(b.segment),
    );
  const scored = segments.filter((x) => x.target_mean !== null);
  const best = scored[0];
  const worst = scored.length > 1 ? scored[scored.length - 1] : undefined;
  const distinguishing = async (segment: string): Promise<DistinguishingFeature[]> => {
    const parts = features.flatMap((f, q) => {
      const x = `f.${d.ident(f)}`;
      const inSeg = `CASE WHEN m.segment = ${d.literal(segment)} THEN ${x} END`;
      return [
        `AVG(${inSeg}) AS ${d.ident(`s${q}`)}`,
        `AVG(${x}) AS ${d.ident(`a${q}`)}`,
        `${d.fn('stddev_pop', x)} AS ${d.ident(`v${q}`)}`,
      ];
    });
    const [r] = await engine.query(`SELECT ${parts.join(', ')} ${join}`);
    const val = (key: string): number | null => {
      const v = r?.[key];
      return v === null || v === undefined ? null : Number(v);
    };
    return features
      .map((f, q) => {
        const sm = val(`s${q}`);
        const am = val(`a${q}`);
        const sd = val(`v${q}`);
        return {
          feature: f,
          segment_mean: sm,
          base_mean: am,
          std_diff: sm !== null && am !== null && sd !== null && sd > 0 ? (sm - am) / sd : 0,
        };
      })
      .filter((x) => x.std_diff !== 0)
      .sort((a, b) => Math.abs(b.std_diff) - Math.abs(a.std_diff) || a.feature.localeCompare(b.feature))
      .slice(0, top);
  };
  return {
    scheme: s.scheme,
    snapshot_id: s.snapshotId,
    segments,
    best: best
      ? {
          segment: best.segment,
          target_mean: best.target_mean,
          distinguishing: await distinguishing(best.segment),
        }
      : null,
    worst: worst
      ? {
          segment: worst.segment,
          target_mean: worst.target_mean,
          distinguishing: await distinguishing(worst.segment),
        }
      : null,
  };
}
