import type { Engine } from '../engine/engine.js';
import { decideSuppression, type SuppressionReason } from '../privacy/suppression.js';
import { DEFAULT_MIN_SEGMENT_SIZE } from '../privacy/threshold.js';

/** One acquisition cohort's row (CONTRACT.md, `segtrack cohorts`). */
export interface CohortRow {
  cohort: string;
  /** Null when the cohort is suppressed. */
  size: number | null;
  /** Value in period 0, 1, 2… since acquisition, up to the as-of date; null where suppressed. */
  values: (number | null)[];
  suppressed: boolean;
  /** Present only on suppressed cohorts. */
  suppression?: SuppressionReason;
  /** The periods (indices into `values`) whose value is hidden: every one of a suppressed cohort. */
  suppressed_periods: number[];
}

/**
 * Acquisition cohorts × periods since acquisition, from completed orders up to `asOf`. A cohort is
 * the month (or week) of a customer's first completed order. `retention`: the share of the
 * cohort's customers with at least one completed order in the k-th period after their first
 * (period 0 is 1 by definition). `revenue`: revenue in that period per customer of the cohort.
 * Periods not yet complete at the as-of date are included (the last one is partial).
 *
 * Privacy (src/privacy/CONTEXT.md), with `minSegmentSize` (default 10): a cohort with fewer
 * customers is suppressed (`size` and every value null), and complementary suppression runs across
 * the cohorts, because their sizes add up to the number of buyers, which other outputs publish
 * (a scheme's base minus its customers without orders). In a cohort that is shown, a period in
 * which 1 … minSegmentSize − 1 customers ordered has its value hidden (for both metrics: the
 * retention rate times the known size gives that count, and the revenue describes those few
 * customers' spending); a period in which nobody ordered shows 0. Periods of one cohort overlap
 * in customers and have no published total, so that cell rule is primary only.
 */
export async function cohorts(
  engine: Engine,
  o: {
    asOf: string;
    period?: 'month' | 'week';
    metric?: 'retention' | 'revenue';
    minSegmentSize?: number;
  },
): Promise<{
  period: string;
  metric: string;
  as_of: string;
  min_segment_size: number;
  cohorts: CohortRow[];
}> {
  const d = engine.dialect;
  const threshold = o.minSegmentSize ?? DEFAULT_MIN_SEGMENT_SIZE;
  const period = o.period ?? 'month';
  const metric = o.metric ?? 'retention';
  const end = d.addDays(d.cast(d.literal(o.asOf), 'date'), 1);
  const trunc = (e: string) => d.dateTrunc(period, e);
  const diff = (a: string, b: string) =>
    period === 'month'
      ? `((EXTRACT(YEAR FROM ${b}) - EXTRACT(YEAR FROM ${a})) * 12 + EXTRACT(MONTH FROM ${b}) - EXTRACT(MONTH FROM ${a}))`
      : `CAST(${d.daysBetween(a, b)} / 7 AS INTEGER)`;
  const rows = await engine.query<{
    cohort: string;
    k: number;
    size: number;
    active: number;
    revenue: number;
    last_k: number;
  }>(
    `WITH o AS (SELECT customer_id, ordered_at, revenue FROM orders WHERE status = 'completed' AND ordered_at < ${end}),
     f AS (SELECT customer_id, ${trunc('min(ordered_at)')} AS cohort FROM o GROUP BY customer_id),
     sizes AS (SELECT cohort, count(*) AS size FROM f GROUP BY cohort),
     act AS (SELECT f.cohort, CAST(${diff('f.cohort', trunc('o.ordered_at'))} AS INTEGER) AS k,
                    count(DISTINCT o.customer_id) AS active, sum(o.revenue) AS revenue
               FROM o JOIN f USING (customer_id) GROUP BY 1, 2)
     SELECT CAST(s.cohort AS VARCHAR) AS cohort, a.k, s.size, coalesce(a.active, 0) AS active, coalesce(a.revenue, 0) AS revenue,
            CAST(${diff('s.cohort', trunc(d.cast(d.literal(o.asOf), 'date')))} AS INTEGER) AS last_k
       FROM sizes s LEFT JOIN act a USING (cohort) ORDER BY s.cohort, a.k`,
  );
  const byCohort = new Map<
    string,
    { size: number; lastK: number; at: Map<number, { active: number; revenue: number }> }
  >();
  for (const r of rows) {
    const c = byCohort.get(r.cohort) ?? { size: Number(r.size), lastK: Number(r.last_k), at: new Map() };
    if (r.k !== null) c.at.set(Number(r.k), { active: Number(r.active), revenue: Number(r.revenue) });
    byCohort.set(r.cohort, c);
  }
  const label = (c: string) => (period === 'month' ? c.slice(0, 7) : c.slice(0, 10));
  const entries = [...byCohort.entries()];
  const decisions = decideSuppression(
    entries.map(([cohort, c]) => ({ id: cohort, customers: c.size })),
    { threshold, totalKnown: true },
  );
  return {
    period,
    metric,
    as_of: o.asOf,
    min_segment_size: threshold,
    cohorts: entries.map(([cohort, c], i): CohortRow => {
      const periods = c.lastK + 1;
      const reason = decisions[i]?.reason ?? null;
      if (reason !== null)
        return {
          cohort: label(cohort),
          size: null,
          values: Array.from({ length: periods }, () => null),
          suppressed: true,
          suppression: reason,
          suppressed_periods: Array.from({ length: periods }, (_, k) => k),
        };
      const values: (number | null)[] = [];
      const hidden: number[] = [];
      for (let k = 0; k < periods; k++) {
        const a = c.at.get(k);
        const active = a?.active ?? 0;
        if (active > 0 && active < threshold) {
          values.push(null);
          hidden.push(k);
        } else values.push(metric === 'retention' ? active / c.size : (a?.revenue ?? 0) / c.size);
      }
      return { cohort: label(cohort), size: c.size, values, suppressed: false, suppressed_periods: hidden };
    }),
  };
}
