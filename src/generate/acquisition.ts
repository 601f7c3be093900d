import type { Rng } from '../core/rng.js';
import { SECONDS_PER_DAY, dayOfWeek, dayOfYear } from './calendar.js';

/**
 * Relative traffic by hour of day (UTC ≈ UK time): quiet nights, a lunchtime bump and an evening
 * peak, the usual shape of e-commerce sessions.
 */
const HOUR_WEIGHTS = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 1, 1.4, 1.6, 1.7, 1.8, 2, 1.9, 1.8, 1.8, 1.9, 2.1, 2.4, 2.7, 2.8, 2.4,
  1.6, 0.8,
];

/** Share of customers who buy within the session they signed up in (the rest come back later). */
const SAME_SESSION_SHARE = 0.7;
const SAME_SESSION_MEAN_SECONDS = 25 * 60;
const LATER_MEAN_SECONDS = 6 * SECONDS_PER_DAY;

/**
 * When customers sign up: a growing business (acquisitions rise 2.5× from the first day to the
 * last), with a Black-Friday-to-Christmas peak, January sales and slightly busier weekends.
 * Draws are by inversion of the daily cumulative weights, then an hour from {@link HOUR_WEIGHTS}.
 */
export class AcquisitionCalendar {
  private readonly cdf: Float64Array;
  private readonly hourCdf: Float64Array;

  /**
   * @param startDay first day (days since 1970-01-01) on which customers sign up
   * @param endDay last day of the simulation (inclusive)
   */
  constructor(
    readonly startDay: number,
    readonly endDay: number,
  ) {
    const n = endDay - startDay + 1;
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const day = startDay + i;
      const doy = dayOfYear(day);
      const trend = 1 + (1.5 * i) / Math.max(1, n - 1);
      const peak = 1 + 0.6 * Math.exp(-(((doy - 338) / 14) ** 2)); // late Nov to mid Dec
      const sales = 1 + 0.25 * Math.exp(-(((doy - 5) / 7) ** 2)); // early January
      const weekend = dayOfWeek(day) >= 5 ? 1.1 : 1;
      total += trend * peak * sales * weekend;
      this.cdf[i] = total;
    }
    this.hourCdf = cumulative(HOUR_WEIGHTS);
  }

  /** First second after the simulation (the end day is inclusive). */
  get endSeconds(): number {
    return (this.endDay + 1) * SECONDS_PER_DAY;
  }

  /** A sign-up moment, in whole seconds since 1970-01-01 UTC. */
  signup(rng: Rng): number {
    const day = this.startDay + search(this.cdf, rng.uniform() * this.cdf[this.cdf.length - 1]!);
    return day * SECONDS_PER_DAY + this.timeOfDay(rng);
  }

  /** A moment within a day (seconds since midnight) following the daily traffic curve. */
  timeOfDay(rng: Rng): number {
    const hour = search(this.hourCdf, rng.uniform() * this.hourCdf[23]!);
    return hour * 3600 + rng.int(3600);
  }

  /** Seconds from sign-up to the first purchase: most buy in the same session, the rest days later. */
  firstPurchaseLag(rng: Rng): number {
    return rng.uniform() < SAME_SESSION_SHARE
      ? 60 + rng.exponential(1 / SAME_SESSION_MEAN_SECONDS)
      : 3600 + rng.exponential(1 / LATER_MEAN_SECONDS);
  }
}

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let t = 0;
  weights.forEach((w, i) => (out[i] = t += w));
  return out;
}

/** The first index whose cumulative weight exceeds x (binary search). */
function search(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
