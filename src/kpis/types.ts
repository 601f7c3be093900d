/**
 * The shapes shared by the KPI stage: definitions, computed values and the KPI table.
 */

/** Whether a higher or a lower value of a KPI is better. */
export type KpiDirection = 'higher' | 'lower';

/** Data a KPI needs beyond the feature table's customer list. */
export type KpiRequirement =
  | 'orders'
  | 'events'
  | 'visit_events'
  | 'feedback_nps'
  | 'feedback_csat'
  | 'marketing_spend'
  | 'model_scores';

/**
 * How a KPI's confidence interval is computed (see CONTEXT.md):
 * - `none`: a total or count over the segment, not an estimate;
 * - `wilson`: Wilson score interval on a proportion;
 * - `mean`: normal/t interval on a mean with the sample standard deviation;
 * - `delta-ratio`: delta-method interval on a ratio of means;
 * - `nps-multinomial`: normal interval with the multinomial variance of p₊ − p₋;
 * - `bootstrap`: Poisson bootstrap over customers, percentile interval (custom KPIs).
 */
export type IntervalMethod = 'none' | 'wilson' | 'mean' | 'delta-ratio' | 'nps-multinomial' | 'bootstrap';

/** One KPI of the catalogue (or a custom one), as every surface shows it. */
export interface KpiDefinition {
  name: string;
  /** `customers`, `share`, `currency`, `orders`, `currency/order`, `orders/customer`, `probability`, `ratio`, `points`… */
  unit: string;
  direction: KpiDirection;
  /** One line for a reader who does not know the KPI. */
  description: string;
  /** The definition in words and symbols, exactly as DESIGN.md states it. */
  formula: string;
  /** Data the KPI needs; without it the KPI is reported unavailable with a reason. */
  requires: KpiRequirement[];
  interval: IntervalMethod;
}

/**
 * How one interval was computed, as reported with each value: the method of {@link IntervalMethod}
 * with the quantile used (`mean-t` for a t quantile, n < 30), or `none-total` for totals.
 */
export type CiMethod =
  | 'none-total'
  | 'wilson'
  | 'mean-normal'
  | 'mean-t'
  | 'delta-ratio-normal'
  | 'delta-ratio-t'
  | 'nps-multinomial'
  | 'bootstrap';

/** One KPI for one segment (or the whole base). */
export interface KpiValue {
  /** The estimate; null when it cannot be computed (never 0 in place of unknown). */
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ci_method: CiMethod;
  /** Customers the estimate is over (e.g. responders for NPS, buyers in P for AOV). */
  n: number;
  /** False when the workspace lacks the data the KPI needs. */
  available: boolean;
  /** Why the value or its interval is missing, in plain words. */
  reason?: string;
  /** Anything a reader must know to read the value (e.g. the basis of historical CLV). */
  note?: string;
}

/**
 * Sufficient statistics of one group of customers: counts, sums, sums of squares and
 * cross-products, keyed by name (see `stats-sql.ts`). Kept with the results so that flags can
 * compare a segment with the rest of the base (base − segment) without touching the data again.
 */
export type KpiStats = Record<string, number>;

/** The KPIs of the whole base of customers. */
export interface BaseKpis {
  customers: number;
  kpis: Record<string, KpiValue>;
  stats: KpiStats;
}

/** The KPIs of one segment. */
export interface SegmentKpis extends BaseKpis {
  segment: string;
}

/** The segments of one scheme. */
export interface SchemeKpis {
  scheme: string;
  segments: SegmentKpis[];
}

/** Everything {@link computeKpis} returns. */
export interface KpiTable {
  asOf: string;
  /** The KPI period P = (start, end]: start exclusive, end (the as-of date) inclusive. */
  period: { start: string; end: string; days: number };
  confidence: number;
  /** What historical_clv measures: margin when order cost is known for every buyer, else revenue. */
  clvBasis: 'margin' | 'revenue';
  /** The computed KPIs in order, custom ones included. */
  kpis: KpiDefinition[];
  base: BaseKpis;
  schemes: SchemeKpis[];
}
