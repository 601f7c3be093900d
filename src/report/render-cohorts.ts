/**
 * The cohort section: the retention heatmap of acquisition cohorts (month of first order) ×
 * months since, as `GET /api/v1/cohorts` computes it, with suppressed cohorts and cells hatched.
 */
import { formatNumber, formatPercent } from '../views/format.js';
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import { heatmap, type HeatRow } from './svg-heatmap.js';

/** The most recent cohorts drawn; older ones are left to `segtrack cohorts`. */
export const MAX_COHORTS = 36;

/** The cohort section. */
export function renderCohorts(d: ReportData): SafeHtml {
  const c = d.cohorts;
  const head = markup`<h2>Cohort retention</h2>`;
  if (c.cohorts.length === 0)
    return markup`<section id="cohorts">
      ${head}
      <p class="empty">No completed orders up to ${c.as_of}: there are no cohorts yet.</p>
    </section>`;
  const drawn = c.cohorts.slice(-MAX_COHORTS);
  const columns = Math.max(...drawn.map((r) => r.values.length));
  // Colours run to the highest retention after the first month, so later months stay readable.
  const later = drawn.flatMap((r) => r.values.slice(1)).filter((v): v is number => v !== null);
  const max = later.length > 0 ? Math.max(...later) : 1;
  const rows: HeatRow[] = drawn.map((r) => ({
    label: r.suppressed ? `${r.cohort} (suppressed)` : `${r.cohort} (${formatNumber(r.size)})`,
    values: r.values,
  }));
  const chart = heatmap({
    title: `Share of each cohort ordering again, by ${c.period}s since the first order`,
    label: `Heatmap of retention: for each acquisition cohort from ${drawn[0]!.cohort} to ${drawn[drawn.length - 1]!.cohort}, the share of its customers with an order in each ${c.period} after their first; darker is higher.`,
    rows,
    columns,
    columnTitle: `${c.period}s since the first order →`,
    rowTitle: 'cohort (customers)',
    max: max > 0 ? max : 1,
    format: (v) => formatPercent(v, 0),
    hiddenLabel: `hidden (fewer than ${c.min_segment_size} customers)`,
    tip: (i, k, v) => {
      const label = rows[i]?.label ?? '';
      if (drawn[i]?.suppressed)
        return `${label}: hidden so that no group of fewer than ${c.min_segment_size} customers can be read`;
      return v === null
        ? `${label}, ${c.period} ${k}: hidden (fewer than ${c.min_segment_size} customers ordered)`
        : `${label}, ${c.period} ${k}: ${formatPercent(v)} ordered`;
    },
  });
  const suppressed = c.cohorts.filter((r) => r.suppressed).length;
  return markup`<section id="cohorts">
    ${head}
    <p class="note">
      Customers grouped by the ${c.period} of their first completed order; each cell is the share of the
      cohort with at least one completed order in the k-th ${c.period} after it (${c.period} 0 is 100% by
      definition; the last ${c.period} is partial at
      ${c.as_of}).${c.cohorts.length > drawn.length ? markup` The ${drawn.length} most recent of ${c.cohorts.length} cohorts are drawn (all of them: <code>segtrack cohorts</code>).` : ''}${suppressed > 0 ? ` ${suppressed} cohort${suppressed === 1 ? ' is' : 's are'} suppressed.` : ''}
    </p>
    ${chart ? markup`<figure>${chart}</figure>` : markup`<p class="empty">Every cohort is suppressed (privacy.min_segment_size ${c.min_segment_size}).</p>`}
  </section>`;
}
