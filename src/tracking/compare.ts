/**
 * `segtrack compare`: did a treatment move a metric? A difference-in-differences of a
 * per-customer metric between a treated and a control group over windows before and after a
 * start date, with a bootstrap interval, a p-value, a pre-period trend check, and matched or
 * holdout controls. The SQL runs in the engine (compare-sql.ts); the statistics are pure
 * functions over typed arrays (did.ts, bootstrap.ts, welch.ts, matching.ts). The design and the
 * methods are in CONTEXT.md, "## Compare".
 */
import type { Config } from '../config/types.js';
import { Rng } from '../core/rng.js';
import type { Engine } from '../engine/engine.js';
import { minSegmentSizeOf } from '../privacy/threshold.js';
import { SMD_THRESHOLD } from './balance.js';
import { replicateCount } from './bootstrap.js';
import {
  conclusionText,
  formatDifference,
  pText,
  verdictOf,
  type CompareVerdict,
} from './compare-conclusion.js';
import {
  TREATED,
  createGroupTable,
  dropTable,
  groupSizes,
  type ControlSpec,
  type GroupSource,
  type TreatedSpec,
} from './compare-groups.js';
import { addControl, addTreated, declaredInterventions, resolveSpecs } from './compare-specs.js';
import { addMatchedControls, type MatchedDetails } from './compare-matched.js';
import { METRICS, customerMetricSql, latestOrderSql, type CompareMetric } from './compare-sql.js';
import { DEFAULT_PRE_DAYS, addDays, compareWindows, daysFrom } from './compare-windows.js';
import { differenceInDifferences, type DidEstimate, type DidGroup } from './did.js';

/** Settings of {@link compare}. */
export interface CompareOptions {
  treated?: TreatedSpec | undefined;
  control?: ControlSpec | undefined;
  /** A row of the `interventions` table: supplies start, post window, treated and control. */
  intervention?: string | undefined;
  /** First day of the post window (YYYY-MM-DD). */
  start?: string | undefined;
  preDays?: number | undefined;
  postDays?: number | undefined;
  metric?: CompareMetric | undefined;
  /** Seed of the bootstrap and of matching ties (default 1: the same result every run). */
  seed?: number | undefined;
  /** Bootstrap replicates (default 2000, fewer — never under 1000 — for very large groups). */
  replicates?: number | undefined;
  /** Interval coverage (default 0.95). */
  confidence?: number | undefined;
  /** Snapshot to read segment groups from (default: the latest as of the start or before). */
  snapshotId?: number | undefined;
}

/** One group in the result (CONTRACT.md: `pre`, `post`, `customers`). */
export type CompareGroup = GroupSource & {
  /** Mean of the metric over the pre window (null when the group is too small to show). */
  pre: number | null;
  post: number | null;
  /** post − pre. */
  change: number | null;
  /** Distinct customers (null when fewer than privacy.min_segment_size). */
  customers: number | null;
  suppressed: boolean;
};

/** The pre-period trend check in the result. */
export interface ParallelTrends {
  checked: boolean;
  /** True when no pre-trend is detected, false when one is, null when not checked. */
  ok: boolean | null;
  method: string;
  periods: number;
  period_days: number;
  /** Slope of the treated − control difference per sub-period. */
  slope: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  /** Each pre sub-period: first and last day, group means and their difference. */
  series: { from: string; to: string; treated: number; control: number; difference: number }[];
  reason?: string;
}

/** What `segtrack compare` reports (CONTRACT.md, plus the fields after `method`). */
export interface CompareResult {
  treated: CompareGroup;
  control: CompareGroup & { matching?: MatchedDetails };
  effect: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  method: 'difference-in-differences';
  metric: CompareMetric;
  metric_description: string;
  windows: {
    start: string;
    pre: { from: string; to: string; days: number };
    post: { from: string; to: string; days: number };
    /** For revenue and orders over windows of different lengths: the factor applied to pre values. */
    pre_scale: number;
  };
  confidence: number;
  interval_method: string;
  p_value_method: string;
  bootstrap: { replicates: number; seed: number } | null;
  parallel_trends: ParallelTrends;
  verdict: CompareVerdict;
  conclusion: string;
  warnings: string[];
  min_segment_size: number;
  intervention?: string;
}

const INTERVAL_METHOD =
  'percentile bootstrap over customers, resampled within each group (Efron & Tibshirani 1993, §13.3)';
const P_METHOD = 'two-sided Welch t-test on per-customer changes post − pre (Welch 1947)';
const TREND_METHOD =
  'least-squares slope of the treated − control difference over the pre sub-periods (mean of per-customer ' +
  'slopes; Welch t-test and percentile bootstrap like the effect)';

/**
 * Compares a treated and a control group before and after a start date by difference-in-differences.
 *
 * @example
 * await compare(engine, config, {
 *   treated: { kind: 'segment', scheme: 'rfm', segment: 'At Risk' },
 *   control: { kind: 'matched' },
 *   start: '2025-03-01',
 *   metric: 'revenue',
 * });
 */
export async function compare(
  engine: Engine,
  config: Config | undefined,
  options: CompareOptions,
): Promise<CompareResult> {
  const o = await resolveSpecs(engine, { ...options, declared: declaredInterventions(config) });
  const metric = options.metric ?? 'revenue';
  const confidence = options.confidence ?? 0.95;
  const seed = options.seed ?? 1;
  const threshold = minSegmentSizeOf(config);
  const windows = compareWindows(o.start, options.preDays ?? DEFAULT_PRE_DAYS, o.postDays);
  const preScale = METRICS[metric].additive ? windows.post_days / windows.pre_days : 1;
  const warnings: string[] = [];

  const table = await createGroupTable(engine);
  try {
    const t = await addTreated(engine, config, table, o.treated, o.start, options.snapshotId, o.exportRecord);
    let controlSource: GroupSource;
    let matching: MatchedDetails | undefined;
    if (o.control.kind === 'matched') {
      matching = await addMatchedControls(engine, table, windows, new Rng(seed, 1));
      controlSource = { kind: 'matched' };
    } else {
      const c = await addControl(
        engine,
        config,
        table,
        o.control,
        o.start,
        options.snapshotId,
        o.exportRecord,
      );
      controlSource = c.source;
      if (c.overlap > 0)
        warnings.push(
          `${c.overlap} customers of the control group are also treated; they count as treated only.`,
        );
    }
    for (const s of [t.source, controlSource])
      if (s.kind === 'file' && s.unknown_ids > 0)
        warnings.push(
          `${s.unknown_ids} of the ${s.ids} ids in ${s.file} are not in the workspace; left out.`,
        );
    const sizes = await groupSizes(engine, table);
    const small = sizes.treated < threshold || sizes.control < threshold;
    if (matching && !matching.balanced && !small)
      warnings.push(
        `after matching, some features still differ by more than ${SMD_THRESHOLD} standard deviations ` +
          `(max |SMD| ${matching.max_abs_smd_after?.toFixed(2)}); the control group is not fully comparable.`,
      );
    if (windows.pre_days !== windows.post_days && METRICS[metric].additive)
      warnings.push(
        `the windows differ in length (${windows.pre_days} vs ${windows.post_days} days): pre values are scaled ` +
          `by ${preScale.toFixed(3)} to the post window's length.`,
      );
    const [latest] = await engine.query<{ last: string | null }>(latestOrderSql(engine.dialect));
    if (latest?.last != null && latest.last < windows.post_to)
      warnings.push(
        `the post window runs to ${windows.post_to} but the latest order is from ${latest.last}: ` +
          `the post values cover only ${Math.max(0, daysFrom(windows.post_from, latest.last) + 1)} of its ${windows.post_days} days.`,
      );

    let est: DidEstimate | null = null;
    let replicates = 0;
    if (!small) {
      const stmt = customerMetricSql(engine.dialect, metric, windows, table);
      const cols = await engine.numericColumns(stmt.sql, stmt.params);
      const { treated, control } = splitGroups(cols, windows.periods.length, o.control.kind === 'matched');
      replicates = options.replicates ?? replicateCount(treated.pre.length + control.pre.length);
      est = differenceInDifferences(treated, control, {
        replicates,
        confidence,
        rng: new Rng(seed, 0),
        preScale,
      });
    }

    const group = (source: GroupSource, n: number, g: DidEstimate['treated'] | undefined): CompareGroup => {
      const hidden = n < threshold;
      return {
        ...source,
        pre: hidden || !g ? null : g.pre,
        post: hidden || !g ? null : g.post,
        change: hidden || !g ? null : g.change,
        customers: hidden ? null : n,
        suppressed: hidden,
      };
    };
    const verdictInput = {
      metric,
      treatedCustomers: sizes.treated,
      controlCustomers: sizes.control,
      minSegmentSize: threshold,
      means: est
        ? {
            treatedPre: est.treated.pre,
            treatedPost: est.treated.post,
            controlPre: est.control.pre,
            controlPost: est.control.post,
          }
        : null,
      effect: est?.effect ?? null,
      ciLow: est?.ci_low ?? null,
      ciHigh: est?.ci_high ?? null,
      pValue: est?.p_value ?? null,
      confidence,
    };
    const verdict = verdictOf(verdictInput);
    const trends = parallelTrends(est, windows, confidence, small);
    let conclusion = conclusionText(verdict, {
      ...verdictInput,
      postDays: windows.post_days,
      start: windows.start,
    });
    if (trends.ok === false) {
      const text =
        `before the start, the treated − control difference already moved by ` +
        `${formatDifference(metric, trends.slope!)} per ${trends.period_days}-day period ` +
        `(${Math.round(confidence * 100)}% CI ${formatDifference(metric, trends.ci_low ?? Number.NaN)} to ` +
        `${formatDifference(metric, trends.ci_high ?? Number.NaN)}; ${pText(trends.p_value)}), ` +
        `so the groups were not on parallel trends and the estimate may be biased.`;
      warnings.push(text);
      if (verdict !== 'too_small' && verdict !== 'no_activity') conclusion += ` Warning: ${text}`;
    }
    const control: CompareResult['control'] = group(controlSource, sizes.control, est?.control);
    // Feature means and distances of a group under the minimum size would describe too few people.
    if (matching)
      control.matching = small
        ? { ...matching, matched_pairs: null, balance: [], mean_distance: null, max_abs_smd_after: null }
        : matching;
    return {
      treated: group(t.source, sizes.treated, est?.treated),
      control,
      effect: est?.effect ?? null,
      ci_low: est?.ci_low ?? null,
      ci_high: est?.ci_high ?? null,
      p_value: est?.p_value ?? null,
      method: 'difference-in-differences',
      metric,
      metric_description: METRICS[metric].description,
      windows: {
        start: windows.start,
        pre: { from: windows.pre_from, to: windows.pre_to, days: windows.pre_days },
        post: { from: windows.post_from, to: windows.post_to, days: windows.post_days },
        pre_scale: preScale,
      },
      confidence,
      interval_method: INTERVAL_METHOD,
      p_value_method: P_METHOD,
      bootstrap: est ? { replicates, seed } : null,
      parallel_trends: trends,
      verdict,
      conclusion,
      warnings,
      min_segment_size: threshold,
      ...(o.intervention !== undefined ? { intervention: o.intervention } : {}),
    };
  } finally {
    await dropTable(engine, table);
  }
}

/** Splits the metric query's columns into the treated and control groups' arrays. */
function splitGroups(
  cols: Record<string, Float64Array>,
  periods: number,
  weighted: boolean,
): { treated: DidGroup; control: DidGroup } {
  const side = cols['treated'] ?? new Float64Array(0);
  let nT = 0;
  while (nT < side.length && side[nT] === TREATED) nT++;
  const col = (name: string) => cols[name] ?? new Float64Array(side.length);
  const part = (from: number, to: number, w: boolean): DidGroup => ({
    pre: col('pre').subarray(from, to),
    post: col('post').subarray(from, to),
    periods: Array.from({ length: periods }, (_, k) => col(`p${k}`).subarray(from, to)),
    weights: w ? col('weight').subarray(from, to) : undefined,
  });
  return { treated: part(0, nT, false), control: part(nT, side.length, weighted) };
}

function parallelTrends(
  est: DidEstimate | null,
  w: ReturnType<typeof compareWindows>,
  confidence: number,
  small: boolean,
): ParallelTrends {
  const base = { method: TREND_METHOD, periods: w.periods.length, period_days: w.period_days };
  const none = (reason: string): ParallelTrends => ({
    ...base,
    checked: false,
    ok: null,
    slope: null,
    ci_low: null,
    ci_high: null,
    p_value: null,
    series: [],
    reason,
  });
  if (small) return none('the groups are too small');
  if (!est?.trend) return none('the pre window is too short for two sub-periods');
  const t = est.trend;
  const alpha = 1 - confidence;
  const byInterval = t.ci_low !== null && t.ci_high !== null && (t.ci_low > 0 || t.ci_high < 0);
  const byTest = t.p_value !== null && t.p_value < alpha;
  return {
    ...base,
    checked: true,
    // Flagged like an effect: the interval excludes 0 and p < α (either alone would raise false
    // alarms on about twice the nominal share of placebo splits).
    ok: !(byInterval && byTest),
    slope: t.slope,
    ci_low: t.ci_low,
    ci_high: t.ci_high,
    p_value: t.p_value,
    series: w.periods.map((p, k) => ({
      from: addDays(w.pre_from, p.from),
      to: addDays(w.pre_from, p.to - 1),
      treated: t.treated[k]!,
      control: t.control[k]!,
      difference: t.difference[k]!,
    })),
  };
}
