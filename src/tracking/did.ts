/**
 * Difference-in-differences over customers, with its bootstrap interval, Welch p-value and the
 * pre-period trend check. Pure: per-customer values in, numbers out.
 */
import type { Rng } from '../core/rng.js';
import { bootstrapMeanDifferences, percentileBounds } from './bootstrap.js';
import { customerSlopes, periodMeans } from './parallel-trends.js';
import { meanEstimate, welchTest } from './welch.js';

/** One group's per-customer values (all arrays one entry per customer, in the same order). */
export interface DidGroup {
  /** The metric over the pre window. */
  pre: Float64Array;
  /** The metric over the post window. */
  post: Float64Array;
  /** The metric in each pre sub-period (for the trend check); empty or absent to skip it. */
  periods?: readonly Float64Array[];
  /** Fixed weights (a matched control's multiplicities); default 1 each. */
  weights?: Float64Array | undefined;
}

/** How to estimate. */
export interface DidOptions {
  /** Bootstrap replicates (≥ 1000 recommended). */
  replicates: number;
  /** Interval coverage, e.g. 0.95. */
  confidence: number;
  rng: Rng;
  /**
   * Multiplies the pre values before differencing (post-window length / pre-window length for
   * totals over windows of different lengths); default 1.
   */
  preScale?: number;
}

/** A group's means. */
export interface DidGroupSummary {
  /** Mean of the (scaled) pre values. */
  pre: number;
  post: number;
  /** post − pre. */
  change: number;
  /** Distinct customers. */
  customers: number;
  /** Σ weights (= customers without weights; the number of matched pairs with matching). */
  weight: number;
}

/** The pre-trend check's numbers (see parallel-trends.ts). */
export interface TrendEstimate {
  /** Slope of the treated − control difference per sub-period. */
  slope: number;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  /** Each group's mean per sub-period, and their difference. */
  treated: number[];
  control: number[];
  difference: number[];
}

/** What {@link differenceInDifferences} returns. */
export interface DidEstimate {
  treated: DidGroupSummary;
  control: DidGroupSummary;
  /** (treated post − treated pre) − (control post − control pre). */
  effect: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Welch standard error of the effect. */
  se: number;
  df: number;
  /** Two-sided Welch p-value of effect ≠ 0; null when it cannot be computed. */
  p_value: number | null;
  replicates: number;
  /** Null without sub-periods (fewer than 2). */
  trend: TrendEstimate | null;
}

/**
 * The difference-in-differences estimate of a treatment's effect on a per-customer metric
 * (Card & Krueger 1994, AER 84(4); Angrist & Pischke 2009, "Mostly Harmless Econometrics", ch. 5):
 * effect = (T̄_post − T̄_pre) − (C̄_post − C̄_pre). With each customer's change dᵢ = postᵢ − preᵢ
 * this is mean(d_treated) − mean(d_control), a difference of two independent means, so:
 *
 * - the interval is the percentile interval of a stratified bootstrap over customers
 *   ({@link bootstrapMeanDifferences}: customers resampled within each group);
 * - the p-value is Welch's two-sided t-test on the per-customer changes ({@link welchTest}).
 *
 * The pre-trend slope of the difference (when sub-periods are given) comes from the same
 * bootstrap replicates.
 *
 * @example
 * differenceInDifferences(
 *   { pre: Float64Array.of(1, 2), post: Float64Array.of(4, 5) },
 *   { pre: Float64Array.of(1, 1), post: Float64Array.of(2, 2) },
 *   { replicates: 1000, confidence: 0.95, rng: new Rng(1) },
 * ).effect; // (4.5 − 1.5) − (2 − 1) = 2
 */
export function differenceInDifferences(t: DidGroup, c: DidGroup, o: DidOptions): DidEstimate {
  const scale = o.preScale ?? 1;
  const dT = changes(t, scale);
  const dC = changes(c, scale);
  const k = Math.min(t.periods?.length ?? 0, c.periods?.length ?? 0);
  const withTrend = k >= 2;
  const sT = withTrend ? customerSlopes(t.periods!) : undefined;
  const sC = withTrend ? customerSlopes(c.periods!) : undefined;

  const reps = bootstrapMeanDifferences(
    { columns: sT ? [dT, sT] : [dT], weights: t.weights },
    { columns: sC ? [dC, sC] : [dC], weights: c.weights },
    o.replicates,
    o.rng,
  );
  const eT = meanEstimate(dT, t.weights);
  const eC = meanEstimate(dC, c.weights);
  const w = welchTest(eT, eC);
  const ci = percentileBounds(reps[0]!, o.confidence);

  let trend: TrendEstimate | null = null;
  if (sT && sC) {
    const wt = welchTest(meanEstimate(sT, t.weights), meanEstimate(sC, c.weights));
    const tci = percentileBounds(reps[1]!, o.confidence);
    const mt = periodMeans(t.periods!, t.weights);
    const mc = periodMeans(c.periods!, c.weights);
    trend = {
      slope: wt.difference,
      ci_low: tci.low,
      ci_high: tci.high,
      p_value: wt.p,
      treated: mt,
      control: mc,
      difference: mt.map((x, i) => x - mc[i]!),
    };
  }
  return {
    treated: summary(t, scale),
    control: summary(c, scale),
    effect: w.difference,
    ci_low: ci.low,
    ci_high: ci.high,
    se: w.se,
    df: w.df,
    p_value: w.p,
    replicates: o.replicates,
    trend,
  };
}

/** Per-customer post − scale · pre. */
function changes(g: DidGroup, scale: number): Float64Array {
  const out = new Float64Array(g.pre.length);
  for (let i = 0; i < out.length; i++) out[i] = g.post[i]! - scale * g.pre[i]!;
  return out;
}

function summary(g: DidGroup, scale: number): DidGroupSummary {
  const pre = meanEstimate(g.pre, g.weights).mean * scale;
  const post = meanEstimate(g.post, g.weights).mean;
  let weight = 0;
  for (let i = 0; i < g.pre.length; i++) weight += g.weights === undefined ? 1 : g.weights[i]!;
  return { pre, post, change: post - pre, customers: g.pre.length, weight };
}
