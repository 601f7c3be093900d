/**
 * The KPI catalogue of DESIGN.md ("KPI catalogue"): every KPI's name, unit, better direction,
 * description, formula, the data it needs and how its interval is computed. The definitions are
 * part of the product: `segtrack kpis` prints them and every surface shows them.
 *
 * S is a set of customers (a segment), P the KPI period (asOf − periodDays, asOf], default the
 * trailing 365 days, and P−1 the period of the same length just before P.
 */
import type { KpiDefinition } from './types.js';

/** The catalogue, in the order of DESIGN.md. */
export const CATALOGUE: readonly KpiDefinition[] = [
  {
    name: 'customers',
    unit: 'customers',
    direction: 'higher',
    description: 'Number of customers in the segment.',
    formula: '|S|',
    requires: [],
    interval: 'none',
  },
  {
    name: 'share',
    unit: 'share',
    direction: 'higher',
    description: "The segment's share of all customers.",
    formula: '|S| / all customers',
    requires: [],
    interval: 'none',
  },
  {
    name: 'revenue',
    unit: 'currency',
    direction: 'higher',
    description: 'Net revenue of completed orders in the period.',
    formula: 'Σ net revenue of completed orders of S in P',
    requires: ['orders'],
    interval: 'none',
  },
  {
    name: 'orders',
    unit: 'orders',
    direction: 'higher',
    description: 'Completed orders in the period.',
    formula: 'count of completed orders of S in P',
    requires: ['orders'],
    interval: 'none',
  },
  {
    name: 'aov',
    unit: 'currency/order',
    direction: 'higher',
    description: 'Average order value in the period.',
    formula: 'revenue / orders',
    requires: ['orders'],
    interval: 'delta-ratio',
  },
  {
    name: 'purchase_frequency',
    unit: 'orders/customer',
    direction: 'higher',
    description: 'Orders per buying customer in the period.',
    formula: 'orders / customers of S with ≥ 1 order in P',
    requires: ['orders'],
    interval: 'mean',
  },
  {
    name: 'repeat_rate',
    unit: 'share',
    direction: 'higher',
    description: 'Share of customers who have ordered at least twice.',
    formula: 'share of S with ≥ 2 orders ever',
    requires: ['orders'],
    interval: 'wilson',
  },
  {
    name: 'historical_clv',
    unit: 'currency',
    direction: 'higher',
    description: 'Average value of a customer to date (margin when order cost is known, else revenue).',
    formula: 'mean over S of total net revenue (or margin, when cost is known) to date',
    requires: ['orders'],
    interval: 'mean',
  },
  {
    name: 'predicted_clv',
    unit: 'currency',
    direction: 'higher',
    description: 'Average value a customer is predicted to bring over the model horizon.',
    formula: 'mean over S of model CLV over the horizon (default 12 months, monthly discount rate)',
    requires: ['model_scores'],
    interval: 'mean',
  },
  {
    name: 'p_alive',
    unit: 'probability',
    direction: 'higher',
    description: 'Average probability that a customer is still active.',
    formula: "mean over S of the model's probability that the customer is still active",
    requires: ['model_scores'],
    interval: 'mean',
  },
  {
    name: 'retention_rate',
    unit: 'share',
    direction: 'higher',
    description: 'Share of the previous period’s buyers who bought again in this period.',
    formula: 'customers of S active (≥ 1 order) in both P−1 and P / customers of S active in P−1',
    requires: ['orders'],
    interval: 'wilson',
  },
  {
    name: 'churn_rate',
    unit: 'share',
    direction: 'lower',
    description: 'Share of the previous period’s buyers who did not buy in this period.',
    formula: '1 − retention_rate',
    requires: ['orders'],
    interval: 'wilson',
  },
  {
    name: 'cac',
    unit: 'currency',
    direction: 'lower',
    description: 'Average cost of acquiring a customer through their acquisition channel.',
    formula:
      "spend of the customers' acquisition channel in their acquisition period / new customers acquired through it then, averaged over S",
    requires: ['marketing_spend'],
    interval: 'mean',
  },
  {
    name: 'clv_cac_ratio',
    unit: 'ratio',
    direction: 'higher',
    description: 'Predicted customer value per unit of acquisition cost.',
    formula: 'predicted_clv / cac',
    requires: ['model_scores', 'marketing_spend'],
    interval: 'delta-ratio',
  },
  {
    name: 'nps',
    unit: 'points',
    direction: 'higher',
    description: 'Net Promoter Score (−100 to 100) of the latest responses in the period.',
    formula: '% promoters (9–10) − % detractors (0–6) among the latest response per customer in P',
    requires: ['feedback_nps'],
    interval: 'nps-multinomial',
  },
  {
    name: 'csat',
    unit: 'share',
    direction: 'higher',
    description: 'Share of satisfied customers (CSAT 4–5) among the latest responses in the period.',
    formula: 'share of latest responses in P scoring 4–5',
    requires: ['feedback_csat'],
    interval: 'wilson',
  },
  {
    name: 'engagement_rate',
    unit: 'share',
    direction: 'higher',
    description: 'Share of customers with at least one engagement event in the period.',
    formula: 'share of S with ≥ 1 engagement event in P',
    requires: ['events'],
    interval: 'wilson',
  },
  {
    name: 'conversion_rate',
    unit: 'share',
    direction: 'higher',
    description: 'Customers who ordered in the period per customer who visited in it.',
    formula: 'customers of S with an order in P / customers of S with a visit in P',
    requires: ['orders', 'visit_events'],
    interval: 'wilson',
  },
  {
    name: 'revenue_at_risk',
    unit: 'currency',
    direction: 'lower',
    description: 'Predicted value of the customers who may already have lapsed.',
    formula: 'Σ over S of predicted_clv × (1 − p_alive)',
    requires: ['model_scores'],
    interval: 'none',
  },
];

/** The catalogue's KPI names, in order. */
export const KPI_NAMES: readonly string[] = CATALOGUE.map((k) => k.name);

const BY_NAME = new Map(CATALOGUE.map((k) => [k.name, k]));

/** The catalogue entry of a KPI, or undefined for a name that is not in the catalogue. */
export function kpiDefinition(name: string): KpiDefinition | undefined {
  return BY_NAME.get(name);
}
