import { linearScale, niceTicks } from '../../../src/views/scale';
import { formatKpi } from '../../../src/views/format';
import { useWidth } from './use-width';
import { ValueAxis } from './value-axis';

/** One bar of a {@link BarChart}. */
export interface Bar {
  label: string;
  value: number | null;
  lo?: number | null;
  hi?: number | null;
  /** Drawn in the accent colour (the segment being looked at, say). */
  highlight?: boolean;
  /** Shown instead of the value (e.g. "suppressed"). */
  note?: string;
}

/**
 * Horizontal bars, one per category, with their 95 % interval as a whisker when known, a value
 * axis in the KPI's unit, and each bar's value written at its end.
 */
export function BarChart({
  bars,
  unit,
  currency,
  title,
  valueLabel,
  reference,
  testId,
}: {
  bars: Bar[];
  unit: string;
  currency?: string | null;
  title: string;
  valueLabel: string;
  /** A vertical reference line (the whole base's value). */
  reference?: { value: number; label: string } | null;
  testId?: string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const row = 26;
  const labelWidth = Math.min(200, Math.max(90, ...bars.map((b) => b.label.length * 7)));
  const m = { top: 8, right: 90, bottom: 40, left: labelWidth + 12 };
  const height = m.top + m.bottom + bars.length * row;
  const values = bars
    .flatMap((b) => [b.value, b.hi ?? null, reference?.value ?? null])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values, 0) || 1, 4);
  const x = linearScale(ticks[0]!, ticks[ticks.length - 1]!, m.left, width - m.right);
  const fmt = (v: number) => formatKpi(v, unit, currency, { compact: true });
  return (
    <figure className="chart" ref={ref} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}: ${valueLabel} by category`}>
        <ValueAxis
          ticks={ticks}
          x={x}
          top={m.top}
          bottom={height - m.bottom}
          left={m.left}
          right={width - m.right}
          height={height}
          format={fmt}
          label={valueLabel}
        />
        {bars.map((b, i) => {
          const top = m.top + i * row + 4;
          const v = b.value;
          return (
            <g key={b.label} className={b.highlight ? 'bar highlight' : 'bar'}>
              <text x={m.left - 8} y={top + 9} dy="0.32em" textAnchor="end" className="bar-label">
                {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
                <title>{b.label}</title>
              </text>
              {v !== null && Number.isFinite(v) ? (
                <>
                  <rect
                    x={Math.min(x(0), x(v))}
                    y={top}
                    width={Math.max(1, Math.abs(x(v) - x(0)))}
                    height={row - 8}
                    rx={2}
                  >
                    <title>{`${b.label}: ${formatKpi(v, unit, currency)}${b.lo != null && b.hi != null ? ` (95 % interval ${formatKpi(b.lo, unit, currency)} – ${formatKpi(b.hi, unit, currency)})` : ''}`}</title>
                  </rect>
                  {b.lo != null && b.hi != null ? (
                    <g className="whisker">
                      <line x1={x(b.lo)} x2={x(b.hi)} y1={top + 9} y2={top + 9} />
                      <line x1={x(b.lo)} x2={x(b.lo)} y1={top + 4} y2={top + 14} />
                      <line x1={x(b.hi)} x2={x(b.hi)} y1={top + 4} y2={top + 14} />
                    </g>
                  ) : null}
                  <text x={Math.max(x(v), x(b.hi ?? v)) + 6} y={top + 9} dy="0.32em" className="bar-value">
                    {formatKpi(v, unit, currency, { compact: true })}
                  </text>
                </>
              ) : (
                <text x={m.left + 4} y={top + 9} dy="0.32em" className="bar-value muted">
                  {b.note ?? '—'}
                </text>
              )}
            </g>
          );
        })}
        {reference ? (
          <g className="reference">
            <line x1={x(reference.value)} x2={x(reference.value)} y1={m.top} y2={height - m.bottom} />
            <title>{`${reference.label}: ${formatKpi(reference.value, unit, currency)}`}</title>
          </g>
        ) : null}
      </svg>
      {reference ? (
        <p className="chart-note">
          Dashed line: {reference.label} ({formatKpi(reference.value, unit, currency)}).
        </p>
      ) : null}
    </figure>
  );
}
