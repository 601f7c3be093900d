import { SERIES_COLOURS } from '../../../src/views/scale';
import { formatNumber } from '../../../src/views/format';
import { useWidth } from './use-width';

/** One flow: customers who were in `from` and are now in `to`. */
export interface Flow {
  from: string;
  to: string;
  customers: number;
}

/**
 * A flow (Sankey) diagram between two snapshots: the `from` segments stacked on the left, the
 * `to` segments on the right, each band as wide as the customers who moved that way. Bands that
 * stay in the same segment are drawn lighter so that movements stand out.
 */
export function FlowChart({
  flows,
  left,
  right,
  title,
  leftLabel,
  rightLabel,
  testId,
}: {
  flows: Flow[];
  /** Segment order on each side. */
  left: string[];
  right: string[];
  title: string;
  leftLabel: string;
  rightLabel: string;
  testId?: string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const gap = 6;
  const height = Math.max(260, 22 * Math.max(left.length, right.length) + 80);
  const m = { top: 28, bottom: 12, side: Math.min(170, width * 0.22) };
  const total = flows.reduce((s, f) => s + f.customers, 0) || 1;
  const usable = (n: number) => height - m.top - m.bottom - gap * Math.max(0, n - 1);
  const used = (side: 'from' | 'to') => new Set(flows.map((f) => f[side])).size;
  const k = Math.min(usable(used('from')), usable(used('to'))) / total;
  const colour = new Map(left.map((s, i) => [s, SERIES_COLOURS[i % SERIES_COLOURS.length]!]));
  const place = (names: string[], side: 'from' | 'to') => {
    const out = new Map<string, { y: number; h: number; used: number }>();
    let y = m.top;
    // Segments without a flow on this side take no room (nothing to draw, and labels would collide).
    for (const n of names.filter((x) => flows.some((f) => f[side] === x))) {
      const h = flows.filter((f) => f[side] === n).reduce((s, f) => s + f.customers, 0) * k;
      out.set(n, { y, h, used: 0 });
      y += h + gap;
    }
    return out;
  };
  const l = place(left, 'from');
  const r = place(right, 'to');
  const x0 = m.side;
  const x1 = width - m.side;
  const bands = [...flows]
    .sort((a, b) => left.indexOf(a.from) - left.indexOf(b.from) || right.indexOf(a.to) - right.indexOf(b.to))
    .map((f) => {
      const a = l.get(f.from)!;
      const b = r.get(f.to)!;
      const h = f.customers * k;
      const ya = a.y + a.used;
      const yb = b.y + b.used;
      a.used += h;
      b.used += h;
      const mid = (x0 + x1) / 2;
      const d = `M${x0},${ya}C${mid},${ya} ${mid},${yb} ${x1},${yb}L${x1},${yb + h}C${mid},${yb + h} ${mid},${ya + h} ${x0},${ya + h}Z`;
      return { f, d };
    });
  return (
    <figure className="chart" ref={ref} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${title}: customers moving from each segment to each segment`}
      >
        <text x={x0 - 8} y={14} textAnchor="end" className="axis-label">
          {leftLabel}
        </text>
        <text x={x1 + 8} y={14} className="axis-label">
          {rightLabel}
        </text>
        {bands.map(({ f, d }) => (
          <path
            key={`${f.from}→${f.to}`}
            d={d}
            fill={colour.get(f.from) ?? '#888'}
            opacity={f.from === f.to ? 0.18 : 0.5}
            className="flow"
          >
            <title>{`${f.from} → ${f.to}: ${formatNumber(f.customers)} customers`}</title>
          </path>
        ))}
        {[...l.entries()].map(([n, p]) => (
          <g key={`l-${n}`}>
            <rect x={x0 - 8} y={p.y} width={8} height={Math.max(1, p.h)} fill={colour.get(n) ?? '#888'} />
            <text x={x0 - 12} y={p.y + p.h / 2} dy="0.32em" textAnchor="end" className="bar-label">
              {n}
            </text>
          </g>
        ))}
        {[...r.entries()].map(([n, p]) => (
          <g key={`r-${n}`}>
            <rect x={x1} y={p.y} width={8} height={Math.max(1, p.h)} fill="#64748b" />
            <text x={x1 + 12} y={p.y + p.h / 2} dy="0.32em" className="bar-label">
              {n}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
