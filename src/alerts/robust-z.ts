/**
 * The robust z-score behind the `anomaly` measure of an alert condition: how far a value lies from
 * the median of its own history, in units of a robust estimate of the history's spread. Pure: no
 * SQL, no I/O, no clock.
 */

/**
 * Makes the median absolute deviation a consistent estimator of the standard deviation for normal
 * data: 1 / Φ⁻¹(3/4) = 1 / 0.674489… = 1.482602… (Rousseeuw & Croux 1993, "Alternatives to the
 * median absolute deviation", JASA 88(424), 1273–1283, eq. 1).
 */
export const MAD_SCALE = 1.482602218505602;

/**
 * Makes the mean absolute deviation around the median a consistent estimator of the standard
 * deviation for normal data: √(π/2) = 1.253314… (used when the MAD is 0; see {@link robustZ}).
 */
export const MEAN_AD_SCALE = 1.2533141373155001;

/** The median of `xs` (NaN for an empty list). Does not modify `xs`. */
export function median(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const h = n >> 1;
  return n % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** The median absolute deviation of `xs` around `center` (unscaled). */
export function medianAbsoluteDeviation(xs: ArrayLike<number>, center: number = median(xs)): number {
  return median(Float64Array.from(xs, (x) => Math.abs(x - center)));
}

/**
 * The robust z-score of `x` against `history` (the earlier values; `x` itself is not part of it):
 *
 *   z = (x − median(h)) / (1.4826 · MAD(h)),   MAD(h) = median |hᵢ − median(h)|
 *
 * the modified z-score of Iglewicz & Hoaglin (1993, "How to Detect and Handle Outliers", ASQC
 * Basic References in Quality Control vol. 16, §3.3: M = 0.6745 (x − x̃) / MAD, the same number),
 * who suggest |M| > 3.5 as the mark of an outlier; median and MAD have the highest possible
 * breakdown point (50 %), so a few earlier spikes in the history do not mask a new one, unlike the
 * mean and standard deviation (Rousseeuw & Croux 1993).
 *
 * When more than half the history is one value the MAD is 0; the scale then falls back to the
 * mean absolute deviation around the median times √(π/2) (as IBM SPSS Modeler and others do), and
 * when the history is constant any other value is infinitely far (±Infinity) and the value itself
 * scores 0. An empty history gives NaN.
 *
 * @example robustZ(2700, [100, 200, 300, 400, 500, 600, 700]) // (2700 − 400) / (1.4826 · 200) ≈ 7.757
 */
export function robustZ(x: number, history: ArrayLike<number>): number {
  if (history.length === 0) return Number.NaN;
  const m = median(history);
  const d = x - m;
  const mad = medianAbsoluteDeviation(history, m);
  if (mad > 0) return d / (MAD_SCALE * mad);
  let sum = 0;
  for (let i = 0; i < history.length; i++) sum += Math.abs(history[i]! - m);
  const meanAd = sum / history.length;
  if (meanAd > 0) return d / (MEAN_AD_SCALE * meanAd);
  return d === 0 ? 0 : d > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
