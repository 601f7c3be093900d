/**
 * The data-quality section: how many checks found something at each severity, and the error and
 * warning checks with their table, column, count and message (`GET /api/v1/quality`). Example
 * rows are left out: they can name individual customers, and the report is meant to be shared.
 */
import type { QualityCheck } from '../quality/quality.js';
import { formatNumber } from '../views/format.js';
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/** The data-quality section. */
export function renderQuality(d: ReportData): SafeHtml {
  const q = d.quality;
  const findings: QualityCheck[] = q.checks
    .filter((c) => c.severity !== 'info')
    .sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id));
  const counts = (['error', 'warning', 'info'] as const).map(
    (s) =>
      markup`<div class="card" data-severity="${s}">
        <div class="kpi-name">${s === 'info' ? 'info checks' : `${s}s`}</div>
        <div class="kpi-value">${formatNumber(q.summary[s])}</div>
      </div>`,
  );
  const list =
    findings.length === 0
      ? markup`<p class="empty">No errors or warnings: every check passed or is for information only.</p>`
      : markup`<div class="table-wrap">
          <table class="quality">
            <thead>
              <tr>
                <th>severity</th>
                <th>check</th>
                <th>table</th>
                <th>column</th>
                <th class="num">count</th>
                <th>message</th>
              </tr>
            </thead>
            <tbody>
              ${findings.map(
                (c) =>
                  markup`<tr>
                    <td><span class="sev ${c.severity}">${c.severity}</span></td>
                    <td><code>${c.id}</code></td>
                    <td>${c.table}</td>
                    <td>${c.column ?? ''}</td>
                    <td class="num">${formatNumber(c.count)}</td>
                    <td>${c.message}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>`;
  return markup`<section id="quality">
    <h2>Data quality</h2>
    <p class="note">
      The data-quality report of the workspace (<code>segtrack quality</code>): completeness, validity,
      uniqueness, consistency, integrity and freshness checks. Errors break results; warnings likely skew
      them; info checks (profiles, missing values per column) are counted only.
    </p>
    <div class="cards">${counts}</div>
    ${list}
  </section>`;
}
