import { minCostAssignment } from './hungarian.js';
import type { FeatureTransform, TransformParams } from './prepare.js';

/** A cluster of an earlier fit, as stored in its scheme meta. */
export interface PreviousCluster {
  id: number;
  name: string;
  /** Centre in that fit's prepared space (one value per feature of its transform). */
  centroid: number[];
}

/** The earlier fit of the same scheme. */
export interface PreviousFit {
  snapshot_id: number;
  as_of: string;
  transform: TransformParams;
  clusters: PreviousCluster[];
  /** The next unused cluster id (ids of vanished clusters are never reused). */
  next_id: number;
}

/** What identity matching says about one new cluster. */
export interface ClusterIdentity {
  id: number;
  status: 'kept' | 'new';
  /** The name it keeps (kept clusters), or null: to be named. */
  name: string | null;
  /**
   * Kept clusters: how far the centre moved, as the root-mean-square per-feature difference in the
   * new fit's prepared space (standard deviations), else null.
   */
  drift: number | null;
}

/** The result of {@link matchClusters}. */
export interface IdentityReport {
  previous_snapshot_id: number | null;
  previous_as_of: string | null;
  /** Per new cluster (in fit order). */
  clusters: ClusterIdentity[];
  /** Earlier clusters with no counterpart now. */
  gone: { id: number; name: string }[];
  next_id: number;
  /** Why nothing could be matched, when that is the case for a reason other than "no earlier fit". */
  note: string | null;
}

/**
 * A match further than this (RMS per-feature distance, in standard deviations of the new prepared
 * space) is not the same cluster: the earlier one is reported gone and the new one new.
 */
export const MAX_MATCH_DRIFT = 1;

/** An earlier fit's centre coordinate back to the raw scale (winsorising is not undone). */
function toRaw(f: FeatureTransform, z: number): number {
  const x = f.standardize ? z * f.sd + f.mean : z;
  return f.log1p ? Math.expm1(x) : x;
}

/** A raw value into a fit's prepared space (steps 2–4 of the preparation; nothing is missing). */
function fromRaw(f: FeatureTransform, raw: number): number {
  let x = f.log1p ? Math.log1p(Math.max(raw, 0)) : raw;
  if (f.winsorize) x = Math.min(Math.max(x, f.winsorize.low), f.winsorize.high);
  return f.standardize ? (x - f.mean) / f.sd : x;
}

/**
 * Matches a new fit's clusters to the previous fit's of the same scheme. The earlier centres are
 * carried into the new prepared space (undo their standardising and log, apply the new steps), so
 * that a shift of the whole base between snapshots is not mistaken for cluster movement; then the
 * assignment minimising the total squared distance between matched centres (Hungarian method,
 * {@link minCostAssignment}) pairs them. Pairs further apart than {@link MAX_MATCH_DRIFT} are
 * split. Matched clusters keep their id and name; the others get fresh ids (from `next_id`).
 * New ids are handed out in the order of `order` (e.g. by decreasing size).
 */
export function matchClusters(
  transform: TransformParams,
  centroids: Float64Array,
  k: number,
  previous: PreviousFit | null,
  order: readonly number[] = Array.from({ length: k }, (_, j) => j),
): IdentityReport {
  const d = transform.features.length;
  const out: (ClusterIdentity | null)[] = Array.from({ length: k }, () => null);
  let nextId = previous?.next_id ?? 1;
  const gone: IdentityReport['gone'] = [];
  let note: string | null = null;
  if (previous && previous.clusters.length > 0) {
    const prevNames = previous.transform.features.map((f) => f.name);
    const names = transform.features.map((f) => f.name);
    const sameFeatures = prevNames.length === names.length && names.every((n) => prevNames.includes(n));
    if (!sameFeatures) {
      note = `the features changed since snapshot ${previous.snapshot_id} (${prevNames.join(', ')} → ${names.join(', ')}): no cluster can be matched`;
      gone.push(...previous.clusters.map((c) => ({ id: c.id, name: c.name })));
    } else {
      const carried = previous.clusters.map((c) =>
        transform.features.map((f) => {
          const p = prevNames.indexOf(f.name);
          return fromRaw(f, toRaw(previous.transform.features[p]!, c.centroid[p]!));
        }),
      );
      const cost = carried.map((c) =>
        Array.from({ length: k }, (_, j) => {
          let s = 0;
          for (let q = 0; q < d; q++) s += (c[q]! - centroids[j * d + q]!) ** 2;
          return s;
        }),
      );
      const assigned = minCostAssignment(cost);
      previous.clusters.forEach((c, i) => {
        const j = assigned[i]!;
        const drift = j >= 0 ? Math.sqrt(cost[i]![j]! / d) : Infinity;
        if (j >= 0 && drift <= MAX_MATCH_DRIFT) out[j] = { id: c.id, status: 'kept', name: c.name, drift };
        else gone.push({ id: c.id, name: c.name });
      });
    }
  }
  for (const j of order) if (!out[j]) out[j] = { id: nextId++, status: 'new', name: null, drift: null };
  return {
    previous_snapshot_id: previous?.snapshot_id ?? null,
    previous_as_of: previous?.as_of ?? null,
    clusters: out.map((c) => c!),
    gone: gone.sort((a, b) => a.id - b.id),
    next_id: nextId,
    note,
  };
}
