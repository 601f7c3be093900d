import { userError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { Rng } from '../core/rng.js';
import { elbowIndex } from './elbow.js';
import { PARALLEL_MIN_WORK, kmeans, type KMeansResult } from './kmeans.js';
import { sampleIndices, takeRows, type Matrix } from './matrix.js';
import { silhouetteScores } from './silhouette.js';
import { WorkerPool, defaultThreads, workerEntryAvailable } from './worker-pool.js';

/**
 * Silhouettes closer than this count as a tie, won by the smaller k: on a 5,000-row sample the
 * mean silhouette moves by about this much from one sample to another, so a smaller difference is
 * not evidence, and fewer segments are easier to act on.
 */
export const SILHOUETTE_TIE = 0.005;

/** Settings for {@link chooseK}. */
export interface ChooseKOptions {
  /** Smallest k tried. Default 2. */
  kMin?: number;
  /** Largest k tried. Default 10. */
  kMax?: number;
  seed?: number;
  /** Rows the candidate k are fitted on (a uniform sample without replacement). Default 100,000. */
  fitSampleSize?: number;
  /** Rows of the fit sample the silhouette is computed on. Default 5,000. */
  silhouetteSampleSize?: number;
  /** k-means++ initialisations per candidate k (the best inertia is kept). Default 3. */
  nInit?: number;
  maxIter?: number;
  tol?: number;
  /** As in {@link kmeans}. */
  threads?: number | 'auto';
  progress?: Progress;
}

/** The scores of one candidate k. */
export interface KScore {
  k: number;
  /** Mean silhouette width on the silhouette sample (higher is better). */
  silhouette: number;
  /** Inertia on the fit sample. */
  inertia: number;
  /** Inertia per fitted row (comparable across data sizes). */
  inertiaPerRow: number;
  /** Relative inertia drop from k − 1 (null for the first k). */
  inertiaDrop: number | null;
}

/** What {@link chooseK} returns. */
export interface ChooseKResult {
  /** The chosen number of clusters. */
  k: number;
  /** One plain sentence: why this k won. */
  reason: string;
  /** Every candidate's scores, by increasing k. */
  scores: KScore[];
  /** The elbow of the inertia curve (see elbowIndex), or null when it has none. */
  elbowK: number | null;
  /** The clustering of all rows with the chosen k. */
  result: KMeansResult;
  /** Rows the candidates were fitted on (n when no sampling was needed). */
  fitRows: number;
  /** Rows the silhouettes were computed on. */
  silhouetteRows: number;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

/**
 * Picks k by the rule: the highest mean silhouette wins; silhouettes within
 * {@link SILHOUETTE_TIE} of the best count as tied and the smallest tied k wins. NaN silhouettes
 * (degenerate fits) never win. Returns the index into `scores` and the plain-words reason.
 */
export function pickK(scores: readonly KScore[], elbowK: number | null): { index: number; reason: string } {
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s.silhouette) && (best < 0 || s.silhouette > scores[best]!.silhouette)) best = i;
  });
  if (best < 0) throw new Error('no candidate k has a silhouette');
  const top = scores[best]!.silhouette;
  const index = scores.findIndex(
    (s) => Number.isFinite(s.silhouette) && s.silhouette >= top - SILHOUETTE_TIE,
  );
  const chosen = scores[index]!;
  const range = `k = ${scores[0]!.k}–${scores[scores.length - 1]!.k}`;
  let reason: string;
  if (index !== best) {
    reason =
      `k = ${chosen.k} was chosen: its silhouette (${fmt(chosen.silhouette)}) is within ${SILHOUETTE_TIE} of the ` +
      `best in ${range} (k = ${scores[best]!.k}, ${fmt(top)}), and ties go to fewer clusters`;
  } else {
    let runner: KScore | null = null;
    for (const s of scores) {
      if (s === chosen || !Number.isFinite(s.silhouette)) continue;
      if (!runner || s.silhouette > runner.silhouette) runner = s;
    }
    reason =
      `k = ${chosen.k} was chosen: it has the highest silhouette in ${range} (${fmt(chosen.silhouette)}` +
      (runner ? `; next best k = ${runner.k} at ${fmt(runner.silhouette)})` : ')');
  }
  if (elbowK === chosen.k) reason += `, and the inertia curve's elbow is also at k = ${chosen.k}.`;
  else if (elbowK !== null) reason += `; the inertia curve's elbow is at k = ${elbowK}.`;
  else reason += '; the inertia curve has no clear elbow.';
  return { index, reason };
}

/**
 * Chooses the number of clusters automatically. For each k in [kMin, kMax]: k-means (nInit
 * k-means++ starts) on a uniform random sample of `fitSampleSize` rows, its inertia, and the mean
 * silhouette on the first `silhouetteSampleSize` rows of that sample (all pairwise distances
 * computed once for every k). The k is picked by {@link pickK}. Then one k-means run on all rows,
 * started from the chosen sample centroids (Lloyd iterations to convergence, no new seeding), gives
 * the final labels. With n ≤ fitSampleSize there is no sampling: the fit of the chosen k is the
 * result. Everything is seeded: the same data and seed give the same choice and labels.
 *
 * @example
 * const auto = await chooseK(prepared.matrix, { seed: 1 });
 * auto.k;      // e.g. 5
 * auto.reason; // "k = 5 was chosen: it has the highest silhouette in k = 2–10 (0.412; …"
 */
export async function chooseK(m: Matrix, options: ChooseKOptions = {}): Promise<ChooseKResult> {
  const kMin = options.kMin ?? 2;
  const kMax = options.kMax ?? 10;
  const seed = options.seed ?? 0;
  const fitSize = options.fitSampleSize ?? 100_000;
  const silSize = options.silhouetteSampleSize ?? 5_000;
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin)
    throw userError('kmeans-bad-k-range', `k range must satisfy 2 ≤ kMin ≤ kMax, got ${kMin}–${kMax}`);
  if (m.n < kMax + 1)
    throw userError(
      'kmeans-too-few-rows',
      `choosing k up to ${kMax} needs more than ${kMax} rows, got ${m.n}`,
    );

  const sampled = m.n > fitSize;
  const rng = new Rng(seed, 0x5a3b1e);
  const fit: Matrix = sampled ? takeRows(m, sampleIndices(rng, m.n, fitSize), true) : m;
  const silIdx = sampleIndices(rng, fit.n, silSize);
  const silMatrix = takeRows(fit, silIdx);

  const wantThreads = options.threads ?? 'auto';
  const bigEnough = (rows: number): boolean => rows * kMax * m.d >= PARALLEL_MIN_WORK;
  let threads = typeof wantThreads === 'number' ? wantThreads : bigEnough(m.n) ? defaultThreads() : 1;
  if (threads > 1 && !workerEntryAvailable()) threads = 1;
  const pool = threads > 1 ? await WorkerPool.open(threads) : null;
  try {
    const common = {
      nInit: options.nInit ?? 3,
      ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
      ...(options.tol !== undefined ? { tol: options.tol } : {}),
    };
    const fitThreads = (rows: number): { pool: WorkerPool } | { threads: 1 } =>
      pool && (typeof wantThreads === 'number' || bigEnough(rows)) ? { pool } : { threads: 1 };
    const fits: KMeansResult[] = [];
    for (let k = kMin; k <= kMax; k++) {
      const r = await kmeans(fit, { k, seed: seed + k, ...common, ...fitThreads(fit.n) });
      fits.push(r);
      options.progress?.(`auto k: k = ${k} inertia ${r.inertia.toPrecision(6)} (${r.iterations} iterations)`);
    }
    const sil = silhouetteScores(
      silMatrix,
      fits.map((f) => ({ labels: Int32Array.from(silIdx, (i) => f.labels[i]!), k: f.k })),
    );
    const scores: KScore[] = fits.map((f, i) => ({
      k: f.k,
      silhouette: sil[i]!,
      inertia: f.inertia,
      inertiaPerRow: f.inertia / fit.n,
      inertiaDrop: i === 0 ? null : 1 - f.inertia / fits[i - 1]!.inertia,
    }));
    const e = elbowIndex(
      scores.map((s) => s.k),
      scores.map((s) => s.inertia),
    );
    const elbowK = e === null ? null : scores[e]!.k;
    const { index, reason } = pickK(scores, elbowK);
    const chosen = fits[index]!;
    options.progress?.(`auto k: ${reason}`);
    let result = chosen;
    if (sampled) {
      result = await kmeans(m, {
        k: chosen.k,
        init: chosen.centroids,
        ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
        ...(options.tol !== undefined ? { tol: options.tol } : {}),
        ...fitThreads(m.n),
      });
    }
    return { k: chosen.k, reason, scores, elbowK, result, fitRows: fit.n, silhouetteRows: silMatrix.n };
  } finally {
    if (pool) await pool.close();
  }
}
