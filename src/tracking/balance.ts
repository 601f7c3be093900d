/**
 * Covariate balance between treated and control customers: standardised mean differences. Pure.
 */

/** One feature's balance before and after matching. */
export interface FeatureBalance {
  feature: string;
  treated_mean: number;
  /** Mean over the whole pool of candidates (before matching). */
  pool_mean: number;
  /** Mean over the matched controls, weighted by how often each was used. */
  matched_mean: number;
  smd_before: number | null;
  smd_after: number | null;
}

/** Absolute SMD above which a feature counts as imbalanced (Austin 2009; Stuart 2010). */
export const SMD_THRESHOLD = 0.1;

/**
 * Standardised mean differences (Rosenbaum & Rubin 1985, "Constructing a control group using
 * multivariate matched sampling methods that incorporate the propensity score", The American
 * Statistician 39(1); Austin 2009, "Balance diagnostics for comparing the distribution of baseline
 * covariates between treatment groups in propensity-score matched samples", Statistics in
 * Medicine 28(25)): (mean_treated − mean_control) / √((s²_treated + s²_pool) / 2). The same
 * denominator (treated and the whole pool, before matching) is used before and after, so a change
 * in SMD is a change in the means only (Stuart 2010, §6.1). |SMD| < 0.1 is the usual mark of
 * good balance. Null when the denominator is 0 (a constant feature).
 */
export function standardisedMeanDifferences(
  names: readonly string[],
  treated: readonly Float64Array[],
  pool: readonly Float64Array[],
  poolWeights: Float64Array,
): FeatureBalance[] {
  return names.map((feature, j) => {
    const t = moments(treated[j]!);
    const p = moments(pool[j]!);
    const m = moments(pool[j]!, poolWeights);
    const sd = Math.sqrt((t.variance + p.variance) / 2);
    const smd = (a: number, b: number) => (sd > 0 && Number.isFinite(a - b) ? (a - b) / sd : null);
    return {
      feature,
      treated_mean: t.mean,
      pool_mean: p.mean,
      matched_mean: m.mean,
      smd_before: smd(t.mean, p.mean),
      smd_after: smd(t.mean, m.mean),
    };
  });
}

/** Mean and sample variance of the finite values (weighted by `w` when given). */
function moments(x: Float64Array, w?: Float64Array): { mean: number; variance: number } {
  let sw = 0;
  let s = 0;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const wi = w === undefined ? 1 : w[i]!;
    if (!Number.isFinite(v) || wi === 0) continue;
    sw += wi;
    s += wi * v;
    ss += wi * v * v;
  }
  const mean = sw > 0 ? s / sw : Number.NaN;
  const variance = sw > 1 ? Math.max(0, (ss - sw * mean * mean) / (sw - 1)) : 0;
  return { mean, variance };
}
