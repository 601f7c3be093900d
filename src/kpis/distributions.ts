/**
 * The normal and Student t distributions that the KPI intervals and tests need: CDFs accurate to
 * about 1e-15 relative (tails included, so small p-values are right) and quantiles. Pure functions,
 * no dependencies.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * The complementary error function erfc(x) = (2/√π) ∫ₓ^∞ e^{−t²} dt.
 *
 * For |x| < ½: erf(x) = (2/√π) e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3·5···(2n+1)) (Abramowitz & Stegun
 * 7.1.6), a series of positive terms (no cancellation), and erfc = 1 − erf (≥ 0.48, so the
 * subtraction loses nothing). For x ≥ ½ the
 * continued fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …))))) (A&S 7.1.14),
 * evaluated by the modified Lentz method (Press et al., Numerical Recipes, 3rd ed., §5.2), which
 * keeps full relative accuracy far into the tail.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0; // e^{−729} underflows
  // Lentz: f = b0 + a1/(b1 + a2/(b2 + …)) with b_k = x, a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let k = 1; k < 2000; k++) {
    const a = k / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** The standard normal CDF Φ(z) = ½ erfc(−z/√2). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** The standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

// Acklam's rational approximations (P. J. Acklam, "An algorithm for computing the inverse normal
// cumulative distribution function", 2003; relative error < 1.15e-9), refined below.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/**
 * The standard normal quantile Φ⁻¹(p): Acklam's algorithm, then one Halley step on Φ (as Acklam
 * recommends), which brings the relative error to about machine precision.
 *
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // Halley step: e = Φ(x) − p, u = e·√(2π)·e^{x²/2}, x ← x − u/(1 + x·u/2). In the upper tail
  // Φ(x) − p is computed as (1 − p) − Φ(−x), so that the tail area loses no digits.
  const e = p > 0.5 ? 1 - p - normalCdf(-x) : normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * The CDF of Student's t with an integer number of degrees of freedom ν ≥ 1, in closed form
 * (Abramowitz & Stegun 26.7.3 and 26.7.4). With θ = atan(t/√ν), A(t|ν) = P(|T| < |t|) is
 *
 * - ν odd:  (2/π)·[θ + sinθ·(cosθ + (2/3)cos³θ + … + (2·4···(ν−3))/(1·3···(ν−2))·cos^{ν−2}θ)]
 *   (just (2/π)θ for ν = 1);
 * - ν even: sinθ·[1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3···(ν−3))/(2·4···(ν−2))·cos^{ν−2}θ].
 *
 * The tail is computed from the complement of A, so very small tail areas lose digits; that only
 * matters for p-values far below any significance level. Above 1e5 degrees of freedom the normal
 * CDF is used.
 */
export function tCdf(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`tCdf needs an integer df >= 1, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df > 1e5) return normalCdf(t);
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const c2 = c * c;
  let a: number;
  if (df % 2 === 1) {
    let sum = 0;
    if (df > 1) {
      let term = c;
      sum = term;
      for (let k = 3; k <= df - 2; k += 2) {
        term *= (c2 * (k - 1)) / k;
        sum += term;
      }
    }
    a = (2 / Math.PI) * (theta + s * sum);
  } else {
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    a = s * sum;
  }
  const tail = (1 - a) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t with integer degrees of freedom ν ≥ 1: the root of tCdf(t, ν) = p,
 * bracketed and found by bisection to full double precision (the CDF is exact, so is the root).
 *
 * @example tQuantile(0.975, 10) // 2.228138851986274
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df > 1e5) return normalQuantile(p);
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The two-sided critical value for a `confidence` interval on an estimate over `n` observations:
 * Student's t with n − 1 degrees of freedom when n < 30, the normal quantile otherwise (the
 * convention the KPI intervals follow; see CONTEXT.md).
 */
export function criticalValue(confidence: number, n: number): number {
  const p = (1 + confidence) / 2;
  return n < 30 && n >= 2 ? tQuantile(p, n - 1) : normalQuantile(p);
}

/** The two-sided p-value of a z statistic: 2·(1 − Φ(|z|)) = erfc(|z|/√2). */
export function twoSidedNormalP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, erfc(Math.abs(z) / SQRT2));
}

/** The two-sided p-value of a t statistic with integer df. */
export function twoSidedTP(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}
