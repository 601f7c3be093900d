/**
 * Checks that a frequency/recency summary can identify a buy-till-you-die model, before any
 * optimisation: a fit on such data would wander off to the parameter space's edge and report
 * numbers that look like estimates but are not.
 */

import { userError } from '../core/errors.js';
import { totalWeight, type RfmSummary } from './summary.js';

/** Default minimum number of customers for a fit. */
export const DEFAULT_MIN_CUSTOMERS = 10;

/**
 * Throws a `UserError` when the summary cannot support a fit of `model` (a display name):
 * `model_too_few_customers`, `model_no_observation_time` (every T = 0: all customers were
 * acquired at the end of calibration), `model_no_repeat_buyers` (every x = 0). Returns the
 * number of customers.
 */
export function checkRfmFitData(
  summary: RfmSummary,
  model: string,
  minCustomers = DEFAULT_MIN_CUSTOMERS,
): number {
  const customers = totalWeight(summary);
  if (customers < minCustomers) {
    throw userError(
      'model_too_few_customers',
      `${model} needs at least ${minCustomers} customers, got ${customers}`,
      { hint: 'fit on the whole customer base (or a larger segment), not a handful of customers' },
    );
  }
  let repeat = 0;
  let observed = 0;
  for (let i = 0; i < summary.length; i++) {
    if (summary.x[i]! > 0) repeat += summary.weight[i]!;
    if (summary.T[i]! > 0) observed += summary.weight[i]!;
  }
  if (observed === 0) {
    throw userError(
      'model_no_observation_time',
      `${model}: every customer has T = 0 (all first purchases fall on the calibration end date)`,
      {
        hint: 'choose a calibration end date after the first purchases, so customers have time to buy again',
      },
    );
  }
  if (repeat === 0) {
    throw userError(
      'model_no_repeat_buyers',
      `${model}: none of the ${customers} customers made a repeat purchase in the calibration period, ` +
        'so purchase rates and drop-out cannot be estimated',
      {
        hint:
          'use a longer calibration period, check that purchases on different days are not merged, ' +
          'or check that the customer id links repeat orders',
      },
    );
  }
  return customers;
}

/** Time scales of a summary, for starting values in the data's own time unit (days, weeks…). */
export interface StartScales {
  /** Mean T over mean x: with r = 1, an α giving the observed purchase rate r/α. */
  alpha: number;
  /** Mean T: a lifetime scale for the drop-out rate's β (with s = 1). */
  T: number;
}

/** {@link StartScales} of a summary (weighted means; floors keep them positive). */
export function startScales(s: RfmSummary): StartScales {
  let w = 0;
  let x = 0;
  let T = 0;
  for (let i = 0; i < s.length; i++) {
    w += s.weight[i]!;
    x += s.weight[i]! * s.x[i]!;
    T += s.weight[i]! * s.T[i]!;
  }
  const meanT = Math.max(T / w, 1e-6);
  return { alpha: meanT / Math.max(x / w, 0.05), T: meanT };
}
