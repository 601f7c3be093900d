/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and real z ≤ 1, and the
 * special case ₂F₁(1, b; c; z) with its partial derivatives, which the Pareto/NBD likelihood needs.
 *
 * Strategy (Abramowitz & Stegun ch. 15):
 * - z < 0: Pfaff's transformation (A&S 15.3.4) maps z to z/(z − 1) ∈ (0, 1).
 * - 0 ≤ z ≤ 0.9: the power series (A&S 15.1.1), or the same series after Euler's transformation
 *   (A&S 15.3.3) when that one's terms fall off faster: the plain terms decay like n^(a+b−c−1) zⁿ,
 *   the Euler-transformed ones like n^(c−a−b−1) zⁿ.
 * - 0.9 < z < 1: the 1 − z connection formula (A&S 15.3.6), whose two series converge like
 *   (1 − z)ⁿ, unless c − a − b is within 0.05 of an integer (the formula's Γ-coefficients blow
 *   up there; A&S 15.3.10–12 are the limit forms): then the series with a large term budget.
 * - z = 1: Gauss's theorem (A&S 15.1.20) when c − a − b > 0.
 */

import { gammaSigned } from './special.js';

const EPS = 1e-16;
const MAX_TERMS = 2_000_000;

/**
 * Sums Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1. Stops when the remaining tail, bounded by the
 * current term times ρ/(1 − ρ) with ρ the larger of the current term ratio and z, is below
 * 1e-16 of the sum. Throws if `maxTerms` are not enough.
 */
function series(a: number, b: number, c: number, z: number, maxTerms: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    // The term ratio tends to z monotonically once n is past −a, −b and −c, so from there on
    // ρ = max(|ratio|, z) bounds every later ratio.
    const rho = Math.max(Math.abs(ratio), z);
    if (n > -a && n > -b && n > -c && rho < 1 && Math.abs(term) * rho <= EPS * (1 - rho) * Math.abs(sum)) {
      return sum;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): series did not converge in ${maxTerms} terms`);
}

/** The series for 0 ≤ z < 1, with Euler's transformation (A&S 15.3.3) when it converges faster. */
function seriesBest(a: number, b: number, c: number, z: number, maxTerms: number): number {
  // A&S 15.3.3: F(a, b; c; z) = (1 − z)^(c−a−b) F(c − a, c − b; c; z).
  if (a + b > c) return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z, maxTerms);
  return series(a, b, c, z, maxTerms);
}

/** Γ(c)Γ(d) / (Γ(e)Γ(f)) with signs; zero when e or f is a pole. */
function gammaRatio(c: number, d: number, e: number, f: number): number {
  const gc = gammaSigned(c);
  const gd = gammaSigned(d);
  const ge = gammaSigned(e);
  const gf = gammaSigned(f);
  if (ge.sign === 0 || gf.sign === 0) return 0;
  const sign = gc.sign * gd.sign * ge.sign * gf.sign;
  return sign * Math.exp(gc.logAbs + gd.logAbs - ge.logAbs - gf.logAbs);
}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for real a, b, c (c not 0, −1, −2, …) and
 * real z ≤ 1.
 *
 * @example
 * hyp2f1(1, 1, 2, 0.5); // −ln(1 − 0.5)/0.5 = 1.3862943611198906
 * hyp2f1(0.5, 2, 2, 0.3); // (1 − 0.3)^−0.5
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (![a, b, c, z].every(Number.isFinite)) return Number.NaN;
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`hyp2f1: c = ${c} is a pole (c must not be 0, −1, −2, …)`);
  }
  if (z > 1) throw new RangeError(`hyp2f1: z = ${z} > 1 is outside the real domain of the series`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z === 1) {
    // A&S 15.1.20 (Gauss): F(a, b; c; 1) = Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)) for c − a − b > 0.
    if (c - a - b <= 0) return Number.POSITIVE_INFINITY;
    return gammaRatio(c, c - a - b, c - a, c - b);
  }
  if (z < 0) {
    // A&S 15.3.4 (Pfaff): F(a, b; c; z) = (1 − z)^(−a) F(a, c − b; c; z/(z − 1)).
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  }
  const d = c - a - b;
  if (z <= 0.9 || Math.abs(d - Math.round(d)) < 0.05) return seriesBest(a, b, c, z, MAX_TERMS);
  // A&S 15.3.6: F(a,b;c;z) = Γ(c)Γ(d)/(Γ(c−a)Γ(c−b)) F(a, b; 1−d; 1−z)
  //                         + (1−z)^d Γ(c)Γ(−d)/(Γ(a)Γ(b)) F(c−a, c−b; 1+d; 1−z),  d = c − a − b.
  const w = 1 - z;
  const first = gammaRatio(c, d, c - a, c - b);
  const second = gammaRatio(c, -d, a, b);
  const f1 = first === 0 ? 0 : first * seriesBest(a, b, 1 - d, w, MAX_TERMS);
  const f2 = second === 0 ? 0 : second * Math.pow(w, d) * seriesBest(c - a, c - b, 1 + d, w, MAX_TERMS);
  return f1 + f2;
}

/** ₂F₁(1, b; c; z) and its partial derivatives in b, c and z (see {@link hyp2f1UnitA}). */
export interface UnitAHyp {
  value: number;
  dB: number;
  dC: number;
  dZ: number;
}

/**
 * G(b, c, z) = ₂F₁(1, b; c; z) = Σₙ (b)ₙ/(c)ₙ zⁿ for 0 < b < c and 0 ≤ z < 1, with ∂G/∂b,
 * ∂G/∂c and ∂G/∂z summed in the same loop, term by term:
 * ∂/∂b (b)ₙ = (b)ₙ Σ_{k<n} 1/(b+k), ∂/∂c 1/(c)ₙ = −1/(c)ₙ Σ_{k<n} 1/(c+k), ∂/∂z zⁿ = n zⁿ⁻¹.
 * All terms are positive and their ratio (b+n)z/(c+n) rises towards z, so the tail after term n is
 * at most term·z/(1 − z) (times the growing weights for the derivatives, hence the (n + 1)·… factor).
 *
 * Writes into `out` and returns it (no allocation, for the likelihood's inner loop). Leaves NaN
 * in every field when the sum has not converged within `maxTerms` (z very close to 1).
 */
export function hyp2f1UnitA(b: number, c: number, z: number, out: UnitAHyp, maxTerms = 200_000): UnitAHyp {
  let term = 1;
  let value = 1;
  let dB = 0;
  let dC = 0;
  let dZn = 0; // Σ n·termₙ; ∂G/∂z = that / z
  let hb = 0; // Σ_{k<n} 1/(b+k)
  let hc = 0; // Σ_{k<n} 1/(c+k)
  const tailFactor = z / (1 - z);
  for (let n = 0; n < maxTerms; n++) {
    const ib = 1 / (b + n);
    const ic = 1 / (c + n);
    hb += ib;
    hc += ic;
    term *= (b + n) * z * ic;
    value += term;
    dB += term * hb;
    dC -= term * hc;
    dZn += (n + 1) * term;
    if (term * tailFactor * (n + 2 + hb + hc) <= EPS * value || term === 0) {
      out.value = value;
      out.dB = dB;
      out.dC = dC;
      out.dZ = z === 0 ? b / c : dZn / z;
      return out;
    }
  }
  out.value = Number.NaN;
  out.dB = Number.NaN;
  out.dC = Number.NaN;
  out.dZ = Number.NaN;
  return out;
}
