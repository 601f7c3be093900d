/**
 * The stratified nonparametric bootstrap behind `segtrack compare`'s intervals. Pure: typed
 * arrays in, typed arrays out, randomness from an injected seeded {@link Rng}.
 */
import type { Rng } from '../core/rng.js';

/** One group of customers: per-customer statistics and, optionally, fixed weights. */
export interface BootstrapGroup {
  /** One array per statistic, each with one value per customer (all of the same length). */
  columns: readonly Float64Array[];
  /**
   * A weight per customer (e.g. how many treated customers a matched control stands for). A
   * resampled customer brings its weight along; the group's mean is Σ w·x / Σ w. Default: 1 each.
   */
  weights?: Float64Array | undefined;
}

/**
 * Bootstrap replicates of differences of (weighted) means between two groups, for several
 * per-customer statistics at once.
 *
 * Each replicate draws, independently in each group, as many customers as the group has, with
 * replacement (the stratified bootstrap of Efron & Tibshirani 1993, "An Introduction to the
 * Bootstrap", §8.3, for two-sample problems), and records, for each statistic j,
 * mean_treated*(x_j) − mean_control*(x_j). The same draws serve every statistic, so their
 * replicates are paired (the DiD effect and the pre-trend slope come from one pass). The draws
 * are made in a fixed order (treated then control, customer by customer), so a seed always gives
 * the same replicates.
 *
 * Cost: (n_treated + n_control) × replicates draws; about 3–5 ns each.
 *
 * @returns one Float64Array of `replicates` values per statistic.
 * @example
 * const [effect] = bootstrapMeanDifferences({ columns: [dT] }, { columns: [dC] }, 2000, new Rng(1));
 */
export function bootstrapMeanDifferences(
  treated: BootstrapGroup,
  control: BootstrapGroup,
  replicates: number,
  rng: Rng,
): Float64Array[] {
  const k = treated.columns.length;
  if (control.columns.length !== k)
    throw new RangeError(`both groups need the same statistics (${k} vs ${control.columns.length})`);
  if (!Number.isInteger(replicates) || replicates < 1)
    throw new RangeError(`replicates must be a whole number ≥ 1, not ${replicates}`);
  const out = Array.from({ length: k }, () => new Float64Array(replicates));
  const mt = new Float64Array(k);
  const mc = new Float64Array(k);
  for (let b = 0; b < replicates; b++) {
    resampledMeans(treated, rng, mt);
    resampledMeans(control, rng, mc);
    for (let j = 0; j < k; j++) out[j]![b] = mt[j]! - mc[j]!;
  }
  return out;
}

/** One resample of a group: the (weighted) mean of each column, written into `sums`. */
function resampledMeans(g: BootstrapGroup, rng: Rng, sums: Float64Array): void {
  const cols = g.columns;
  const k = cols.length;
  const n = cols[0]?.length ?? 0;
  sums.fill(0);
  if (n === 0) {
    sums.fill(Number.NaN);
    return;
  }
  const w = g.weights;
  if (k === 1) {
    // The common case, without the inner loop.
    const x = cols[0]!;
    let s = 0;
    let sw = 0;
    if (w === undefined) {
      for (let i = 0; i < n; i++) s += x[rng.int(n)]!;
      sw = n;
    } else
      for (let i = 0; i < n; i++) {
        const r = rng.int(n);
        s += w[r]! * x[r]!;
        sw += w[r]!;
      }
    sums[0] = s / sw;
    return;
  }
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const r = rng.int(n);
    const wr = w === undefined ? 1 : w[r]!;
    sw += wr;
    for (let j = 0; j < k; j++) sums[j] = sums[j]! + wr * cols[j]![r]!;
  }
  for (let j = 0; j < k; j++) sums[j] = sums[j]! / sw;
}

/**
 * The percentile interval of bootstrap replicates (Efron & Tibshirani 1993, §13.3): their
 * (1 − c)/2 and (1 + c)/2 sample quantiles, by linear interpolation between order statistics
 * (Hyndman & Fan 1996, type 7). Non-finite replicates are skipped; null bounds with fewer than 2.
 *
 * @example percentileBounds(replicates, 0.95) // { low: 2.5 % quantile, high: 97.5 % quantile }
 */
export function percentileBounds(
  replicates: Float64Array,
  confidence: number,
): { low: number | null; high: number | null } {
  const xs = replicates.filter((x) => Number.isFinite(x)).sort();
  if (xs.length < 2) return { low: null, high: null };
  return { low: quantileType7(xs, (1 - confidence) / 2), high: quantileType7(xs, (1 + confidence) / 2) };
}

/** Hyndman & Fan (1996) type-7 quantile of sorted values (R's default). */
export function quantileType7(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * How many replicates to draw for groups of `customers` customers in all: `preferred` (2000 by
 * default) while that keeps the work under `budget` draws, else fewer but never below 1000.
 */
export function replicateCount(customers: number, preferred = 2000, budget = 4e8): number {
  if (customers <= 0) return preferred;
  return Math.max(1000, Math.min(preferred, Math.floor(budget / customers)));
}
