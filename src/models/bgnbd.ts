/**
 * The BG/NBD model: Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an
 * alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284 (FHL below).
 *
 * While active, a customer buys as a Poisson process with rate λ; after each purchase they drop
 * out with probability p. Across customers λ ~ Gamma(r, α) (α a rate) and p ~ Beta(a, b).
 */

import { digammaShift, lgammaShift, maxCount, shiftTable } from './math/shift-table.js';
import { checkRfmFitData, startScales } from './fit-checks.js';
import { fitByMaximumLikelihood, type FitOptions, type ModelFit } from './fit-result.js';
import type { RfmSummary } from './summary.js';

/** BG/NBD parameters: λ ~ Gamma(r, α) with α a rate, p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A BG/NBD fit; `params` holds r, alpha, a, b. */
export interface BgNbdFit extends ModelFit {
  name: 'bgnbd';
  params: BgNbdParams & Record<string, number>;
}

/** The parameter order of the log-parameter vector φ = log(r, α, a, b). */
export const BGNBD_PARAMS = ['r', 'alpha', 'a', 'b'] as const;

/**
 * Weighted BG/NBD log-likelihood Σ wᵢ ln L(r, α, a, b | xᵢ, t_xᵢ, Tᵢ) and its gradient with
 * respect to φ = log(r, α, a, b), written into `grad` (length 4).
 *
 * FHL eq. (6):
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
 *     + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).
 * Since B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1), ln L = ln A + ln(1 + D) with
 *   ln A = ln Γ(r+x) − ln Γ(r) + r ln α + ln Γ(b+x) − ln Γ(a+b+x) − ln Γ(b) + ln Γ(a+b) − (r+x) ln(α+T),
 *   D = δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x),
 * evaluated as log1p(e^lnD) so that neither term under- nor overflows. The gradient differentiates
 * these two pieces: ∂ ln(1+D) = π ∂ ln D with π = D/(1+D), and ∂/∂φ = θ ∂/∂θ. The Γ and ψ
 * differences in x come from {@link shiftTable}.
 */
export function bgnbdLogLikelihood(
  summary: RfmSummary,
  logParams: ArrayLike<number>,
  grad?: Float64Array,
): number {
  const r = Math.exp(logParams[0]!);
  const alpha = Math.exp(logParams[1]!);
  const a = Math.exp(logParams[2]!);
  const b = Math.exp(logParams[3]!);
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const maxX = maxCount(summary.x, summary.length);
  const tr = shiftTable(r, maxX);
  const tb = shiftTable(b, maxX);
  const tab = shiftTable(a + b, maxX);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const { x: xs, tx: txs, T: Ts, weight } = summary;
  for (let i = 0; i < summary.length; i++) {
    const x = xs[i]!;
    const w = weight[i]!;
    const lnAT = Math.log(alpha + Ts[i]!);
    const rx = r + x;
    const dAB = digammaShift(tab, a + b, x);
    let li =
      lgammaShift(tr, r, x) + r * lnAlpha + lgammaShift(tb, b, x) - lgammaShift(tab, a + b, x) - rx * lnAT;
    let dr = digammaShift(tr, r, x) + lnAlpha - lnAT;
    let dAlpha = r / alpha - rx / (alpha + Ts[i]!);
    let da = -dAB;
    let db = digammaShift(tb, b, x) - dAB;
    if (x > 0) {
      const lnAtx = Math.log(alpha + txs[i]!);
      const lnD = lnA - Math.log(b + x - 1) + rx * (lnAT - lnAtx);
      // ln(1 + e^lnD) and π = e^lnD / (1 + e^lnD), stable for either sign of lnD.
      const pi = lnD > 0 ? 1 / (1 + Math.exp(-lnD)) : Math.exp(lnD) / (1 + Math.exp(lnD));
      li += lnD > 0 ? lnD + Math.log1p(Math.exp(-lnD)) : Math.log1p(Math.exp(lnD));
      dr += pi * (lnAT - lnAtx);
      dAlpha += pi * rx * (1 / (alpha + Ts[i]!) - 1 / (alpha + txs[i]!));
      da += pi / a;
      db -= pi / (b + x - 1);
    }
    ll += w * li;
    gr += w * dr;
    gAlpha += w * dAlpha;
    ga += w * da;
    gb += w * db;
  }
  if (grad) {
    grad[0] = r * gr;
    grad[1] = alpha * gAlpha;
    grad[2] = a * ga;
    grad[3] = b * gb;
  }
  return ll;
}

/**
 * Fits the BG/NBD model by maximum likelihood (FHL eq. 6) on a collapsed summary.
 * Throws `model_too_few_customers`, `model_no_repeat_buyers`, `model_no_observation_time` or
 * `model_not_converged` (see {@link checkRfmFitData} and {@link fitByMaximumLikelihood}).
 *
 * @example
 * const fit = fitBgNbd(collapseSummary(x, tx, T));
 * fit.params; // { r, alpha, a, b }
 */
export function fitBgNbd(summary: RfmSummary, options: FitOptions = {}): BgNbdFit {
  const customers = checkRfmFitData(summary, 'BG/NBD', options.minCustomers);
  const scale = startScales(summary);
  const fit = fitByMaximumLikelihood({
    name: 'bgnbd',
    paramNames: BGNBD_PARAMS,
    logLikelihood: (phi, grad) => bgnbdLogLikelihood(summary, phi, grad),
    defaultStarts: [
      { r: 1, alpha: scale.alpha, a: 1, b: 1 },
      { r: 0.3, alpha: 0.3 * scale.alpha, a: 0.5, b: 3 },
      { r: 3, alpha: 3 * scale.alpha, a: 2, b: 8 },
    ],
    customers,
    distinctRows: summary.length,
    warnings: [],
    options,
  });
  return fit as BgNbdFit;
}
