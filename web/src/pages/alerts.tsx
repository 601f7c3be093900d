import type { Alerts } from '../../../src/server/api-types';
import { formatKpi } from '../../../src/views/format';
import { DataTable } from '../components/data-table';
import { KpiName } from '../components/kpi-name';
import { PageHeader, Section } from '../components/layout';
import { Empty, Show } from '../components/states';
import { useApp } from '../context';
import { useApi } from '../use-api';

type Alert = Alerts['alerts'][number];

/** The alerts that fired, newest first. */
export function AlertsPage() {
  const loaded = useApi<Alerts>('/alerts?limit=500');
  const { kpis, who } = useApp();
  return (
    <>
      <PageHeader
        title="Alerts"
        lead="Alert rules are evaluated on every snapshot a run stores (alerts: in segtrack.yaml)."
      />
      <Show loaded={loaded} what="the alerts">
        {(a) =>
          a.alerts.length === 0 ? (
            <Empty title="No alert has fired">
              Add rules under <code>alerts:</code> in the config, e.g.{' '}
              <code>
                {'{name: churn-up, kpi: churn_rate, scheme: rfm, segment: Champions, when: "change > 0.05"}'}
              </code>
              , then run <code>segtrack alerts --check</code>.
            </Empty>
          ) : (
            <Section title={`${a.alerts.length} alerts`}>
              <DataTable<Alert>
                testId="alerts"
                rows={a.alerts}
                rowKey={(x) => String(x.alert_id)}
                columns={[
                  {
                    key: 'fired',
                    header: 'Fired',
                    value: (x) => x.fired_at,
                    render: (x) => x.fired_at.slice(0, 16).replace('T', ' '),
                  },
                  {
                    key: 'rule',
                    header: 'Rule',
                    value: (x) => x.rule,
                    render: (x) => (
                      <>
                        <strong>{x.rule}</strong>
                        <div className="muted small">{x.condition}</div>
                      </>
                    ),
                  },
                  { key: 'where', header: 'Segment', value: (x) => `${x.scheme}/${x.segment}` },
                  {
                    key: 'kpi',
                    header: 'KPI',
                    value: (x) => x.kpi,
                    render: (x) => <KpiName kpi={x.kpi} short />,
                  },
                  {
                    key: 'value',
                    header: 'Value',
                    numeric: true,
                    value: (x) => x.value,
                    render: (x) =>
                      x.suppressed ? (
                        <span className="suppressed">suppressed</span>
                      ) : (
                        formatKpi(x.value, kpis.get(x.kpi)?.unit ?? 'value', who.currency)
                      ),
                  },
                  {
                    key: 'previous',
                    header: 'Previous',
                    numeric: true,
                    value: (x) => x.previous,
                    render: (x) => formatKpi(x.previous, kpis.get(x.kpi)?.unit ?? 'value', who.currency),
                  },
                  { key: 'as_of', header: 'Snapshot', value: (x) => x.as_of },
                ]}
              />
            </Section>
          )
        }
      </Show>
    </>
  );
}
