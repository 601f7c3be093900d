/**
 * Payback period: months until the cumulative value per acquired customer covers what acquiring
 * them cost. Pure.
 */

/** Months as whole numbers: year × 12 + (month − 1). */
export function monthIndex(isoDate: string): number {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  return y * 12 + (m - 1);
}

/** `YYYY-MM` of a month index. */
export function monthLabel(index: number): string {
  const y = Math.floor(index / 12);
  return `${String(y).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Customers acquired in one month (of one group). */
export interface CohortSize {
  month: number;
  customers: number;
}

/** Value (margin or revenue) those customers brought in month `offset` after it (0: the acquisition month). */
export interface CohortValue {
  month: number;
  offset: number;
  value: number;
}

/** One point of the cumulative value curve. */
export interface PaybackPoint {
  /** Months since acquisition, k ≥ 1: the acquisition month and the k − 1 after it. */
  months: number;
  /** Customers observed for k complete months. */
  customers: number;
  /** Their mean cumulative value over those k months. */
  cumulative_value: number;
}

/** What {@link paybackPeriod} finds. */
export interface Payback {
  /** The first k with cumulative value ≥ CAC; 0 when CAC is 0; null when CAC is unknown or not reached yet. */
  payback_months: number | null;
  /** The largest k for which some customer has been observed k complete months. */
  observed_months: number;
  curve: PaybackPoint[];
}

/**
 * Payback period of a group of acquired customers.
 *
 * C(k) = Σ over the customers observed for k complete months of their value in months 0 … k − 1
 * after their acquisition month, ÷ the number of those customers; payback = the smallest k with
 * C(k) ≥ CAC. A customer acquired in month a is observed for k complete months when month
 * a + k − 1 is at most `lastCompleteMonth` (the as-of month if the as-of date is its last day,
 * else the month before), so every point of the curve averages only customers who have had the
 * whole k months — recent cohorts do not drag it down. The acquisition month counts as month 1
 * even when the customer arrived in the middle of it.
 *
 * @example
 * paybackPeriod([{ month: 0, customers: 10 }], [{ month: 0, offset: 0, value: 50 }, { month: 0, offset: 1, value: 100 }], 5, 12);
 * // C(1) = 5, C(2) = 15 ≥ 12 → payback_months 2
 */
export function paybackPeriod(
  sizes: readonly CohortSize[],
  values: readonly CohortValue[],
  lastCompleteMonth: number,
  cac: number | null,
): Payback {
  const observed = Math.max(
    0,
    ...sizes.filter((s) => s.customers > 0).map((s) => lastCompleteMonth - s.month + 1),
  );
  // value[a][j]: value of cohort a in month offset j (offsets before acquisition count as month 0).
  const byMonth = new Map<number, number[]>();
  for (const v of values) {
    const list = byMonth.get(v.month) ?? [];
    const j = Math.max(0, v.offset);
    list[j] = (list[j] ?? 0) + v.value;
    byMonth.set(v.month, list);
  }
  const curve: PaybackPoint[] = [];
  let payback: number | null = cac === null ? null : cac <= 0 ? 0 : null;
  for (let k = 1; k <= observed; k++) {
    let n = 0;
    let sum = 0;
    for (const s of sizes) {
      if (s.customers <= 0 || s.month + k - 1 > lastCompleteMonth) continue;
      n += s.customers;
      const list = byMonth.get(s.month) ?? [];
      for (let j = 0; j < k; j++) sum += list[j] ?? 0;
    }
    if (n === 0) continue;
    const c = sum / n;
    curve.push({ months: k, customers: n, cumulative_value: c });
    if (payback === null && cac !== null && c >= cac) payback = k;
  }
  return { payback_months: payback, observed_months: observed, curve };
}
