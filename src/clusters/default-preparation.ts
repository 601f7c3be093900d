import type { FeatureSpec } from './prepare.js';

/** How the configuration asks for one feature to be prepared (absent keys: decided by the data). */
export interface FeatureRequest {
  name: string;
  log1p?: boolean;
  winsorize?: readonly [number, number] | false;
  standardize?: boolean;
}

/** A feature's preparation and why it was chosen (stored in the scheme meta). */
export interface FeatureDecision {
  spec: FeatureSpec;
  /** Sample skewness of the observed raw values (NaN with fewer than 3 distinct values). */
  skewness: number;
  /** Smallest observed raw value. */
  min: number;
  /** Why log1p is (not) applied, in plain words. */
  log1pReason: string;
}

/**
 * A feature is log-transformed by default when its observed values are all ≥ 0 and their sample
 * skewness exceeds this: counts and money amounts of customers (orders, revenue, AOV, events) are
 * right-skewed with skewness well above 1, while ages, scores and shares are near 0. Above 1 is
 * the usual reading of "highly skewed" (Bulmer, Principles of Statistics, 1979, ch. 4).
 */
export const LOG1P_SKEWNESS = 1;

/**
 * The Fisher–Pearson coefficient of skewness g₁ = m₃ / m₂^{3/2} of the non-NaN values of a
 * column (m_r the r-th central sample moment), and the smallest value.
 */
export function skewness(column: Float64Array): { skewness: number; min: number; observed: number } {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  for (const x of column) {
    if (Number.isNaN(x)) continue;
    n++;
    sum += x;
    if (x < min) min = x;
  }
  if (n === 0) return { skewness: Number.NaN, min: Number.NaN, observed: 0 };
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of column) {
    if (Number.isNaN(x)) continue;
    const t = x - mean;
    m2 += t * t;
    m3 += t * t * t;
  }
  m2 /= n;
  m3 /= n;
  return { skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : Number.NaN, min, observed: n };
}

/**
 * Decides each feature's preparation: what the configuration says wins; otherwise log1p when the
 * observed values are non-negative and their skewness exceeds {@link LOG1P_SKEWNESS}, no
 * winsorising (after the log, extreme customers no longer dominate a centre), and standardising
 * (so that features in days, counts and pounds weigh the same).
 *
 * @example
 * decidePreparation([{ name: 'revenue_365d' }, { name: 'age', log1p: false }], [revenue, age]);
 */
export function decidePreparation(
  requests: readonly FeatureRequest[],
  columns: readonly Float64Array[],
): FeatureDecision[] {
  return requests.map((r, q) => {
    const s = skewness(columns[q]!);
    let log1p: boolean;
    let log1pReason: string;
    const sk = Number.isFinite(s.skewness) ? s.skewness.toFixed(2) : 'undefined';
    if (r.log1p !== undefined) {
      log1p = r.log1p;
      log1pReason = `log1p ${log1p ? 'on' : 'off'} as configured`;
    } else if (!(s.min >= 0)) {
      log1p = false;
      log1pReason = `no log1p: the feature has negative values (min ${s.min})`;
    } else if (Number.isFinite(s.skewness) && s.skewness > LOG1P_SKEWNESS) {
      log1p = true;
      log1pReason = `log1p: non-negative and right-skewed (skewness ${sk} > ${LOG1P_SKEWNESS})`;
    } else {
      log1p = false;
      log1pReason = `no log1p: skewness ${sk} ≤ ${LOG1P_SKEWNESS}`;
    }
    const spec: FeatureSpec = { name: r.name, log1p, standardize: r.standardize ?? true };
    if (r.winsorize) spec.winsorize = r.winsorize;
    return { spec, skewness: s.skewness, min: s.min, log1pReason };
  });
}
