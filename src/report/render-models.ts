/**
 * The model section: the purchase and spend models' parameters (the latest fit on all purchases
 * and the calibration fit of the latest holdout validation), the holdout's cumulative tracking
 * curve actual against expected, mean holdout purchases by calibration frequency, and the error
 * metrics, from the stored reports `GET /api/v1/models` serves.
 */
import { formatNumber, formatPercent } from '../views/format.js';
import { niceTicks } from '../views/scale.js';
import type { ReportData } from './gather.js';
import { markup, type SafeHtml } from './html.js';
import { columnChart, lineChart } from './svg-charts.js';

/** A fitted model as stored (the parts the report reads). */
interface StoredModel {
  name: string;
  params: Record<string, number>;
  std_errors?: Record<string, number | null>;
  log_likelihood?: number;
  converged?: boolean;
  customers?: number;
  warnings?: string[];
}

/** A holdout validation as stored (the parts the report reads). */
interface StoredHoldout {
  actual_repeat_transactions: number;
  expected_repeat_transactions: number;
  by_calibration_frequency: {
    frequency: number;
    and_more?: boolean;
    customers: number | null;
    actual_mean: number | null;
    expected_mean: number | null;
    suppressed?: boolean;
  }[];
  weekly_cumulative: { week: number; actual: number; expected: number }[];
  calibration_weeks?: number;
  errors?: Record<string, number>;
}

/** A stored report's scalar field as text ('—' when missing). */
function field(report: Record<string, unknown> | null, key: string): string {
  const v = report?.[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '—';
}

function model(report: Record<string, unknown> | null, key: string): StoredModel | null {
  const m = report?.[key] as StoredModel | null | undefined;
  return m && typeof m === 'object' && typeof m.params === 'object' ? m : null;
}

/** Four significant digits, the usual precision for fitted parameters. */
function sig(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1e5 ? formatNumber(v) : String(Number(v.toPrecision(4)));
}

function paramsTable(
  fit: Record<string, unknown> | null,
  validate: Record<string, unknown> | null,
): SafeHtml {
  const rows: SafeHtml[] = [];
  for (const key of ['purchase_model', 'spend_model']) {
    const full = model(fit, key);
    const cal = model(validate, key);
    const shown = full ?? cal;
    if (!shown) {
      rows.push(
        markup`<tr>
          <td>${key === 'purchase_model' ? 'purchase' : 'spend'}</td>
          <td colspan="${validate ? 4 : 3}" class="note">not fitted</td>
        </tr>`,
      );
      continue;
    }
    for (const p of Object.keys(shown.params))
      rows.push(
        markup`<tr>
          <td>${shown.name}</td>
          <td><code>${p}</code></td>
          <td class="num">${full ? sig(full.params[p]) : '—'}</td>
          <td class="num">${full ? sig(full.std_errors?.[p]) : '—'}</td>
          ${validate ? markup`<td class="num">${cal ? sig(cal.params[p]) : '—'}</td>` : ''}
        </tr>`,
      );
    const m = full ?? cal!;
    rows.push(
      markup`<tr class="note">
        <td></td>
        <td colspan="${validate ? 4 : 3}">
          log-likelihood ${sig(m.log_likelihood)}, ${m.converged === false ? 'NOT converged' : 'converged'},
          ${formatNumber(m.customers)} customers${(m.warnings ?? []).map((w) => markup`; warning: ${w}`)}
        </td>
      </tr>`,
    );
  }
  return markup`<table class="model-params">
    <thead>
      <tr>
        <th>model</th>
        <th>parameter</th>
        <th class="num">estimate${fit ? '' : ' (no full fit)'}</th>
        <th class="num">std. error</th>
        ${validate ? markup`<th class="num">calibration fit</th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function trackingChart(h: StoredHoldout, unit: string): SafeHtml | null {
  const weeks = h.weekly_cumulative;
  if (weeks.length < 2) return null;
  const last = weeks[weeks.length - 1]!.week;
  const ticks = niceTicks(1, last, 8).filter((t) => t >= 1 && t <= last);
  return lineChart({
    title: 'Cumulative repeat purchases: actual and expected',
    label: `Line chart of cumulative repeat purchases of the calibration customers week by week, actual against the model's expectation, over ${formatNumber(last)} weeks; a dashed rule marks the end of the calibration period.`,
    series: [
      {
        name: 'actual',
        colour: '#000000',
        points: weeks.map((w) => ({
          x: w.week,
          y: w.actual,
          tip: `week ${w.week}: ${formatNumber(w.actual)} actual`,
        })),
      },
      {
        name: 'expected (model)',
        colour: '#E69F00',
        dash: '6 3',
        points: weeks.map((w) => ({
          x: w.week,
          y: w.expected,
          tip: `week ${w.week}: ${formatNumber(w.expected, 1)} expected`,
        })),
      },
    ],
    xTicks: ticks.map((t) => ({ x: t, label: formatNumber(t) })),
    xDomain: [weeks[0]!.week, last],
    xTitle: `weeks since the cohort's first purchase (time unit of the fit: ${unit})`,
    yTitle: 'repeat purchases',
    yFormat: (v) => formatNumber(v),
    yFromZero: true,
    dots: false,
    ...(h.calibration_weeks !== undefined
      ? { marker: { x: h.calibration_weeks, label: 'calibration end' } }
      : {}),
  });
}

function frequencyLabel(g: StoredHoldout['by_calibration_frequency'][number]): string {
  return `${g.frequency}${g.and_more ? '+' : ''}`;
}

function frequencyChart(h: StoredHoldout): SafeHtml | null {
  const groups = h.by_calibration_frequency;
  return columnChart({
    title: 'Mean holdout purchases by calibration frequency',
    label:
      'Grouped column chart: for customers with 0, 1, 2 … repeat purchases in the calibration period, their mean repeat purchases in the holdout period, actual against expected.',
    categories: groups.map(frequencyLabel),
    series: [
      { name: 'actual', values: groups.map((g) => (g.suppressed ? null : g.actual_mean)), colour: '#000000' },
      {
        name: 'expected (model)',
        values: groups.map((g) => (g.suppressed ? null : g.expected_mean)),
        colour: '#E69F00',
      },
    ],
    xTitle: 'repeat purchases in the calibration period',
    yTitle: 'mean holdout purchases',
    yFormat: (v) => String(Number(v.toPrecision(3))),
    tip: (c, s, v) => `${c} calibration purchases: ${sig(v)} ${s}`,
  });
}

function frequencyTable(h: StoredHoldout, threshold: number): SafeHtml {
  return markup`<table class="by-frequency">
    <thead>
      <tr>
        <th>calibration purchases</th>
        <th class="num">customers</th>
        <th class="num">actual mean</th>
        <th class="num">expected mean</th>
      </tr>
    </thead>
    <tbody>
      ${h.by_calibration_frequency.map((g) =>
        g.suppressed || g.customers === null
          ? markup`<tr class="suppressed">
              <td>${frequencyLabel(g)}</td>
              <td colspan="3">suppressed (fewer than ${threshold} customers)</td>
            </tr>`
          : markup`<tr>
              <td>${frequencyLabel(g)}</td>
              <td class="num">${formatNumber(g.customers)}</td>
              <td class="num">${sig(g.actual_mean)}</td>
              <td class="num">${sig(g.expected_mean)}</td>
            </tr>`,
      )}
    </tbody>
  </table>`;
}

function errorsTable(h: StoredHoldout): SafeHtml {
  const e = h.errors ?? {};
  const rows: [string, string][] = [
    ['repeat purchases in the holdout, actual', formatNumber(h.actual_repeat_transactions)],
    ['repeat purchases in the holdout, expected', formatNumber(h.expected_repeat_transactions, 1)],
    ['total relative error (expected − actual) / actual', formatPercent(e['total_relative_error'])],
    ['mean absolute error per customer', sig(e['mean_absolute_error'])],
    ['root mean squared error per customer', sig(e['root_mean_squared_error'])],
    ['correlation of expected and actual per customer', sig(e['correlation'])],
    [
      'cumulative tracking error (mean absolute % over holdout weeks)',
      formatPercent(e['cumulative_tracking_mape']),
    ],
  ];
  return markup`<table class="model-errors">
    <tbody>
      ${rows.map(
        ([k, v]) =>
          markup`<tr>
            <td>${k}</td>
            <td class="num">${v}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The model section. */
export function renderModels(d: ReportData): SafeHtml {
  const { fit, validate } = d.models;
  const head = markup`<h2>Predictive models and their validation</h2>`;
  if (fit === null && validate === null)
    return markup`<section id="models">
      ${head}
      <p class="empty">
        The models were not fitted: there is no stored fit or holdout validation in this workspace. Run
        <code>segtrack fit</code> and <code>segtrack validate --calibration-end DATE</code>, then make the
        report again.
      </p>
    </section>`;
  const holdout = (validate?.['holdout'] ?? null) as StoredHoldout | null;
  const unit = validate ? field(validate, 'time_unit') : field(fit, 'time_unit');
  const intro = markup`<p class="note">
    ${
      fit
        ? markup`Fitted on purchases up to ${field(fit, 'as_of')}
          (${formatNumber(fit['customers'] as number)} customers, time unit
          ${field(fit, 'time_unit')}). `
        : 'No fit on all purchases is stored (run segtrack fit). '
    }${
      validate
        ? markup`Validated by fitting on purchases up to ${field(validate, 'calibration_end')} and comparing
          with what the same customers bought up to ${field(validate, 'holdout_end')}
          (${sig(validate['holdout_length'] as number)} ${unit}s held out).`
        : 'No holdout validation is stored (run segtrack validate --calibration-end DATE).'
    }
  </p>`;
  const validation = holdout
    ? (() => {
        const tracking = trackingChart(holdout, unit);
        const byFrequency = frequencyChart(holdout);
        return markup`<h3>Holdout validation</h3>
          ${tracking ? markup`<figure>${tracking}</figure>` : markup`<p class="empty">Too few weeks to draw the tracking curve.</p>`}
          <div class="columns">
            <div>
              ${byFrequency ? markup`<figure>${byFrequency}</figure>` : markup`<p class="empty">Every frequency group is suppressed.</p>`}
            </div>
            <div>${frequencyTable(holdout, d.models.min_segment_size)}</div>
          </div>
          <h3>Error metrics</h3>
          ${errorsTable(holdout)}`;
      })()
    : '';
  return markup`<section id="models">
    ${head} ${intro}
    <h3>Parameters</h3>
    ${paramsTable(fit, validate)} ${validation}
  </section>`;
}
