/**
 * A KPI of every segment of one scheme in the new snapshot and in the earlier ones, as alert
 * rules read it: with the privacy rule applied (a suppressed segment has no value, now or in the
 * history) and one snapshot per earlier as-of date.
 */
import type { Engine } from '../engine/engine.js';
import { decideSuppression } from '../privacy/suppression.js';
import { BASE_SCHEME } from '../snapshot/store.js';
import { ANOMALY_WINDOW } from './measures.js';

/** The snapshot being evaluated. */
export interface EvaluatedSnapshot {
  snapshot_id: number;
  as_of: string;
}

/** One segment's KPI now and before. */
export interface SegmentKpi {
  segment: string;
  customers: number;
  /** Null when the KPI has no value here (not available, or not stored). */
  value: number | null;
  /** Hidden by `privacy.min_segment_size` (small, or complementary): a rule never fires on it. */
  suppressed: boolean;
  /** The value in the previous snapshot; null when there is none or it is not shown there. */
  previous: number | null;
  /** The previous snapshot's id, when there is one. */
  previous_snapshot_id: number | null;
  /** Earlier shown values, most recent first (at most {@link ANOMALY_WINDOW}). */
  history: number[];
}

/** A scheme's KPI in a snapshot, or why it cannot be read. */
export type SchemeKpi = { ok: true; segments: SegmentKpi[] } | { ok: false; reason: 'no_scheme' | 'no_kpi' };

/**
 * Reads `kpi` for every segment of `scheme` (`(all)` for the whole base) in `snapshot` and in the
 * earlier snapshots: the latest snapshot of each earlier as-of date that holds the scheme with the
 * same type (a scheme renamed to another type is a different scheme), the most recent
 * {@link ANOMALY_WINDOW} dates. "Previous" is the most recent of them. Segments are suppressed per
 * snapshot with `threshold` exactly as `segtrack segments` and `trend` suppress them
 * (src/privacy/CONTEXT.md); the base is never suppressed (it is shown as stored everywhere).
 */
export async function schemeKpi(
  engine: Engine,
  snapshot: EvaluatedSnapshot,
  scheme: string,
  kpi: string,
  threshold: number,
): Promise<SchemeKpi> {
  const d = engine.dialect;
  const base = scheme === BASE_SCHEME;
  let typeJoin = '';
  if (!base) {
    const [row] = await engine.query<{ type: string }>(
      `SELECT type FROM snapshot_schemes WHERE snapshot_id = $1 AND scheme = $2`,
      [snapshot.snapshot_id, scheme],
    );
    if (row === undefined) return { ok: false, reason: 'no_scheme' };
    typeJoin = `JOIN snapshot_schemes ss ON ss.snapshot_id = s.snapshot_id AND ss.scheme = ${d.literal(scheme)}
                 AND ss.type = ${d.literal(row.type)}`;
  }
  const earlier = await engine.query<{ snapshot_id: number }>(
    `SELECT snapshot_id FROM (
       SELECT s.snapshot_id, s.as_of, row_number() OVER (PARTITION BY s.as_of ORDER BY s.snapshot_id DESC) AS rn
         FROM snapshots s ${typeJoin}
        WHERE s.as_of < CAST($1 AS DATE))
      WHERE rn = 1 ORDER BY as_of DESC LIMIT ${ANOMALY_WINDOW}`,
    [snapshot.as_of],
  );
  const ids = [snapshot.snapshot_id, ...earlier.map((r) => Number(r.snapshot_id))];
  const idList = ids.map((id) => d.literal(id)).join(', ');
  const segments = await engine.query<{ snapshot_id: number; segment: string; customers: number }>(
    `SELECT snapshot_id, segment, customers FROM snapshot_segments
      WHERE scheme = $1 AND snapshot_id IN (${idList}) ORDER BY snapshot_id, position, segment`,
    [scheme],
  );
  const values = await engine.query<{
    snapshot_id: number;
    segment: string;
    value: number | null;
    available: boolean;
  }>(
    `SELECT snapshot_id, segment, value, available FROM snapshot_kpis
      WHERE scheme = $1 AND kpi = $2 AND snapshot_id IN (${idList})`,
    [scheme, kpi],
  );
  if (!values.some((v) => Number(v.snapshot_id) === snapshot.snapshot_id))
    return { ok: false, reason: 'no_kpi' };

  // Per snapshot: segment → customers and whether it is shown.
  const cells = new Map<number, { id: string; customers: number }[]>();
  for (const s of segments) {
    const id = Number(s.snapshot_id);
    const list = cells.get(id) ?? [];
    list.push({ id: s.segment, customers: Number(s.customers) });
    cells.set(id, list);
  }
  const shown = new Map<number, Map<string, boolean>>();
  for (const [id, list] of cells)
    shown.set(
      id,
      new Map(
        base
          ? list.map((c) => [c.id, true])
          : decideSuppression(list, { threshold, totalKnown: true }).map((x) => [x.id, !x.suppressed]),
      ),
    );
  const value = new Map<string, number>();
  for (const v of values)
    if (v.value !== null && v.available !== false && Number.isFinite(v.value))
      value.set(JSON.stringify([Number(v.snapshot_id), v.segment]), v.value);
  // A value is read only where its segment row says it is shown (no row: hidden, to be safe).
  const read = (id: number, segment: string): number | null =>
    shown.get(id)?.get(segment) === true ? (value.get(JSON.stringify([id, segment])) ?? null) : null;

  const previousId = earlier.length > 0 ? Number(earlier[0]!.snapshot_id) : null;
  const out: SegmentKpi[] = (cells.get(snapshot.snapshot_id) ?? []).map((c) => {
    const history: number[] = [];
    for (const r of earlier) {
      const v = read(Number(r.snapshot_id), c.id);
      if (v !== null) history.push(v);
    }
    return {
      segment: c.id,
      customers: c.customers,
      value: read(snapshot.snapshot_id, c.id),
      suppressed: shown.get(snapshot.snapshot_id)?.get(c.id) !== true,
      previous: previousId === null ? null : read(previousId, c.id),
      previous_snapshot_id: previousId,
      history,
    };
  });
  return { ok: true, segments: out };
}
