/**
 * The appendix: every KPI's definition as the catalogue states it (`GET /api/v1/kpis`): name,
 * unit, direction, formula and description, custom KPIs from the config included.
 */
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import type { KpiFormat } from './kpi-format.js';

/** The KPI definitions appendix. */
export function renderDefinitions(d: ReportData, f: KpiFormat): SafeHtml {
  return markup`<section id="definitions">
    <h2>Appendix: KPI definitions</h2>
    <p class="note">
      For a segment S and the period P (the trailing 12 months to the as-of date unless a definition says
      otherwise).
    </p>
    <div class="table-wrap">
      <table class="definitions">
        <thead>
          <tr>
            <th>KPI</th>
            <th>unit</th>
            <th>better when</th>
            <th>formula</th>
            <th>description</th>
          </tr>
        </thead>
        <tbody>
          ${d.definitions.map(
            (k) =>
              markup`<tr data-kpi="${k.name}">
                <td><strong>${f.label(k.name)}</strong><br><code>${k.name}</code>${k.custom ? ' (custom)' : ''}</td>
                <td>${k.unit}</td>
                <td>${k.direction}</td>
                <td><code>${k.formula}</code></td>
                <td>${k.description}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
