/**
 * Confidence intervals for the KPI estimates, each computed from sufficient statistics (counts,
 * sums, sums of squares and cross-products) so that the data never leaves the engine. Pure
 * functions; see CONTEXT.md for which KPI uses which.
 */
import { criticalValue, normalQuantile } from './distributions.js';

/** An estimate with its interval; `low`/`high` are null when the data cannot support one. */
export interface Interval {
  value: number;
  low: number | null;
  high: number | null;
}

/**
 * The Wilson score interval for a binomial proportion x/n (E. B. Wilson, "Probable inference, the
 * law of succession, and statistical inference", JASA 22(158), 209–212, 1927):
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
 *
 * with z the two-sided normal quantile. Unlike the Wald interval it stays inside [0, 1] and
 * behaves well for p̂ near 0 or 1 and small n (Newcombe 1998, method 3).
 *
 * @example wilson(81, 263, 0.95) // ≈ {value: 0.3080, low: 0.2553, high: 0.3662} (Newcombe 1998)
 */
export function wilson(x: number, n: number, confidence: number): Interval {
  if (!(n > 0)) return { value: Number.NaN, low: null, high: null };
  const p = x / n;
  const z = normalQuantile((1 + confidence) / 2);
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // The interval contains p̂ exactly; at x = 0 (or n) rounding would leave centre − half a hair
  // above 0 (or centre + half below 1), i.e. an interval that misses its own estimate.
  return {
    value: p,
    low: Math.max(0, Math.min(p, centre - half)),
    high: Math.min(1, Math.max(p, centre + half)),
  };
}

/** The sample variance from n, Σx and Σx² (clamped at 0 against rounding), NaN when n < 2. */
export function sampleVariance(n: number, sum: number, sumSq: number): number {
  if (!(n >= 2)) return Number.NaN;
  return Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
}

/**
 * A normal-approximation interval on a mean, x̄ ± q·s/√n, with s the sample standard deviation and
 * q Student's t quantile with n − 1 degrees of freedom when n < 30, the normal quantile otherwise.
 * No interval for n < 2.
 */
export function meanInterval(n: number, sum: number, sumSq: number, confidence: number): Interval {
  if (!(n > 0)) return { value: Number.NaN, low: null, high: null };
  const mean = sum / n;
  if (n < 2) return { value: mean, low: null, high: null };
  const se = Math.sqrt(sampleVariance(n, sum, sumSq) / n);
  const q = criticalValue(confidence, n);
  return { value: mean, low: mean - q * se, high: mean + q * se };
}

/** Sufficient statistics of a ratio of two per-customer totals, R = Σy / Σx. */
export interface RatioStats {
  /** Customers the ratio is estimated over (the sampling units). */
  n: number;
  sumY: number;
  sumX: number;
  sumYY: number;
  sumXX: number;
  sumXY: number;
}

/**
 * The estimated variance of a ratio estimator R̂ = ȳ/x̄ by the delta method (W. G. Cochran,
 * Sampling Techniques, 3rd ed., Wiley 1977, §6.3–6.4, without the finite-population correction):
 *
 *   v(R̂) = Σ(yᵢ − R̂xᵢ)² / (n(n − 1) x̄²),   Σ(yᵢ − R̂xᵢ)² = Σy² − 2R̂Σxy + R̂²Σx²
 *
 * NaN when n < 2 or Σx = 0.
 */
export function ratioVariance(s: RatioStats): number {
  if (!(s.n >= 2) || s.sumX === 0) return Number.NaN;
  const r = s.sumY / s.sumX;
  const resid = Math.max(0, s.sumYY - 2 * r * s.sumXY + r * r * s.sumXX);
  const xbar = s.sumX / s.n;
  return resid / (s.n * (s.n - 1) * xbar * xbar);
}

/** The delta-method interval R̂ ± q·√v(R̂) for a ratio of means (q as in {@link meanInterval}). */
export function ratioInterval(s: RatioStats, confidence: number): Interval {
  if (s.sumX === 0) return { value: Number.NaN, low: null, high: null };
  const r = s.sumY / s.sumX;
  const v = ratioVariance(s);
  if (Number.isNaN(v)) return { value: r, low: null, high: null };
  const q = criticalValue(confidence, s.n);
  const se = Math.sqrt(v);
  return { value: r, low: r - q * se, high: r + q * se };
}

/**
 * The variance of the ratio of two means Ā/B̄ estimated over overlapping sets of customers (A over
 * nA customers, B over nB, both known for nAB of them), by the delta method:
 *
 *   Var(Ā/B̄) ≈ Var(Ā)/B̄² + Ā²Var(B̄)/B̄⁴ − 2Ā·Cov(Ā, B̄)/B̄³,
 *   Var(Ā) = s²_A/nA,  Var(B̄) = s²_B/nB,  Cov(Ā, B̄) = nAB·s_AB/(nA·nB)
 *
 * with s_AB the sample covariance over the nAB customers known for both. Used for clv_cac_ratio.
 */
export function ratioOfMeansVariance(a: MeanStats, b: MeanStats, both: CrossStats): number {
  if (!(a.n >= 2) || !(b.n >= 2)) return Number.NaN;
  const ma = a.sum / a.n;
  const mb = b.sum / b.n;
  if (mb === 0) return Number.NaN;
  const va = sampleVariance(a.n, a.sum, a.sumSq) / a.n;
  const vb = sampleVariance(b.n, b.sum, b.sumSq) / b.n;
  let cov = 0;
  if (both.n >= 2) {
    const sab = (both.sumAB - (both.sumA * both.sumB) / both.n) / (both.n - 1);
    cov = (both.n * sab) / (a.n * b.n);
  }
  return Math.max(0, va / (mb * mb) + (ma * ma * vb) / mb ** 4 - (2 * ma * cov) / mb ** 3);
}

/** n, Σx, Σx² of one per-customer quantity over the customers for whom it is known. */
export interface MeanStats {
  n: number;
  sum: number;
  sumSq: number;
}

/** Cross-products over the customers for whom both quantities A and B are known. */
export interface CrossStats {
  n: number;
  sumA: number;
  sumB: number;
  sumAB: number;
}

/**
 * Net Promoter Score in points, 100·(p₊ − p₋), with a normal (Wald) interval from the multinomial
 * variance of the difference of two shares of one sample, Var(p̂₊ − p̂₋) = (p₊ + p₋ − (p₊ − p₋)²)/n.
 * (Each response scores +1, 0 or −1; the score's variance is E[X²] − E[X]² = p₊ + p₋ − (p₊ − p₋)²,
 * and the NPS is 100 times its mean.) Clamped to [−100, 100]. No interval when n < 2.
 */
export function npsInterval(promoters: number, detractors: number, n: number, confidence: number): Interval {
  if (!(n > 0)) return { value: Number.NaN, low: null, high: null };
  const pp = promoters / n;
  const pd = detractors / n;
  const value = 100 * (pp - pd);
  if (n < 2) return { value, low: null, high: null };
  const se = 100 * Math.sqrt(npsVariance(promoters, detractors, n));
  const q = normalQuantile((1 + confidence) / 2);
  return { value, low: Math.max(-100, value - q * se), high: Math.min(100, value + q * se) };
}

/** Var(p̂₊ − p̂₋) = (p₊ + p₋ − (p₊ − p₋)²)/n, as a share (not points). */
export function npsVariance(promoters: number, detractors: number, n: number): number {
  if (!(n > 0)) return Number.NaN;
  const pp = promoters / n;
  const pd = detractors / n;
  return Math.max(0, (pp + pd - (pp - pd) ** 2) / n);
}

/**
 * The percentile interval of a bootstrap distribution (Efron 1979; Efron & Tibshirani 1993, §13.3):
 * the (1 − c)/2 and (1 + c)/2 sample quantiles of the replicates (linear interpolation between
 * order statistics, Hyndman & Fan type 7). NaN replicates are skipped; null with fewer than 2.
 */
export function percentileInterval(
  replicates: readonly number[],
  confidence: number,
): { low: number | null; high: number | null } {
  const xs = replicates.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length < 2) return { low: null, high: null };
  return { low: quantile7(xs, (1 - confidence) / 2), high: quantile7(xs, (1 + confidence) / 2) };
}

/** Hyndman & Fan type-7 quantile of sorted values. */
function quantile7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
