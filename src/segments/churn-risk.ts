import type { SchemeBuilder } from './scheme.js';
import { NOT_SCORED } from './value-tiers.js';

/** A band of churn probability (1 − P(alive)): up to and including `up_to`. */
export interface Band {
  name: string;
  up_to: number;
}

/** The default bands, from the lowest churn probability up. */
export const DEFAULT_BANDS: Band[] = [
  { name: 'Low', up_to: 0.25 },
  { name: 'Medium', up_to: 0.5 },
  { name: 'High', up_to: 0.75 },
  { name: 'Very high', up_to: 1 },
];

/**
 * Churn risk: bands of 1 − P(alive) from the purchase model, lowest first; a customer falls in the
 * first band whose `up_to` is at least their churn probability. Customers without a score land in
 * "Not scored". Note that the BG/NBD model gives customers who never bought again P(alive) = 1
 * (its dropout can only follow a repeat purchase), so they all sit in the lowest band; the
 * Pareto/NBD model does not have that property.
 */
export const churnRiskScheme: SchemeBuilder = (scheme, ctx) => {
  const d = ctx.engine.dialect;
  const t = d.ident(ctx.features.table);
  const bands = (scheme['bands'] as Band[] | undefined) ?? DEFAULT_BANDS;
  const cases = bands
    .map((b, i) =>
      i === bands.length - 1
        ? `ELSE ${d.literal(b.name)}`
        : `WHEN 1 - p_alive <= ${d.literal(b.up_to)} THEN ${d.literal(b.name)}`,
    )
    .join(' ');
  const sql = `SELECT customer_id, customer_key, CASE WHEN p_alive IS NULL THEN ${d.literal(NOT_SCORED)} ${cases} END AS segment FROM ${t}`;
  return Promise.resolve({
    scheme: scheme.name,
    type: 'churn_risk',
    sql,
    segments: [...bands.map((b) => b.name), NOT_SCORED],
    meta: { bands, churn_probability: '1 - p_alive' },
  });
};
