/**
 * The pre-period check of difference-in-differences: did the treated − control difference
 * already move before the start? Pure.
 *
 * The pre window is cut into K sub-periods of equal length (see compare-windows.ts). For each
 * customer the least-squares slope of their metric over the sub-periods, x = 0 … K−1, is
 * bᵢ = Σₖ (k − x̄)·yᵢₖ / Σₖ (k − x̄)². Because every customer shares the same x, the slope of a
 * group's mean series is the mean of its customers' slopes, so the slope of the difference
 * series (treated mean − control mean, per sub-period) is mean(b_treated) − mean(b_control): a
 * difference of two means, tested like the effect itself (same bootstrap, same Welch test). This
 * is the linear pre-trend test of event-study practice (e.g. Angrist & Pischke 2009, "Mostly
 * Harmless Econometrics", §5.2; Roth 2022, "Pretest with caution", AER: Insights 4(3), which also
 * warns that passing it is weak evidence when the test has little power).
 */

/** Per-customer least-squares slopes over sub-periods (`periods[k][i]` = customer i in period k). */
export function customerSlopes(periods: readonly Float64Array[]): Float64Array {
  const k = periods.length;
  const n = periods[0]?.length ?? 0;
  const out = new Float64Array(n);
  if (k < 2) return out.fill(Number.NaN);
  const xbar = (k - 1) / 2;
  let sxx = 0;
  for (let j = 0; j < k; j++) sxx += (j - xbar) ** 2;
  for (let j = 0; j < k; j++) {
    const c = (j - xbar) / sxx;
    const y = periods[j]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! + c * y[i]!;
  }
  return out;
}

/** The (weighted) mean of each sub-period's values: a group's series. */
export function periodMeans(periods: readonly Float64Array[], weights?: Float64Array): number[] {
  return periods.map((y) => {
    let s = 0;
    let sw = 0;
    for (let i = 0; i < y.length; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      s += w * y[i]!;
      sw += w;
    }
    return sw > 0 ? s / sw : Number.NaN;
  });
}
