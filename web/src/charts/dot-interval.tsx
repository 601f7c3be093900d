import { extent, linearScale, niceTicks } from '../../../src/views/scale';
import { formatKpi } from '../../../src/views/format';
import { Legend } from './line-chart';
import { useWidth } from './use-width';
import { ValueAxis } from './value-axis';

/** A category's value before and after, with intervals. */
export interface BeforeAfterPoint {
  label: string;
  before: { value: number; lo: number | null; hi: number | null } | null;
  after: { value: number; lo: number | null; hi: number | null } | null;
  changed: boolean;
}

const BEFORE = '#94a3b8';
const AFTER = '#0072B2';

/** Before (grey) and after (blue) per category as dots with their 95 % intervals; clear changes marked. */
export function DotIntervalChart({
  points,
  unit,
  currency,
  title,
  valueLabel,
  beforeLabel,
  afterLabel,
  testId,
}: {
  points: BeforeAfterPoint[];
  unit: string;
  currency?: string | null;
  title: string;
  valueLabel: string;
  beforeLabel: string;
  afterLabel: string;
  testId?: string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const row = 30;
  const labelWidth = Math.min(200, Math.max(90, ...points.map((p) => p.label.length * 7)));
  const m = { top: 8, right: 24, bottom: 40, left: labelWidth + 12 };
  const height = m.top + m.bottom + points.length * row;
  const [lo, hi] = extent(
    points.flatMap((p) => [
      p.before?.lo ?? p.before?.value,
      p.before?.hi,
      p.after?.lo ?? p.after?.value,
      p.after?.hi,
    ]),
  );
  const ticks = niceTicks(lo, hi, 5);
  const x = linearScale(ticks[0]!, ticks[ticks.length - 1]!, m.left, width - m.right);
  const mark = (v: BeforeAfterPoint['before'], y: number, colour: string, what: string, label: string) =>
    v ? (
      <g>
        {v.lo !== null && v.hi !== null ? (
          <line x1={x(v.lo)} x2={x(v.hi)} y1={y} y2={y} stroke={colour} strokeWidth={2} />
        ) : null}
        <circle cx={x(v.value)} cy={y} r={4.5} fill={colour}>
          <title>{`${label}, ${what}: ${formatKpi(v.value, unit, currency)}${v.lo !== null && v.hi !== null ? ` (${formatKpi(v.lo, unit, currency)} – ${formatKpi(v.hi, unit, currency)})` : ''}`}</title>
        </circle>
      </g>
    ) : null;
  return (
    <figure className="chart" ref={ref} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title}: ${valueLabel} before and after by segment`}
      >
        <ValueAxis
          ticks={ticks}
          x={x}
          top={m.top}
          bottom={height - m.bottom}
          left={m.left}
          right={width - m.right}
          height={height}
          format={(t) => formatKpi(t, unit, currency, { compact: true })}
          label={valueLabel}
        />
        {points.map((p, i) => {
          const y = m.top + i * row + row / 2;
          return (
            <g key={p.label}>
              <text
                x={m.left - 8}
                y={y}
                dy="0.32em"
                textAnchor="end"
                className={p.changed ? 'bar-label strong' : 'bar-label'}
              >
                {p.changed ? '● ' : ''}
                {p.label}
              </text>
              {mark(p.before, y - 5, BEFORE, beforeLabel, p.label)}
              {mark(p.after, y + 5, AFTER, afterLabel, p.label)}
            </g>
          );
        })}
      </svg>
      <Legend
        items={[
          { name: beforeLabel, colour: BEFORE },
          { name: afterLabel, colour: AFTER },
        ]}
      />
      <p className="chart-note">
        ● marks a segment whose two 95 % intervals do not overlap (a clear change).
      </p>
    </figure>
  );
}
