import type { KpiCell } from '../../../src/server/api-types';
import { formatKpi, kpiLabel } from '../../../src/views/format';

/** A stored flag: the segment differs significantly from the rest. */
interface Flag {
  kpi: string;
  direction: 'under' | 'over';
  p_value: number;
}

/**
 * A KPI value as the tables show it: the value in its unit, its 95 % interval underneath when it
 * has one, and ▲/▼ when the segment is significantly above/below the rest of the customers.
 */
export function KpiValue({
  cell,
  kpi,
  unit,
  currency,
  flag,
}: {
  cell: KpiCell | undefined;
  kpi: string;
  unit: string;
  currency: string | null;
  flag?: Flag | undefined;
}) {
  if (!cell) return <span className="muted">—</span>;
  if (cell.value === null)
    return (
      <span className="muted" title={cell.reason ?? 'not available'}>
        —
      </span>
    );
  return (
    <span className="kpi-value" data-kpi={kpi} data-value={cell.value}>
      <span className="v">
        {formatKpi(cell.value, unit, currency)}
        {flag ? (
          <span
            className={`flag flag-${flag.direction}`}
            title={`${kpiLabel(kpi)} significantly ${flag.direction === 'over' ? 'above' : 'below'} the rest of the customers (adjusted p = ${flag.p_value.toPrecision(2)})`}
            aria-label={
              flag.direction === 'over' ? 'significantly above the rest' : 'significantly below the rest'
            }
          >
            {flag.direction === 'over' ? '▲' : '▼'}
          </span>
        ) : null}
      </span>
      {cell.ci_low !== null && cell.ci_high !== null ? (
        <span className="ci">
          {formatKpi(cell.ci_low, unit, currency)} – {formatKpi(cell.ci_high, unit, currency)}
        </span>
      ) : null}
    </span>
  );
}
