import type { KpiCell, SegmentRow } from '../snapshot/read.js';
import { decideSuppression, type SuppressionReason } from './suppression.js';

/** A segment row as the outputs show it: `customers` null and the reason when it is suppressed. */
export interface ShownSegmentRow extends Omit<SegmentRow, 'customers'> {
  customers: number | null;
  suppressed: boolean;
  /** Present only on suppressed rows. */
  suppression?: SuppressionReason;
}

/** What a suppressed segment's KPI cells say instead of their values. */
export function suppressedReason(reason: SuppressionReason, threshold: number): string {
  return reason === 'small'
    ? `suppressed: fewer than ${threshold} customers (privacy.min_segment_size)`
    : 'suppressed: hidden so that a smaller segment cannot be worked out from the total';
}

/**
 * Applies {@link decideSuppression} to the segments of one scheme (they partition the base, whose
 * row is shown, so the total is known). A suppressed row keeps its name and its KPI names; its
 * `customers`, every value and interval become null, `ci_method` null, `available` false with the
 * suppression as the reason (the stored reason may carry a count, e.g. "n = 3"), and its flags
 * are dropped. Shown rows are returned unchanged apart from `suppressed: false`.
 *
 * @example suppressSegmentRows(table.segments, minSegmentSizeOf(config))
 */
export function suppressSegmentRows(
  rows: readonly SegmentRow[],
  threshold: number,
  totalKnown = true,
): ShownSegmentRow[] {
  const decisions = decideSuppression(
    rows.map((r) => ({ id: r.segment, customers: r.customers })),
    { threshold, totalKnown },
  );
  return rows.map((r, i) => {
    const reason = decisions[i]?.reason ?? null;
    if (reason === null) return { ...r, suppressed: false };
    const text = suppressedReason(reason, threshold);
    const kpis: Record<string, KpiCell> = {};
    for (const k of Object.keys(r.kpis))
      kpis[k] = { value: null, ci_low: null, ci_high: null, ci_method: null, available: false, reason: text };
    return { segment: r.segment, customers: null, kpis, flags: [], suppressed: true, suppression: reason };
  });
}
