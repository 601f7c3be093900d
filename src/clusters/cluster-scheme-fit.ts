import { userError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { Rng } from '../core/rng.js';
import type { Engine } from '../engine/engine.js';
import { assignmentSql } from './assignment-sql.js';
import { chooseK, type KScore } from './choose-k.js';
import { decidePreparation, type FeatureRequest } from './default-preparation.js';
import { matchClusters, type IdentityReport, type PreviousFit } from './identity.js';
import { kmeans, type KMeansResult } from './kmeans.js';
import { matrixFromColumns, sampleIndices, takeRows } from './matrix.js';
import { NAME_MIN_DIFF, featureWord, nameClusters } from './naming.js';
import { prepareFeatures, type TransformParams } from './prepare.js';
import { profileClusters, type FeatureProfile } from './profile.js';
import { silhouetteScores } from './silhouette.js';

/** Seed of a cluster scheme that sets none: runs are deterministic by default. */
export const DEFAULT_CLUSTER_SEED = 1;
/** k-means++ initialisations of a fixed-k fit (chooseK uses the same number per candidate). */
export const DEFAULT_N_INIT = 3;

/** Settings of {@link fitClusterScheme}. */
export interface ClusterSchemeOptions {
  features: readonly FeatureRequest[];
  /** A fixed number of clusters, or 'auto' (chosen by silhouette, see chooseK). */
  k: number | 'auto';
  /** Range of k tried when auto. Default [2, 10]. */
  kRange?: readonly [number, number];
  seed?: number;
  nInit?: number;
  /** The earlier fit of the same scheme, to keep cluster ids and names. */
  previous?: PreviousFit | null;
  progress?: Progress;
}

/** One cluster as stored in the scheme meta. */
export interface StoredCluster {
  id: number;
  name: string;
  /** `kept` (matched to the previous snapshot's cluster of this id) or `new`. */
  status: 'kept' | 'new';
  size: number;
  share: number;
  /** Centre in the prepared space, one value per feature (order of `transform.features`). */
  centroid: number[];
  /** RMS per-feature movement of the centre since the previous snapshot (kept clusters), else null. */
  drift: number | null;
  profile: FeatureProfile[];
  /** The features that set it apart, most distinguishing first (|std_diff| ≥ 0.5). */
  distinguishing: { feature: string; std_diff: number; word: string }[];
}

/** `snapshot_schemes.meta` of a kmeans scheme. */
export interface ClusterSchemeMeta {
  version: 1;
  algorithm: string;
  seed: number;
  n_init: number;
  customers: number;
  features: {
    name: string;
    log1p: boolean;
    log1p_reason: string;
    winsorize: readonly [number, number] | null;
    standardize: boolean;
    skewness: number | null;
    /** Customers whose value was missing and imputed with the median. */
    missing: number;
    imputed_with: number;
  }[];
  /** Missing values imputed, per feature (the same counts as in `features`). */
  missing: Record<string, number>;
  transform: TransformParams;
  k: {
    mode: 'auto' | 'fixed';
    chosen: number;
    range: [number, number] | null;
    reason: string;
    elbow_k: number | null;
    scores: KScore[];
    fit_rows: number;
    silhouette_rows: number;
  };
  fit: { inertia: number; iterations: number; converged: boolean; threads: number };
  /** By id. */
  clusters: StoredCluster[];
  identity: {
    previous_snapshot_id: number | null;
    previous_as_of: string | null;
    kept: number[];
    new: number[];
    gone: { id: number; name: string }[];
    drift: { id: number; name: string; drift: number }[];
    next_id: number;
    note: string | null;
  };
}

/** What {@link fitClusterScheme} returns. */
export interface ClusterFit {
  /** In-process cluster of every row of the table in `customer_id` order (index into `segmentOfLabel`). */
  labels: Int32Array;
  /** Segment name of each label. */
  segmentOfLabel: string[];
  /** Segment names by cluster id. */
  segments: string[];
  /** `SELECT customer_id, segment FROM table`: the same assignment, computed in the engine. */
  sql: string;
  meta: ClusterSchemeMeta;
}

/**
 * Fits a cluster scheme on a feature table: pulls the feature columns as typed arrays (rows in
 * `customer_id` order, so the fit does not depend on the engine's scan order), prepares them
 * (decidePreparation, prepareFeatures), chooses k or uses the fixed one, fits k-means (seeded),
 * profiles and names the clusters, keeps the ids and names of the previous fit's clusters it
 * matches (identity.ts), and writes the assignment as engine SQL.
 *
 * @example
 * const fit = await fitClusterScheme(engine, 'features', {
 *   features: [{ name: 'recency_days' }, { name: 'orders_365d' }, { name: 'revenue_365d' }],
 *   k: 'auto',
 * });
 * fit.meta.k.reason; // "k = 4 was chosen: it has the highest silhouette in k = 2–10 (…"
 */
export async function fitClusterScheme(
  engine: Engine,
  table: string,
  o: ClusterSchemeOptions,
): Promise<ClusterFit> {
  const d = engine.dialect;
  const seed = o.seed ?? DEFAULT_CLUSTER_SEED;
  const nInit = o.nInit ?? DEFAULT_N_INIT;
  const names = o.features.map((f) => f.name);
  const cols = await engine.numericColumns(
    `SELECT ${names.map((n) => d.ident(n)).join(', ')} FROM ${d.ident(table)} ORDER BY customer_id`,
  );
  const columns = names.map((n) => cols[n] ?? new Float64Array(0));
  const n = columns[0]?.length ?? 0;
  const kMin = o.k === 'auto' ? (o.kRange?.[0] ?? 2) : o.k;
  const kMax = o.k === 'auto' ? (o.kRange?.[1] ?? 10) : o.k;
  if (n <= kMax)
    throw userError(
      'kmeans-too-few-rows',
      `clustering into up to ${kMax} clusters needs more than ${kMax} customers, the feature table has ${n}`,
      { hint: 'use a smaller k (or k_range), or more data' },
    );
  const decisions = decidePreparation(o.features, columns);
  const raw = matrixFromColumns(columns);
  const prepared = prepareFeatures(
    raw,
    decisions.map((x) => x.spec),
  );
  const { matrix, params } = prepared;

  let result: KMeansResult;
  let kReport: ClusterSchemeMeta['k'];
  if (o.k === 'auto') {
    const auto = await chooseK(matrix, {
      kMin,
      kMax,
      seed,
      nInit,
      ...(o.progress ? { progress: o.progress } : {}),
    });
    result = auto.result;
    kReport = {
      mode: 'auto',
      chosen: auto.k,
      range: [kMin, kMax],
      reason: auto.reason,
      elbow_k: auto.elbowK,
      scores: auto.scores,
      fit_rows: auto.fitRows,
      silhouette_rows: auto.silhouetteRows,
    };
  } else {
    result = await kmeans(matrix, { k: o.k, seed: seed + o.k, nInit });
    // The silhouette of the fixed k on a seeded sample, so fixed and automatic fits report alike.
    const idx = sampleIndices(new Rng(seed, 0x5a3b1e), n, 5_000);
    const [sil] = silhouetteScores(takeRows(matrix, idx), [
      { labels: Int32Array.from(idx, (i) => result.labels[i]!), k: o.k },
    ]);
    kReport = {
      mode: 'fixed',
      chosen: o.k,
      range: null,
      reason: `k = ${o.k} as configured`,
      elbow_k: null,
      scores: [
        {
          k: o.k,
          silhouette: sil ?? Number.NaN,
          inertia: result.inertia,
          inertiaPerRow: result.inertia / n,
          inertiaDrop: null,
        },
      ],
      fit_rows: n,
      silhouette_rows: idx.length,
    };
  }
  const k = result.k;
  const profiles = profileClusters(raw, matrix, result.labels, k, names);
  // New ids go to the largest clusters first.
  const bySize = Array.from({ length: k }, (_, j) => j).sort(
    (a, b) => result.sizes[b]! - result.sizes[a]! || a - b,
  );
  const identity: IdentityReport = matchClusters(params, result.centroids, k, o.previous ?? null, bySize);
  const clusterNames: string[] = identity.clusters.map((c) => c.name ?? '');
  const fresh = bySize.filter((j) => identity.clusters[j]!.name === null);
  const taken = new Set([
    ...identity.clusters.flatMap((c) => (c.name === null ? [] : [c.name])),
    ...identity.gone.map((g) => g.name),
  ]);
  nameClusters(
    fresh.map((j) => profiles[j]!),
    taken,
  ).forEach((name, t) => (clusterNames[fresh[t]!] = name));

  const dims = names.length;
  const clusters: StoredCluster[] = profiles.map((p, j) => ({
    id: identity.clusters[j]!.id,
    name: clusterNames[j]!,
    status: identity.clusters[j]!.status,
    size: p.size,
    share: p.share,
    centroid: Array.from(result.centroids.subarray(j * dims, (j + 1) * dims)),
    drift: identity.clusters[j]!.drift,
    profile: p.features,
    distinguishing: p.features
      .filter((f) => Math.abs(f.std_diff) >= NAME_MIN_DIFF)
      .sort((a, b) => Math.abs(b.std_diff) - Math.abs(a.std_diff))
      .map((f) => ({
        feature: f.feature,
        std_diff: f.std_diff,
        word: featureWord(f.feature, f.std_diff > 0),
      })),
  }));
  const byId = [...clusters].sort((a, b) => a.id - b.id);
  const meta: ClusterSchemeMeta = {
    version: 1,
    algorithm: 'k-means: k-means++ seeding, Lloyd iterations with Hamerly bounds',
    seed,
    n_init: nInit,
    customers: n,
    features: decisions.map((x, q) => ({
      name: x.spec.name,
      log1p: x.spec.log1p ?? false,
      log1p_reason: x.log1pReason,
      winsorize: x.spec.winsorize ?? null,
      standardize: x.spec.standardize ?? true,
      skewness: Number.isFinite(x.skewness) ? x.skewness : null,
      missing: params.features[q]!.missing,
      imputed_with: params.features[q]!.median,
    })),
    missing: Object.fromEntries(params.features.map((f) => [f.name, f.missing])),
    transform: params,
    k: kReport,
    fit: {
      inertia: result.inertia,
      iterations: result.iterations,
      converged: result.converged,
      threads: result.threads,
    },
    clusters: byId,
    identity: {
      previous_snapshot_id: identity.previous_snapshot_id,
      previous_as_of: identity.previous_as_of,
      kept: byId.filter((c) => c.status === 'kept').map((c) => c.id),
      new: byId.filter((c) => c.status === 'new').map((c) => c.id),
      gone: identity.gone,
      drift: byId.flatMap((c) => (c.drift === null ? [] : [{ id: c.id, name: c.name, drift: c.drift }])),
      next_id: identity.next_id,
      note: identity.note,
    },
  };
  return {
    labels: result.labels,
    segmentOfLabel: clusterNames,
    segments: byId.map((c) => c.name),
    sql: assignmentSql(d, table, params, result.centroids, clusterNames),
    meta,
  };
}
