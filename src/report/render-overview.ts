/**
 * The report's opening: the title block (workspace, as-of date, generation time), the headline
 * KPI cards of the whole base (value, interval, change since the previous snapshot coloured by
 * whether it is for the better, a sparkline), and the highlighted segments.
 */
import type { HeadlineKpi, HighlightSegment, Overview } from '../views/overview.js';
import { formatChange, formatNumber, formatPercent, formatRelative } from '../views/format.js';
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import type { KpiFormat } from './kpi-format.js';
import { sparkline } from './svg-charts.js';

/** "2026-12-08 09:41 UTC" from an ISO time. */
export function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The title block. */
export function renderHeader(d: ReportData): SafeHtml {
  const o = d.overview;
  const first = d.snapshots[0];
  const history =
    d.snapshots.length > 1 && first
      ? `${formatNumber(d.snapshots.length)} snapshots from ${first.as_of} to ${o.snapshot.as_of}`
      : 'one snapshot';
  return markup`<header class="report-head">
    <h1>Customer segments and KPIs — ${d.workspace}</h1>
    <p class="meta">
      As of <strong>${o.snapshot.as_of}</strong> (snapshot ${o.snapshot.snapshot_id}) · ${history} ·
      ${formatNumber(o.customers)} customers · generated ${readableTime(d.generated_at)} by segtrack
    </p>
    <p class="meta">
      Figures describing fewer than ${d.min_segment_size} customers are suppressed (privacy.min_segment_size),
      as in every segtrack output.
    </p>
  </header>`;
}

function changeClass(h: HeadlineKpi): string {
  return h.improved === null ? 'unchanged' : h.improved ? 'improved' : 'worsened';
}

function card(h: HeadlineKpi, o: Overview, f: KpiFormat): SafeHtml {
  const ci = f.interval(h.kpi, h.ci_low, h.ci_high);
  const series = h.series.map((p) => p.value);
  const shown = series.filter((v): v is number => v !== null);
  const spark =
    o.previous === null
      ? null
      : sparkline(series, {
          label: `${f.label(h.kpi)} over ${h.series.length} snapshots (${h.series[0]?.as_of ?? ''} to ${o.snapshot.as_of}): from ${f.value(h.kpi, shown[0])} to ${f.value(h.kpi, shown[shown.length - 1])}`,
          colour: '#0072B2',
        });
  const verdict = h.improved === null ? 'no change' : h.improved ? 'for the better' : 'for the worse';
  const change =
    h.value === null
      ? markup`<div class="kpi-change unchanged">not available in this snapshot</div>`
      : o.previous === null
        ? ''
        : h.change === null
          ? markup`<div class="kpi-change unchanged">no value at the previous snapshot</div>`
          : markup`<div class="kpi-change ${changeClass(h)}" title="${verdict} (${f.higherIsBetter(h.kpi) ? 'higher' : 'lower'} is better)">${formatChange(h.change, h.unit, f.currency)}${h.relative_change !== null ? markup` (${formatRelative(h.relative_change)})` : ''} since ${o.previous.as_of}</div>`;
  return markup`<div class="card" data-kpi="${h.kpi}"${h.value !== null ? markup` data-value="${h.value}"` : ''}>
    <div class="kpi-name">${f.label(h.kpi)}</div>
    <div class="kpi-value">${f.value(h.kpi, h.value)}</div>
    ${ci ? markup`<div class="kpi-ci">interval ${ci}</div>` : ''} ${change} ${spark ?? ''}
  </div>`;
}

function highlightRows(
  rows: readonly HighlightSegment[],
  kpi: string,
  f: KpiFormat,
  extra: 'share' | 'change',
): SafeHtml {
  return markup`${rows.map(
    (r) =>
      markup`<tr data-segment="${r.segment}"><td>${r.segment}</td><td class="num">${formatNumber(r.customers)}</td><td class="num">${f.value(kpi, r.value)}</td><td class="num">${extra === 'share' ? formatPercent(r.share_of_total) : formatRelative(r.relative_change)}</td></tr>`,
  )}`;
}

/** The headline cards and highlights. */
export function renderOverview(d: ReportData, f: KpiFormat): SafeHtml {
  const o = d.overview;
  const h = o.highlights;
  const single =
    o.previous === null
      ? markup`<p class="empty">
          Only one snapshot so far: changes since the previous snapshot, sparklines and trends appear from the
          second one (run <code>segtrack run</code> again later, or <code>segtrack backfill</code> for past
          dates).
        </p>`
      : '';
  const highlights =
    h === null
      ? markup`<p class="empty">No scheme to highlight segments from.</p>`
      : markup`<div class="columns">
          <div>
            <h3>Most valuable segments of ${h.scheme} by ${f.label(h.kpi)}</h3>
            ${
              h.most_valuable.length === 0
                ? markup`<p class="empty">No segment large enough to show.</p>`
                : markup`<table class="highlights most-valuable">
                    <thead>
                      <tr>
                        <th>segment</th>
                        <th class="num">customers</th>
                        <th class="num">${f.label(h.kpi)}</th>
                        <th class="num">share of total</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${highlightRows(h.most_valuable, h.kpi, f, 'share')}
                    </tbody>
                  </table>`
            }
          </div>
          <div>
            <h3>Slipping: ${f.label(h.kpi)} fell most since the previous snapshot</h3>
            ${
              o.previous === null
                ? markup`<p class="empty">No previous snapshot to compare with.</p>`
                : h.slipping.length === 0
                  ? markup`<p class="empty">No segment of ${h.scheme} slipped since ${o.previous.as_of}.</p>`
                  : markup`<table class="highlights slipping">
                      <thead>
                        <tr>
                          <th>segment</th>
                          <th class="num">customers</th>
                          <th class="num">${f.label(h.kpi)}</th>
                          <th class="num">change</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${highlightRows(h.slipping, h.kpi, f, 'change')}
                      </tbody>
                    </table>`
            }
          </div>
        </div>`;
  return markup`<section id="overview">
    <h2>Overview</h2>
    <p class="note">
      The whole base of ${formatNumber(o.customers)} customers as of
      ${o.snapshot.as_of}${o.previous ? markup`, compared with the previous snapshot (${o.previous.as_of}); green is a change for the better by the KPI's direction, red for the worse` : ''}.
    </p>
    ${single}
    <div class="cards">${o.headline.map((k) => card(k, o, f))}</div>
    ${highlights}
  </section>`;
}
