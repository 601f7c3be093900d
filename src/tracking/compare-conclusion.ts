/**
 * What a `segtrack compare` result means, in a word (the verdict) and in a sentence. Pure.
 */
import type { CompareMetric } from './compare-sql.js';

/** The verdict of a comparison. */
export type CompareVerdict =
  /** Both the interval and the p-value say the effect is not 0. */
  | 'effect'
  /** The interval covers 0 and p ≥ α. */
  | 'no_detectable_effect'
  /** The interval and the p-value disagree (the estimate is at the edge of significance). */
  | 'borderline'
  /** A group has fewer customers than privacy.min_segment_size: nothing is estimated. */
  | 'too_small'
  /** The interval is wider than the metric's typical level: the data cannot tell. */
  | 'too_uncertain'
  /** No customer of either group had a completed order in either window. */
  | 'no_activity';

/** What the verdict is decided from. */
export interface VerdictInput {
  metric: CompareMetric;
  treatedCustomers: number;
  controlCustomers: number;
  minSegmentSize: number;
  /** Group means (null when not computed). */
  means: { treatedPre: number; treatedPost: number; controlPre: number; controlPost: number } | null;
  effect: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  confidence: number;
}

/**
 * The typical level of the metric: the mean of the four group means (pre/post × treated/control).
 * An interval wider than this cannot tell an effect as large as the metric itself from none.
 */
export function typicalLevel(m: NonNullable<VerdictInput['means']>): number {
  return (
    (Math.abs(m.treatedPre) + Math.abs(m.treatedPost) + Math.abs(m.controlPre) + Math.abs(m.controlPost)) / 4
  );
}

/**
 * The verdict, in this order: too small (either group under the minimum size), no activity (all
 * means 0), too uncertain (no interval, or one wider than {@link typicalLevel}), then effect /
 * no detectable effect / borderline from the interval (excludes 0?) and the p-value (< α = 1 −
 * confidence?).
 */
export function verdictOf(v: VerdictInput): CompareVerdict {
  if (v.treatedCustomers < v.minSegmentSize || v.controlCustomers < v.minSegmentSize) return 'too_small';
  const m = v.means;
  if (m === null) return 'too_uncertain';
  const level = typicalLevel(m);
  if (level === 0) return 'no_activity';
  if (v.ciLow === null || v.ciHigh === null || v.pValue === null) return 'too_uncertain';
  if (v.ciHigh - v.ciLow > level) return 'too_uncertain';
  const alpha = 1 - v.confidence;
  const byInterval = v.ciLow > 0 || v.ciHigh < 0;
  const byTest = v.pValue < alpha;
  if (byInterval && byTest) return 'effect';
  if (!byInterval && !byTest) return 'no_detectable_effect';
  return 'borderline';
}

/** A metric value for people: money with 2 decimals, orders with 3, shares as percentages. */
export function formatMetric(metric: CompareMetric, v: number): string {
  if (metric === 'active') return `${(v * 100).toFixed(1)}%`;
  return v.toFixed(metric === 'orders' ? 3 : 2);
}

/** A change or difference of the metric, signed; shares move in percentage points (pp). */
export function formatDifference(metric: CompareMetric, v: number): string {
  const sign = v > 0 ? '+' : '';
  if (metric === 'active') return `${sign}${(v * 100).toFixed(1)} pp`;
  return `${sign}${v.toFixed(metric === 'orders' ? 3 : 2)}`;
}

/** "p = 0.123", or "p < 0.001". */
export function pText(p: number | null): string {
  if (p === null) return 'p not computable';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

const WHAT: Record<CompareMetric, string> = {
  revenue: 'revenue per customer',
  orders: 'completed orders per customer',
  active: 'the share of customers who ordered',
};

/** The sentence that explains a result. */
export function conclusionText(
  verdict: CompareVerdict,
  v: VerdictInput & { postDays: number; start: string },
): string {
  const pct = `${Math.round(v.confidence * 100)}%`;
  const range =
    v.ciLow !== null && v.ciHigh !== null
      ? `${formatDifference(v.metric, v.ciLow)} to ${formatDifference(v.metric, v.ciHigh)}`
      : null;
  const ci = range !== null ? `${pct} CI ${range}` : `no ${pct} interval`;
  const p = pText(v.pValue);
  const est = v.effect === null ? 'unknown' : formatDifference(v.metric, v.effect);
  const what = WHAT[v.metric];
  switch (verdict) {
    case 'too_small': {
      const small = [
        v.treatedCustomers < v.minSegmentSize ? 'the treated group' : '',
        v.controlCustomers < v.minSegmentSize ? 'the control group' : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return (
        `The groups are too small to conclude anything: ${small} ${small.includes(' and ') ? 'have' : 'has'} fewer than ${v.minSegmentSize} ` +
        `customers (privacy.min_segment_size), so no figures are shown.`
      );
    }
    case 'no_activity':
      return `No customer of either group had a completed order in either window, so there is nothing to compare.`;
    case 'too_uncertain': {
      const level = v.means ? ` (${formatMetric(v.metric, typicalLevel(v.means))})` : '';
      return (
        `The groups are too small (or the metric too variable) to conclude: the estimated effect on ${what} ` +
        `is ${est}, but ${range !== null ? `its ${pct} interval (${range}) is wider than the metric's typical level${level}` : 'no interval could be computed'}, ` +
        `so the data cannot tell a large effect from none.`
      );
    }
    case 'effect':
      return (
        `Over the ${v.postDays} days from ${v.start}, ${what} changed by ${est} more in the treated group than in ` +
        `the control group (${ci}; ${p}): a ${v.effect! > 0 ? 'positive' : 'negative'} effect of the treatment, ` +
        `if the two groups would otherwise have moved alike.`
      );
    case 'no_detectable_effect':
      return (
        `No detectable effect: over the ${v.postDays} days from ${v.start}, ${what} changed by ${est} more in the ` +
        `treated group than in the control group, but the ${ci} includes 0 (${p}).`
      );
    case 'borderline':
      return (
        `Borderline: ${what} changed by ${est} more in the treated group than in the control group ` +
        `(${ci}; ${p}); the interval and the t-test disagree about whether this is more than chance.`
      );
  }
}
