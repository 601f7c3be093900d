import { makeBlobs } from './blobs.js';
import { chooseK } from './choose-k.js';
import { kmeans } from './kmeans.js';

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
