import { userError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { AcquisitionCalendar } from './acquisition.js';
import type { BgNbdParams } from './bgnbd-expectation.js';
import { SECONDS_PER_WEEK } from './calendar.js';
import { type Persona, scaleIntensity } from './personas.js';

/** First purchases drawn to learn the distribution of T (weeks from first purchase to the end). */
const PILOT_CUSTOMERS = 20_000;
/** Quantiles of T the expectation is averaged over (it is smooth in T). */
const T_POINTS = 64;
/** Trapezoid nodes of the integral over the dropout probability. */
const P_NODES = 400;

/**
 * E[X(t)], the BG/NBD expected repeat purchases in (0, t], by one-dimensional quadrature:
 * given λ and p it is (1 − e^(−λpt))/p, and averaging over λ ~ Gamma(r, α) gives
 * (1 − (α/(α + pt))^r)/p (the gamma Laplace transform); the remaining integral over
 * p ~ Beta(a, b) is taken on x = logit(p), where the integrand is a smooth bell, with a
 * self-normalised trapezoid rule (exponentially accurate for such integrands). The integral that
 * Fader, Hardie & Lee (2005) solve in closed form as eq. (9) (see {@link bgnbdExpectedRepeats});
 * this form is used for calibration because its cost does not grow as t/(α + t) → 1.
 */
export function expectedRepeatsByQuadrature(params: BgNbdParams, ts: ArrayLike<number>): Float64Array {
  const { r, alpha, a, b } = params;
  // log density of x = logit(p): a·ln p + b·ln(1 − p) (+ const); mode at x = ln(a/b).
  const logDensity = (x: number) => -a * log1pExp(-x) - b * log1pExp(x);
  const mode = Math.log(a / b);
  const top = logDensity(mode);
  const edge = (dir: number) => {
    let step = Math.sqrt((a + b) / (a * b));
    let x = mode;
    while (logDensity(x + dir * step) - top > -45) {
      x += dir * step;
      step *= 1.5;
    }
    return x + dir * step;
  };
  const lo = edge(-1);
  const hi = edge(1);
  const h = (hi - lo) / (P_NODES - 1);
  const p = new Float64Array(P_NODES);
  const w = new Float64Array(P_NODES);
  let total = 0;
  for (let i = 0; i < P_NODES; i++) {
    const x = lo + i * h;
    p[i] = 1 / (1 + Math.exp(-x));
    w[i] = Math.exp(logDensity(x) - top);
    total += w[i]!;
  }
  const out = new Float64Array(ts.length);
  for (let j = 0; j < ts.length; j++) {
    const t = ts[j]!;
    let sum = 0;
    for (let i = 0; i < P_NODES; i++) {
      const pi = p[i]!;
      sum += w[i]! * (-Math.expm1(-r * Math.log1p((pi * t) / alpha)) / pi);
    }
    out[j] = sum / total;
  }
  return out;
}

/** ln(1 + eˣ) without overflow. */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The expected completed orders per customer of a generated data set, and the purchase
 * intensity that reaches a target (the `ordersPerCustomer` option).
 *
 * A pilot sample of sign-ups gives the share of customers who buy before the end and the
 * distribution of their T; each buyer makes the first purchase plus E[X(T)] repeat purchases.
 */
export class OrdersCalibration {
  /** Share of customers who make a first purchase before the end. */
  private readonly buyerShare: number;
  /** Quantile midpoints of T, in weeks. */
  private readonly ts: Float64Array;

  constructor(
    private readonly personas: readonly Persona[],
    calendar: AcquisitionCalendar,
    prospectShare: number,
    seed: number,
    stream: number,
  ) {
    const rng = new Rng(seed, stream);
    const weeks: number[] = [];
    for (let i = 0; i < PILOT_CUSTOMERS; i++) {
      const first = calendar.signup(rng) + calendar.firstPurchaseLag(rng);
      if (first < calendar.endSeconds) weeks.push((calendar.endSeconds - first) / SECONDS_PER_WEEK);
    }
    weeks.sort((x, y) => x - y);
    this.buyerShare = (1 - prospectShare) * (weeks.length / PILOT_CUSTOMERS);
    this.ts = new Float64Array(T_POINTS);
    for (let j = 0; j < T_POINTS; j++)
      this.ts[j] = weeks[Math.floor(((j + 0.5) / T_POINTS) * weeks.length)] ?? 0;
  }

  /** Mean completed orders per customer (prospects included) at intensity k (see {@link scaleIntensity}). */
  meanOrders(k = 1): number {
    let repeats = 0;
    for (const persona of this.personas) {
      const e = expectedRepeatsByQuadrature(scaleIntensity(persona.params, k), this.ts);
      let mean = 0;
      for (const x of e) mean += x / e.length;
      repeats += persona.share * mean;
    }
    return this.buyerShare * (1 + repeats);
  }

  /**
   * The intensity whose mean completed orders per customer equals `target` (bisection on log k).
   * @throws UserError when the target is below one order per buyer, or absurdly high.
   */
  intensityFor(target: number): number {
    let lo = Math.log(1e-3);
    let hi = Math.log(1e3);
    const least = this.meanOrders(Math.exp(lo));
    const most = this.meanOrders(Math.exp(hi));
    if (!(target > least && target < most))
      throw userError(
        'invalid_option',
        `ordersPerCustomer ${target} is out of reach: between ${least.toFixed(2)} and ${most.toFixed(0)} with these personas`,
        { hint: 'every customer who buys makes at least one order; prospects and late sign-ups make none' },
      );
    for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
      const mid = (lo + hi) / 2;
      if (this.meanOrders(Math.exp(mid)) < target) lo = mid;
      else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  }
}
