/**
 * The pre and post windows of `segtrack compare` and the pre window's sub-periods. Pure date
 * arithmetic on whole UTC days.
 */

/** Default window lengths, in days (4 weeks each: 4 weekly sub-periods for the trend check). */
export const DEFAULT_PRE_DAYS = 28;
export const DEFAULT_POST_DAYS = 28;

/** The most sub-periods the pre window is cut into (longer windows get longer sub-periods). */
export const MAX_PERIODS = 26;

/** Windows around a start date; days are counted from the first day of the pre window. */
export interface CompareWindows {
  /** The first day of the post window (YYYY-MM-DD). */
  start: string;
  pre_days: number;
  post_days: number;
  /** First day of the pre window. */
  pre_from: string;
  /** Last day of the pre window (the day before the start). */
  pre_to: string;
  /** First day of the post window (= start). */
  post_from: string;
  /** Last day of the post window. */
  post_to: string;
  /** The day after the post window (exclusive end, for SQL). */
  end_exclusive: string;
  /** Length of each pre sub-period in days (0 when there are none). */
  period_days: number;
  /**
   * Pre sub-periods as day offsets [from, to) from `pre_from`, oldest first. They are the last
   * K·period_days days of the pre window; days before them count in the pre value but not in
   * the trend check.
   */
  periods: { from: number; to: number }[];
}

const DAY_MS = 86_400_000;

/** `date` (YYYY-MM-DD) plus `days` whole days, as YYYY-MM-DD (UTC). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${date}`);
  return new Date(t + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (YYYY-MM-DD each). */
export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * The windows: pre = [start − preDays, start), post = [start, start + postDays), whole UTC days.
 * The pre window's sub-periods for the trend check are weeks (7 days) when it has at least two
 * (pre ≥ 14 days) and at most {@link MAX_PERIODS} of them; a longer window gets sub-periods of
 * ⌈pre/26⌉ days; a window of 2–13 days is split into two halves; a 1-day window has none.
 *
 * @example compareWindows('2025-03-01', 28, 28).periods // 4 weeks: [0,7), [7,14), [14,21), [21,28)
 */
export function compareWindows(start: string, preDays: number, postDays: number): CompareWindows {
  for (const [name, v] of [
    ['pre days', preDays],
    ['post days', postDays],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a whole number ≥ 1, not ${v}`);
  let periodDays = 0;
  if (preDays >= 14) periodDays = Math.max(7, Math.ceil(preDays / MAX_PERIODS));
  else if (preDays >= 2) periodDays = Math.floor(preDays / 2);
  const count = periodDays > 0 ? Math.floor(preDays / periodDays) : 0;
  const offset = preDays - count * periodDays;
  const periods = Array.from({ length: count }, (_, k) => ({
    from: offset + k * periodDays,
    to: offset + (k + 1) * periodDays,
  }));
  return {
    start,
    pre_days: preDays,
    post_days: postDays,
    pre_from: addDays(start, -preDays),
    pre_to: addDays(start, -1),
    post_from: start,
    post_to: addDays(start, postDays - 1),
    end_exclusive: addDays(start, postDays),
    period_days: periodDays,
    periods,
  };
}
