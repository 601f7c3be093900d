/**
 * Return on an intervention: what acting on a group of customers earns over what it costs. Pure.
 */

/** The return on an intervention. */
export interface InterventionRoi {
  /** Incremental value per treated customer (currency), as given. */
  effect_per_customer: number;
  /** Customers treated. */
  customers: number;
  /** Total cost of the intervention (currency). */
  cost: number;
  /** effect × customers. */
  incremental_value: number;
  /** effect × customers − cost: what the intervention earns net of its cost. */
  net_value: number;
  /** net_value / cost: net return per unit of cost; null when the cost is 0. */
  roi: number | null;
}

/**
 * ROI of an intervention: net value = effect × customers − cost, and the ratio net value / cost.
 * The effect is the incremental value per treated customer (e.g. measured by `segtrack compare`
 * against a holdout), not the value of the customers themselves.
 *
 * @example
 * interventionRoi(4, 1000, 2500); // {incremental_value: 4000, net_value: 1500, roi: 0.6, …}
 */
export function interventionRoi(effectPerCustomer: number, customers: number, cost: number): InterventionRoi {
  for (const [name, v] of [
    ['effect per customer', effectPerCustomer],
    ['customers', customers],
    ['cost', cost],
  ] as const)
    if (!Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, not ${v}`);
  if (customers < 0) throw new RangeError(`customers must be ≥ 0, not ${customers}`);
  if (cost < 0) throw new RangeError(`cost must be ≥ 0, not ${cost}`);
  const incremental = effectPerCustomer * customers;
  const net = incremental - cost;
  return {
    effect_per_customer: effectPerCustomer,
    customers,
    cost,
    incremental_value: incremental,
    net_value: net,
    roi: cost > 0 ? net / cost : null,
  };
}
