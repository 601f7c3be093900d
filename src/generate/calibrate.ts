import { userError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { AcquisitionCalendar } from './acquisition.js';
import { SECONDS_PER_WEEK } from './calendar.js';
import type { Persona } from './personas.js';

/** Customers in the pilot sample: the calibration error is about 1/√n of the spread. */
const PILOT_CUSTOMERS = 50_000;

/**
 * A pilot sample of the customers the generator will draw, reduced to what the expected number
 * of completed orders depends on. With common random numbers the expected count is a smooth,
 * decreasing function of the scale applied to every persona's α, so a bisection finds the scale.
 */
export class OrdersPilot {
  private readonly persona: Uint8Array;
  /** λ·α, i.e. λ drawn with α = 1: the purchase rate is unitRate / (α · scale). */
  private readonly unitRate: Float64Array;
  private readonly dropout: Float64Array;
  /** Weeks from the first purchase to the end; −1 for customers who never buy. */
  private readonly weeks: Float64Array;

  constructor(
    private readonly personas: readonly Persona[],
    calendar: AcquisitionCalendar,
    prospectShare: number,
    seed: number,
    stream: number,
    n = PILOT_CUSTOMERS,
  ) {
    const rng = new Rng(seed, stream);
    const shares = personas.map((p) => p.share);
    this.persona = new Uint8Array(n);
    this.unitRate = new Float64Array(n);
    this.dropout = new Float64Array(n);
    this.weeks = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = rng.pick(shares);
      const { r, a, b } = personas[k]!.params;
      this.persona[i] = k;
      this.unitRate[i] = rng.gamma(r, 1);
      this.dropout[i] = rng.beta(a, b);
      const first = calendar.signup(rng) + calendar.firstPurchaseLag(rng);
      const buyer = rng.uniform() >= prospectShare && first < calendar.endSeconds;
      this.weeks[i] = buyer ? (calendar.endSeconds - first) / SECONDS_PER_WEEK : -1;
    }
  }

  /**
   * Mean completed orders per customer (prospects included) when every α is multiplied by
   * `scale`: buyers make their first purchase plus, given λ and p, E[X(T) | λ, p] =
   * (1 − e^(−λpT)) / p repeat purchases (Fader, Hardie & Lee 2005, Marketing Science 24(2), §4,
   * the step before integrating over λ and p to get eq. (9)).
   */
  meanOrders(scale: number): number {
    let total = 0;
    const n = this.weeks.length;
    for (let i = 0; i < n; i++) {
      const T = this.weeks[i]!;
      if (T < 0) continue;
      const p = this.dropout[i]!;
      const lambda = this.unitRate[i]! / (this.personas[this.persona[i]!]!.params.alpha * scale);
      total += 1 + -Math.expm1(-lambda * p * T) / p;
    }
    return total / n;
  }

  /**
   * The α scale whose mean completed orders per customer equals `target` (bisection on log scale).
   * @throws UserError when the target is outside what the personas can produce: at least one
   *   order per buyer, at most 1 + 1/p each however fast they buy.
   */
  alphaScaleFor(target: number): number {
    let lo = Math.log(1e-6); // fast buyers: many orders
    let hi = Math.log(1e6); // slow buyers: one order each
    const most = this.meanOrders(Math.exp(lo));
    const least = this.meanOrders(Math.exp(hi));
    if (!(target > least && target < most))
      throw userError(
        'invalid_option',
        `ordersPerCustomer ${target} cannot be reached with these personas (between ${least.toFixed(2)} and ${most.toFixed(2)})`,
        { hint: 'choose a target in that range, or personas with lower dropout (larger b) for more orders' },
      );
    for (let i = 0; i < 100 && hi - lo > 1e-10; i++) {
      const mid = (lo + hi) / 2;
      if (this.meanOrders(Math.exp(mid)) > target) lo = mid;
      else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  }
}
