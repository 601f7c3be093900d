import { UserError, type Problem } from '../core/errors.js';
import { allocFloat64, type Matrix } from './matrix.js';

/** How one feature is prepared for clustering. */
export interface FeatureSpec {
  name: string;
  /** Replace x by ln(1 + x) (for skewed, non-negative amounts and counts). Needs x > −1. */
  log1p?: boolean;
  /**
   * Clip to these quantiles of the (log-transformed) observed values, e.g. [0.01, 0.99], so a
   * few extreme customers do not pull a centre on their own.
   */
  winsorize?: readonly [number, number];
  /** Centre to mean 0 and scale to standard deviation 1. Default true. */
  standardize?: boolean;
}

/** The fitted preparation of one feature: plain JSON, enough to write the same steps in SQL. */
export interface FeatureTransform {
  name: string;
  /** Step 1: a missing (NaN) raw value becomes this, the median of the observed raw values. */
  median: number;
  /** Rows whose value was missing (imputed). */
  missing: number;
  /** Step 2: x → ln(1 + x). */
  log1p: boolean;
  /** Step 3: x → min(max(x, low), high), the cut points being quantiles after step 2. */
  winsorize: { lowQuantile: number; highQuantile: number; low: number; high: number } | null;
  /** Step 4: x → (x − mean) / sd when true. */
  standardize: boolean;
  /** Mean after step 3, over all rows. */
  mean: number;
  /**
   * Population standard deviation after step 3 (divisor n), the divisor of step 4; 1 when the
   * feature is constant, so that it becomes 0 rather than NaN.
   */
  sd: number;
}

/**
 * Everything {@link applyTransform} needs; JSON-serialisable. Quantiles (the median and the
 * winsorising cut points) use linear interpolation between order statistics (Hyndman & Fan's
 * type 7, the default of R and NumPy, and DuckDB's `quantile_cont`): with the m observed values
 * sorted x_(0) ≤ … ≤ x_(m−1) and h = (m − 1)p, Q(p) = x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋)).
 */
export interface TransformParams {
  version: 1;
  quantileMethod: 'linear';
  /** Rows the parameters were fitted on. */
  rows: number;
  features: FeatureTransform[];
}

/** The prepared matrix and how it was made. */
export interface Prepared {
  /** n × d, row-major, on a SharedArrayBuffer (ready for worker threads). */
  matrix: Matrix;
  params: TransformParams;
}

/**
 * The k-th smallest value (0-based) of a[lo..hi], moving it to a[k] with everything before it
 * ≤ it and everything after ≥ it (Hoare's FIND / quickselect, median-of-three pivot). In place.
 */
function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three, moved to a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * Quantile p of the values in `a` (type 7, see {@link TransformParams}); reorders `a`. Needs at
 * least one value.
 */
export function quantileInPlace(a: Float64Array, p: number): number {
  const m = a.length;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const v = selectInPlace(a, lo);
  if (lo + 1 >= m || h === lo) return v;
  // Everything after position lo is ≥ a[lo]: the next order statistic is their minimum.
  let next = Infinity;
  for (let i = lo + 1; i < m; i++) if (a[i]! < next) next = a[i]!;
  return v + (h - lo) * (next - v);
}

/** Steps 1–3 of one value (impute, log1p, winsorize). */
function preStandardise(f: FeatureTransform, raw: number): number {
  let x = Number.isNaN(raw) ? f.median : raw;
  if (f.log1p) x = Math.log1p(x);
  if (f.winsorize) x = Math.min(Math.max(x, f.winsorize.low), f.winsorize.high);
  return x;
}

/**
 * Applies fitted parameters to one raw row (the feature values in the order of `params.features`;
 * NaN, null or undefined for missing). The same arithmetic as {@link prepareFeatures}, value for
 * value, so a customer scored later lands where the fit would have put them.
 *
 * @example
 * const z = applyTransform(prepared.params, [1250, Number.NaN, 3]);
 */
export function applyTransform(
  params: TransformParams,
  rawRow: ArrayLike<number | null | undefined>,
): Float64Array {
  const fs = params.features;
  if (rawRow.length !== fs.length)
    throw new RangeError(`row has ${rawRow.length} values, expected ${fs.length}`);
  const out = new Float64Array(fs.length);
  for (let q = 0; q < fs.length; q++) {
    const f = fs[q]!;
    const raw = rawRow[q] ?? Number.NaN;
    if (f.log1p && raw <= -1) {
      throw new UserError({
        code: 'cluster-log1p-domain',
        message: `feature \`${f.name}\` is ${raw}; log1p needs values above −1`,
      });
    }
    const x = preStandardise(f, raw);
    out[q] = f.standardize ? (x - f.mean) / f.sd : x;
  }
  return out;
}

/**
 * Prepares raw features for k-means and fits the parameters to repeat it: per feature, (1) missing
 * values (NaN) replaced by the median of the observed values and counted, (2) optionally ln(1 + x),
 * (3) optionally winsorized at two quantiles of the observed values after step 2, (4) by default
 * standardised with the mean and population standard deviation after step 3. Collects every
 * problem (a feature with no observed value, an infinite value, a value ≤ −1 under log1p, bad
 * quantiles) into one {@link UserError}.
 *
 * @param raw n × d, row-major, one column per spec
 * @example
 * const { matrix, params } = prepareFeatures(raw, [
 *   { name: 'revenue_365d', log1p: true, winsorize: [0.01, 0.99] },
 *   { name: 'orders_365d', log1p: true },
 *   { name: 'recency_days' },
 * ]);
 */
export function prepareFeatures(raw: Matrix, specs: readonly FeatureSpec[]): Prepared {
  const { n, d, values } = raw;
  const problems: Problem[] = [];
  if (specs.length !== d) {
    throw new UserError({
      code: 'cluster-feature-count',
      message: `${specs.length} feature specs for ${d} columns`,
    });
  }
  const out = allocFloat64(n * d, true);
  const features: FeatureTransform[] = [];
  const column = new Float64Array(n);
  for (let q = 0; q < d; q++) {
    const spec = specs[q]!;
    const name = spec.name;
    // Observed values, and the checks.
    let m = 0;
    let missing = 0;
    let firstBad = -1;
    let badCount = 0;
    let firstInf = -1;
    for (let i = 0; i < n; i++) {
      const v = values[i * d + q]!;
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      if (!Number.isFinite(v)) {
        if (firstInf < 0) firstInf = i;
        continue;
      }
      if (spec.log1p && v <= -1) {
        if (firstBad < 0) firstBad = i;
        badCount++;
      }
      column[m++] = v;
    }
    if (firstInf >= 0)
      problems.push({
        code: 'cluster-feature-infinite',
        message: `feature \`${name}\` has an infinite value`,
        at: { row: firstInf },
      });
    if (firstBad >= 0)
      problems.push({
        code: 'cluster-log1p-domain',
        message: `feature \`${name}\` has ${badCount} value(s) ≤ −1, where ln(1 + x) is undefined`,
        at: { row: firstBad },
        hint: 'drop log1p for this feature, or shift it to be non-negative first',
      });
    if (m === 0)
      problems.push({
        code: 'cluster-feature-all-missing',
        message: `feature \`${name}\` has no observed value`,
        hint: 'drop it from the cluster features',
      });
    const w = spec.winsorize;
    if (w && !(w[0] >= 0 && w[1] <= 1 && w[0] < w[1]))
      problems.push({
        code: 'cluster-winsorize-quantiles',
        message: `feature \`${name}\`: winsorize needs 0 ≤ low < high ≤ 1, got [${w[0]}, ${w[1]}]`,
      });
    if (problems.length > 0) continue;

    const observed = column.subarray(0, m);
    const median = quantileInPlace(observed, 0.5);
    let winsorize: FeatureTransform['winsorize'] = null;
    if (w) {
      if (spec.log1p) for (let i = 0; i < m; i++) observed[i] = Math.log1p(observed[i]!);
      winsorize = {
        lowQuantile: w[0],
        highQuantile: w[1],
        low: quantileInPlace(observed, w[0]),
        high: quantileInPlace(observed, w[1]),
      };
    }
    const f: FeatureTransform = {
      name,
      median,
      missing,
      log1p: spec.log1p ?? false,
      winsorize,
      standardize: spec.standardize ?? true,
      mean: 0,
      sd: 1,
    };
    // Steps 1–3 into the output; mean, then the variance around it (two passes, for accuracy).
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = preStandardise(f, values[i * d + q]!);
      out[i * d + q] = x;
      sum += x;
    }
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const t = out[i * d + q]! - mean;
      ss += t * t;
    }
    const sd = Math.sqrt(ss / n);
    f.mean = mean;
    f.sd = sd > 0 ? sd : 1;
    if (f.standardize) for (let i = 0; i < n; i++) out[i * d + q] = (out[i * d + q]! - f.mean) / f.sd;
    features.push(f);
  }
  if (problems.length > 0) throw new UserError(problems);
  return {
    matrix: { values: out, n, d },
    params: { version: 1, quantileMethod: 'linear', rows: n, features },
  };
}
