import type { SchemeBuilder } from './scheme.js';

/** A tier: its name and the share of scored customers it takes, from the most valuable down. */
export interface Tier {
  name: string;
  share: number;
}

/** The default tiers: top 1 %, next 9 %, next 40 %, bottom 50 % of predicted CLV. */
export const DEFAULT_TIERS: Tier[] = [
  { name: 'Top 1%', share: 0.01 },
  { name: 'Next 9%', share: 0.09 },
  { name: 'Next 40%', share: 0.4 },
  { name: 'Bottom 50%', share: 0.5 },
];

/** Segment of the customers the models could not score (no completed order yet). */
export const NOT_SCORED = 'Not scored';

/**
 * Value tiers: customers ranked by predicted CLV (highest first; ties by customer id, so the cut
 * is reproducible) and cut at the cumulative tier shares of the scored customers: with n scored
 * customers, tier i holds ranks up to ⌈n × (share_1 + … + share_i)⌉. Customers without a
 * prediction land in "Not scored".
 */
export const valueTiersScheme: SchemeBuilder = async (scheme, ctx) => {
  const d = ctx.engine.dialect;
  const t = d.ident(ctx.features.table);
  const tiers = (scheme['tiers'] as Tier[] | undefined) ?? DEFAULT_TIERS;
  const [row] = await ctx.engine.query(`SELECT COUNT(predicted_clv) AS n FROM ${t}`);
  const n = Number(row?.['n'] ?? 0);
  let cumulative = 0;
  const cuts = tiers.map((tier, i) => {
    cumulative += tier.share;
    // The last tier takes every remaining customer, whatever rounding did.
    return i === tiers.length - 1 ? n : Math.ceil(n * cumulative - 1e-9);
  });
  const cases = tiers.map((tier, i) => `WHEN rk <= ${cuts[i]} THEN ${d.literal(tier.name)}`).join(' ');
  const sql =
    `SELECT customer_id, customer_key, CASE WHEN predicted_clv IS NULL THEN ${d.literal(NOT_SCORED)} ${cases} END AS segment ` +
    `FROM (SELECT customer_id, customer_key, predicted_clv, ` +
    `ROW_NUMBER() OVER (ORDER BY CASE WHEN predicted_clv IS NULL THEN 1 ELSE 0 END, predicted_clv DESC, customer_id) AS rk ` +
    `FROM ${t}) v`;
  return {
    scheme: scheme.name,
    type: 'value_tiers',
    sql,
    segments: [...tiers.map((x) => x.name), NOT_SCORED],
    meta: { tiers, scored: n, cut_ranks: cuts, ranked_by: 'predicted_clv' },
  };
};
