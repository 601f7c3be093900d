/**
 * The value axis of a horizontal chart (bars, dots per category): a vertical grid line and a
 * label per tick along the bottom, and the axis title under them.
 */
export function ValueAxis({
  ticks,
  x,
  top,
  bottom,
  left,
  right,
  height,
  format,
  label,
}: {
  ticks: readonly number[];
  x: (v: number) => number;
  /** The plot area's top and bottom (y) and its left and right edges (x). */
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** The whole chart's height (the title sits at its foot). */
  height: number;
  format: (v: number) => string;
  label: string;
}) {
  return (
    <g className="value-axis">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={top} y2={bottom} className="grid" />
          <text x={x(t)} y={bottom + 14} textAnchor="middle" className="tick">
            {format(t)}
          </text>
        </g>
      ))}
      <text x={(left + right) / 2} y={height - 6} textAnchor="middle" className="axis-label">
        {label}
      </text>
    </g>
  );
}
