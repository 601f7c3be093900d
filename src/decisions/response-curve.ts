/**
 * The expected incremental value of spending on a segment: a concave (diminishing-returns)
 * response curve. Pure.
 */
import type { ActionAssumptions } from './actions.js';

/**
 * value(x) = vMax × (1 − exp(−x / scale)).
 *
 * - `vMax` = customers × response_rate × uplift per responder: the value if every customer were
 *   reached as often as it takes;
 * - `scale` = customers × cost_per_customer: the cost of treating every customer once. Spending
 *   `scale` earns 1 − 1/e ≈ 63 % of vMax; each further unit earns less than the one before.
 *
 * This is the modified-exponential sales-response function of the market-response literature
 * (Hanssens, Parsons & Schultz, *Market Response Models*, 2nd ed., Kluwer 2001, §3.1; Lilien,
 * Kotler & Moorthy, *Marketing Models*, Prentice Hall 1992, ch. 6): concave in spend, saturating,
 * with a finite return of the first unit, vMax / scale = response_rate × uplift / cost_per_customer.
 */
export interface ResponseCurve {
  vMax: number;
  scale: number;
}

/** The curve of a segment of `customers` with `stakePerCustomer` at stake under an action. */
export function responseCurve(
  customers: number,
  stakePerCustomer: number,
  a: Pick<ActionAssumptions, 'cost_per_customer' | 'response_rate' | 'uplift_per_responder' | 'uplift_share'>,
): ResponseCurve {
  const uplift = a.uplift_per_responder ?? a.uplift_share * Math.max(0, stakePerCustomer);
  const vMax = customers * a.response_rate * uplift;
  const scale = customers * a.cost_per_customer;
  return { vMax: Number.isFinite(vMax) && vMax > 0 ? vMax : 0, scale: scale > 0 ? scale : 0 };
}

/** Expected incremental value of spending `x` (0 for a curve that cannot respond). */
export function curveValue(c: ResponseCurve, x: number): number {
  if (c.vMax <= 0 || c.scale <= 0 || x <= 0) return 0;
  return c.vMax * -Math.expm1(-x / c.scale);
}

/** Value of the next unit of currency after spending `x`: vMax / scale × exp(−x / scale). */
export function marginalValue(c: ResponseCurve, x: number): number {
  if (c.vMax <= 0 || c.scale <= 0) return 0;
  return (c.vMax / c.scale) * Math.exp(-Math.max(0, x) / c.scale);
}
