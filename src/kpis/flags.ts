/**
 * Under- and over-performance flags: each segment of a scheme is tested, KPI by KPI, against the
 * rest of the base (base minus the segment, from the same sufficient statistics), and the
 * differences that stay significant after a multiple-comparison adjustment within the scheme are
 * flagged. See CONTEXT.md for the tests and their sources.
 */
import { kpiDefinition } from './catalogue.js';
import { twoSidedNormalP, twoSidedTP } from './distributions.js';
import { type Estimator, estimate, subtractStats } from './evaluate.js';
import {
  type RatioStats,
  npsVariance,
  ratioOfMeansVariance,
  ratioVariance,
  sampleVariance,
} from './intervals.js';
import { type PAdjustMethod, adjustPValues } from './p-adjust.js';
import type { KpiTable } from './types.js';

/** How flags are decided. */
export interface FlagOptions {
  /** Segments with fewer customers (or a rest with fewer) are not tested (default 10). */
  minSegmentSize?: number;
  /** The level the adjusted p-value must reach: the FDR for Benjamini–Hochberg, the FWER for Holm (default 0.05). */
  level?: number;
  /** Multiple-comparison adjustment within each scheme (default Benjamini–Hochberg). */
  correction?: PAdjustMethod;
}

/** The statistical test behind a flag. */
export type FlagTest = 'two-proportion-z' | 'welch-z' | 'welch-t' | 'delta-ratio-z' | 'nps-multinomial-z';

/** One significant difference between a segment and the rest of the base. */
export interface KpiFlag {
  scheme: string;
  segment: string;
  kpi: string;
  /** The segment's value is below (`under`) or above (`over`) the rest's. */
  direction: 'under' | 'over';
  /** Whether that is better or worse, given the KPI's direction. */
  assessment: 'better' | 'worse';
  value: number;
  rest_value: number;
  /** Adjusted for the comparisons within the scheme. */
  p_value: number;
  /** Before adjustment. */
  p_raw: number;
  statistic: number;
  test: FlagTest;
}

/** One comparison that was made (significant or not). */
export interface KpiComparison extends Omit<KpiFlag, 'direction' | 'assessment'> {
  direction: 'under' | 'over' | 'equal';
  significant: boolean;
}

/** The flags of a KPI table, with how they were decided. */
export interface FlagReport {
  correction: PAdjustMethod;
  level: number;
  minSegmentSize: number;
  flags: KpiFlag[];
  /** Every comparison made, per scheme, with adjusted and raw p-values. */
  comparisons: KpiComparison[];
}

/** The outcome of one test. */
export interface TestResult {
  statistic: number;
  p: number;
  test: FlagTest;
}

/**
 * Tests a segment's KPI against the rest. Both estimators must be of the same KPI. Returns NaN
 * p-values when the data cannot support a test (fewer than 2 observations, no variance).
 */
export function compareEstimators(a: Estimator, b: Estimator): TestResult | undefined {
  if (a.kind === 'proportion' && b.kind === 'proportion') {
    // Two-proportion z-test with the pooled proportion (e.g. Agresti, Categorical Data Analysis, §3.1.3).
    const pa = a.x / a.n;
    const pb = b.x / b.n;
    const pool = (a.x + b.x) / (a.n + b.n);
    const se = Math.sqrt(pool * (1 - pool) * (1 / a.n + 1 / b.n));
    if (!(se > 0)) return { statistic: 0, p: 1, test: 'two-proportion-z' };
    const z = (pa - pb) / se;
    return { statistic: z, p: twoSidedNormalP(z), test: 'two-proportion-z' };
  }
  if (a.kind === 'mean' && b.kind === 'mean') {
    // Welch's test (Welch 1947, "The generalization of Student's problem when several different
    // population variances are involved", Biometrika 34): z when both groups have ≥ 30
    // observations, else t with the Welch–Satterthwaite degrees of freedom, rounded down.
    const na = a.stats.n;
    const nb = b.stats.n;
    if (na < 2 || nb < 2) return undefined;
    const va = sampleVariance(na, a.stats.sum, a.stats.sumSq) / na;
    const vb = sampleVariance(nb, b.stats.sum, b.stats.sumSq) / nb;
    const se = Math.sqrt(va + vb);
    const diff = a.stats.sum / na - b.stats.sum / nb;
    if (!(se > 0)) return { statistic: 0, p: diff === 0 ? 1 : 0, test: 'welch-z' };
    const t = diff / se;
    if (na >= 30 && nb >= 30) return { statistic: t, p: twoSidedNormalP(t), test: 'welch-z' };
    const df = Math.max(1, Math.floor((va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))));
    return { statistic: t, p: twoSidedTP(t, df), test: 'welch-t' };
  }
  if ((a.kind === 'ratio' || a.kind === 'proportion') && (b.kind === 'ratio' || b.kind === 'proportion')) {
    // conversion_rate can be a proportion in one group and a ratio of counts in the other.
    return ratioTest(asRatio(a), asRatio(b));
  }
  if (a.kind === 'ratio-of-means' && b.kind === 'ratio-of-means') {
    const ra = a.a.sum / a.a.n / (a.b.sum / a.b.n);
    const rb = b.a.sum / b.a.n / (b.b.sum / b.b.n);
    return zTest(
      ra - rb,
      ratioOfMeansVariance(a.a, a.b, a.both) + ratioOfMeansVariance(b.a, b.b, b.both),
      'delta-ratio-z',
    );
  }
  if (a.kind === 'nps' && b.kind === 'nps') {
    if (a.n < 2 || b.n < 2) return undefined;
    const na = (a.promoters - a.detractors) / a.n;
    const nb = (b.promoters - b.detractors) / b.n;
    return zTest(
      na - nb,
      npsVariance(a.promoters, a.detractors, a.n) + npsVariance(b.promoters, b.detractors, b.n),
      'nps-multinomial-z',
    );
  }
  return undefined;
}

function asRatio(e: Estimator & { kind: 'ratio' | 'proportion' }): RatioStats {
  if (e.kind === 'ratio') return e.stats;
  return { n: e.n, sumY: e.x, sumX: e.n, sumYY: e.x, sumXX: e.n, sumXY: e.x };
}

/** Delta-method z-test of two independent ratio estimates (variances as in Cochran 1977, §6.4). */
function ratioTest(a: RatioStats, b: RatioStats): TestResult | undefined {
  if (a.sumX === 0 || b.sumX === 0) return undefined;
  return zTest(a.sumY / a.sumX - b.sumY / b.sumX, ratioVariance(a) + ratioVariance(b), 'delta-ratio-z');
}

function zTest(diff: number, variance: number, test: FlagTest): TestResult | undefined {
  if (Number.isNaN(variance) || Number.isNaN(diff)) return undefined;
  if (!(variance > 0)) return { statistic: 0, p: diff === 0 ? 1 : 0, test };
  const z = diff / Math.sqrt(variance);
  return { statistic: z, p: twoSidedNormalP(z), test };
}

/** The value an estimator reports (the KPI's scale: NPS in points, churn as a share). */
function pointValue(e: Estimator): number {
  switch (e.kind) {
    case 'total':
      return e.value;
    case 'proportion':
      return e.x / e.n;
    case 'mean':
      return e.stats.sum / e.stats.n;
    case 'ratio':
      return e.stats.sumY / e.stats.sumX;
    case 'ratio-of-means':
      return e.a.sum / e.a.n / (e.b.sum / e.b.n);
    case 'nps':
      return (100 * (e.promoters - e.detractors)) / e.n;
  }
}

/**
 * Flags the segments that differ significantly from the rest of the base, per scheme. Tested:
 * every catalogue KPI with an interval (not totals, not custom KPIs) that is available, for every
 * segment with at least `minSegmentSize` customers whose rest also has that many; the p-values of
 * all comparisons within a scheme are adjusted together.
 */
export function computeFlags(table: KpiTable, options: FlagOptions = {}): FlagReport {
  const minSize = options.minSegmentSize ?? 10;
  const level = options.level ?? 0.05;
  const correction = options.correction ?? 'benjamini-hochberg';
  const ctx = { clvBasis: table.clvBasis };
  const base = table.base;
  const tested = table.kpis.filter((k) => {
    const def = kpiDefinition(k.name);
    return (
      def !== undefined &&
      def.interval !== 'none' &&
      def.interval !== 'bootstrap' &&
      base.kpis[k.name]?.available === true
    );
  });

  const comparisons: KpiComparison[] = [];
  for (const scheme of table.schemes) {
    const family: { c: Omit<KpiComparison, 'p_value' | 'significant'> }[] = [];
    for (const seg of scheme.segments) {
      const restStats = subtractStats(base.stats, seg.stats);
      const restN = restStats['n'] ?? 0;
      if (seg.customers < minSize || restN < minSize) continue;
      for (const k of tested) {
        const a = estimate(k.name, seg.stats, base.stats, ctx);
        const b = estimate(k.name, restStats, base.stats, ctx);
        if (!a.ok || !b.ok) continue;
        const result = compareEstimators(a.estimator, b.estimator);
        if (result === undefined || Number.isNaN(result.p)) continue;
        const value = pointValue(a.estimator);
        const restValue = pointValue(b.estimator);
        family.push({
          c: {
            scheme: scheme.scheme,
            segment: seg.segment,
            kpi: k.name,
            direction: value < restValue ? 'under' : value > restValue ? 'over' : 'equal',
            value,
            rest_value: restValue,
            p_raw: result.p,
            statistic: result.statistic,
            test: result.test,
          },
        });
      }
    }
    const adjusted = adjustPValues(
      family.map((f) => f.c.p_raw),
      correction,
    );
    family.forEach((f, i) => {
      const p = adjusted[i]!;
      comparisons.push({ ...f.c, p_value: p, significant: p <= level && f.c.direction !== 'equal' });
    });
  }

  const flags: KpiFlag[] = comparisons
    .filter((c) => c.significant)
    .map((c) => {
      const direction = c.direction === 'under' ? 'under' : 'over';
      const better = table.kpis.find((k) => k.name === c.kpi)?.direction ?? 'higher';
      return {
        scheme: c.scheme,
        segment: c.segment,
        kpi: c.kpi,
        direction,
        assessment: (direction === 'over') === (better === 'higher') ? 'better' : 'worse',
        value: c.value,
        rest_value: c.rest_value,
        p_value: c.p_value,
        p_raw: c.p_raw,
        statistic: c.statistic,
        test: c.test,
      };
    });
  return { correction, level, minSegmentSize: minSize, flags, comparisons };
}
