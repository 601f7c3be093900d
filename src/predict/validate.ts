import { userError } from '../core/errors.js';
import { pearson } from '../core/stats.js';
import type { Engine } from '../engine/engine.js';
import { asOfSql, parseDay } from '../features/as-of.js';
import { purchaseSummarySql } from '../features/feature-select.js';
import { completed } from '../features/sql-parts.js';
import { fitBoth, fitsJson } from './fit.js';
import { unitDays, type ModelSettings } from './settings.js';
import { holdoutSql, readSummary, withOrderStages } from './summary-data.js';

/** Settings of {@link validateModels}. */
export interface ValidateOptions {
  /** Last day of the calibration period (`YYYY-MM-DD`, included). */
  calibrationEnd: string;
  /** Last day of the holdout period (included); default: the latest order date. */
  holdoutEnd: string;
  settings: ModelSettings;
  /** Calibration frequencies at and above this are pooled into one row (default 7, as in the papers). */
  frequencyCap?: number;
}

/** One row of the holdout table by calibration frequency. */
export interface FrequencyRow {
  frequency: number;
  /** True for the pooled last row (`frequency` and more). */
  and_more: boolean;
  customers: number;
  actual_mean: number;
  expected_mean: number;
}

/** One week of the cumulative tracking curve. */
export interface WeekPoint {
  week: number;
  actual: number;
  expected: number;
}

const DAY_MS = 86_400_000;

function mean(sum: number, n: number): number {
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * Holdout validation of the purchase model, as in Fader, Hardie & Lee (2005), section 4: fit on
 * the customers' purchases up to the calibration end, then compare with what they did in the
 * holdout period (calibration end, holdout end]:
 * - totals of repeat transactions (purchase days) in the holdout, actual and expected (the sum of
 *   each customer's conditional expectation, eq. 10 for the BG/NBD);
 * - the mean holdout transactions by calibration frequency (their figure 4 / table);
 * - the weekly cumulative repeat transactions of the cohort from its first purchase day, actual
 *   against Σ_i E[X(t − s_i)] over customers born s_i days after the first (their figure 3), with
 *   the unconditional expectation (eq. 7) — customers are grouped by birth day, so the cost grows
 *   with days × weeks, not customers × weeks;
 * - per-customer error metrics.
 * Only customers whose first purchase is on or before the calibration end take part.
 */
export async function validateModels(engine: Engine, o: ValidateOptions): Promise<Record<string, unknown>> {
  const d = engine.dialect;
  const calDay = parseDay(o.calibrationEnd);
  const endDay = parseDay(o.holdoutEnd);
  if (calDay === undefined || endDay === undefined || endDay <= calDay)
    throw userError(
      'invalid_holdout',
      `the holdout must end after the calibration period: calibration end ${o.calibrationEnd}, holdout end ${o.holdoutEnd}`,
      { hint: 'pass --calibration-end and --holdout-end as YYYY-MM-DD, the holdout end later' },
    );
  const cap = o.frequencyCap ?? 7;
  const per = unitDays(o.settings.timeUnit);
  const cal = asOfSql(d, o.calibrationEnd);
  const hold = asOfSql(d, o.holdoutEnd);
  return withOrderStages(engine, cal, async (stages) => {
    const data = await readSummary(engine, purchaseSummarySql(cal, stages), holdoutSql(engine, cal, hold));
    const x = data.x;
    const n = x.length;
    if (n === 0)
      throw userError('model_too_few_customers', `no customer bought on or before ${o.calibrationEnd}`, {
        hint: 'choose a later --calibration-end',
      });
    const bigTDays = data.bigTDays;
    const actual = data.holdout!;
    const fitted = fitBoth(data, o.settings);

    // Conditional expectation of every customer over the holdout length.
    const holdoutLength = (endDay - calDay) / per;
    const scores = fitted.purchase.score(
      x,
      data.txDays.map((v) => v / per),
      bigTDays.map((v) => v / per),
      [holdoutLength],
    );
    const expected = scores.expected[0]!;

    const sums = Array.from({ length: cap + 1 }, () => ({ n: 0, actual: 0, expected: 0 }));
    let totalActual = 0;
    let totalExpected = 0;
    let abs = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const b = sums[Math.min(x[i]!, cap)]!;
      b.n++;
      b.actual += actual[i]!;
      b.expected += expected[i]!;
      totalActual += actual[i]!;
      totalExpected += expected[i]!;
      const e = expected[i]! - actual[i]!;
      abs += Math.abs(e);
      sq += e * e;
    }
    const byFrequency: FrequencyRow[] = sums.map((b, f) => ({
      frequency: f,
      and_more: f === cap,
      customers: b.n,
      actual_mean: mean(b.actual, b.n),
      expected_mean: mean(b.expected, b.n),
    }));

    const { points: weekly, calibrationWeeks } = await weeklyTracking(
      engine,
      stages.orders,
      hold,
      (t: number) => fitted.purchase.expected(t),
      { calDay, endDay, per, bigTDays },
    );
    const holdoutWeeks = weekly.filter((w) => w.week > calibrationWeeks);
    const mape =
      holdoutWeeks.reduce((acc, w) => acc + Math.abs(w.expected - w.actual) / Math.max(w.actual, 1), 0) /
      Math.max(holdoutWeeks.length, 1);

    return {
      calibration_end: o.calibrationEnd,
      holdout_end: o.holdoutEnd,
      time_unit: o.settings.timeUnit,
      holdout_length: holdoutLength,
      customers: n,
      ...fitsJson(fitted),
      holdout: {
        actual_repeat_transactions: totalActual,
        expected_repeat_transactions: totalExpected,
        by_calibration_frequency: byFrequency,
        weekly_cumulative: weekly,
        calibration_weeks: calibrationWeeks,
        errors: {
          total_relative_error: (totalExpected - totalActual) / Math.max(totalActual, 1),
          mean_absolute_error: abs / n,
          root_mean_squared_error: Math.sqrt(sq / n),
          correlation: pearson(expected, actual),
          cumulative_tracking_mape: mape,
        },
      },
    };
  });
}

/**
 * The weekly cumulative tracking curve. Week w covers days [7(w−1), 7w) counted from the cohort's
 * first purchase day (day 0); the actual value is the repeat transactions (purchase days after
 * a customer's first) before day 7w, the expected one Σ_b n_b · E[X((7w − b)/unit)] over the
 * customers born on day b < 7w.
 */
async function weeklyTracking(
  engine: Engine,
  stageOrders: string,
  hold: ReturnType<typeof asOfSql>,
  expectedX: (t: number) => number,
  o: { calDay: number; endDay: number; per: number; bigTDays: Float64Array },
): Promise<{ points: WeekPoint[]; calibrationWeeks: number }> {
  const d = engine.dialect;
  let maxT = 0;
  for (const t of o.bigTDays) maxT = Math.max(maxT, t);
  const origin = o.calDay - maxT;
  const weeks = Math.ceil((o.endDay - origin + 1) / 7);
  // Births: customers per day after the origin.
  const births = new Map<number, number>();
  for (const t of o.bigTDays) births.set(maxT - t, (births.get(maxT - t) ?? 0) + 1);
  const originSql = d.cast(d.literal(new Date(origin * DAY_MS).toISOString().slice(0, 10)), 'date');
  const day = d.cast('o.ordered_at', 'date');
  const rows = await engine.query(
    `SELECT k, COUNT(*) AS n FROM (` +
      `SELECT ${d.daysBetween(originSql, day)} AS k FROM orders o JOIN ${stageOrders} s ON s.customer_id = o.customer_id ` +
      `WHERE ${completed('o')} AND o.ordered_at < ${hold.end} AND ${day} > s.first_day ` +
      `GROUP BY o.customer_id, ${day}) r GROUP BY k`,
  );
  const perWeek = new Float64Array(weeks + 1);
  for (const r of rows) {
    const w = Math.floor(Number(r['k']) / 7) + 1;
    if (w >= 1 && w <= weeks) perWeek[w]! += Number(r['n']);
  }
  const points: WeekPoint[] = [];
  let cumulative = 0;
  const birthList = [...births.entries()];
  for (let w = 1; w <= weeks; w++) {
    cumulative += perWeek[w]!;
    let expected = 0;
    for (const [b, count] of birthList) if (b < 7 * w) expected += count * expectedX((7 * w - b) / o.per);
    points.push({ week: w, actual: cumulative, expected });
  }
  // The weeks that end on or before the calibration end.
  return { points, calibrationWeeks: Math.floor((o.calDay - origin + 1) / 7) };
}
