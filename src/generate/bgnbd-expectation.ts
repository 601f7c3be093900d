/**
 * Closed-form moments of the BG/NBD model, used to check that the generator simulates the model
 * it claims to (and available to whoever needs E[X(t)] without fitting anything).
 */

/** BG/NBD parameters: λ ~ Gamma(r, α) (rate α), p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series
 * Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, for 0 ≤ z < 1. The series converges for |z| < 1; near 1 it needs
 * many terms (about −log(ε)/−log(z) beyond the peak), which is fine for the z = t/(α + t) of
 * sensible BG/NBD parameters.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 series needs 0 <= z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 10_000_000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    // Stop once the terms are negligible and shrinking (the ratio tends to z < 1).
    if (Math.abs(term) < 1e-15 * Math.abs(sum) && n > a + b) return sum;
  }
  throw new Error(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge`);
}

/**
 * Expected number of repeat purchases in (0, t] of a customer who made a first purchase at 0,
 * Fader, Hardie & Lee (2005), "'Counting your customers' the easy way", Marketing Science 24(2),
 * eq. (9):
 *
 *   E[X(t)] = (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r · ₂F₁(r, b; a + b − 1; t/(α + t))]
 *
 * The expression has a removable singularity at a = 1; within 1e-6 of it the mean of the values at
 * a ± 1e-5 is returned (the error of that mean is of order 1e-10).
 */
export function bgnbdExpectedRepeats(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  if (Math.abs(a - 1) < 1e-6) {
    return (
      (bgnbdExpectedRepeats({ ...params, a: 1 - 1e-5 }, t) +
        bgnbdExpectedRepeats({ ...params, a: 1 + 1e-5 }, t)) /
      2
    );
  }
  const z = t / (alpha + t);
  const lead = Math.pow(alpha / (alpha + t), r);
  return ((a + b - 1) / (a - 1)) * (1 - lead * hyp2f1(r, b, a + b - 1, z));
}
