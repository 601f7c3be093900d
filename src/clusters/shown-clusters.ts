import type { Engine } from '../engine/engine.js';
import { userError } from '../core/errors.js';
import type { ShownSegmentRow } from '../privacy/suppress-segments.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { requireScheme, shownSegmentTable, type SnapshotInfo } from '../snapshot/read.js';
import type { ClusterSchemeMeta, StoredCluster } from './cluster-scheme-fit.js';
import type { FeatureProfile } from './profile.js';

/** One cluster as `segtrack clusters` shows it: the stored numbers, or nulls when suppressed. */
export interface ShownCluster {
  id: number;
  name: string;
  status: StoredCluster['status'];
  customers: number | null;
  share: number | null;
  drift: number | null;
  distinguishing: StoredCluster['distinguishing'];
  profile: (Omit<FeatureProfile, 'mean' | 'median' | 'std_diff'> & {
    mean: number | null;
    median: number | null;
    std_diff: number | null;
  })[];
  centroid: number[] | null;
  kpis: ShownSegmentRow['kpis'];
  flags: ShownSegmentRow['flags'];
  suppressed: boolean;
  /** Present only on suppressed clusters. */
  suppression?: SuppressionReason;
}

/**
 * The stored fit of a kmeans scheme in a snapshot, with what `segtrack clusters --json` prints.
 * Clusters with fewer than `threshold` customers are suppressed, with complementary suppression
 * across the clusters (their sizes add up to the `customers` shown): such a cluster keeps its id,
 * name and status, and its size, share, centre, drift, profile means and medians, distinguishing
 * features, KPIs and flags are left out (null or empty). The base's own means stay.
 */
export function clustersJson(
  scheme: string,
  snapshot: { snapshot_id: number; as_of: string },
  m: ClusterSchemeMeta,
  kpiRows: ShownSegmentRow[],
  threshold: number,
) {
  const kpisOf = new Map(kpiRows.map((r) => [r.segment, r]));
  const decisions = decideSuppression(
    m.clusters.map((c) => ({ id: c.name, customers: c.size })),
    { threshold, totalKnown: true },
  );
  // The cluster sizes and the snapshot's segment counts are the same numbers; should they ever
  // differ, a cluster hidden by either is hidden (hiding more never makes a hidden one recoverable).
  const reasonOf = m.clusters.map((c, i) => decisions[i]?.reason ?? kpisOf.get(c.name)?.suppression ?? null);
  const hiddenIds = new Set(m.clusters.filter((_, i) => reasonOf[i] !== null).map((c) => c.id));
  return {
    scheme,
    snapshot_id: snapshot.snapshot_id,
    as_of: snapshot.as_of,
    min_segment_size: threshold,
    customers: m.customers,
    k: m.k.chosen,
    k_choice: m.k,
    features: m.features,
    seed: m.seed,
    fit: m.fit,
    clusters: m.clusters.map((c, i): ShownCluster => {
      const reason = reasonOf[i] ?? null;
      if (reason === null)
        return {
          id: c.id,
          name: c.name,
          status: c.status,
          customers: c.size,
          share: c.share,
          drift: c.drift,
          distinguishing: c.distinguishing,
          profile: c.profile,
          centroid: c.centroid,
          // The cluster's row of the snapshot's segment × KPI table (the KPI catalogue).
          kpis: kpisOf.get(c.name)?.kpis ?? {},
          flags: kpisOf.get(c.name)?.flags ?? [],
          suppressed: false,
        };
      return {
        id: c.id,
        name: c.name,
        status: c.status,
        customers: null,
        share: null,
        drift: null,
        distinguishing: [],
        profile: c.profile.map((p) => ({
          feature: p.feature,
          mean: null,
          median: null,
          base_mean: p.base_mean,
          base_median: p.base_median,
          std_diff: null,
        })),
        centroid: null,
        kpis: kpisOf.get(c.name)?.suppressed ? kpisOf.get(c.name)!.kpis : {},
        flags: [],
        suppressed: true,
        suppression: reason,
      };
    }),
    identity: {
      ...m.identity,
      drift: m.identity.drift.map((x) => (hiddenIds.has(x.id) ? { ...x, drift: null } : x)),
    },
  };
}

/** What {@link shownClusters} returns (`segtrack clusters --json`). */
export type ShownClusters = ReturnType<typeof clustersJson>;

/**
 * The stored fit of the kmeans scheme `scheme` in a snapshot as the outputs show it (see
 * {@link clustersJson}); a user error when the scheme is not a kmeans scheme.
 */
export async function shownClusters(
  engine: Engine,
  snap: SnapshotInfo,
  scheme: string,
  threshold: number,
): Promise<ShownClusters> {
  requireScheme(snap, scheme);
  const [row] = await engine.query<{ type: string; meta: string }>(
    `SELECT type, meta FROM snapshot_schemes WHERE snapshot_id = $1 AND scheme = $2`,
    [snap.snapshot_id, scheme],
  );
  if (!row || row.type !== 'kmeans')
    throw userError(
      'not_a_cluster_scheme',
      `scheme '${scheme}' is of type ${row?.type ?? 'unknown'}, not kmeans`,
      {
        hint: 'name a scheme with `type: kmeans`',
      },
    );
  // Suppressed at output time: the snapshot keeps every cluster's numbers.
  const kpis = await shownSegmentTable(engine, snap, scheme, threshold);
  return clustersJson(scheme, snap, JSON.parse(row.meta) as ClusterSchemeMeta, kpis.segments, threshold);
}
