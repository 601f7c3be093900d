/**
 * The whole report page from its data: the title block, a table of contents, the overview, one
 * section per scheme, the trend, cohorts, models, data quality and the KPI appendix. Pure: the
 * same data gives the same bytes.
 */
import type { ReportData } from './gather.js';
import { markup, page } from './html.js';
import { kpiFormat } from './kpi-format.js';
import { renderCohorts } from './render-cohorts.js';
import { renderDefinitions } from './render-definitions.js';
import { readableTime, renderHeader, renderOverview } from './render-overview.js';
import { renderModels } from './render-models.js';
import { renderQuality } from './render-quality.js';
import { renderScheme, schemeAnchor } from './render-schemes.js';
import { renderTrend } from './render-trend.js';
import { REPORT_CSS } from './styles.js';

/**
 * The report as one self-contained HTML document: inline CSS and inline SVG only, no scripts and
 * no external references (a Content-Security-Policy forbids loading anything).
 */
export function renderReport(d: ReportData): string {
  const f = kpiFormat(d.definitions, d.currency);
  const toc = [
    { id: 'overview', title: 'Overview' },
    ...d.schemes.map((s, i) => ({ id: schemeAnchor(i), title: `Segments: ${s.summary.name}` })),
    { id: 'trend', title: 'Trend' },
    { id: 'cohorts', title: 'Cohort retention' },
    { id: 'models', title: 'Predictive models' },
    { id: 'quality', title: 'Data quality' },
    { id: 'definitions', title: 'KPI definitions' },
  ];
  const body = markup`${renderHeader(d)}
    <nav class="toc" aria-label="Contents">
      <ol>
        ${toc.map((t) => markup`<li><a href="#${t.id}">${t.title}</a></li>`)}
      </ol>
    </nav>
    <main>
      ${renderOverview(d, f)}
      ${d.schemes.length === 0 ? markup`<p class="empty">The latest snapshot has no segmentation schemes.</p>` : d.schemes.map((s, i) => renderScheme(s, i, d, f))}
      ${renderTrend(d, f)} ${renderCohorts(d)} ${renderModels(d)} ${renderQuality(d)}
      ${renderDefinitions(d, f)}
    </main>
    <footer>
      Made by segtrack on ${readableTime(d.generated_at)} from the workspace ${d.workspace}, snapshot
      ${d.overview.snapshot.snapshot_id} as of ${d.overview.snapshot.as_of}. The same figures are served by
      <code>segtrack serve</code> and printed by the CLI.
    </footer>`;
  return page({
    title: `segtrack report — ${d.workspace} — ${d.overview.snapshot.as_of}`,
    css: REPORT_CSS,
    body,
  });
}
