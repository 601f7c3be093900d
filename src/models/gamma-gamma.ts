/**
 * The Gamma-Gamma model of spend per transaction: Fader, Hardie & Lee (2005), "RFM and CLV: using
 * iso-value curves for customer base analysis", Journal of Marketing Research 42(4), 415–430, and
 * Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (brucehardie.com note 025, FH13).
 *
 * A customer's transaction values are Gamma(p, ν) (ν a rate, mean p/ν); across customers
 * ν ~ Gamma(q, γ). The model assumes spend per transaction is independent of purchase frequency,
 * which {@link fitGammaGamma} checks with the frequency–spend correlation.
 */

import { userError } from '../core/errors.js';
import { digamma, lgamma } from './math/special.js';
import { maxCount } from './math/shift-table.js';
import { fitByMaximumLikelihood, type FitOptions, type ModelFit } from './fit-result.js';
import type { SpendSummary } from './summary.js';
import { warmSpec } from './warm-start.js';
import { totalWeight } from './summary.js';

/** Gamma-Gamma parameters: transaction values ~ Gamma(p, ν), ν ~ Gamma(q, γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A Gamma-Gamma fit, with the customers left out of it. */
export interface GammaGammaFit extends ModelFit {
  name: 'gamma_gamma';
  params: GammaGammaParams & Record<string, number>;
  /** Repeat buyers whose mean spend was ≤ 0, not used. */
  excludedNonPositive: number;
  /** Weighted Pearson correlation between x and mean spend over the customers used. */
  frequencySpendCorrelation: number;
}

/** Options of {@link fitGammaGamma}. */
export interface GammaGammaOptions extends FitOptions {
  /** Warn when |corr(x, mean spend)| exceeds this (default 0.3). */
  correlationThreshold?: number;
}

/** The parameter order of φ = log(p, q, γ). */
export const GAMMA_GAMMA_PARAMS = ['p', 'q', 'gamma'] as const;

/**
 * Weighted Gamma-Gamma log-likelihood over repeat buyers' (x, z̄) rows, FH13 eq. (5):
 *   f(z̄ | p, q, γ; x) = Γ(px+q) / (Γ(px)Γ(q)) · γ^q z̄^(px−1) x^(px) / (γ + x z̄)^(px+q),
 * and its gradient in φ = log(p, q, γ) written into `grad` (length 3):
 *   ∂/∂p = x[ψ(px+q) − ψ(px) + ln(x z̄) − ln(γ + x z̄)],  ∂/∂q = ψ(px+q) − ψ(q) + ln γ − ln(γ + x z̄),
 *   ∂/∂γ = q/γ − (px+q)/(γ + x z̄).
 */
export function gammaGammaLogLikelihood(
  summary: SpendSummary,
  logParams: ArrayLike<number>,
  grad?: Float64Array,
): number {
  const p = Math.exp(logParams[0]!);
  const q = Math.exp(logParams[1]!);
  const g = Math.exp(logParams[2]!);
  const lnG = Math.log(g);
  const lgq = lgamma(q);
  const psiQ = digamma(q);
  const n = summary.length;
  const { lnXz, lnZ } = spendLogs(summary);
  // ln Γ(px+q) − ln Γ(px) − ln Γ(q) and the ψ terms depend on x alone: once per x up to the
  // largest (x is a count with few distinct values).
  const size = maxCount(summary.x, n) + 1;
  const cx = new Float64Array(size);
  const dpx = new Float64Array(size);
  const dqx = new Float64Array(size);
  for (let x = 1; x < size; x++) {
    const px = p * x;
    const psiPxq = digamma(px + q);
    cx[x] = lgamma(px + q) - lgamma(px) - lgq;
    dpx[x] = x * (psiPxq - digamma(px));
    dqx[x] = psiPxq - psiQ;
  }
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let i = 0; i < n; i++) {
    const x = summary.x[i]!;
    const w = summary.weight[i]!;
    const px = p * x;
    const xz = x * summary.mbar[i]!;
    const lnGxz = Math.log(g + xz);
    ll += w * (cx[x]! + q * lnG + px * lnXz[i]! - lnZ[i]! - (px + q) * lnGxz);
    gp += w * (dpx[x]! + x * (lnXz[i]! - lnGxz));
    gq += w * (dqx[x]! + lnG - lnGxz);
    gg += w * (q / g - (px + q) / (g + xz));
  }
  if (grad) {
    grad[0] = p * gp;
    grad[1] = q * gq;
    grad[2] = g * gg;
  }
  return ll;
}

const logsCache = new WeakMap<Float64Array, { lnXz: Float64Array; lnZ: Float64Array }>();

/** ln(x z̄) and ln z̄ of every row: fixed for a summary, so computed once and cached. */
function spendLogs(s: SpendSummary): { lnXz: Float64Array; lnZ: Float64Array } {
  const hit = logsCache.get(s.mbar);
  if (hit && hit.lnZ.length === s.length) return hit;
  const lnXz = new Float64Array(s.length);
  const lnZ = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) {
    lnZ[i] = Math.log(s.mbar[i]!);
    lnXz[i] = Math.log(s.x[i]!) + lnZ[i]!;
  }
  const logs = { lnXz, lnZ };
  logsCache.set(s.mbar, logs);
  return logs;
}

/** Weighted Pearson correlation of x and mean spend (NaN when either is constant). */
export function frequencySpendCorrelation(s: SpendSummary): number {
  const w = totalWeight(s);
  let mx = 0;
  let mz = 0;
  for (let i = 0; i < s.length; i++) {
    mx += s.weight[i]! * s.x[i]!;
    mz += s.weight[i]! * s.mbar[i]!;
  }
  mx /= w;
  mz /= w;
  let sxx = 0;
  let szz = 0;
  let sxz = 0;
  for (let i = 0; i < s.length; i++) {
    const dx = s.x[i]! - mx;
    const dz = s.mbar[i]! - mz;
    sxx += s.weight[i]! * dx * dx;
    szz += s.weight[i]! * dz * dz;
    sxz += s.weight[i]! * dx * dz;
  }
  return sxx > 0 && szz > 0 ? sxz / Math.sqrt(sxx * szz) : Number.NaN;
}

/**
 * Fits the Gamma-Gamma model on repeat buyers' (x, mean spend) rows from
 * {@link collapseSpendSummary}. Throws `model_no_positive_spend` when no repeat buyer has a
 * positive mean spend, `model_too_few_customers` below `minCustomers` (default 10) and
 * `model_not_converged`. Warns when customers were excluded for spend ≤ 0 and when
 * |corr(x, spend)| exceeds `correlationThreshold` (the model's independence assumption).
 */
export function fitGammaGamma(summary: SpendSummary, options: GammaGammaOptions = {}): GammaGammaFit {
  const customers = totalWeight(summary);
  if (customers === 0) {
    const why =
      summary.excludedNonPositive > 0
        ? `all ${summary.excludedNonPositive} repeat buyers have a mean spend <= 0`
        : 'there are no repeat buyers';
    throw userError('model_no_positive_spend', `Gamma-Gamma: ${why}, so there is no spend to model`, {
      hint: 'check the monetary column (net of returns? in the right unit?) and that repeat purchases exist',
    });
  }
  const minCustomers = options.minCustomers ?? 10;
  if (customers < minCustomers) {
    throw userError(
      'model_too_few_customers',
      `Gamma-Gamma needs at least ${minCustomers} repeat buyers with positive spend, got ${customers}`,
      { hint: 'fit on a larger customer base' },
    );
  }
  const warnings: string[] = [];
  if (summary.excludedNonPositive > 0) {
    warnings.push(`${summary.excludedNonPositive} repeat buyers with mean spend <= 0 were excluded`);
  }
  const rho = frequencySpendCorrelation(summary);
  const threshold = options.correlationThreshold ?? 0.3;
  if (Math.abs(rho) > threshold) {
    warnings.push(
      `frequency and mean spend are correlated (Pearson r = ${rho.toFixed(3)} > ${threshold}); ` +
        'the Gamma-Gamma model assumes they are independent, so its spend predictions may be biased',
    );
  }
  let meanZ = 0;
  for (let i = 0; i < summary.length; i++) meanZ += summary.weight[i]! * summary.mbar[i]!;
  meanZ /= customers;
  // Population mean spend is pγ/(q−1): start at the observed mean with different spreads.
  const fit = fitByMaximumLikelihood({
    name: 'gamma_gamma',
    paramNames: GAMMA_GAMMA_PARAMS,
    logLikelihood: (phi, grad) => gammaGammaLogLikelihood(summary, phi, grad),
    ...warmSpec(summary, (sub, phi, grad) => gammaGammaLogLikelihood(sub, phi, grad)),
    defaultStarts: [
      { p: 1, q: 2, gamma: meanZ },
      { p: 5, q: 4, gamma: 0.6 * meanZ },
      { p: 0.5, q: 1.5, gamma: meanZ },
    ],
    customers,
    distinctRows: summary.length,
    warnings,
    options,
  });
  return {
    ...(fit as GammaGammaFit),
    excludedNonPositive: summary.excludedNonPositive,
    frequencySpendCorrelation: rho,
  };
}

/**
 * Expected mean transaction value of a customer given x repeat transactions with mean value z̄
 * (FH13 eq. 6): E[M | p, q, γ, x, z̄] = p(γ + x z̄)/(px + q − 1)
 *   = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄,
 * a weighted average of the population mean pγ/(q−1) and the customer's own mean. With x = 0
 * it is the population mean (needs q > 1, else +∞ is meaningless and NaN is returned).
 */
export function gammaGammaConditionalSpend(params: GammaGammaParams, x: number, mbar: number): number {
  const { p, q, gamma } = params;
  const den = p * x + q - 1;
  if (!(den > 0)) return Number.NaN;
  return (p * (gamma + x * (x > 0 ? mbar : 0))) / den;
}
