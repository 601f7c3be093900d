/**
 * The Pareto/NBD model: Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are
 * they and what will they do next?", Management Science 33(1), 1–24; likelihood as derived in
 * Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related expressions"
 * (brucehardie.com note 009, FH05 below).
 *
 * While alive, a customer buys as a Poisson process with rate λ; their lifetime is exponential
 * with rate μ. Across customers λ ~ Gamma(r, α) and μ ~ Gamma(s, β) (α, β rates).
 *
 * Likelihood (FH05 eqs. 3–4 integrated over the gamma mixing distributions):
 *   L = Γ(r+x) α^r β^s / Γ(r) · [ E(T) + s·(H(t_x) − H(T)) ],   E(y) = (α+y)^−(r+x) (β+y)^−s,
 *   H(y) = ∫_y^∞ (α+τ)^−(r+x) (β+τ)^−(s+1) dτ,
 * the second term being "died at τ ∈ (t_x, T]". Writing (β+τ) = (α+τ)(1 − w) with w = (α−β)/(α+τ)
 * (α ≥ β; with the roles swapped when α < β) and integrating the binomial series term by term gives
 * FH05 eq. (22)'s ₂F₁(r+s+x, s+1; r+s+x+1; w) forms; after Euler's transformation (A&S 15.3.3):
 *   α ≥ β:  H(y) = E(y) · G(r+x, r+s+x+1; (α−β)/(α+y)) / (r+s+x),
 *   α < β:  H(y) = E(y) · (α+y)/(β+y) · G(s+1, r+s+x+1; (β−α)/(β+y)) / (r+s+x),
 * with G(b, c; w) = ₂F₁(1, b; c; w) = Σ (b)ₙ/(c)ₙ wⁿ, a positive series whose parameter
 * derivatives we sum alongside ({@link hyp2f1UnitA}). So the gradient is analytic, not numerical.
 * Everything is carried in logs: E(y) underflows for frequent buyers.
 */

import { digammaShift, lgammaShift, maxCount, shiftTable } from './math/shift-table.js';
import { hyp2f1UnitA, type UnitAHyp } from './math/hyp2f1.js';
import { checkRfmFitData, startScales } from './fit-checks.js';
import { fitByMaximumLikelihood, type FitOptions, type ModelFit } from './fit-result.js';
import type { RfmSummary } from './summary.js';
import { warmSpec } from './warm-start.js';

/** Pareto/NBD parameters: λ ~ Gamma(r, α), μ ~ Gamma(s, β), α and β rates. */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** A Pareto/NBD fit; `params` holds r, alpha, s, beta. */
export interface ParetoNbdFit extends ModelFit {
  name: 'pareto_nbd';
  params: ParetoNbdParams & Record<string, number>;
}

/** The parameter order of the log-parameter vector φ = log(r, α, s, β). */
export const PARETO_NBD_PARAMS = ['r', 'alpha', 's', 'beta'] as const;

/**
 * ln H(y) − ln E(y) (see the file comment) and, when `d` is given, its partial derivatives in
 * (r, α, s, β) added into d. Returns NaN if the series did not converge (w within ~1e-5 of 1).
 */
function logHOverE(p: ParetoNbdParams, x: number, y: number, hyp: UnitAHyp, d: Float64Array | null): number {
  const { r, alpha, s, beta } = p;
  const m = r + x + s;
  if (alpha >= beta) {
    const w = (alpha - beta) / (alpha + y);
    hyp2f1UnitA(r + x, m + 1, w, hyp);
    if (d) {
      const gb = hyp.dB / hyp.value;
      const gc = hyp.dC / hyp.value;
      const gz = hyp.dZ / hyp.value;
      d[0] = d[0]! + gb + gc - 1 / m;
      d[1] = d[1]! + (gz * (beta + y)) / ((alpha + y) * (alpha + y));
      d[2] = d[2]! + gc - 1 / m;
      d[3] = d[3]! - gz / (alpha + y);
    }
    return Math.log(hyp.value) - Math.log(m);
  }
  const w = (beta - alpha) / (beta + y);
  hyp2f1UnitA(s + 1, m + 1, w, hyp);
  if (d) {
    const gb = hyp.dB / hyp.value;
    const gc = hyp.dC / hyp.value;
    const gz = hyp.dZ / hyp.value;
    d[0] = d[0]! + gc - 1 / m;
    d[1] = d[1]! - gz / (beta + y) + 1 / (alpha + y);
    d[2] = d[2]! + gb + gc - 1 / m;
    d[3] = d[3]! + (gz * (alpha + y)) / ((beta + y) * (beta + y)) - 1 / (beta + y);
  }
  return Math.log(hyp.value) - Math.log(m) + Math.log(alpha + y) - Math.log(beta + y);
}

/** ln E(y) = −(r+x) ln(α+y) − s ln(β+y); its partials are written (not added) into d. */
function logE(p: ParetoNbdParams, x: number, y: number, d: Float64Array | null): number {
  const la = Math.log(p.alpha + y);
  const lb = Math.log(p.beta + y);
  if (d) {
    d[0] = -la;
    d[1] = -(p.r + x) / (p.alpha + y);
    d[2] = -lb;
    d[3] = -p.s / (p.beta + y);
  }
  return -(p.r + x) * la - p.s * lb;
}

/** Scratch space for {@link paretoNbdLogBracket}, reusable across rows. */
export interface ParetoNbdScratch {
  hyp: UnitAHyp;
  dE: Float64Array;
  dH1: Float64Array;
  dH2: Float64Array;
}

/** Fresh scratch space for {@link paretoNbdLogBracket}. */
export function paretoNbdScratch(): ParetoNbdScratch {
  return {
    hyp: { value: 0, dB: 0, dC: 0, dZ: 0 },
    dE: new Float64Array(4),
    dH1: new Float64Array(4),
    dH2: new Float64Array(4),
  };
}

/**
 * ln of the likelihood's bracket, ln[E(T) + s(H(t_x) − H(T))], and P(alive) = E(T)/bracket.
 * When `grad` is given, adds the bracket's log-derivatives in (r, α, s, β) times `weight` into it.
 */
export function paretoNbdLogBracket(
  p: ParetoNbdParams,
  x: number,
  tx: number,
  T: number,
  work: ParetoNbdScratch,
  grad: Float64Array | null = null,
  weight = 1,
): { logBracket: number; pAlive: number } {
  const { dE, dH1, dH2 } = work;
  const lE = logE(p, x, T, grad && dE);
  if (!(tx < T)) {
    // Last purchase at T: the customer cannot have died in (t_x, T], the bracket is E(T).
    if (grad) for (let k = 0; k < 4; k++) grad[k] = grad[k]! + weight * dE[k]!;
    return { logBracket: lE, pAlive: 1 };
  }
  if (grad) dH2.set(dE);
  const lh2 = lE + logHOverE(p, x, T, work.hyp, grad && dH2);
  const lh1 = logE(p, x, tx, grad && dH1) + logHOverE(p, x, tx, work.hyp, grad && dH1);
  // ln J = ln(H(t_x) − H(T)); H decreases in y, so lh2 < lh1 up to rounding.
  const lnJ = lh2 < lh1 ? lh1 + Math.log1p(-Math.exp(lh2 - lh1)) : Number.NEGATIVE_INFINITY;
  const lsJ = Math.log(p.s) + lnJ;
  const mx = Math.max(lE, lsJ);
  const logBracket = mx + Math.log(Math.exp(lE - mx) + Math.exp(lsJ - mx));
  const wE = Math.exp(lE - logBracket);
  if (grad && Number.isFinite(logBracket)) {
    // d ln B = ωE d ln E(T) + ω₁ d ln H(t_x) − ω₂ d ln H(T) + (sJ/B) / s · ds.
    const w1 = weight * Math.exp(Math.log(p.s) + lh1 - logBracket);
    const w2 = weight * Math.exp(Math.log(p.s) + lh2 - logBracket);
    for (let k = 0; k < 4; k++) grad[k] = grad[k]! + weight * wE * dE[k]! + w1 * dH1[k]! - w2 * dH2[k]!;
    grad[2] = grad[2]! + (weight * Math.exp(lsJ - logBracket)) / p.s;
  }
  return { logBracket, pAlive: wE };
}

/** Natural parameters from φ = log(r, α, s, β). */
function fromLog(phi: ArrayLike<number>): ParetoNbdParams {
  return { r: Math.exp(phi[0]!), alpha: Math.exp(phi[1]!), s: Math.exp(phi[2]!), beta: Math.exp(phi[3]!) };
}

/**
 * Weighted Pareto/NBD log-likelihood Σ wᵢ ln Lᵢ at φ = log(r, α, s, β), with the analytic
 * gradient in φ written into `grad` (length 4) when given. See the file comment for the formula.
 */
export function paretoNbdLogLikelihood(
  summary: RfmSummary,
  logParams: ArrayLike<number>,
  grad?: Float64Array,
): number {
  const p = fromLog(logParams);
  const { r, alpha, s, beta } = p;
  const lnAlpha = Math.log(alpha);
  const lnBeta = Math.log(beta);
  const base = r * lnAlpha + s * lnBeta;
  const tr = shiftTable(r, maxCount(summary.x, summary.length));
  const g = grad ? new Float64Array(4) : null;
  const work = paretoNbdScratch();
  let ll = 0;
  let totalW = 0;
  let dPrefixR = 0;
  for (let i = 0; i < summary.length; i++) {
    const x = summary.x[i]!;
    const w = summary.weight[i]!;
    const { logBracket } = paretoNbdLogBracket(p, x, summary.tx[i]!, summary.T[i]!, work, g, w);
    ll += w * (base + lgammaShift(tr, r, x) + logBracket);
    totalW += w;
    if (g) dPrefixR += w * digammaShift(tr, r, x);
  }
  if (grad && g) {
    // Prefix Γ(r+x) α^r β^s / Γ(r): ∂r = ψ(r+x) − ψ(r) + ln α, ∂α = r/α, ∂s = ln β, ∂β = s/β.
    grad[0] = r * (g[0]! + dPrefixR + totalW * lnAlpha);
    grad[1] = alpha * (g[1]! + (totalW * r) / alpha);
    grad[2] = s * (g[2]! + totalW * lnBeta);
    grad[3] = beta * (g[3]! + (totalW * s) / beta);
  }
  return ll;
}

/**
 * Fits the Pareto/NBD model by maximum likelihood on a collapsed summary. The likelihood is flat
 * along a ridge in (s, β), so several starts are tried and the gradient tolerance is tight.
 * Throws the same `UserError` codes as {@link fitBgNbd}.
 */
export function fitParetoNbd(summary: RfmSummary, options: FitOptions = {}): ParetoNbdFit {
  const customers = checkRfmFitData(summary, 'Pareto/NBD', options.minCustomers);
  const scale = startScales(summary);
  const fit = fitByMaximumLikelihood({
    name: 'pareto_nbd',
    paramNames: PARETO_NBD_PARAMS,
    logLikelihood: (phi, grad) => paretoNbdLogLikelihood(summary, phi, grad),
    ...warmSpec(summary, (sub, phi, grad) => paretoNbdLogLikelihood(sub, phi, grad)),
    defaultStarts: [
      { r: 1, alpha: scale.alpha, s: 1, beta: scale.T },
      { r: 0.5, alpha: 0.5 * scale.alpha, s: 0.5, beta: 0.5 * scale.T },
      { r: 2, alpha: 2 * scale.alpha, s: 2, beta: 4 * scale.T },
    ],
    customers,
    distinctRows: summary.length,
    warnings: [],
    options,
  });
  return fit as ParetoNbdFit;
}
