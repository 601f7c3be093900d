import type { Models, SegmentTable } from '../../../src/server/api-types';
import { formatKpi, formatNumber, formatPercent, kpiLabel } from '../../../src/views/format';
import { BarChart } from '../charts/bar-chart';
import { LineChart } from '../charts/line-chart';
import { seg } from '../api';
import { PageHeader, Section } from '../components/layout';
import { Link } from '../components/link';
import { Empty, Show } from '../components/states';
import { useApp } from '../context';
import { href } from '../router';
import { useApi } from '../use-api';

type Report = NonNullable<Models['fit']>;

/** The purchase and spend models: their fit, how they tracked a holdout period, and the value and churn tiers. */
export function ValuePage() {
  const loaded = useApi<Models>('/models');
  const { schemes } = useApp();
  const tiers = (schemes?.schemes ?? []).filter((s) => s.type === 'value_tiers' || s.type === 'churn_risk');
  return (
    <>
      <PageHeader
        title="Value and churn"
        lead="Predicted customer value and the probability each customer is still active, from the purchase (BG/NBD or Pareto/NBD) and spend (Gamma-Gamma) models."
      />
      <Show loaded={loaded} what="the models">
        {(m) =>
          m.fit === null && m.validate === null ? (
            <Empty title="The models have not been fitted">
              Run <code>segtrack fit</code> and <code>segtrack validate --calibration-end DATE</code>, or add{' '}
              <code>models:</code> to the config.
            </Empty>
          ) : (
            <>
              {m.fit ? <Fit title="Model fit on all purchases" r={m.fit} /> : null}
              {m.validate ? <Validation r={m.validate} /> : null}
            </>
          )
        }
      </Show>
      {tiers.map((t) => (
        <Tier key={t.name} scheme={t.name} type={t.type} />
      ))}
    </>
  );
}

function Fit({ title, r }: { title: string; r: Report }) {
  const parts = [r.purchase_model, r.spend_model].filter(
    (p): p is NonNullable<typeof p> => p !== null && p !== undefined,
  );
  return (
    <Section title={title} testId="model-fit">
      <div className="two">
        {parts.map((p) => (
          <table className="data compact" key={p.name} data-testid={`params-${p.name}`}>
            <caption>
              {p.name === 'bgnbd'
                ? 'BG/NBD'
                : p.name === 'pareto_nbd'
                  ? 'Pareto/NBD'
                  : p.name === 'gamma_gamma'
                    ? 'Gamma-Gamma'
                    : p.name}
              {p.converged ? ' · converged' : ' · did not converge'}
              {p.log_likelihood !== null ? ` · log-likelihood ${formatNumber(p.log_likelihood, 1)}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col" className="num">
                  Estimate
                </th>
                <th scope="col" className="num">
                  Std. error
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(p.params).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td className="num" data-value={v}>
                    {v.toPrecision(5)}
                  </td>
                  <td className="num">{p.std_errors?.[k] != null ? p.std_errors[k].toPrecision(3) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </Section>
  );
}

function Validation({ r }: { r: NonNullable<Models['validate']> }) {
  const h = r.holdout;
  const errors = (h as Record<string, unknown> | undefined)?.['errors'] as Record<string, number> | undefined;
  const calibrationWeeks = (h as Record<string, unknown> | undefined)?.['calibration_weeks'] as
    number | undefined;
  return (
    <>
      <Fit title={`Fit on the calibration period (to ${r.calibration_end ?? '?'})`} r={r} />
      {h ? (
        <Section title={`Holdout: ${r.calibration_end ?? ''} to ${r.holdout_end ?? ''}`} testId="validation">
          <p>
            Repeat purchases in the holdout:{' '}
            <strong data-testid="holdout-actual">{formatNumber(h.actual_repeat_transactions)}</strong> actual
            against <strong>{formatNumber(h.expected_repeat_transactions, 1)}</strong> expected
            {errors?.['total_relative_error'] != null
              ? ` (${formatPercent(errors['total_relative_error'])} off)`
              : ''}
            .
            {errors?.['mean_absolute_error'] != null
              ? ` Per customer: mean absolute error ${errors['mean_absolute_error'].toFixed(3)}, correlation ${errors['correlation']?.toFixed(3) ?? '—'}.`
              : ''}
          </p>
          <LineChart
            title="Cumulative repeat purchases, actual against what the model expected"
            xLabel="week since the calibration period began"
            yLabel="cumulative repeat purchases"
            unit="count"
            testId="tracking-chart"
            marker={
              calibrationWeeks !== undefined
                ? { x: String(calibrationWeeks), label: 'calibration ends' }
                : undefined
            }
            series={[
              {
                name: 'actual',
                points: h.weekly_cumulative.map((w) => ({ x: String(w.week), y: w.actual })),
              },
              {
                name: 'model',
                dashed: true,
                points: h.weekly_cumulative.map((w) => ({ x: String(w.week), y: w.expected })),
              },
            ]}
          />
          <LineChart
            title="Holdout purchases per customer by purchases in the calibration period"
            xLabel="repeat purchases in the calibration period"
            yLabel="mean purchases in the holdout"
            unit="value"
            testId="frequency-chart"
            series={[
              {
                name: 'actual',
                points: h.by_calibration_frequency.map((g) => ({ x: String(g.frequency), y: g.actual_mean })),
              },
              {
                name: 'model',
                dashed: true,
                points: h.by_calibration_frequency.map((g) => ({
                  x: String(g.frequency),
                  y: g.expected_mean,
                })),
              },
            ]}
          />
        </Section>
      ) : null}
    </>
  );
}

function Tier({ scheme, type }: { scheme: string; type: string }) {
  const loaded = useApi<SegmentTable>(`/schemes/${seg(scheme)}/segments`);
  const { who, kpis } = useApp();
  // The tier's own KPI when the snapshot stored it (kpis.include / objective), else the nearest.
  const wanted =
    type === 'value_tiers'
      ? ['predicted_clv', 'historical_clv', 'revenue', 'customers']
      : ['p_alive', 'churn_rate', 'revenue_at_risk', 'customers'];
  return (
    <Section
      title={type === 'value_tiers' ? `Value tiers (${scheme})` : `Churn risk (${scheme})`}
      testId={`tier-${scheme}`}
    >
      <Show loaded={loaded} what={scheme}>
        {(t) => {
          const kpi = wanted.find((k) => t.base.kpis[k] !== undefined) ?? 'customers';
          const unit = kpis.get(kpi)?.unit ?? 'value';
          return (
            <>
              {kpi !== wanted[0] ? (
                <p className="muted small">
                  This snapshot did not store {kpiLabel(wanted[0]!)} (see <code>kpis:</code> or{' '}
                  <code>objective:</code> in the config): showing {kpiLabel(kpi)}.
                </p>
              ) : null}
              <BarChart
                title={`${kpiLabel(kpi)} by ${type === 'value_tiers' ? 'value tier' : 'churn-risk band'}`}
                valueLabel={`${kpiLabel(kpi)} (${unit})`}
                unit={unit}
                currency={who.currency}
                testId={`tier-chart-${scheme}`}
                bars={t.segments.map((s) => ({
                  label: `${s.segment} (${s.suppressed ? 'suppressed' : formatNumber(s.customers)})`,
                  value: s.suppressed ? null : (s.kpis[kpi]?.value ?? null),
                  lo: s.kpis[kpi]?.ci_low ?? null,
                  hi: s.kpis[kpi]?.ci_high ?? null,
                }))}
              />
              {t.base.kpis['revenue_at_risk']?.value != null ? (
                <p>
                  Revenue at risk over all customers:{' '}
                  {formatKpi(t.base.kpis['revenue_at_risk'].value, 'currency', who.currency)}.
                </p>
              ) : null}
              <Link to={href('/segments', { scheme })}>The full table of {scheme}</Link>
            </>
          );
        }}
      </Show>
    </Section>
  );
}
