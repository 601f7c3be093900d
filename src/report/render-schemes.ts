/**
 * One section per scheme: the segment × KPI table of the latest snapshot (customers and the key
 * KPIs, intervals beneath the values, ▲/▼ where a segment differs significantly from the rest of
 * the base) and a bar chart of customers and revenue by segment. A suppressed segment keeps only
 * its name and the reason: no figure of it reaches the page.
 */
import type { ShownSegmentRow } from '../privacy/suppress-segments.js';
import { suppressionLabel } from '../privacy/suppression.js';
import type { KpiCell, SegmentRow } from '../snapshot/read.js';
import type { StoredFlag } from '../snapshot/store.js';
import { formatNumber } from '../views/format.js';
import type { ReportData, SchemeSection } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import { suppressedText, type KpiFormat } from './kpi-format.js';
import { barChart } from './svg-charts.js';

/** The KPIs a scheme table shows after customers and share, in this order, when stored. */
const KEY_KPIS = [
  'revenue',
  'aov',
  'purchase_frequency',
  'repeat_rate',
  'predicted_clv',
  'p_alive',
  'retention_rate',
  'nps',
  'orders',
  'csat',
  'revenue_at_risk',
];

/** At most this many KPI columns besides customers and share. */
const MAX_KPI_COLUMNS = 7;

/** The KPI columns of a scheme's table: the key KPIs the snapshot has a base value for. */
export function tableKpis(base: SegmentRow): string[] {
  return KEY_KPIS.filter((k) => {
    const v = base.kpis[k]?.value;
    return v !== null && v !== undefined;
  }).slice(0, MAX_KPI_COLUMNS);
}

/** An HTML id for the n-th scheme section (scheme names can hold any character). */
export function schemeAnchor(index: number): string {
  return `scheme-${index + 1}`;
}

function flagMark(flag: StoredFlag | undefined, f: KpiFormat): SafeHtml | string {
  if (!flag) return '';
  const over = flag.direction === 'over';
  const assessment =
    typeof flag['assessment'] === 'string'
      ? flag['assessment']
      : over === f.higherIsBetter(flag.kpi)
        ? 'better'
        : 'worse';
  const p = Number(flag.p_value);
  const title = `significantly ${over ? 'above' : 'below'} the rest of the base, ${assessment === 'better' ? 'for the better' : 'for the worse'} (adjusted p = ${p < 0.0001 ? '< 0.0001' : p.toFixed(4)})`;
  return markup`<span class="flag ${assessment}" title="${title}">${over ? '▲' : '▼'}</span>`;
}

function kpiCell(
  kpi: string,
  cell: KpiCell | undefined,
  flags: readonly StoredFlag[],
  f: KpiFormat,
): SafeHtml {
  if (!cell || cell.value === null)
    return markup`<td class="num" data-kpi="${kpi}"${cell?.reason ? markup` title="${cell.reason}"` : ''}>—</td>`;
  const ci = f.interval(kpi, cell.ci_low, cell.ci_high);
  const flag = flagMark(
    flags.find((x) => x.kpi === kpi),
    f,
  );
  return markup`<td class="num" data-kpi="${kpi}" data-value="${cell.value}">${f.value(kpi, cell.value)}${flag}${ci ? markup`<span class="ci">${ci}</span>` : ''}</td>`;
}

function row(
  r: ShownSegmentRow | SegmentRow,
  kpis: readonly string[],
  f: KpiFormat,
  threshold: number,
  base = false,
): SafeHtml {
  if ('suppressed' in r && r.suppressed)
    return markup`<tr class="suppressed" data-segment="${r.segment}" data-suppressed="${r.suppression ?? 'small'}"><td>${r.segment}</td><td colspan="${kpis.length + 2}">${suppressedText(r.suppression, threshold)}</td></tr>`;
  const customers = r.customers;
  return markup`<tr${base ? markup` class="base"` : markup` data-segment="${r.segment}"`}><td>${r.segment}</td><td class="num" data-kpi="customers"${customers !== null ? markup` data-value="${customers}"` : ''}>${formatNumber(customers)}</td>${kpiCell('share', r.kpis['share'], r.flags, f)}${kpis.map((k) => kpiCell(k, r.kpis[k], r.flags, f))}</tr>`;
}

function chart(s: SchemeSection, f: KpiFormat, threshold: number): SafeHtml | null {
  const hasRevenue = s.table.base.kpis['revenue'] !== undefined;
  const measures = [
    { name: 'Customers', format: (v: number) => f.value('customers', v, true), colour: '#0072B2' },
    ...(hasRevenue
      ? [
          {
            name: 'Revenue (12 months)',
            format: (v: number) => f.value('revenue', v, true),
            colour: '#009E73',
          },
        ]
      : []),
  ];
  return barChart({
    title: `${s.summary.name}: ${hasRevenue ? 'customers and revenue' : 'customers'} by segment`,
    label: `Bar chart of ${hasRevenue ? 'customers and 12-month revenue' : 'customers'} for each segment of the scheme ${s.summary.name} as of the latest snapshot; suppressed segments have no bars.`,
    rows: s.table.segments.map((r) =>
      r.suppressed
        ? {
            label: r.segment,
            values: measures.map(() => null),
            // The short label: the table above says why in full.
            note: suppressionLabel(r.suppression ?? 'small', threshold),
          }
        : {
            label: r.segment,
            values: [r.customers, ...(hasRevenue ? [r.kpis['revenue']?.value ?? null] : [])],
          },
    ),
    measures,
  });
}

/** One scheme's section. */
export function renderScheme(s: SchemeSection, index: number, d: ReportData, f: KpiFormat): SafeHtml {
  const kpis = tableKpis(s.table.base);
  const threshold = s.table.min_segment_size;
  const suppressed = s.table.segments.filter((r) => r.suppressed).length;
  const bars = chart(s, f, threshold);
  return markup`<section id="${schemeAnchor(index)}" class="scheme" data-scheme="${s.summary.name}">
    <h2>Segments: ${s.summary.name}</h2>
    <p class="note">
      ${s.summary.type} scheme — ${s.summary.description} ${formatNumber(s.table.segments.length)} segments as
      of ${d.overview.snapshot.as_of}; revenue and orders over the trailing 12 months.
    </p>
    <div class="table-wrap">
      <table class="segments">
        <thead>
          <tr>
            <th>segment</th>
            <th class="num">customers</th>
            <th class="num">${f.label('share')}</th>
            ${kpis.map((k) => markup`<th class="num" title="${f.unit(k)}">${f.label(k)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${s.table.segments.map((r) => row(r, kpis, f, threshold))}
          ${row(s.table.base, kpis, f, threshold, true)}
        </tbody>
      </table>
    </div>
    <p class="note">
      Small figures under a value are its confidence interval. ▲/▼: significantly above/below the rest of the
      base after adjusting for the comparisons within the scheme, green when that is for the better and red
      when for the
      worse.${suppressed > 0 ? ` ${suppressed} segment${suppressed === 1 ? ' is' : 's are'} suppressed (privacy.min_segment_size ${threshold}).` : ''}
    </p>
    ${bars ? markup`<figure>${bars}</figure>` : markup`<p class="empty">No segment of ${s.summary.name} has figures to chart.</p>`}
  </section>`;
}
