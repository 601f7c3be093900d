import type { RfmScores } from '../models/bgnbd-score.js';
import { MONTH_DAYS, unitDays, type ModelSettings } from './settings.js';

/**
 * The monthly steps of the CLV sum in the model's time unit: t_m = min(m, H) months for
 * m = 1 … ⌈H⌉, so a fractional horizon ends on its last partial month.
 */
export function monthlyHorizons(s: ModelSettings): number[] {
  const steps = Math.ceil(s.horizonMonths - 1e-9);
  const perMonth = MONTH_DAYS / unitDays(s.timeUnit);
  return Array.from({ length: steps }, (_, i) => Math.min(i + 1, s.horizonMonths) * perMonth);
}

/** The monthly discount rate equivalent to an annual one: (1 + d)^(1/12) − 1. */
export function monthlyRate(annual: number): number {
  return Math.pow(1 + annual, 1 / 12) - 1;
}

/**
 * Discounted expected purchases over the horizon, per customer:
 *   DEP = Σ_{m=1}^{⌈H⌉} (E[Y(t_m)] − E[Y(t_{m−1})]) / (1 + δ)^m,  E[Y(t_0)] = 0,
 * with E[Y(t)] the purchase model's conditional expectation (BG/NBD: Fader, Hardie & Lee 2005,
 * eq. 10) and δ the monthly discount rate. Purchases within a month are discounted at its end.
 * CLV is DEP times the expected spend per purchase (Gamma-Gamma), the usual discrete-time form
 * of Fader, Hardie & Lee (2005, JMR) eq. (2) when spend is independent of the purchase process.
 */
export function discountedPurchases(scores: RfmScores, annualRate: number): Float64Array {
  const n = scores.pAlive.length;
  const out = new Float64Array(n);
  const delta = monthlyRate(annualRate);
  const factors = scores.expected.map((_, m) => Math.pow(1 + delta, -(m + 1)));
  for (let i = 0; i < n; i++) {
    let prev = 0;
    let sum = 0;
    for (let m = 0; m < scores.expected.length; m++) {
      const e = scores.expected[m]![i]!;
      sum += (e - prev) * factors[m]!;
      prev = e;
    }
    out[i] = sum;
  }
  return out;
}
