/**
 * The measures an alert condition reads (./condition.ts), computed from a KPI's value in the new
 * snapshot and its history in earlier ones. Pure.
 */
import type { Measures } from './condition.js';
import { robustZ } from './robust-z.js';

/**
 * How many earlier values `anomaly` needs: with fewer, a median and MAD say little (Iglewicz &
 * Hoaglin's examples start around ten points) and the measure is null, so the rule does not fire.
 */
export const MIN_ANOMALY_HISTORY = 5;

/** At most this many earlier snapshots (the most recent ones) make the `anomaly` history. */
export const ANOMALY_WINDOW = 60;

/** What {@link computeMeasures} needs for one KPI of one segment. */
export interface MeasureInput {
  /** The KPI's value in the new snapshot. */
  value: number;
  /** Its value in the previous snapshot (null: no previous snapshot, or no shown value there). */
  previous: number | null;
  /** Its earlier values, most recent first (suppressed and missing values left out). */
  history: readonly number[];
  /** Customers in the segment in the new snapshot. */
  customers: number | null;
}

/**
 * The measures of one KPI of one segment:
 * - `value`, `previous`, `customers` as given;
 * - `change` = value − previous (absolute, in the KPI's unit);
 * - `pct_change` = (value − previous) / |previous|, a fraction (−0.1 is a 10 % fall); null when
 *   previous is 0;
 * - `anomaly` = the robust z-score of the value against the history (./robust-z.ts), null with
 *   fewer than {@link MIN_ANOMALY_HISTORY} earlier values.
 *
 * @example computeMeasures({ value: 120, previous: 100, history: [100], customers: 40 }).pct_change // 0.2
 */
export function computeMeasures(i: MeasureInput): Measures {
  const change = i.previous === null ? null : i.value - i.previous;
  const pct = i.previous === null || i.previous === 0 ? null : (i.value - i.previous) / Math.abs(i.previous);
  const window = i.history.slice(0, ANOMALY_WINDOW);
  const anomaly = window.length >= MIN_ANOMALY_HISTORY ? robustZ(i.value, window) : null;
  return {
    value: i.value,
    previous: i.previous,
    change,
    pct_change: pct,
    anomaly,
    customers: i.customers,
  };
}
