import { useState } from 'react';
import type { SegmentTable, ShownSegmentRow } from '../../../src/server/api-types';
import { formatNumber, kpiLabel } from '../../../src/views/format';
import { BarChart } from '../charts/bar-chart';
import { DataTable, type Column } from '../components/data-table';
import { KpiInfo } from '../components/kpi-name';
import { KpiValue } from '../components/kpi-value';
import { PageHeader, Section } from '../components/layout';
import { Link } from '../components/link';
import { SchemePicker, Select } from '../components/scheme-picker';
import { Empty, Show } from '../components/states';
import { useApp } from '../context';
import { setQuery, useLocation } from '../router';
import { useApi } from '../use-api';
import { useScheme } from '../use-scheme';

/** KPIs shown first when a table has them; the rest can be added. */
const PREFERRED = [
  'share',
  'revenue',
  'aov',
  'purchase_frequency',
  'repeat_rate',
  'retention_rate',
  'predicted_clv',
  'p_alive',
  'nps',
];

/** A row of the table: a segment, or the whole base pinned under them. */
type Row = ShownSegmentRow & { base?: boolean };

/** The segment × KPI table of a scheme, sortable, with intervals and flags; a chart of one KPI. */
export function SegmentsPage() {
  const { scheme, schemes, setScheme } = useScheme();
  const loaded = useApi<SegmentTable>(scheme ? `/schemes/${encodeURIComponent(scheme.name)}/segments` : null);
  if (!scheme)
    return (
      <Empty title="No schemes in the latest snapshot">Configure `segments:` and run `segtrack run`.</Empty>
    );
  return (
    <>
      <PageHeader
        title="Segments"
        lead="Each segment's KPIs with 95 % intervals; ▲/▼: significantly above/below the rest of the customers."
      >
        <SchemePicker schemes={schemes} value={scheme.name} onChange={setScheme} />
      </PageHeader>
      <Show loaded={loaded} what={`the ${scheme.name} segments`}>
        {(t) => <SegmentTableView table={t} />}
      </Show>
    </>
  );
}

function SegmentTableView({ table }: { table: SegmentTable }) {
  const { kpis, who } = useApp();
  const { query } = useLocation();
  const stored = Object.keys(table.base.kpis).filter((k) => k !== 'customers');
  const initial = [
    ...PREFERRED.filter((k) => stored.includes(k)),
    ...stored.filter((k) => !PREFERRED.includes(k)),
  ].slice(0, 7);
  const [shown, setShown] = useState<string[]>(initial);
  const chartKpi = stored.includes(query.get('kpi') ?? '')
    ? query.get('kpi')!
    : stored.includes('revenue')
      ? 'revenue'
      : (stored[0] ?? 'customers');
  const unit = (k: string) => kpis.get(k)?.unit ?? 'value';
  const flagOf = (r: Row, k: string) => r.flags.find((f) => f.kpi === k);
  const columns: Column<Row>[] = [
    {
      key: 'segment',
      header: 'Segment',
      value: (r) => r.segment,
      render: (r) =>
        r.base ? (
          <strong>{r.segment}</strong>
        ) : (
          <Link
            to={`/segments/${encodeURIComponent(table.scheme)}/${encodeURIComponent(r.segment)}`}
            data-testid="segment-link"
          >
            {r.segment}
          </Link>
        ),
    },
    {
      key: 'customers',
      header: kpiLabel('customers'),
      after: <KpiInfo kpi="customers" short />,
      numeric: true,
      value: (r) => r.customers,
      render: (r) =>
        r.suppressed ? (
          <span
            className="suppressed"
            title={`fewer than ${table.min_segment_size} customers, or hidden so that a smaller segment cannot be worked out from the total`}
          >
            suppressed
          </span>
        ) : (
          <span data-kpi="customers" data-value={r.customers ?? ''}>
            {formatNumber(r.customers)}
          </span>
        ),
    },
    ...shown.map((k): Column<Row> => ({
      key: k,
      header: kpiLabel(k),
      after: <KpiInfo kpi={k} short />,
      numeric: true,
      value: (r) => r.kpis[k]?.value ?? null,
      render: (r) =>
        r.suppressed ? (
          <span className="muted">—</span>
        ) : (
          <KpiValue cell={r.kpis[k]} kpi={k} unit={unit(k)} currency={who.currency} flag={flagOf(r, k)} />
        ),
    })),
  ];
  const base: Row = { ...table.base, suppressed: false, base: true };
  return (
    <>
      <Section
        title={`${table.scheme}: ${table.segments.length} segments, snapshot ${table.snapshot_id} as of ${table.as_of}`}
        testId="segment-table"
      >
        <details className="columns">
          <summary>
            Columns ({shown.length} of {stored.length} KPIs)
          </summary>
          <fieldset>
            <legend className="sr-only">KPIs shown</legend>
            {stored.map((k) => (
              <label key={k} className="check">
                <input
                  type="checkbox"
                  checked={shown.includes(k)}
                  onChange={(e) =>
                    setShown(
                      e.target.checked
                        ? stored.filter((x) => x === k || shown.includes(x))
                        : shown.filter((x) => x !== k),
                    )
                  }
                />
                {kpiLabel(k)}
              </label>
            ))}
          </fieldset>
        </details>
        <DataTable
          rows={table.segments.map((s): Row => s)}
          pinned={[base]}
          columns={columns}
          rowKey={(r) => (r.base ? '(all)' : r.segment)}
          rowClass={(r) => (r.suppressed ? 'is-suppressed' : undefined)}
          testId="segments"
        />
        {table.segments.some((s) => s.suppressed) ? (
          <p className="muted small">
            Suppressed: segments with fewer than {table.min_segment_size} customers, and as many others as it
            takes so that none can be worked out from the total (privacy.min_segment_size).
          </p>
        ) : null}
      </Section>
      <Section title="Compare segments on one KPI">
        <div className="controls">
          <Select
            label="KPI"
            value={chartKpi}
            options={stored.map((k) => ({ value: k, label: kpiLabel(k) }))}
            onChange={(v) => setQuery('kpi', v)}
            testId="chart-kpi"
          />
        </div>
        <BarChart
          title={`${kpiLabel(chartKpi)} by ${table.scheme} segment`}
          valueLabel={`${kpiLabel(chartKpi)} (${unit(chartKpi)})`}
          unit={unit(chartKpi)}
          currency={who.currency}
          testId="segments-chart"
          reference={
            table.base.kpis[chartKpi]?.value != null && !(kpis.get(chartKpi)?.additive ?? false)
              ? { value: table.base.kpis[chartKpi].value, label: 'all customers' }
              : null
          }
          bars={table.segments.map((s) => ({
            label: s.segment,
            value: s.suppressed ? null : (s.kpis[chartKpi]?.value ?? null),
            lo: s.kpis[chartKpi]?.ci_low ?? null,
            hi: s.kpis[chartKpi]?.ci_high ?? null,
            ...(s.suppressed ? { note: 'suppressed' } : {}),
          }))}
        />
      </Section>
    </>
  );
}
