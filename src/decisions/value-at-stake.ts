/**
 * The value at stake of a segment under an action (CONTEXT.md, "Value at stake"). Pure.
 */
import type { StakeBasis } from './actions.js';
import type { SegmentFigures } from './segment-profiles.js';

/** Which figure the value at stake is. */
export type StakeMeasure =
  | 'lapsed_value'
  | 'churned_revenue'
  | 'revenue_x_churn_rate'
  | 'predicted_clv_total'
  | 'historical_clv_total';

/** A value at stake and what it measures; value null when the data for it is missing. */
export interface ValueAtStake {
  value: number | null;
  measure: StakeMeasure | null;
}

/**
 * - `at_risk` (retention actions, and no action): what the segment loses to customers who have
 *   lapsed, the value a retention or win-back action can recover. With model scores:
 *   Σ (1 − p_alive) × predicted_clv / p_alive, each customer's predicted value *if still active*
 *   (predicted_clv / p_alive, the model's expectation given alive) weighted by the probability
 *   they have lapsed. Not the KPI revenue_at_risk = Σ predicted_clv × (1 − p_alive), which is
 *   p(1 − p) × the value if active and so vanishes for the customers who have most likely lapsed —
 *   exactly those a win-back is for. Without scores: the previous 365 days' revenue of the
 *   members who bought then but not in the last 365 days (the revenue behind churn_rate); without
 *   the feature table: the segment's revenue in the KPI period × its churn rate.
 * - `clv` (growth actions): the segment's total CLV, Σ predicted_clv over its scored customers
 *   (mean × n) when the models ran, else historical CLV per customer × customers.
 */
export function valueAtStake(f: SegmentFigures, basis: StakeBasis): ValueAtStake {
  const k = f.kpis;
  if (basis === 'at_risk') {
    if (f.lapsed_value !== null) return { value: f.lapsed_value, measure: 'lapsed_value' };
    if (f.churned_revenue !== null) return { value: f.churned_revenue, measure: 'churned_revenue' };
    const revenue = k.revenue?.value;
    const churn = k.churn_rate?.value;
    if (revenue !== null && revenue !== undefined && churn !== null && churn !== undefined)
      return { value: revenue * churn, measure: 'revenue_x_churn_rate' };
    return { value: null, measure: null };
  }
  const predicted = k.predicted_clv;
  if (predicted?.value !== null && predicted?.value !== undefined)
    return { value: predicted.value * predicted.n, measure: 'predicted_clv_total' };
  const historical = k.historical_clv?.value;
  if (historical !== null && historical !== undefined)
    return { value: historical * f.customers, measure: 'historical_clv_total' };
  return { value: null, measure: null };
}

/** What each measure is, in words (shown with the results). */
export const STAKE_DEFINITIONS: Record<StakeMeasure, string> = {
  lapsed_value:
    'Σ (1 − p_alive) × predicted_clv / p_alive: predicted value of each customer if still active, weighted by the chance they have lapsed',
  churned_revenue:
    'revenue of the previous 365 days of the customers who bought then but not in the last 365 days',
  revenue_x_churn_rate: "the segment's revenue in the KPI period × its churn rate",
  predicted_clv_total:
    "Σ predicted_clv over the segment's scored customers: the value a growth action builds on",
  historical_clv_total: 'historical CLV per customer × customers (no model scores)',
};
