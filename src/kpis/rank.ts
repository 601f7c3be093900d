/**
 * Ranking segments by a KPI: best first according to the KPI's direction (higher or lower is
 * better), segments without a value last.
 */
import { userError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { KpiDirection, KpiTable, KpiValue } from './types.js';

/** One segment's place in a ranking. */
export interface RankedSegment {
  segment: string;
  customers: number;
  value: number | null;
  /** 1 for the best; ties share a rank (1, 2, 2, 4); null for segments without a value. */
  rank: number | null;
  kpi: KpiValue;
}

/**
 * Ranks the segments of `scheme` by `kpi`, best first. The direction is the KPI's own (from the
 * table's definitions) unless `direction` overrides it.
 *
 * @example rankSegments(table, 'rfm', 'churn_rate') // lowest churn first
 */
export function rankSegments(
  table: KpiTable,
  scheme: string,
  kpi: string,
  direction?: KpiDirection,
): RankedSegment[] {
  const s = table.schemes.find((x) => x.scheme === scheme);
  if (!s)
    throw userError('unknown_scheme', `no scheme '${scheme}' in the KPI table`, {
      hint: didYouMean(
        scheme,
        table.schemes.map((x) => x.scheme),
      ),
    });
  const def = table.kpis.find((k) => k.name === kpi);
  if (!def)
    throw userError('kpi_unknown', `KPI '${kpi}' was not computed`, {
      hint: didYouMean(
        kpi,
        table.kpis.map((k) => k.name),
      ),
    });
  return rankValues(
    s.segments.map((seg) => ({ segment: seg.segment, customers: seg.customers, kpi: seg.kpis[kpi]! })),
    direction ?? def.direction,
  );
}

/** Ranks entries by their KPI value (pure; exported for reuse over other collections). */
export function rankValues(
  entries: readonly { segment: string; customers: number; kpi: KpiValue }[],
  direction: KpiDirection,
): RankedSegment[] {
  const sign = direction === 'higher' ? -1 : 1;
  const sorted = [...entries].sort((a, b) => {
    const va = a.kpi.value;
    const vb = b.kpi.value;
    if (va === null && vb === null) return a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    if (va !== vb) return sign * (va - vb);
    return a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0;
  });
  const out: RankedSegment[] = [];
  sorted.forEach((e, i) => {
    const prev = out[i - 1];
    const value = e.kpi.value;
    let rank: number | null = null;
    if (value !== null) rank = prev !== undefined && prev.value === value ? prev.rank : i + 1;
    out.push({ segment: e.segment, customers: e.customers, value, rank, kpi: e.kpi });
  });
  return out;
}
