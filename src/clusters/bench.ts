import type { Engine } from '../engine/engine.js';
import { makeBlobs } from './blobs.js';
import { chooseK } from './choose-k.js';
import { decidePreparation } from './default-preparation.js';
import { kmeans } from './kmeans.js';
import { matrixFromColumns } from './matrix.js';
import { prepareFeatures } from './prepare.js';

/** Settings for the clustering benchmarks (synthetic Gaussian blobs, see makeBlobs). */
export interface ClusterBenchOptions {
  /** Rows. Default 1,000,000. */
  n?: number;
  /** Features. Default 6. */
  d?: number;
  /** Clusters fitted (benchKmeans) and blobs planted (both). Default 8. */
  k?: number;
  seed?: number;
  /**
   * Blob standard deviation (centres uniform in [−10, 10]^d). Default 4 for benchKmeans
   * (overlapping blobs: a dozen or so iterations, like real customer data) and 1.5 for benchAutoK
   * (separated blobs, so that the planted k is the right answer).
   */
  sd?: number;
  /** As in kmeans. Default 'auto'. */
  threads?: number | 'auto';
}

/** Timings of {@link benchKmeans}: stage `kmeans_k8` of `segtrack bench`. */
export interface KmeansBench {
  n: number;
  d: number;
  k: number;
  /** Generating the data (not part of the stage). */
  generate_ms: number;
  /** One k-means++ initialisation, Lloyd/Hamerly to convergence, worker start-up included. */
  kmeans_ms: number;
  iterations: number;
  converged: boolean;
  inertia: number;
  threads: number;
}

/** Timings of {@link benchAutoK}: stage `kmeans_auto` of `segtrack bench`. */
export interface AutoKBench {
  n: number;
  d: number;
  /** Blobs planted. */
  planted_k: number;
  generate_ms: number;
  /** chooseK over k = 2–10 (sample fits, silhouettes, the final full-data run). */
  auto_ms: number;
  chosen_k: number;
  reason: string;
}

function blobs(
  o: ClusterBenchOptions,
  defaultSd: number,
): { gen: ReturnType<typeof makeBlobs>; ms: number; n: number; d: number; k: number } {
  const n = o.n ?? 1_000_000;
  const d = o.d ?? 6;
  const k = o.k ?? 8;
  const t = performance.now();
  const gen = makeBlobs({ n, d, k, seed: o.seed ?? 1, sd: o.sd ?? defaultSd });
  return { gen, ms: performance.now() - t, n, d, k };
}

/**
 * Times one k-means fit (k-means++, one initialisation, to convergence) on n × d synthetic blobs.
 *
 * @example
 * const r = await benchKmeans({ n: 1_000_000, d: 6, k: 8, seed: 1 });
 * stages['kmeans_k8'] = Math.round(r.kmeans_ms);
 */
export async function benchKmeans(o: ClusterBenchOptions = {}): Promise<KmeansBench> {
  const { gen, ms, n, d, k } = blobs(o, 4);
  const t = performance.now();
  const r = await kmeans(gen.matrix, { k, seed: o.seed ?? 1, nInit: 1, threads: o.threads ?? 'auto' });
  return {
    n,
    d,
    k,
    generate_ms: ms,
    kmeans_ms: performance.now() - t,
    iterations: r.iterations,
    converged: r.converged,
    inertia: r.inertia,
    threads: r.threads,
  };
}

/**
 * Times the automatic choice of k (2–10) on n × d synthetic blobs with `k` planted (default 8).
 *
 * @example
 * const r = await benchAutoK({ n: 1_000_000, d: 6, k: 5 });
 * stages['kmeans_auto'] = Math.round(r.auto_ms);
 */
export async function benchAutoK(o: ClusterBenchOptions = {}): Promise<AutoKBench> {
  const { gen, ms, n, d, k } = blobs(o, 1.5);
  const t = performance.now();
  const r = await chooseK(gen.matrix, { seed: o.seed ?? 1, threads: o.threads ?? 'auto' });
  return {
    n,
    d,
    planted_k: k,
    generate_ms: ms,
    auto_ms: performance.now() - t,
    chosen_k: r.k,
    reason: r.reason,
  };
}

/** The feature columns {@link benchClusterStages} clusters on (always present in a feature table). */
export const BENCH_FEATURES = [
  'recency_days',
  'tenure_days',
  'orders_total',
  'orders_365d',
  'revenue_365d',
  'aov',
] as const;

/** Timings of {@link benchClusterStages}: stages `kmeans_k8` and `kmeans_auto` on real features. */
export interface ClusterStagesBench {
  customers: number;
  features: string[];
  /** Pulling the columns as typed arrays and preparing them (not part of either stage). */
  prepare_ms: number;
  /** k = 8, one k-means++ initialisation, to convergence. */
  kmeans_k8_ms: number;
  kmeans_k8_iterations: number;
  kmeans_k8_inertia: number;
  /** Automatic k over 2–10 (sample fits, silhouettes, final full-data run). */
  kmeans_auto_ms: number;
  chosen_k: number;
  reason: string;
}

/**
 * Times the two clustering stages of `segtrack bench` on a real feature table: the columns of
 * {@link BENCH_FEATURES} pulled as typed arrays (rows in customer_id order) and prepared as a
 * kmeans scheme would by default (log1p by the skewness rule, standardised, median imputation),
 * then k = 8 with one initialisation to convergence, then automatic k over 2–10.
 *
 * @example
 * const r = await benchClusterStages(engine, 'features');
 * stages['kmeans_k8'] = Math.round(r.kmeans_k8_ms);
 * stages['kmeans_auto'] = Math.round(r.kmeans_auto_ms);
 */
export async function benchClusterStages(
  engine: Engine,
  featureTable = 'features',
  o: { seed?: number; threads?: number | 'auto' } = {},
): Promise<ClusterStagesBench> {
  const d = engine.dialect;
  const seed = o.seed ?? 1;
  const t0 = performance.now();
  const cols = await engine.numericColumns(
    `SELECT ${BENCH_FEATURES.map((f) => d.ident(f)).join(', ')} FROM ${d.ident(featureTable)} ORDER BY customer_id`,
  );
  const columns = BENCH_FEATURES.map((f) => cols[f]!);
  const decisions = decidePreparation(
    BENCH_FEATURES.map((name) => ({ name })),
    columns,
  );
  const { matrix } = prepareFeatures(
    matrixFromColumns(columns, true),
    decisions.map((x) => x.spec),
  );
  const t1 = performance.now();
  const k8 = await kmeans(matrix, { k: 8, seed, nInit: 1, threads: o.threads ?? 'auto' });
  const t2 = performance.now();
  const auto = await chooseK(matrix, { seed, threads: o.threads ?? 'auto' });
  const t3 = performance.now();
  return {
    customers: matrix.n,
    features: [...BENCH_FEATURES],
    prepare_ms: t1 - t0,
    kmeans_k8_ms: t2 - t1,
    kmeans_k8_iterations: k8.iterations,
    kmeans_k8_inertia: k8.inertia,
    kmeans_auto_ms: t3 - t2,
    chosen_k: auto.k,
    reason: auto.reason,
  };
}
