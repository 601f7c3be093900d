/**
 * Welch's two-sample t-test for a difference of means, allowing fixed weights in either group
 * (matched controls used more than once). Pure.
 */
import { twoSidedNormalP, twoSidedTP } from '../kpis/distributions.js';

/** A group's (weighted) mean with its estimated sampling variance. */
export interface MeanEstimate {
  mean: number;
  /** Estimated variance of the mean. */
  variance: number;
  /** Customers (distinct units). */
  n: number;
  /** Kish's effective sample size (Σw)² / Σw² (= n without weights). */
  nEffective: number;
}

/**
 * The weighted mean m = Σ wᵢxᵢ / Σ wᵢ and its variance estimate treating the weights as fixed,
 * V = n/(n−1) · Σ wᵢ²(xᵢ − m)² / (Σ wᵢ)² (the linearisation variance of a ratio estimator,
 * Cochran 1977, "Sampling Techniques", §6.3, with the n/(n−1) correction). Without weights this
 * is s²/n, the textbook variance of a mean.
 */
export function meanEstimate(x: Float64Array, w?: Float64Array): MeanEstimate {
  const n = x.length;
  if (n === 0) return { mean: Number.NaN, variance: Number.NaN, n: 0, nEffective: 0 };
  let sw = 0;
  let sww = 0;
  let swx = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    sw += wi;
    sww += wi * wi;
    swx += wi * x[i]!;
  }
  const mean = swx / sw;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    const e = x[i]! - mean;
    ss += wi * wi * e * e;
  }
  const variance = n > 1 ? ((n / (n - 1)) * ss) / (sw * sw) : Number.NaN;
  return { mean, variance, n, nEffective: (sw * sw) / sww };
}

/** The outcome of {@link welchTest}. */
export interface WelchResult {
  /** mean(a) − mean(b). */
  difference: number;
  /** Its standard error √(V_a + V_b). */
  se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  t: number;
  /** Two-sided p-value; null when it cannot be computed (no variation, or a group of one). */
  p: number | null;
}

/**
 * Welch's t-test (Welch 1947, "The generalization of 'Student's' problem when several different
 * population variances are involved", Biometrika 34, 28–35) for mean(a) − mean(b), with the
 * Welch–Satterthwaite degrees of freedom (Satterthwaite 1946)
 * ν = (V_a + V_b)² / (V_a²/(n_a − 1) + V_b²/(n_b − 1)), n the effective sample sizes. The
 * p-value uses Student's t with ⌊ν⌋ degrees of freedom (slightly conservative), the normal
 * distribution beyond 10⁵.
 */
export function welchTest(a: MeanEstimate, b: MeanEstimate): WelchResult {
  const difference = a.mean - b.mean;
  const v = a.variance + b.variance;
  const se = Math.sqrt(v);
  const df = (v * v) / (a.variance ** 2 / (a.nEffective - 1) + b.variance ** 2 / (b.nEffective - 1));
  const t = difference / se;
  let p: number | null = null;
  if (Number.isFinite(t) && Number.isFinite(df) && df >= 1)
    p = df > 1e5 ? twoSidedNormalP(t) : twoSidedTP(t, Math.floor(df));
  return { difference, se, df, t, p };
}
