/**
 * `segtrack compare --before-after DATE --scheme S`: the segmentation as it stood at a date
 * against a later one, from the stored snapshots — each segment's (and the whole base's) KPIs
 * with their stored intervals, side by side, with the change. Small segments are suppressed in
 * each snapshot exactly as `segtrack segments` would show them.
 */
import type { Config } from '../config/types.js';
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { Engine } from '../engine/engine.js';
import type { ShownSegmentRow } from '../privacy/suppress-segments.js';
import type { SuppressionReason } from '../privacy/suppression.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import {
  listSnapshots,
  shownSegmentTable,
  type KpiCell,
  type SegmentRow,
  type SnapshotInfo,
} from '../snapshot/read.js';

/** Settings of {@link compareSnapshots}. */
export interface BeforeAfterOptions {
  scheme: string;
  /** The "before" snapshot is the latest as of this day or earlier (YYYY-MM-DD). */
  before: string;
  /** The "after" snapshot is the latest as of this day or earlier; default: the latest of all. */
  after?: string | undefined;
  /** KPIs to compare (default: every KPI both snapshots stored). */
  kpis?: string[] | undefined;
}

/** A KPI value of one snapshot, as shown. */
export interface BeforeAfterCell {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

/** One KPI of one segment, before and after. */
export interface KpiChange {
  before: BeforeAfterCell | null;
  after: BeforeAfterCell | null;
  /** after − before (null when either is missing or suppressed). */
  change: number | null;
  /** change / |before| (null when before is 0 or missing). */
  relative_change: number | null;
  /** Whether the two 95 % intervals overlap (null without both intervals). */
  intervals_overlap: boolean | null;
  /** The intervals do not overlap: a clear change (a conservative reading, see CONTEXT.md). */
  changed: boolean;
}

/** A segment's side in one snapshot. */
export interface BeforeAfterSide {
  customers: number | null;
  suppressed: boolean;
  suppression?: SuppressionReason;
}

/** One segment (or the base) before and after. */
export interface BeforeAfterRow {
  segment: string;
  /** Null when the segment does not exist in that snapshot. */
  before: BeforeAfterSide | null;
  after: BeforeAfterSide | null;
  kpis: Record<string, KpiChange>;
}

/** What `segtrack compare --before-after` reports. */
export interface BeforeAfterResult {
  method: 'before-after';
  scheme: string;
  before: { snapshot_id: number; as_of: string };
  after: { snapshot_id: number; as_of: string };
  kpis: string[];
  segments: BeforeAfterRow[];
  base: BeforeAfterRow;
  min_segment_size: number;
  note: string;
}

const NOTE =
  'Segment memberships are re-derived in each snapshot, so a segment holds different customers before and ' +
  'after: this compares the segmentation, not a fixed group. "changed" marks KPIs whose two 95 % intervals ' +
  'do not overlap, a conservative test (Schenker & Gentleman 2001); overlapping intervals do not show that ' +
  'nothing changed.';

/**
 * The KPIs of each segment of `scheme` (and of the whole base) in the latest snapshot as of
 * `before` or earlier, against the latest snapshot as of `after` (default: the latest).
 */
export async function compareSnapshots(
  engine: Engine,
  config: Config | undefined,
  o: BeforeAfterOptions,
): Promise<BeforeAfterResult> {
  const threshold = minSegmentSizeOf(config);
  const all = await listSnapshots(engine);
  if (all.length === 0)
    throw userError('no_snapshots', 'the workspace has no snapshots yet', {
      hint: 'run `segtrack backfill --from DATE --to DATE` to build a history',
    });
  const withScheme = all.filter((s) => s.schemes.includes(o.scheme));
  if (withScheme.length === 0)
    throw userError('unknown_scheme', `no snapshot has the scheme '${o.scheme}'`, {
      hint: didYouMean(o.scheme, [...new Set(all.flatMap((s) => s.schemes))]),
    });
  const asOf = (date: string, flag: string): SnapshotInfo => {
    const found = withScheme.filter((s) => s.as_of <= date);
    if (found.length === 0)
      throw userError(
        'no_snapshot_before',
        `${flag} ${date}: no snapshot with the scheme '${o.scheme}' is as of that day or earlier`,
        { hint: `the first is as of ${withScheme[0]!.as_of}` },
      );
    return found[found.length - 1]!;
  };
  const before = asOf(o.before, '--before-after');
  const after = o.after !== undefined ? asOf(o.after, '--after') : withScheme[withScheme.length - 1]!;
  if (after.as_of <= before.as_of)
    throw userError(
      'no_later_snapshot',
      `there is no snapshot with the scheme '${o.scheme}' after ${before.as_of} (snapshot ${before.snapshot_id}) to compare with`,
      {
        hint: 'run `segtrack run` (or `segtrack backfill`) for a later date, or give an earlier --before-after date',
      },
    );

  const kpis = o.kpis ?? (await commonKpis(engine, before.snapshot_id, after.snapshot_id, o.scheme));
  const b = await shownSegmentTable(engine, before, o.scheme, threshold, kpis);
  const a = await shownSegmentTable(engine, after, o.scheme, threshold, kpis);
  const names = [
    ...a.segments.map((s) => s.segment),
    ...b.segments.map((s) => s.segment).filter((s) => !a.segments.some((x) => x.segment === s)),
  ];
  return {
    method: 'before-after',
    scheme: o.scheme,
    before: { snapshot_id: before.snapshot_id, as_of: before.as_of },
    after: { snapshot_id: after.snapshot_id, as_of: after.as_of },
    kpis,
    segments: names.map((n) =>
      row(
        n,
        b.segments.find((s) => s.segment === n),
        a.segments.find((s) => s.segment === n),
        kpis,
      ),
    ),
    base: row(b.base.segment, b.base, a.base, kpis),
    min_segment_size: threshold,
    note: NOTE,
  };
}

/** KPIs stored for the scheme in both snapshots, in the later snapshot's order. */
async function commonKpis(engine: Engine, before: number, after: number, scheme: string): Promise<string[]> {
  const rows = await engine.query<{ snapshot_id: number; kpi: string }>(
    `SELECT DISTINCT snapshot_id, kpi FROM snapshot_kpis WHERE snapshot_id IN ($1, $2) AND scheme = $3 ORDER BY kpi`,
    [before, after, scheme],
  );
  const of = (id: number) => new Set(rows.filter((r) => Number(r.snapshot_id) === id).map((r) => r.kpi));
  const b = of(before);
  return [...of(after)].filter((k) => b.has(k));
}

function side(r: ShownSegmentRow | SegmentRow | undefined): BeforeAfterSide | null {
  if (!r) return null;
  const suppressed = 'suppressed' in r && r.suppressed;
  const s: BeforeAfterSide = { customers: r.customers, suppressed };
  if ('suppression' in r && r.suppression !== undefined) s.suppression = r.suppression;
  return s;
}

function cell(c: KpiCell | undefined): BeforeAfterCell | null {
  if (!c) return null;
  return { value: c.value, ci_low: c.ci_low, ci_high: c.ci_high };
}

function row(
  segment: string,
  b: ShownSegmentRow | SegmentRow | undefined,
  a: ShownSegmentRow | SegmentRow | undefined,
  kpis: readonly string[],
): BeforeAfterRow {
  const out: Record<string, KpiChange> = {};
  for (const k of kpis) {
    const x = cell(b?.kpis[k]);
    const y = cell(a?.kpis[k]);
    const change = x?.value != null && y?.value != null ? y.value - x.value : null;
    const both = x?.ci_low != null && x.ci_high != null && y?.ci_low != null && y.ci_high != null;
    const overlap = both ? !(x.ci_high! < y.ci_low! || y.ci_high! < x.ci_low!) : null;
    out[k] = {
      before: x,
      after: y,
      change,
      relative_change: change !== null && x!.value !== 0 ? change / Math.abs(x!.value!) : null,
      intervals_overlap: overlap,
      changed: overlap === false,
    };
  }
  return { segment, before: side(b), after: side(a), kpis: out };
}
