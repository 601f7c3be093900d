/**
 * "Who moved and why" for one pair of segments of a migration: the customers in segment A at the
 * `from` snapshot and in B at the `to` snapshot (movers) against those in A at both (stayers), on
 * every numeric feature rebuilt as of each snapshot's date. See CONTEXT.md ("Migration: who moved").
 */
import { UserError, userError, type Problem } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import { buildFeatures } from '../features/build-features.js';
import type { MigrationReport, RawMigration } from './migration.js';
import { featureShift, rankShifts, type FeatureShift, type GroupSums } from './migration-movers-stats.js';
import { followableMembersSql } from './migration-sql.js';

/** The feature tables rebuilt for the comparison (dropped again afterwards). */
const REBUILT = { from: '_segtrack_migration_from', to: '_segtrack_migration_to' } as const;

/** What {@link whoMoved} returns (`movers` in `segtrack migration --json`). */
export interface MoversReport {
  from_segment: string;
  to_segment: string;
  /** The movers' count as the matrix shows it (null when that cell is suppressed). */
  movers: number | null;
  /** The stayers' count as the matrix shows it (null when suppressed). */
  stayers: number | null;
  /** `stayers` when the movers' changes are compared with the stayers', `none` otherwise. */
  compared_with: 'stayers' | 'none';
  /** How the features were obtained, in one sentence. */
  basis: string;
  /** The features that changed most for the movers (relative to the stayers), largest |std_change| first. */
  features: FeatureShift[];
  /** Why there is no profile or no comparison, when that is so. */
  notes: string[];
}

/** Settings of {@link whoMoved}. */
export interface WhoMovedOptions {
  fromSegment: string;
  toSegment: string;
  /** Features listed (default 10). */
  top?: number | undefined;
}

/**
 * Checks the two segments against the snapshots' segments of the scheme.
 * @throws UserError `unknown_segment` (with a did-you-mean) or `same_segment`.
 */
export function checkSegmentPair(raw: RawMigration, o: WhoMovedOptions): void {
  const fromNames = raw.fromSizes.map((s) => s.segment);
  const toNames = raw.toSizes.map((s) => s.segment);
  const problems: Problem[] = [];
  if (!fromNames.includes(o.fromSegment))
    problems.push({
      code: 'unknown_segment',
      message: `--from-segment '${o.fromSegment}': scheme ${raw.scheme} has no such segment in snapshot ${raw.from.snapshot_id}`,
      hint: didYouMean(o.fromSegment, fromNames),
    });
  if (!toNames.includes(o.toSegment))
    problems.push({
      code: 'unknown_segment',
      message: `--to-segment '${o.toSegment}': scheme ${raw.scheme} has no such segment in snapshot ${raw.to.snapshot_id}`,
      hint: didYouMean(o.toSegment, toNames),
    });
  if (problems.length > 0) throw new UserError(problems);
  if (o.fromSegment === o.toSegment)
    throw userError('same_segment', `--from-segment and --to-segment are both '${o.fromSegment}'`, {
      hint: 'the customers who stayed are the comparison group: choose the segment they moved to',
    });
}

/**
 * Who moved from A to B and what changed for them: every numeric feature is rebuilt as of the
 * `from` and the `to` snapshot's date from the workspace's data as it is now (the stored feature
 * table holds only the latest run), and for each the movers' mean change is compared with the
 * stayers' (customers in A at both dates), standardised (see {@link featureShift}). Groups below
 * the threshold are not profiled: fewer than `min_segment_size` movers, no profile; fewer
 * stayers, the movers' changes alone.
 *
 * Cost: two feature builds (about 7 s each at 1 M customers on 2 cores); they are written to
 * scratch tables of the workspace and dropped at the end.
 */
export async function whoMoved(
  engine: Engine,
  raw: RawMigration,
  shown: MigrationReport,
  o: WhoMovedOptions,
): Promise<MoversReport> {
  checkSegmentPair(raw, o);
  const threshold = shown.min_segment_size;
  const count = (a: string, b: string) =>
    raw.cells.find((c) => c.from === a && c.to === b && (c.flow === 'stay' || c.flow === 'move'))
      ?.customers ?? 0;
  const shownCount = (a: string, b: string) =>
    shown.matrix.find((c) => c.from === a && c.to === b && (c.flow === 'stay' || c.flow === 'move'))
      ?.customers ?? null;
  const movers = count(o.fromSegment, o.toSegment);
  const stayers = count(o.fromSegment, o.fromSegment);
  const report: MoversReport = {
    from_segment: o.fromSegment,
    to_segment: o.toSegment,
    movers: shownCount(o.fromSegment, o.toSegment),
    // Stayers exist only when A is also a segment of the `to` snapshot.
    stayers: raw.toSizes.some((s) => s.segment === o.fromSegment)
      ? shownCount(o.fromSegment, o.fromSegment)
      : 0,
    compared_with: 'none',
    basis: `features rebuilt as of ${raw.from.as_of} and ${raw.to.as_of} from the workspace's data as it is now`,
    features: [],
    notes: [],
  };
  if (movers === 0) {
    report.notes.push(`nobody moved from ${o.fromSegment} to ${o.toSegment}`);
    return report;
  }
  if (movers < threshold) {
    report.notes.push(
      `fewer than ${threshold} customers moved from ${o.fromSegment} to ${o.toSegment}: no profile is shown (privacy.min_segment_size)`,
    );
    return report;
  }
  const withStayers = stayers >= threshold;
  if (!withStayers) {
    report.notes.push(
      stayers === 0
        ? `nobody stayed in ${o.fromSegment}: the movers' changes are shown on their own (std_change = mean change / sd)`
        : `fewer than ${threshold} customers stayed in ${o.fromSegment}: the movers' changes are shown on their own (std_change = mean change / sd)`,
    );
  }
  report.compared_with = withStayers ? 'stayers' : 'none';
  report.basis += withStayers
    ? '; std_change = (movers’ mean change − stayers’ mean change) / sd of the feature over both groups at both dates'
    : '; std_change = movers’ mean change / sd of the feature over the movers at both dates';
  const sums = await groupSums(engine, raw, o, withStayers);
  if (sums.missing)
    report.notes.push(
      'some of the compared customers are missing from the rebuilt features (the data changed since the snapshots): they count only where they have values',
    );
  const moverSums = sums.groups.get('movers');
  if (!moverSums) return report;
  const stayerSums = withStayers ? sums.groups.get('stayers') : undefined;
  report.features = rankShifts(
    sums.features.map((f, i) =>
      featureShift(f, moverSums[i]!, stayerSums === undefined ? undefined : stayerSums[i]),
    ),
  ).slice(0, o.top ?? 10);
  return report;
}

/** Per group (movers, stayers), per numeric feature, the sums {@link featureShift} needs. */
async function groupSums(
  engine: Engine,
  raw: RawMigration,
  o: WhoMovedOptions,
  withStayers: boolean,
): Promise<{ features: string[]; groups: Map<string, GroupSums[]>; missing: boolean }> {
  const d = engine.dialect;
  try {
    const a = await buildFeatures(engine, {
      asOf: raw.from.as_of,
      table: REBUILT.from,
      periodDays: raw.fromPeriod.days,
    });
    const b = await buildFeatures(engine, {
      asOf: raw.to.as_of,
      table: REBUILT.to,
      periodDays: raw.toPeriod.days,
    });
    const inTo = new Set(b.columns.filter((c) => c.type === 'number').map((c) => c.name));
    const features = a.columns
      .filter((c) => c.type === 'number' && c.name !== 'customer_key' && inTo.has(c.name))
      .map((c) => c.name);
    const parts: string[] = [];
    features.forEach((name, i) => {
      const x = d.cast(`a.${d.ident(name)}`, 'double');
      const y = d.cast(`b.${d.ident(name)}`, 'double');
      parts.push(
        `count(${x}) AS nf${i}, sum(${x}) AS sf${i}, sum(${x} * ${x}) AS qf${i}, ` +
          `count(${y}) AS nt${i}, sum(${y}) AS st${i}, sum(${y} * ${y}) AS qt${i}, ` +
          `count(${y} - ${x}) AS nc${i}, sum(${y} - ${x}) AS sc${i}`,
      );
    });
    const groups = withStayers ? '(t.segment = $4 OR t.segment = $3)' : 't.segment = $4';
    const rows = await engine.query(
      `WITH f AS (${followableMembersSql('$1', '$5')}), t AS (${followableMembersSql('$2', '$5')}), ` +
        `g AS (SELECT f.customer_key, CASE WHEN t.segment = $4 THEN 'movers' ELSE 'stayers' END AS grp ` +
        `FROM f JOIN t ON t.customer_key = f.customer_key WHERE f.segment = $3 AND ${groups}) ` +
        `SELECT g.grp, count(*) AS n, count(a.customer_key) AS in_from, count(b.customer_key) AS in_to` +
        (parts.length > 0 ? `, ${parts.join(', ')}` : '') +
        ` FROM g LEFT JOIN ${d.ident(REBUILT.from)} a ON a.customer_key = g.customer_key ` +
        `LEFT JOIN ${d.ident(REBUILT.to)} b ON b.customer_key = g.customer_key GROUP BY g.grp`,
      [raw.from.snapshot_id, raw.to.snapshot_id, o.fromSegment, o.toSegment, raw.scheme],
    );
    const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const out = new Map<string, GroupSums[]>();
    let missing = false;
    for (const r of rows) {
      if (num(r['in_from']) < num(r['n']) || num(r['in_to']) < num(r['n'])) missing = true;
      out.set(
        r['grp'] === 'movers' ? 'movers' : 'stayers',
        features.map((_, i) => ({
          nFrom: num(r[`nf${i}`]),
          sumFrom: num(r[`sf${i}`]),
          sqFrom: num(r[`qf${i}`]),
          nTo: num(r[`nt${i}`]),
          sumTo: num(r[`st${i}`]),
          sqTo: num(r[`qt${i}`]),
          nChange: num(r[`nc${i}`]),
          sumChange: num(r[`sc${i}`]),
        })),
      );
    }
    return { features, groups: out, missing };
  } finally {
    for (const t of Object.values(REBUILT)) await engine.exec(`DROP TABLE IF EXISTS ${d.ident(t)}`);
  }
}
