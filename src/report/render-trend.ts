/**
 * The trend section: a KPI per segment of the first scheme over the snapshots, as a line chart
 * with dated x ticks, the KPI's unit on the y axis and a legend. Suppressed points are gaps.
 */
import { formatNumber } from '../views/format.js';
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import type { KpiFormat } from './kpi-format.js';
import { lineChart, type LineSeries } from './svg-charts.js';

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
function dayNumber(date: string): number {
  return Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS;
}

/**
 * Tick positions from sorted values, at least `gap` apart so labels do not collide: the first and
 * the last always, the others greedily from the start.
 */
export function spacedTicks(values: readonly number[], gap: number): number[] {
  const out: number[] = [];
  for (const v of values) if (out.length === 0 || v - out[out.length - 1]! >= gap) out.push(v);
  const last = values[values.length - 1];
  if (last !== undefined && out[out.length - 1] !== last) {
    if (out.length > 1 && last - out[out.length - 1]! < gap) out.pop();
    out.push(last);
  }
  return out;
}

/** The trend section. */
export function renderTrend(d: ReportData, f: KpiFormat): SafeHtml {
  const head = markup`<h2>Trend</h2>`;
  const t = d.trend;
  if (t === null) {
    const why =
      d.schemes.length === 0
        ? markup`There is no scheme to follow.`
        : markup`There is only one snapshot of ${d.schemes[0]!.summary.name}, so there is no trend yet: it
            appears from the second snapshot (run <code>segtrack run</code> again later, or
            <code>segtrack backfill</code> for past dates).`;
    return markup`<section id="trend">
      ${head}
      <p class="empty">${why}</p>
    </section>`;
  }
  const asOf = new Map(d.snapshots.map((s) => [s.snapshot_id, s.as_of]));
  const shown = t.series.filter((s) => s.points.some((p) => !p.suppressed && p.value !== null));
  const hidden = t.series.length - shown.length;
  const gaps = shown.some((s) => s.points.some((p) => p.suppressed));
  const series: LineSeries[] = shown.map((s) => ({
    name: s.segment,
    points: s.points.map((p) => {
      const date = asOf.get(p.snapshot_id) ?? p.period;
      return {
        x: dayNumber(date),
        y: p.suppressed ? null : p.value,
        tip: `${s.segment}, ${date}: ${f.value(t.kpi, p.value)}`,
      };
    }),
  }));
  const dates = [
    ...new Set(t.series.flatMap((s) => s.points.map((p) => asOf.get(p.snapshot_id) ?? p.period))),
  ].sort();
  const first = dates[0] ?? '';
  const last = dates[dates.length - 1] ?? '';
  const label = (date: string) => (t.period === 'month' ? date.slice(0, 7) : date.slice(0, 10));
  const chart = lineChart({
    title: `${f.label(t.kpi)} per segment of ${t.scheme}`,
    label: `Line chart of ${f.label(t.kpi)} for each segment of the scheme ${t.scheme}, one point per ${t.period} from ${first} to ${last}.`,
    series,
    xTicks: spacedTicks(dates.map(dayNumber), (dayNumber(last) - dayNumber(first)) / 7).map((day) => ({
      x: day,
      label: label(new Date(day * DAY_MS).toISOString()),
    })),
    xDomain: [dayNumber(first), dayNumber(last)],
    xTitle: `snapshot date (one point per ${t.period})`,
    yTitle: `${f.label(t.kpi)} (${f.axisUnit(t.kpi)})`,
    yFormat: (v) => f.value(t.kpi, v, true),
    yFromZero: true,
  });
  return markup`<section id="trend">
    ${head}
    <p class="note">
      ${f.label(t.kpi)} of each segment of ${t.scheme} over ${formatNumber(dates.length)}
      ${t.period === 'day' ? 'snapshot dates' : `${t.period}s`} (the latest snapshot of each ${t.period};
      ${t.kpi === 'revenue' ? 'revenue over the trailing 12 months at each date' : 'as stored with each snapshot'}).${gaps ? ' Gaps are points suppressed for privacy.' : ''}${hidden > 0 ? ` ${hidden} segment${hidden === 1 ? ' is' : 's are'} suppressed at every date and left out.` : ''}
    </p>
    ${chart ? markup`<figure>${chart}</figure>` : markup`<p class="empty">No segment has a value to chart.</p>`}
  </section>`;
}
