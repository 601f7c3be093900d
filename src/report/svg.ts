/**
 * SVG building blocks shared by the report's charts: the accessible frame (`role="img"`, an
 * `aria-label`, a `<title>` tooltip), axes with tick labels, legends and text fitting. Everything
 * returns {@link SafeHtml}; text from the data goes through {@link markup}, so it is escaped.
 */
import { SERIES_COLOURS } from '../views/scale.js';
import { markup, join, type HtmlValue, type SafeHtml } from './html.js';

/** A coordinate as SVG reads it (one decimal is plenty at report sizes). */
export function px(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : '0';
}

/** Approximate width of `text` in pixels at `size` (system sans-serif averages ~0.58 em). */
export function textWidth(text: string, size = 12): number {
  return [...text].length * size * 0.58;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The colour and dash pattern of series `i`: the palette, dashed on its second pass, dotted on its third. */
export function seriesStyle(i: number): { colour: string; dash: string | null } {
  const n = SERIES_COLOURS.length;
  const dash = [null, '6 3', '2 3'][Math.floor(i / n) % 3] ?? null;
  return { colour: SERIES_COLOURS[i % n]!, dash };
}

/**
 * An accessible chart: `<svg role="img" aria-label=…>` with a `<title>` (the tooltip and the
 * accessible name), a visible title line, and the marks. Scales to its container's width.
 */
export function svgFrame(o: {
  width: number;
  height: number;
  title: string;
  /** One sentence describing what the chart shows, for screen readers. */
  label: string;
  body: HtmlValue;
  kind: string;
}): SafeHtml {
  return markup`<svg class="chart" data-chart="${o.kind}" role="img" aria-label="${o.label}" viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}" preserveAspectRatio="xMinYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="12"><title>${o.title}</title><text class="chart-title" x="0" y="14" font-size="14" font-weight="600" fill="#111827">${o.title}</text>${o.body}</svg>`;
}

/** Horizontal grid lines with value labels on the left of a plot area. */
export function yAxis(o: {
  ticks: readonly number[];
  y: (v: number) => number;
  left: number;
  right: number;
  format: (v: number) => string;
  /** The axis title (the unit), written above the plot at the chart's left edge. */
  title: string;
  top: number;
}): SafeHtml {
  const lines = o.ticks.map(
    (t) =>
      markup`<line x1="${px(o.left)}" x2="${px(o.right)}" y1="${px(o.y(t))}" y2="${px(o.y(t))}" stroke="${t === 0 ? '#9ca3af' : '#e5e7eb'}" stroke-width="1"/><text x="${px(o.left - 6)}" y="${px(o.y(t) + 4)}" text-anchor="end" fill="#4b5563">${o.format(t)}</text>`,
  );
  return markup`<g class="axis axis-y">${lines}<text x="0" y="${px(o.top - 14)}" fill="#374151" font-weight="600">${o.title}</text></g>`;
}

/** Tick marks and labels along the bottom of a plot area, and the axis title under them. */
export function xAxis(o: {
  ticks: readonly { x: number; label: string }[];
  bottom: number;
  left: number;
  right: number;
  title: string;
}): SafeHtml {
  const marks = o.ticks.map(
    (t) =>
      markup`<line x1="${px(t.x)}" x2="${px(t.x)}" y1="${px(o.bottom)}" y2="${px(o.bottom + 5)}" stroke="#6b7280"/><text x="${px(t.x)}" y="${px(o.bottom + 18)}" text-anchor="middle" fill="#4b5563">${t.label}</text>`,
  );
  return markup`<g class="axis axis-x"><line x1="${px(o.left)}" x2="${px(o.right)}" y1="${px(o.bottom)}" y2="${px(o.bottom)}" stroke="#6b7280"/>${marks}<text x="${px((o.left + o.right) / 2)}" y="${px(o.bottom + 36)}" text-anchor="middle" fill="#374151" font-weight="600">${o.title}</text></g>`;
}

/** One legend entry: its name, colour, dash pattern and the mark it is drawn with. */
export interface LegendItem {
  name: string;
  colour: string;
  dash?: string | null;
  mark?: 'line' | 'box';
}

/** Rows of legend items laid out to fit `width`; returns the markup and the height it takes. */
export function legend(
  items: readonly LegendItem[],
  o: { x: number; y: number; width: number; maxChars?: number },
): { markup: SafeHtml; height: number } {
  const rowHeight = 18;
  let cx = o.x;
  let cy = o.y;
  const parts: SafeHtml[] = [];
  for (const item of items) {
    const name = truncate(item.name, o.maxChars ?? 30);
    const w = 24 + textWidth(name) + 16;
    if (cx > o.x && cx + w > o.x + o.width) {
      cx = o.x;
      cy += rowHeight;
    }
    const mark =
      item.mark === 'box'
        ? markup`<rect x="${px(cx)}" y="${px(cy - 9)}" width="16" height="10" fill="${item.colour}"/>`
        : markup`<line x1="${px(cx)}" x2="${px(cx + 18)}" y1="${px(cy - 4)}" y2="${px(cy - 4)}" stroke="${item.colour}" stroke-width="2.5"${item.dash ? markup` stroke-dasharray="${item.dash}"` : ''}/>`;
    parts.push(
      markup`<g class="legend-item">${mark}<text x="${px(cx + 24)}" y="${px(cy)}" fill="#374151"><title>${item.name}</title>${name}</text></g>`,
    );
    cx += w;
  }
  return {
    markup: markup`<g class="legend">${join(parts)}</g>`,
    height: items.length === 0 ? 0 : cy - o.y + rowHeight,
  };
}
