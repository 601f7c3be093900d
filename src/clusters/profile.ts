import type { Matrix } from './matrix.js';
import { quantileInPlace } from './prepare.js';

/** One feature of one cluster against the whole base. */
export interface FeatureProfile {
  feature: string;
  /** Mean and median of the observed raw values in the cluster (null when none is observed). */
  mean: number | null;
  median: number | null;
  /** The same over every customer. */
  base_mean: number | null;
  base_median: number | null;
  /**
   * Standardised difference: (cluster mean − base mean) / base standard deviation of the
   * *prepared* values (after imputation, log1p and winsorising), i.e. how many standard deviations
   * the cluster sits from the average customer in the space the clustering saw.
   */
  std_diff: number;
}

/** A cluster's size and feature profile. */
export interface ClusterProfile {
  /** The cluster's label in the fit (0 … k−1). */
  label: number;
  size: number;
  share: number;
  features: FeatureProfile[];
}

function meanMedian(values: Float64Array, count: number): { mean: number | null; median: number | null } {
  if (count === 0) return { mean: null, median: null };
  const v = values.subarray(0, count);
  let s = 0;
  for (const x of v) s += x;
  return { mean: s / count, median: quantileInPlace(v, 0.5) };
}

/**
 * Profiles the clusters of a fit: per cluster its size and share, and per feature the mean and
 * median of the raw values (missing values left out) against the whole base and the standardised
 * difference in the prepared space.
 *
 * @param raw n × d raw feature values (NaN = missing), row-major
 * @param prepared the same rows after preparation
 * @param labels cluster of each row, 0 … k−1
 */
export function profileClusters(
  raw: Matrix,
  prepared: Matrix,
  labels: Int32Array,
  k: number,
  names: readonly string[],
): ClusterProfile[] {
  const { n, d } = raw;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]!]!++;
  // Rows of each cluster, contiguous (a counting sort by label).
  const start = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) start[j + 1] = start[j]! + sizes[j]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, k);
  for (let i = 0; i < n; i++) order[fill[labels[i]!]!++] = i;

  const buffer = new Float64Array(n);
  const out: ClusterProfile[] = Array.from({ length: k }, (_, j) => ({
    label: j,
    size: sizes[j]!,
    share: n > 0 ? sizes[j]! / n : 0,
    features: [],
  }));
  for (let q = 0; q < d; q++) {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const x = raw.values[i * d + q]!;
      if (!Number.isNaN(x)) buffer[count++] = x;
    }
    const base = meanMedian(buffer, count);
    let pSum = 0;
    for (let i = 0; i < n; i++) pSum += prepared.values[i * d + q]!;
    const pMean = pSum / n;
    let pSs = 0;
    for (let i = 0; i < n; i++) pSs += (prepared.values[i * d + q]! - pMean) ** 2;
    const pSd = Math.sqrt(pSs / n);
    for (let j = 0; j < k; j++) {
      let c = 0;
      let cSum = 0;
      for (let r = start[j]!; r < start[j + 1]!; r++) {
        const i = order[r]!;
        cSum += prepared.values[i * d + q]!;
        const x = raw.values[i * d + q]!;
        if (!Number.isNaN(x)) buffer[c++] = x;
      }
      const mine = meanMedian(buffer, c);
      const cMean = sizes[j]! > 0 ? cSum / sizes[j]! : pMean;
      out[j]!.features.push({
        feature: names[q]!,
        mean: mine.mean,
        median: mine.median,
        base_mean: base.mean,
        base_median: base.median,
        std_diff: pSd > 0 ? (cMean - pMean) / pSd : 0,
      });
    }
  }
  return out;
}
