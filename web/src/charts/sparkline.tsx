import { extent, linearScale, linePath } from '../../../src/views/scale';

/** A small line of a KPI over the snapshots, its last point marked; no axes (the card states the value). */
export function Sparkline({
  values,
  label,
  width = 120,
  height = 32,
}: {
  values: (number | null)[];
  label: string;
  width?: number;
  height?: number;
}) {
  const [lo, hi] = extent(values);
  const x = linearScale(0, Math.max(1, values.length - 1), 2, width - 2);
  const y = linearScale(lo, hi, height - 3, 3);
  const pts = values.map((v, i) => ({ x: x(i), y: v === null ? null : y(v) }));
  const last = [...pts].reverse().find((p) => p.y !== null);
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={label}>
      <title>{label}</title>
      <path d={linePath(pts)} fill="none" stroke="currentColor" strokeWidth={1.5} />
      {last && last.y !== null ? <circle cx={last.x} cy={last.y} r={2.5} fill="currentColor" /> : null}
    </svg>
  );
}
