import { extent, linearScale, linePath, niceTicks, SERIES_COLOURS } from '../../../src/views/scale';
import { formatKpi } from '../../../src/views/format';
import { useWidth } from './use-width';

/** One line of a {@link LineChart}. */
export interface LineSeries {
  name: string;
  points: { x: string; y: number | null; lo?: number | null; hi?: number | null }[];
  colour?: string;
  dashed?: boolean;
}

/**
 * Lines over a shared categorical x axis (periods, weeks), with a y axis in the KPI's unit, an
 * optional interval band per series, a legend, and each point's value as a tooltip.
 */
export function LineChart({
  series,
  unit,
  currency,
  title,
  xLabel,
  yLabel,
  height = 280,
  testId,
  marker,
}: {
  series: LineSeries[];
  unit: string;
  currency?: string | null;
  title: string;
  xLabel: string;
  yLabel: string;
  height?: number;
  testId?: string;
  /** A vertical line at one x, labelled (e.g. where a calibration period ends). */
  marker?: { x: string; label: string } | undefined;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))];
  const all = series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo ?? null, p.hi ?? null]));
  const [lo0, hi0] = extent(all);
  const ticks = niceTicks(Math.min(0, lo0), hi0, 5);
  const m = { top: 16, right: 16, bottom: 44, left: 72 };
  const x = linearScale(0, Math.max(1, xs.length - 1), m.left, width - m.right);
  const y = linearScale(ticks[0]!, ticks[ticks.length - 1]!, height - m.bottom, m.top);
  const every = Math.max(1, Math.ceil(xs.length / Math.max(2, Math.floor((width - m.left) / 80))));
  const fmt = (v: number) => formatKpi(v, unit, currency, { compact: true });
  return (
    <figure className="chart" ref={ref} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}: ${yLabel} by ${xLabel}`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={m.left - 8} y={y(t)} dy="0.32em" textAnchor="end" className="tick">
              {fmt(t)}
            </text>
          </g>
        ))}
        {xs.map((label, i) =>
          i % every === 0 || i === xs.length - 1 ? (
            <text key={label} x={x(i)} y={height - m.bottom + 16} textAnchor="middle" className="tick">
              {label}
            </text>
          ) : null,
        )}
        <text x={(m.left + width - m.right) / 2} y={height - 6} textAnchor="middle" className="axis-label">
          {xLabel}
        </text>
        <text
          transform={`translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
          className="axis-label"
        >
          {yLabel}
        </text>
        {marker && xs.includes(marker.x) ? (
          <g className="reference">
            <line
              x1={x(xs.indexOf(marker.x))}
              x2={x(xs.indexOf(marker.x))}
              y1={m.top}
              y2={height - m.bottom}
            />
            <text x={x(xs.indexOf(marker.x)) + 4} y={m.top + 10} className="tick">
              {marker.label}
            </text>
          </g>
        ) : null}
        {series.map((s, si) => {
          const colour = s.colour ?? SERIES_COLOURS[si % SERIES_COLOURS.length]!;
          const at = (p: { x: string }) => x(xs.indexOf(p.x));
          const band = s.points.filter((p) => p.lo != null && p.hi != null);
          const bandPath =
            band.length > 1
              ? `M${band.map((p) => `${at(p)},${y(p.lo!)}`).join('L')}L${[...band]
                  .reverse()
                  .map((p) => `${at(p)},${y(p.hi!)}`)
                  .join('L')}Z`
              : '';
          return (
            <g key={s.name} className="series">
              {bandPath ? <path d={bandPath} fill={colour} opacity={0.12} /> : null}
              <path
                d={linePath(s.points.map((p) => ({ x: at(p), y: p.y === null ? null : y(p.y) })))}
                fill="none"
                stroke={colour}
                strokeWidth={2}
                strokeDasharray={s.dashed ? '6 4' : undefined}
              />
              {s.points.map((p) =>
                p.y === null ? null : (
                  <circle key={p.x} cx={at(p)} cy={y(p.y)} r={s.points.length > 40 ? 1.5 : 3} fill={colour}>
                    <title>{`${s.name}, ${p.x}: ${formatKpi(p.y, unit, currency)}`}</title>
                  </circle>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <Legend
        items={series.map((s, i) => ({
          name: s.name,
          colour: s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]!,
          dashed: s.dashed ?? false,
        }))}
      />
    </figure>
  );
}

/** A chart's legend: a swatch and a name per series. */
export function Legend({ items }: { items: { name: string; colour: string; dashed?: boolean }[] }) {
  if (items.length < 2) return null;
  return (
    <ul className="legend">
      {items.map((i) => (
        <li key={i.name}>
          <svg width={18} height={10} aria-hidden="true">
            <line
              x1={0}
              x2={18}
              y1={5}
              y2={5}
              stroke={i.colour}
              strokeWidth={3}
              strokeDasharray={i.dashed ? '4 3' : undefined}
            />
          </svg>
          {i.name}
        </li>
      ))}
    </ul>
  );
}
