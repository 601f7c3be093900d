/**
 * Pareto/NBD predictions: unconditional expected purchases, P(alive) and the conditional
 * expectation, per customer or vectorised. Sources: Schmittlein, Morrison & Colombo (1987),
 * Management Science 33(1), eqs. (11), (13), (22); Fader & Hardie (2005) note "A note on deriving the
 * Pareto/NBD model and related expressions" (FH05), eqs. (17), (19), (27).
 */

import { paretoNbdLogBracket, paretoNbdScratch, type ParetoNbdParams } from './pareto-nbd.js';
import type { RfmScores } from './bgnbd-score.js';

/**
 * (1 − (c/(c+t))^(s−1)) / (s − 1) = −expm1(−(s−1)·ln(1 + t/c)) / (s − 1), with its limit
 * ln(1 + t/c) at s = 1.
 */
function lifetimeFactor(s: number, c: number, t: number): number {
  const l = Math.log1p(t / c);
  return Math.abs(s - 1) < 1e-12 ? l : -Math.expm1(-(s - 1) * l) / (s - 1);
}

/**
 * Unconditional expected number of repeat purchases in (0, t] (FH05 eq. 17):
 * E[X(t)] = rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)].
 */
export function paretoNbdExpectedTransactions(p: ParetoNbdParams, t: number): number {
  if (!(t > 0)) return 0;
  return ((p.r * p.beta) / p.alpha) * lifetimeFactor(p.s, p.beta, t);
}

/**
 * P(alive at T | x, t_x, T) (FH05 eq. 19): the share of the likelihood from "still alive at T",
 * E(T) / [E(T) + s(H(t_x) − H(T))] in the notation of {@link paretoNbdLogLikelihood}.
 */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  return paretoNbdLogBracket(p, x, tx, T, paretoNbdScratch()).pAlive;
}

/**
 * Expected purchases in (T, T+t] given (x, t_x, T) (FH05 eq. 27):
 * E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive).
 */
export function paretoNbdConditionalExpected(
  p: ParetoNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (!(t > 0)) return 0;
  const ifAlive = (((p.r + x) * (p.beta + T)) / (p.alpha + T)) * lifetimeFactor(p.s, p.beta + T, t);
  return ifAlive * paretoNbdPAlive(p, x, tx, T);
}

/**
 * Scores every customer: P(alive) and E[Y(t) | x, t_x, T] for each horizon t, the same shape as
 * {@link scoreBgNbd}. Allocates only the output arrays (and one scratch object).
 */
export function scoreParetoNbd(
  p: ParetoNbdParams,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  horizons: readonly number[],
): RfmScores {
  const n = x.length;
  if (tx.length !== n || T.length !== n)
    throw new RangeError('scoreParetoNbd: x, tx and T must have the same length');
  const params: ParetoNbdParams = { r: p.r, alpha: p.alpha, s: p.s, beta: p.beta };
  const work = paretoNbdScratch();
  const pAlive = new Float64Array(n);
  const expected = horizons.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const Ti = T[i]!;
    const pa = paretoNbdLogBracket(params, xi, tx[i]!, Ti, work).pAlive;
    pAlive[i] = pa;
    const scale = (((params.r + xi) * (params.beta + Ti)) / (params.alpha + Ti)) * pa;
    for (let h = 0; h < horizons.length; h++) {
      const t = horizons[h]!;
      expected[h]![i] = t > 0 ? scale * lifetimeFactor(params.s, params.beta + Ti, t) : 0;
    }
  }
  return { pAlive, expected };
}
