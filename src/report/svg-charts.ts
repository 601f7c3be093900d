/**
 * The report's charts as inline SVG strings: sparklines, line charts, horizontal bar charts
 * (one panel per measure) and grouped column charts. Geometry comes from src/views/scale.ts, the
 * same functions the dashboard uses; every mark carries a `<title>` tooltip with its value.
 * Charts return null when there is nothing to draw, so callers say so in words instead.
 */
import { extent, linePath, linearScale, niceTicks } from '../views/scale.js';
import { markup, join, type SafeHtml } from './html.js';
import { legend, px, seriesStyle, svgFrame, textWidth, truncate, xAxis, yAxis } from './svg.js';

/** The finite numbers of a list. */
function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
}

/**
 * A small line of a KPI over the snapshots (no axes); null with fewer than two values.
 *
 * @param label what the line shows, e.g. "Revenue over 13 snapshots, from £310k to £341k".
 */
export function sparkline(
  values: readonly (number | null)[],
  o: { label: string; colour?: string; width?: number; height?: number },
): SafeHtml | null {
  if (finite(values).length < 2) return null;
  const width = o.width ?? 140;
  const height = o.height ?? 36;
  const [lo, hi] = extent(values);
  const x = linearScale(0, Math.max(1, values.length - 1), 2, width - 4);
  const y = linearScale(lo, hi, height - 4, 4);
  const points = values.map((v, i) => ({ x: x(i), y: v === null ? null : y(v) }));
  const last = [...points].reverse().find((p) => p.y !== null);
  const colour = o.colour ?? '#0072B2';
  return markup`<svg class="sparkline" data-chart="sparkline" role="img" aria-label="${o.label}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${o.label}</title><path d="${linePath(points)}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>${last && last.y !== null ? markup`<circle cx="${px(last.x)}" cy="${px(last.y)}" r="3" fill="${colour}"/>` : ''}</svg>`;
}

/** One line of a {@link lineChart}. */
export interface LineSeries {
  name: string;
  /** Points in x order; a null y breaks the line (a suppressed or missing value). */
  points: { x: number; y: number | null; tip: string }[];
  colour?: string;
  dash?: string | null;
}

/**
 * A line chart with a y axis of nice ticks, labelled x ticks, a legend, an optional vertical
 * marker (e.g. the end of a calibration period), and a dot per point with its tooltip.
 * Null when no series has a value.
 */
export function lineChart(o: {
  title: string;
  label: string;
  series: readonly LineSeries[];
  xTicks: readonly { x: number; label: string }[];
  xDomain: [number, number];
  xTitle: string;
  yTitle: string;
  yFormat: (v: number) => string;
  /** Start the y axis at zero (counts, money). */
  yFromZero?: boolean;
  marker?: { x: number; label: string };
  width?: number;
  height?: number;
  /** Draw a dot on every point (off for long series such as weekly tracking). */
  dots?: boolean;
}): SafeHtml | null {
  const values = o.series.flatMap((s) => s.points.map((p) => p.y));
  if (finite(values).length === 0) return null;
  const width = o.width ?? 760;
  const plotHeight = o.height ?? 260;
  const [lo, hi] = extent(values);
  const ticks = niceTicks(o.yFromZero ? Math.min(0, lo) : lo, o.yFromZero ? Math.max(0, hi) : hi, 5);
  const tickLabels = ticks.map(o.yFormat);
  const left = Math.max(48, ...tickLabels.map((t) => textWidth(t) + 14), textWidth(o.yTitle) + 8);
  // Room on the right for half of the last x label.
  const right = width - 32;
  const top = 48;
  const bottom = top + plotHeight;
  const x = linearScale(o.xDomain[0], o.xDomain[1], left + 6, right - 6);
  const y = linearScale(ticks[0]!, ticks[ticks.length - 1]!, bottom, top);
  const styled = o.series.map((s, i) => ({ ...seriesStyle(i), ...withStyle(s), s }));
  const lines = styled.map(({ s, colour, dash }) => {
    const points = s.points.map((p) => ({ x: x(p.x), y: p.y === null ? null : y(p.y), tip: p.tip }));
    const dots =
      o.dots === false
        ? ''
        : points.map((p) =>
            p.y === null
              ? ''
              : markup`<circle cx="${px(p.x)}" cy="${px(p.y)}" r="3" fill="${colour}"><title>${p.tip}</title></circle>`,
          );
    return markup`<g class="series"><path d="${linePath(points)}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"${dash ? markup` stroke-dasharray="${dash}"` : ''}><title>${s.name}</title></path>${dots}</g>`;
  });
  const marker = o.marker
    ? markup`<g class="marker"><line x1="${px(x(o.marker.x))}" x2="${px(x(o.marker.x))}" y1="${px(top)}" y2="${px(bottom)}" stroke="#6b7280" stroke-dasharray="4 3"/><text x="${px(x(o.marker.x) - 4)}" y="${px(top + 12)}" text-anchor="end" fill="#374151">${o.marker.label}</text></g>`
    : '';
  const key = legend(
    styled.map(({ s, colour, dash }) => ({ name: s.name, colour, dash })),
    { x: left, y: bottom + 62, width: right - left },
  );
  const height = bottom + 62 + key.height + 4;
  return svgFrame({
    kind: 'line',
    width,
    height,
    title: o.title,
    label: o.label,
    body: [
      yAxis({ ticks, y, left, right, format: o.yFormat, title: o.yTitle, top }),
      xAxis({
        ticks: o.xTicks.map((t) => ({ x: x(t.x), label: t.label })),
        bottom,
        left,
        right,
        title: o.xTitle,
      }),
      marker,
      join(lines),
      key.markup,
    ],
  });
}

function withStyle(s: LineSeries): { colour?: string; dash?: string | null } {
  return {
    ...(s.colour !== undefined ? { colour: s.colour } : {}),
    ...(s.dash !== undefined ? { dash: s.dash } : {}),
  };
}

/** One row (category) of a {@link barChart}. */
export interface BarRow {
  label: string;
  /** One value per measure; null draws no bar. */
  values: (number | null)[];
  /** Written in place of the bars when the row has no values (e.g. "suppressed (< 10)"). */
  note?: string;
}

/**
 * Horizontal bars, one panel per measure side by side (e.g. customers and revenue by segment),
 * sharing the row labels. Each bar is labelled with its value. Null when nothing has a value.
 */
export function barChart(o: {
  title: string;
  label: string;
  rows: readonly BarRow[];
  measures: readonly { name: string; format: (v: number) => string; colour: string }[];
  width?: number;
}): SafeHtml | null {
  if (finite(o.rows.flatMap((r) => r.values)).length === 0) return null;
  const width = o.width ?? 760;
  const labels = o.rows.map((r) => truncate(r.label, 28));
  const left = Math.min(230, Math.max(80, ...labels.map((l) => textWidth(l) + 12)));
  const gap = 24;
  const panelWidth = (width - left - 8 - gap * (o.measures.length - 1)) / o.measures.length;
  const top = 48;
  const rowHeight = 22;
  const bottom = top + rowHeight * o.rows.length;
  const parts: SafeHtml[] = [];
  o.rows.forEach((r, i) => {
    const cy = top + rowHeight * i + rowHeight / 2;
    parts.push(
      markup`<text x="${px(left - 8)}" y="${px(cy + 4)}" text-anchor="end" fill="#111827"><title>${r.label}</title>${labels[i]}</text>`,
    );
    if (r.note !== undefined && finite(r.values).length === 0)
      parts.push(
        markup`<text x="${px(left + 4)}" y="${px(cy + 4)}" fill="#6b7280" font-style="italic">${r.note}</text>`,
      );
  });
  o.measures.forEach((m, j) => {
    const x0 = left + j * (panelWidth + gap);
    const column = o.rows.map((r) => r.values[j] ?? null);
    const [lo, hi] = extent(column);
    const max = Math.max(hi, 0);
    const min = Math.min(lo, 0);
    // Room on the right for the value labels.
    const labelRoom = Math.min(
      panelWidth * 0.4,
      Math.max(...finite(column).map((v) => textWidth(m.format(v)))) + 8,
    );
    const x = linearScale(min, max === min ? 1 : max, x0, x0 + panelWidth - labelRoom);
    parts.push(
      markup`<text x="${px(x0)}" y="${px(top - 10)}" fill="#374151" font-weight="600">${m.name}</text><line x1="${px(x(0))}" x2="${px(x(0))}" y1="${px(top)}" y2="${px(bottom)}" stroke="#9ca3af"/>`,
    );
    o.rows.forEach((r, i) => {
      const v = r.values[j] ?? null;
      if (v === null || !Number.isFinite(v)) return;
      const y = top + rowHeight * i + 4;
      const a = x(Math.min(0, v));
      const b = x(Math.max(0, v));
      const text = m.format(v);
      parts.push(
        markup`<g class="bar"><rect x="${px(a)}" y="${px(y)}" width="${px(Math.max(b - a, 0.5))}" height="${rowHeight - 8}" fill="${m.colour}"><title>${r.label} — ${m.name}: ${text}</title></rect><text x="${px(b + 4)}" y="${px(y + rowHeight / 2 + 1)}" fill="#374151" font-size="11">${text}</text></g>`,
      );
    });
  });
  return svgFrame({
    kind: 'bar',
    width,
    height: bottom + 8,
    title: o.title,
    label: o.label,
    body: parts,
  });
}

/**
 * Vertical grouped columns: one group per category, one column per series, a y axis of nice
 * ticks from zero and a legend. Null when nothing has a value.
 */
export function columnChart(o: {
  title: string;
  label: string;
  categories: readonly string[];
  series: readonly { name: string; values: readonly (number | null)[]; colour: string }[];
  xTitle: string;
  yTitle: string;
  yFormat: (v: number) => string;
  tip: (category: string, series: string, value: number) => string;
  width?: number;
  height?: number;
}): SafeHtml | null {
  const all = o.series.flatMap((s) => s.values);
  if (finite(all).length === 0) return null;
  const width = o.width ?? 560;
  const plotHeight = o.height ?? 200;
  const [lo, hi] = extent(all);
  const ticks = niceTicks(Math.min(0, lo), Math.max(0, hi), 5);
  const left = Math.max(48, ...ticks.map((t) => textWidth(o.yFormat(t)) + 14), textWidth(o.yTitle) + 8);
  const right = width - 12;
  const top = 48;
  const bottom = top + plotHeight;
  const y = linearScale(ticks[0]!, ticks[ticks.length - 1]!, bottom, top);
  const band = (right - left) / Math.max(1, o.categories.length);
  const barWidth = Math.max(2, (band * 0.75) / Math.max(1, o.series.length));
  const bars: SafeHtml[] = [];
  o.categories.forEach((c, i) => {
    o.series.forEach((s, j) => {
      const v = s.values[i] ?? null;
      if (v === null || !Number.isFinite(v)) return;
      const bx = left + band * i + band * 0.125 + barWidth * j;
      const a = y(Math.max(0, v));
      const b = y(Math.min(0, v));
      bars.push(
        markup`<rect x="${px(bx)}" y="${px(a)}" width="${px(barWidth)}" height="${px(Math.max(b - a, 0.5))}" fill="${s.colour}"><title>${o.tip(c, s.name, v)}</title></rect>`,
      );
    });
  });
  const key = legend(
    o.series.map((s) => ({ name: s.name, colour: s.colour, mark: 'box' as const })),
    { x: left, y: bottom + 62, width: right - left },
  );
  return svgFrame({
    kind: 'column',
    width,
    height: bottom + 62 + key.height + 4,
    title: o.title,
    label: o.label,
    body: [
      yAxis({ ticks, y, left, right, format: o.yFormat, title: o.yTitle, top }),
      xAxis({
        ticks: o.categories.map((c, i) => ({ x: left + band * (i + 0.5), label: truncate(c, 10) })),
        bottom,
        left,
        right,
        title: o.xTitle,
      }),
      markup`<g class="bars">${bars}</g>`,
      key.markup,
    ],
  });
}
