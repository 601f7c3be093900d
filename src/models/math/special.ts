/**
 * Special functions for the buy-till-you-die models: ln Γ, digamma, ln B and a signed Γ for real
 * arguments. Pure functions of numbers; no tables beyond a few constants.
 *
 * Method: shift the argument up with the recurrences Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x
 * (Abramowitz & Stegun 6.1.15, 6.3.5) until it is large, then sum the asymptotic series
 * (A&S 6.1.40 for ln Γ, 6.3.18 for ψ). With the shift to x ≥ 15 (ln Γ) and x ≥ 10 (ψ), the
 * first omitted term is below 1e-18, so the error is rounding only: about 1e-15 absolute for
 * ln Γ near its zeros at 1 and 2, and 1e-15 relative elsewhere.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln Γ(x) for x > 0 (any size: the series in 1/x is used from x = 15 up, so 1e300 is fine).
 * Returns +Infinity at 0 and NaN for negative or NaN input (use {@link gammaSigned} there).
 *
 * @example lgamma(0.5) // ln √π = 0.5723649429247001
 */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  // A&S 6.1.15 repeatedly: ln Γ(x) = ln Γ(x + k) − ln(x (x+1) … (x+k−1)).
  let prod = 1;
  let y = x;
  while (y < 15) {
    prod *= y;
    y += 1;
  }
  // A&S 6.1.40: ln Γ(y) ≈ (y − ½) ln y − y + ½ ln 2π + Σ B₂ₖ / (2k(2k−1) y^(2k−1)).
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 +
          inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 / 156))))));
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_TWO_PI + series - Math.log(prod);
}

/**
 * The digamma function ψ(x) = d ln Γ(x)/dx for x > 0 (NaN otherwise).
 *
 * @example digamma(1) // −γ (Euler–Mascheroni) = −0.5772156649015329
 */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  // A&S 6.3.5: ψ(x) = ψ(x + 1) − 1/x.
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += 1 / y;
    y += 1;
  }
  // A&S 6.3.18: ψ(y) ≈ ln y − 1/(2y) − Σ B₂ₖ / (2k y^(2k)).
  const inv2 = 1 / (y * y);
  const series =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 -
          inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))));
  return Math.log(y) - 0.5 / y - series - shift;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0 (A&S 6.2.2). */
export function logBeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** Γ(x) as a sign and ln |Γ(x)|, for any real x; `sign` is 0 at the poles (x = 0, −1, −2, …). */
export interface SignedLogGamma {
  sign: -1 | 0 | 1;
  logAbs: number;
}

/**
 * Γ(x) for every real x as sign and log-magnitude, by the reflection formula
 * Γ(x) Γ(1 − x) = π / sin(πx) (A&S 6.1.17) for x < ½. Needed by the analytic continuations of
 * ₂F₁, whose Γ-coefficients take negative arguments.
 */
export function gammaSigned(x: number): SignedLogGamma {
  if (Number.isNaN(x)) return { sign: 1, logAbs: Number.NaN };
  if (x > 0) return { sign: 1, logAbs: lgamma(x) };
  if (Number.isInteger(x)) return { sign: 0, logAbs: Number.POSITIVE_INFINITY };
  // sin(πx) with the argument reduced to [−½, ½] first, so that it stays accurate for large |x|.
  const k = Math.round(x);
  const s = Math.sin(Math.PI * (x - k)) * (k % 2 === 0 ? 1 : -1);
  return {
    sign: s > 0 ? 1 : -1,
    logAbs: Math.log(Math.PI) - Math.log(Math.abs(s)) - lgamma(1 - x),
  };
}
