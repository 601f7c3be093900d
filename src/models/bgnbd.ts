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
import { warmSpec } from './warm-start.js';
import { intColumn, valueIndexOrIdentity } from './value-index.js';

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
  const { x: xs, tx: txs, T: Ts, weight } = summary;
  const n = summary.length;
  const maxX = maxCount(xs, n);
  const tr = shiftTable(r, maxX);
  const tb = shiftTable(b, maxX);
  const tab = shiftTable(a + b, maxX);

  // Everything that depends on x alone, once per x from 0 to the largest (x is a count with few
  // distinct values): the x-part of ln A, its derivatives, and ln(b + x − 1), 1/(b + x − 1).
  const size = maxX + 1;
  const cx = new Float64Array(size);
  const crx = new Float64Array(size);
  const cbx = new Float64Array(size);
  const cabx = new Float64Array(size);
  const lnB1 = new Float64Array(size);
  const invB1 = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    cx[x] = lgammaShift(tr, r, x) + r * lnAlpha + lgammaShift(tb, b, x) - lgammaShift(tab, a + b, x);
    crx[x] = digammaShift(tr, r, x) + lnAlpha;
    cabx[x] = digammaShift(tab, a + b, x);
    cbx[x] = digammaShift(tb, b, x) - cabx[x]!;
    if (x > 0) {
      lnB1[x] = Math.log(b + x - 1);
      invB1[x] = 1 / (b + x - 1);
    }
  }
  // ln(α + T) and 1/(α + T) once per distinct T (and t_x) when times repeat, as whole days do.
  const ti = valueIndexOrIdentity(Ts, n);
  const txi = valueIndexOrIdentity(txs, n);
  const tIdx = ti.index;
  const txIdx = txi.index;
  const lnT = ti.values.map((t) => Math.log(alpha + t));
  const invT = ti.values.map((t) => 1 / (alpha + t));
  const lnTx = txi.values.map((t) => Math.log(alpha + t));
  const invTx = txi.values.map((t) => 1 / (alpha + t));
  const xi = intColumn(xs, n);

  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const x = xi[i]!;
    const w = weight[i]!;
    const k = tIdx[i]!;
    const lnAT = lnT[k]!;
    const iAT = invT[k]!;
    const rx = r + x;
    let li = cx[x]! - rx * lnAT;
    let dr = crx[x]! - lnAT;
    let dAlpha = r / alpha - rx * iAT;
    let da = -cabx[x]!;
    let db = cbx[x]!;
    if (x > 0) {
      const j = txIdx[i]!;
      const lnAtx = lnTx[j]!;
      const iAtx = invTx[j]!;
      const lnD = lnA - lnB1[x]! + rx * (lnAT - lnAtx);
      // ln(1 + e^lnD) and π = e^lnD / (1 + e^lnD), stable for either sign of lnD.
      const e = Math.exp(-Math.abs(lnD));
      const pi = lnD > 0 ? 1 / (1 + e) : e / (1 + e);
      li += (lnD > 0 ? lnD : 0) + Math.log1p(e);
      dr += pi * (lnAT - lnAtx);
      dAlpha += pi * rx * (iAT - iAtx);
      da += pi / a;
      db -= pi * invB1[x]!;
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
    ...warmSpec(summary, (sub, phi, grad) => bgnbdLogLikelihood(sub, phi, grad)),
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
