import { pearson } from '../core/stats.js';

/** First index in sorted[0..n) whose value is ≥ x (binary search). */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in sorted[0..n) whose value is > x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Ranks 1…n with ties given their average rank ("fractional ranking"): a value with `lo` smaller
 * values and `hi − lo` equal ones ranks (lo + 1 + hi) / 2. Sorting a copy and two binary searches
 * per value keeps it O(n log n) on typed arrays, without index sorts.
 */
export function averageRanks(values: Float64Array): Float64Array {
  const sorted = values.slice().sort();
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    ranks[i] = (lowerBound(sorted, x) + 1 + upperBound(sorted, x)) / 2;
  }
  return ranks;
}

/**
 * Spearman's rank correlation ρ (C. Spearman, "The proof and measurement of association between
 * two things", Am. J. Psychol. 15, 72–101, 1904): Pearson's correlation of the average ranks,
 * which handles ties exactly. Rows where either value is NaN are left out (pairwise complete).
 * NaN with fewer than 3 complete pairs or a constant column.
 *
 * @example
 * spearman(Float64Array.of(1, 2, 3, 4), Float64Array.of(10, 20, 30, 1000)); // { rho: 1, n: 4 }
 */
export function spearman(x: Float64Array, y: Float64Array): { rho: number; n: number } {
  if (x.length !== y.length) throw new RangeError(`lengths differ: ${x.length} and ${y.length}`);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) n++;
  if (n < 3) return { rho: Number.NaN, n };
  let xs = x;
  let ys = y;
  if (n < x.length) {
    xs = new Float64Array(n);
    ys = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < x.length; i++)
      if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
        xs[t] = x[i]!;
        ys[t++] = y[i]!;
      }
  }
  return { rho: pearson(averageRanks(xs), averageRanks(ys)), n };
}
