/**
 * A heatmap as inline SVG (cohorts × periods since acquisition): a cell per value coloured with
 * `heatColour` from src/views/scale.ts, hidden cells hatched grey, a colour legend, and a
 * `<title>` tooltip on every cell.
 */
import { heatColour } from '../views/scale.js';
import { markup, type SafeHtml } from './html.js';
import { px, svgFrame, textWidth } from './svg.js';

/** One row of a {@link heatmap}. */
export interface HeatRow {
  label: string;
  /** Null where a value is hidden; undefined past the row's last period (drawn empty). */
  values: readonly (number | null | undefined)[];
}

/**
 * A heatmap of rows × columns. Colours run from 0 to `max` (values above it are drawn at full
 * strength). Null when no cell has a value.
 */
export function heatmap(o: {
  title: string;
  label: string;
  rows: readonly HeatRow[];
  columns: number;
  columnTitle: string;
  rowTitle: string;
  max: number;
  format: (v: number) => string;
  /** The tooltip of a cell, by row index, column and value. */
  tip: (row: number, column: number, value: number | null) => string;
  hiddenLabel: string;
  width?: number;
}): SafeHtml | null {
  if (!o.rows.some((r) => r.values.some((v) => v !== null && v !== undefined && Number.isFinite(v))))
    return null;
  const width = o.width ?? 760;
  const left = Math.max(70, ...o.rows.map((r) => textWidth(r.label) + 14));
  const top = 62;
  const cell = Math.max(6, Math.min(22, (width - left - 12) / Math.max(1, o.columns)));
  const rowHeight = Math.max(10, Math.min(18, cell));
  const bottom = top + rowHeight * o.rows.length;
  const parts: SafeHtml[] = [
    markup`<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#e5e7eb"/><line x1="0" y1="0" x2="0" y2="4" stroke="#9ca3af" stroke-width="1.5"/></pattern></defs>`,
    markup`<text x="${px(left)}" y="${px(top - 26)}" fill="#374151" font-weight="600">${o.columnTitle}</text><text x="0" y="${px(top - 8)}" fill="#374151" font-weight="600">${o.rowTitle}</text>`,
  ];
  // Column numbers: every one when they fit, else every 3rd, 6th or 12th.
  const every = [1, 2, 3, 6, 12, 24].find((k) => cell * k >= 18) ?? 24;
  for (let c = 0; c < o.columns; c += every)
    parts.push(
      markup`<text x="${px(left + cell * (c + 0.5))}" y="${px(top - 6)}" text-anchor="middle" fill="#4b5563" font-size="10">${c}</text>`,
    );
  o.rows.forEach((r, i) => {
    const y = top + rowHeight * i;
    parts.push(
      markup`<text x="${px(left - 8)}" y="${px(y + rowHeight - 3)}" text-anchor="end" fill="#111827" font-size="11">${r.label}</text>`,
    );
    r.values.forEach((v, c) => {
      if (v === undefined) return;
      const fill = v === null || !Number.isFinite(v) ? 'url(#hatch)' : heatColour(o.max > 0 ? v / o.max : 0);
      parts.push(
        markup`<rect x="${px(left + cell * c)}" y="${px(y)}" width="${px(cell - 1)}" height="${px(rowHeight - 1)}" fill="${fill}"><title>${o.tip(i, c, v)}</title></rect>`,
      );
    });
  });
  // The colour legend: 0 … max in five steps, and the hatched "hidden" swatch.
  const ly = bottom + 16;
  // The top swatch stands for everything above `max` too (e.g. period 0 of a retention heatmap).
  const over = o.rows.some((r) => r.values.some((v) => v !== null && v !== undefined && v > o.max));
  const steps = [0, 0.25, 0.5, 0.75, 1];
  steps.forEach((t, k) => {
    const lx = left + k * 64;
    parts.push(
      markup`<rect x="${px(lx)}" y="${px(ly)}" width="20" height="12" fill="${heatColour(t)}" stroke="#d1d5db"/><text x="${px(lx + 24)}" y="${px(ly + 10)}" fill="#374151" font-size="11">${o.format(t * o.max)}${t === 1 && over ? '+' : ''}</text>`,
    );
  });
  const hx = left + steps.length * 64 + 8;
  parts.push(
    markup`<rect x="${px(hx)}" y="${px(ly)}" width="20" height="12" fill="url(#hatch)" stroke="#d1d5db"/><text x="${px(hx + 24)}" y="${px(ly + 10)}" fill="#374151" font-size="11">${o.hiddenLabel}</text>`,
  );
  return svgFrame({
    kind: 'heatmap',
    width,
    height: ly + 22,
    title: o.title,
    label: o.label,
    body: parts,
  });
}
