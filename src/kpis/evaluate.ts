/**
 * From sufficient statistics (stats-sql.ts) to KPI values with intervals: the arithmetic of the
 * catalogue, pure and engine-free. `estimator()` states what kind of estimate each KPI is for a
 * group of customers (a total, a proportion x/n, a mean, a ratio…); `kpiValue()` turns that into
 * the reported value and interval, and flags.ts into a test against the rest of the base.
 */
import { kpiDefinition } from './catalogue.js';
import { periodColumns } from './stats-sql.js';
import {
  type CrossStats,
  type Interval,
  type MeanStats,
  type RatioStats,
  meanInterval,
  npsInterval,
  ratioInterval,
  ratioOfMeansVariance,
  wilson,
} from './intervals.js';
import { criticalValue } from './distributions.js';
import type { CiMethod, KpiStats, KpiValue } from './types.js';

/** What a KPI is, for one group of customers, in terms of its sufficient statistics. */
export type Estimator =
  | { kind: 'total'; value: number; n: number }
  | { kind: 'proportion'; x: number; n: number; complement?: boolean }
  | { kind: 'mean'; stats: MeanStats }
  | { kind: 'ratio'; stats: RatioStats }
  | { kind: 'ratio-of-means'; a: MeanStats; b: MeanStats; both: CrossStats }
  | { kind: 'nps'; promoters: number; detractors: number; n: number };

/** Either an estimator, or why the KPI has no value for the group. */
export type Estimate =
  { ok: true; estimator: Estimator; note?: string } | { ok: false; reason: string; n: number };

/** Settings that hold for the whole base, decided once from its statistics and columns. */
export interface EvaluationContext {
  /** The feature table's columns (lower case). */
  columns: ReadonlySet<string>;
  periodDays: number;
  confidence: number;
  /** Whether historical CLV is measured in margin (cost known for every buyer) or revenue. */
  clvBasis: 'margin' | 'revenue';
}

const MODELS_MISSING = 'predictive models have not been fitted: run `segtrack fit`';
const SPEND_MISSING = 'no marketing_spend rows: CAC needs spend per channel';

/**
 * Whether the workspace has the data for a KPI, judged on the whole base: undefined when it has,
 * else the reason in plain words.
 */
export function unavailableReason(name: string, base: KpiStats, ctx: EvaluationContext): string | undefined {
  const pc = periodColumns(ctx.periodDays, ctx.columns);
  const s = (k: string) => base[k] ?? 0;
  const missing = (cols: string[]) => cols.find((c) => !ctx.columns.has(c));
  const noColumn = (c: string) =>
    `the feature table has no column \`${c}\` (needed for a KPI period of ${ctx.periodDays} days)`;
  const needOrders = (cols: string[]): string | undefined => {
    const m = missing(cols);
    if (m !== undefined) return noColumn(m);
    if (s('ever_buyers') === 0 && ctx.columns.has('orders_total'))
      return `no orders rows: ${name} needs completed orders`;
    return undefined;
  };
  switch (name) {
    case 'customers':
    case 'share':
      return undefined;
    case 'revenue':
      return needOrders([pc.revenue, 'orders_total']);
    case 'orders':
    case 'purchase_frequency':
      return needOrders([pc.orders, 'orders_total']);
    case 'aov':
      return needOrders([pc.orders, pc.revenue, 'orders_total']);
    case 'repeat_rate':
      return needOrders(['orders_total']);
    case 'historical_clv':
      return needOrders(['revenue_total', 'orders_total']);
    case 'retention_rate':
    case 'churn_rate': {
      const r = needOrders([pc.orders, pc.ordersPrev, 'orders_total']);
      if (r !== undefined) return r;
      if (s('prev_active') === 0)
        return `no customer ordered in the previous period P−1 (the ${ctx.periodDays} days before P): the order history is shorter than two periods`;
      return undefined;
    }
    case 'predicted_clv':
      return missing(['predicted_clv']) !== undefined || s('pclv_n') === 0 ? MODELS_MISSING : undefined;
    case 'p_alive':
      return missing(['p_alive']) !== undefined || s('pa_n') === 0 ? MODELS_MISSING : undefined;
    case 'revenue_at_risk':
      return missing(['predicted_clv', 'p_alive']) !== undefined || s('rar_n') === 0
        ? MODELS_MISSING
        : undefined;
    case 'cac':
      return missing(['cac']) !== undefined || s('cac_n') === 0 ? SPEND_MISSING : undefined;
    case 'clv_cac_ratio':
      return unavailableReason('predicted_clv', base, ctx) ?? unavailableReason('cac', base, ctx);
    case 'nps':
      if (missing(['nps_latest']) !== undefined || s('nps_any') === 0)
        return 'no NPS responses: nps needs feedback rows with an nps_score';
      if (missing(['nps_latest_at']) !== undefined) return noColumn('nps_latest_at');
      if (s('nps_n') === 0) return 'no NPS responses in the period P';
      return undefined;
    case 'csat':
      if (missing(['csat_latest']) !== undefined || s('csat_any') === 0)
        return 'no CSAT responses: csat needs feedback rows with a csat_score';
      if (missing(['csat_latest_at']) !== undefined) return noColumn('csat_latest_at');
      if (s('csat_n') === 0) return 'no CSAT responses in the period P';
      return undefined;
    case 'engagement_rate': {
      const m = missing([pc.engagement]);
      if (m !== undefined) return noColumn(m);
      if (s('event_customers') === 0)
        return 'no events in the period: engagement_rate needs the events table';
      return undefined;
    }
    case 'conversion_rate': {
      const r = needOrders([pc.orders, pc.visits, 'orders_total']);
      if (r !== undefined) return r;
      if (s('visitors') === 0)
        return 'no visit events in the period: conversion_rate needs events of type `visit`';
      return undefined;
    }
    default:
      throw new Error(`unknown catalogue KPI '${name}'`);
  }
}

/**
 * What the KPI `name` is for a group of customers with statistics `g`, given the base's `base`
 * (for `share`). Assumes the KPI is available (see {@link unavailableReason}).
 */
export function estimate(
  name: string,
  g: KpiStats,
  base: KpiStats,
  ctx: Pick<EvaluationContext, 'clvBasis'>,
): Estimate {
  const s = (k: string) => g[k] ?? 0;
  const n = s('n');
  if (name === 'customers') return { ok: true, estimator: { kind: 'total', value: n, n } };
  if (n === 0) return { ok: false, reason: 'empty segment', n: 0 };
  const none = (reason: string, count: number): Estimate => ({ ok: false, reason, n: count });
  const ok = (estimator: Estimator, note?: string): Estimate =>
    note === undefined ? { ok: true, estimator } : { ok: true, estimator, note };
  switch (name) {
    case 'share':
      return ok({ kind: 'total', value: n / (base['n'] ?? n), n });
    case 'revenue':
      return ok({ kind: 'total', value: s('revenue_sum'), n });
    case 'orders':
      return ok({ kind: 'total', value: s('orders_sum'), n });
    case 'aov':
      if (s('orders_sum') === 0) return none('no orders in the period', 0);
      return ok({
        kind: 'ratio',
        stats: {
          n: s('buyers'),
          sumY: s('revenue_sum'),
          sumX: s('orders_sum'),
          sumYY: s('revenue_sq'),
          sumXX: s('orders_sq'),
          sumXY: s('revenue_orders'),
        },
      });
    case 'purchase_frequency':
      if (s('buyers') === 0) return none('no customer of the segment ordered in the period', 0);
      // Non-buyers add 0 to both sums, so Σ orders and Σ orders² over S are the buyers' sums.
      return ok({ kind: 'mean', stats: { n: s('buyers'), sum: s('orders_sum'), sumSq: s('orders_sq') } });
    case 'repeat_rate':
      return ok({ kind: 'proportion', x: s('repeaters'), n });
    case 'historical_clv':
      return ctx.clvBasis === 'margin'
        ? ok(
            { kind: 'mean', stats: { n, sum: s('mt_sum'), sumSq: s('mt_sq') } },
            'net margin to date (order cost known)',
          )
        : ok(
            { kind: 'mean', stats: { n, sum: s('rt_sum'), sumSq: s('rt_sq') } },
            'net revenue to date (order cost not known for every buyer)',
          );
    case 'predicted_clv':
      if (s('pclv_n') === 0) return none('no customer of the segment has a model score', 0);
      return ok({ kind: 'mean', stats: { n: s('pclv_n'), sum: s('pclv_sum'), sumSq: s('pclv_sq') } });
    case 'p_alive':
      if (s('pa_n') === 0) return none('no customer of the segment has a model score', 0);
      return ok({ kind: 'mean', stats: { n: s('pa_n'), sum: s('pa_sum'), sumSq: s('pa_sq') } });
    case 'revenue_at_risk':
      if (s('rar_n') === 0) return none('no customer of the segment has a model score', 0);
      return ok({ kind: 'total', value: s('rar_sum'), n: s('rar_n') });
    case 'retention_rate':
    case 'churn_rate':
      if (s('prev_active') === 0) return none('no customer of the segment ordered in the previous period', 0);
      return ok({
        kind: 'proportion',
        x: name === 'retention_rate' ? s('retained') : s('prev_active') - s('retained'),
        n: s('prev_active'),
      });
    case 'cac':
      if (s('cac_n') === 0) return none('no customer of the segment has a known acquisition cost', 0);
      return ok({ kind: 'mean', stats: { n: s('cac_n'), sum: s('cac_sum'), sumSq: s('cac_sq') } });
    case 'clv_cac_ratio': {
      if (s('pclv_n') === 0) return none('no customer of the segment has a model score', 0);
      if (s('cac_n') === 0) return none('no customer of the segment has a known acquisition cost', 0);
      if (s('cac_sum') === 0) return none('the acquisition cost of the segment is 0', 0);
      return ok({
        kind: 'ratio-of-means',
        a: { n: s('pclv_n'), sum: s('pclv_sum'), sumSq: s('pclv_sq') },
        b: { n: s('cac_n'), sum: s('cac_sum'), sumSq: s('cac_sq') },
        both: { n: s('cc_n'), sumA: s('cc_pclv'), sumB: s('cc_cac'), sumAB: s('cc_prod') },
      });
    }
    case 'nps':
      if (s('nps_n') === 0) return none('no NPS responses from the segment in the period', 0);
      return ok({
        kind: 'nps',
        promoters: s('nps_promoters'),
        detractors: s('nps_detractors'),
        n: s('nps_n'),
      });
    case 'csat':
      if (s('csat_n') === 0) return none('no CSAT responses from the segment in the period', 0);
      return ok({ kind: 'proportion', x: s('csat_satisfied'), n: s('csat_n') });
    case 'engagement_rate':
      return ok({ kind: 'proportion', x: s('engaged'), n });
    case 'conversion_rate': {
      const visitors = s('visitors');
      if (visitors === 0) return none('no customer of the segment visited in the period', 0);
      const buyers = s('buyers');
      const both = s('visitor_buyers');
      if (both === buyers) return ok({ kind: 'proportion', x: buyers, n: visitors });
      // Some buyers have no recorded visit: the definition is then a ratio of two counts that can
      // exceed 1, not a proportion; its interval is the delta-method one (units: customers who
      // visited or ordered; y = ordered, x = visited, both 0/1).
      return ok(
        {
          kind: 'ratio',
          stats: {
            n: visitors + buyers - both,
            sumY: buyers,
            sumX: visitors,
            sumYY: buyers,
            sumXX: visitors,
            sumXY: both,
          },
        },
        'some buyers have no recorded visit in the period, so this is a ratio of counts (it can exceed 1), with a delta-method interval',
      );
    }
    default:
      throw new Error(`unknown catalogue KPI '${name}'`);
  }
}

/** The point value and interval of an estimator, with the method used. */
export function intervalOf(e: Estimator, confidence: number): Interval & { method: CiMethod; n: number } {
  switch (e.kind) {
    case 'total':
      return { value: e.value, low: null, high: null, method: 'none-total', n: e.n };
    case 'proportion': {
      const w = wilson(e.x, e.n, confidence);
      return { ...w, method: 'wilson', n: e.n };
    }
    case 'mean':
      return {
        ...meanInterval(e.stats.n, e.stats.sum, e.stats.sumSq, confidence),
        method: e.stats.n < 30 ? 'mean-t' : 'mean-normal',
        n: e.stats.n,
      };
    case 'ratio':
      return {
        ...ratioInterval(e.stats, confidence),
        method: e.stats.n < 30 ? 'delta-ratio-t' : 'delta-ratio-normal',
        n: e.stats.n,
      };
    case 'ratio-of-means': {
      const value = e.a.sum / e.a.n / (e.b.sum / e.b.n);
      const v = ratioOfMeansVariance(e.a, e.b, e.both);
      const n = Math.min(e.a.n, e.b.n);
      const method: CiMethod = n < 30 ? 'delta-ratio-t' : 'delta-ratio-normal';
      if (Number.isNaN(v)) return { value, low: null, high: null, method, n };
      const half = criticalValue(confidence, n) * Math.sqrt(v);
      return { value, low: value - half, high: value + half, method, n };
    }
    case 'nps':
      return {
        ...npsInterval(e.promoters, e.detractors, e.n, confidence),
        method: 'nps-multinomial',
        n: e.n,
      };
  }
}

/** The method a KPI reports when it has no value (the one it would have used). */
function defaultMethod(name: string): CiMethod {
  switch (kpiDefinition(name)?.interval) {
    case 'wilson':
      return 'wilson';
    case 'mean':
      return 'mean-normal';
    case 'delta-ratio':
      return 'delta-ratio-normal';
    case 'nps-multinomial':
      return 'nps-multinomial';
    case 'bootstrap':
      return 'bootstrap';
    default:
      return 'none-total';
  }
}

/** The reported value of a catalogue KPI for a group, given the base (for availability and share). */
export function kpiValue(name: string, g: KpiStats, base: KpiStats, ctx: EvaluationContext): KpiValue {
  const unavailable = unavailableReason(name, base, ctx);
  if (unavailable !== undefined)
    return {
      value: null,
      ci_low: null,
      ci_high: null,
      ci_method: defaultMethod(name),
      n: 0,
      available: false,
      reason: unavailable,
    };
  const est = estimate(name, g, base, ctx);
  if (!est.ok)
    return {
      value: null,
      ci_low: null,
      ci_high: null,
      ci_method: defaultMethod(name),
      n: est.n,
      available: true,
      reason: est.reason,
    };
  const iv = intervalOf(est.estimator, ctx.confidence);
  const out: KpiValue = {
    value: finiteOrNull(iv.value),
    ci_low: iv.low === null ? null : finiteOrNull(iv.low),
    ci_high: iv.high === null ? null : finiteOrNull(iv.high),
    ci_method: iv.method,
    n: iv.n,
    available: true,
  };
  if (iv.method !== 'none-total' && out.value !== null && out.ci_low === null)
    out.reason = `too few customers for an interval (n = ${iv.n})`;
  if (est.note !== undefined) out.note = est.note;
  return out;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Historical CLV is measured in margin when the order cost is known for every customer who has
 * ordered (`margin_total` non-null for all of them), in revenue otherwise: mixing the two across
 * customers would compare unlike amounts.
 */
export function clvBasis(base: KpiStats, columns: ReadonlySet<string>): 'margin' | 'revenue' {
  if (!columns.has('margin_total') || !columns.has('orders_total')) return 'revenue';
  return (base['ever_buyers'] ?? 0) > 0 && (base['margin_missing'] ?? 0) === 0 ? 'margin' : 'revenue';
}

/** Field-wise difference a − b of two statistics (the rest of the base: base − segment). */
export function subtractStats(a: KpiStats, b: KpiStats): KpiStats {
  const out: KpiStats = {};
  for (const [k, v] of Object.entries(a)) out[k] = v - (b[k] ?? 0);
  return out;
}
