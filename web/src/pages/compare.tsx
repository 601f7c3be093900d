import { useState, type FormEvent } from 'react';
import type { BeforeAfter, Compare, SchemeSummary, Snapshots } from '../../../src/server/api-types';
import { formatChange, formatKpi, formatNumber, kpiLabel } from '../../../src/views/format';
import { DotIntervalChart } from '../charts/dot-interval';
import { post, seg, type ApiFailure } from '../api';
import { KpiName } from '../components/kpi-name';
import { PageHeader, Section } from '../components/layout';
import { SchemePicker, Select } from '../components/scheme-picker';
import { Empty, ErrorState, Show } from '../components/states';
import { useApp } from '../context';
import { href, setQuery, useLocation } from '../router';
import { useApi } from '../use-api';
import { useScheme } from '../use-scheme';

/** Before/after of a scheme's segments between two snapshots, and (analysts) did-it-work comparisons. */
export function ComparePage() {
  const { scheme, schemes, setScheme } = useScheme();
  const { who } = useApp();
  const { query } = useLocation();
  const snaps = useApi<Snapshots>('/snapshots');
  if (!scheme) return <Empty title="No schemes in the latest snapshot" />;
  const dates =
    snaps.state === 'ready'
      ? [...new Set(snaps.data.snapshots.filter((s) => s.schemes.includes(scheme.name)).map((s) => s.as_of))]
      : [];
  const before = query.get('before') ?? dates[dates.length - 2];
  const after = query.get('after') ?? dates[dates.length - 1];
  return (
    <>
      <PageHeader
        title="Compare"
        lead="Each segment then and now, with 95 % intervals; and whether an action worked, against a control group."
      >
        <SchemePicker schemes={schemes} value={scheme.name} onChange={setScheme} />
      </PageHeader>
      {dates.length < 2 || before === undefined || after === undefined ? (
        <Empty title="Before/after needs two snapshots with this scheme">
          Run <code>segtrack backfill</code> to build a history.
        </Empty>
      ) : (
        <BeforeAfterView scheme={scheme.name} before={before} after={after} dates={dates} />
      )}
      {who.can.members ? (
        <DidForm schemes={schemes} />
      ) : (
        <Section title="Did it work?">
          <p className="muted">
            Comparisons of chosen customers against a control group need an analyst or admin token.
          </p>
        </Section>
      )}
    </>
  );
}

function BeforeAfterView({
  scheme,
  before,
  after,
  dates,
}: {
  scheme: string;
  before: string;
  after: string;
  dates: string[];
}) {
  const { query } = useLocation();
  const { who, kpis } = useApp();
  const loaded = useApi<BeforeAfter>(href(`/schemes/${seg(scheme)}/before-after`, { before, after }));
  const options = dates.map((d) => ({ value: d, label: d }));
  return (
    <>
      <div className="controls">
        <Select
          label="Before"
          value={before}
          options={options}
          onChange={(v) => setQuery('before', v)}
          testId="before"
        />
        <Select
          label="After"
          value={after}
          options={options}
          onChange={(v) => setQuery('after', v)}
          testId="after"
        />
      </div>
      <Show loaded={loaded} what="the comparison">
        {(b) => {
          const kpi = b.kpis.includes(query.get('kpi') ?? '')
            ? query.get('kpi')!
            : (b.kpis.find((k) => k === 'aov') ?? b.kpis[0] ?? '');
          const unit = kpis.get(kpi)?.unit ?? 'value';
          const cellOf = (
            c: { value: number | null; ci_low: number | null; ci_high: number | null } | null,
          ) => (c && c.value !== null ? { value: c.value, lo: c.ci_low, hi: c.ci_high } : null);
          return (
            <Section title={`${scheme}: ${b.before.as_of} → ${b.after.as_of}`} testId="before-after">
              <div className="controls">
                <Select
                  label="KPI"
                  value={kpi}
                  options={b.kpis.map((k) => ({ value: k, label: kpiLabel(k) }))}
                  onChange={(v) => setQuery('kpi', v)}
                  testId="compare-kpi"
                />
              </div>
              <DotIntervalChart
                title={`${kpiLabel(kpi)} by segment, before and after`}
                valueLabel={`${kpiLabel(kpi)} (${unit})`}
                unit={unit}
                currency={who.currency}
                beforeLabel={b.before.as_of}
                afterLabel={b.after.as_of}
                testId="before-after-chart"
                points={[...b.segments, b.base].map((s) => ({
                  label: s.segment,
                  before: cellOf(s.kpis[kpi]?.before ?? null),
                  after: cellOf(s.kpis[kpi]?.after ?? null),
                  changed: s.kpis[kpi]?.changed ?? false,
                }))}
              />
              <table className="data compact" data-testid="before-after-table">
                <thead>
                  <tr>
                    <th scope="col">Segment</th>
                    <th scope="col" className="num">
                      Customers then → now
                    </th>
                    <th scope="col" className="num">
                      <KpiName kpi={kpi} short /> then
                    </th>
                    <th scope="col" className="num">
                      now
                    </th>
                    <th scope="col" className="num">
                      Change
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...b.segments, b.base].map((s) => {
                    const c = s.kpis[kpi];
                    return (
                      <tr key={s.segment} className={c?.changed ? 'is-changed' : undefined}>
                        <th scope="row">{s.segment}</th>
                        <td className="num">
                          {s.before?.suppressed ? 'suppressed' : formatNumber(s.before?.customers ?? null)} →{' '}
                          {s.after?.suppressed ? 'suppressed' : formatNumber(s.after?.customers ?? null)}
                        </td>
                        <td className="num">{formatKpi(c?.before?.value ?? null, unit, who.currency)}</td>
                        <td className="num">{formatKpi(c?.after?.value ?? null, unit, who.currency)}</td>
                        <td className="num">
                          {formatChange(c?.change ?? null, unit, who.currency)}
                          {c?.changed ? <strong title="the 95 % intervals do not overlap"> ●</strong> : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p className="muted small">{b.note}</p>
            </Section>
          );
        }}
      </Show>
    </>
  );
}

function DidForm({ schemes }: { schemes: SchemeSummary[] }) {
  const { who } = useApp();
  const [scheme, setScheme] = useState(schemes[0]?.name ?? '');
  const segs = schemes.find((s) => s.name === scheme)?.segments ?? [];
  const [treated, setTreated] = useState(segs[0] ?? '');
  const [control, setControl] = useState('matched');
  const [start, setStart] = useState('');
  const [metric, setMetric] = useState('revenue');
  const [result, setResult] = useState<Compare | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    post<Compare>('/compare', {
      treated: { scheme, segment: treated },
      control: control === 'matched' ? 'matched' : { scheme, segment: control },
      ...(start ? { start } : {}),
      metric,
    })
      .then(setResult, (x: ApiFailure) => setError(x))
      .finally(() => setBusy(false));
  };
  const money = metric === 'revenue';
  const f = (v: number | null) => (money ? formatKpi(v, 'currency', who.currency) : formatKpi(v, 'value'));
  return (
    <Section title="Did it work? Difference-in-differences against a control group" testId="did">
      <form className="did-form" onSubmit={submit}>
        <SchemePicker
          schemes={schemes}
          value={scheme}
          onChange={(v) => {
            setScheme(v);
            setTreated(schemes.find((s) => s.name === v)?.segments[0] ?? '');
          }}
          label="Scheme"
        />
        <Select
          label="Treated segment"
          value={treated}
          options={segs.map((s) => ({ value: s, label: s }))}
          onChange={setTreated}
          testId="did-treated"
        />
        <Select
          label="Control"
          value={control}
          options={[
            { value: 'matched', label: 'matched look-alikes' },
            ...segs.filter((s) => s !== treated).map((s) => ({ value: s, label: s })),
          ]}
          onChange={setControl}
        />
        <div className="field">
          <label htmlFor="did-start">Action started on</label>
          <input
            id="did-start"
            type="date"
            required
            value={start}
            onChange={(e) => setStart(e.target.value)}
          />
        </div>
        <Select
          label="Metric"
          value={metric}
          options={[
            { value: 'revenue', label: 'revenue per customer' },
            { value: 'orders', label: 'orders per customer' },
            { value: 'active', label: 'share active' },
          ]}
          onChange={setMetric}
        />
        <button type="submit" disabled={busy || !treated}>
          {busy ? 'Comparing…' : 'Compare'}
        </button>
      </form>
      {error ? <ErrorState error={error} /> : null}
      {result ? (
        <div className="did-result" data-testid="did-result">
          <p className="verdict">
            <strong>{result.conclusion}</strong>
          </p>
          <table className="data compact">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col" className="num">
                  Customers
                </th>
                <th scope="col" className="num">
                  Before ({result.windows.pre.from} – {result.windows.pre.to})
                </th>
                <th scope="col" className="num">
                  After ({result.windows.post.from} – {result.windows.post.to})
                </th>
              </tr>
            </thead>
            <tbody>
              {(['treated', 'control'] as const).map((g) => (
                <tr key={g}>
                  <th scope="row">{g}</th>
                  <td className="num">
                    {result[g].suppressed ? 'suppressed' : formatNumber(result[g].customers)}
                  </td>
                  <td className="num">{f(result[g].pre)}</td>
                  <td className="num">{f(result[g].post)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Effect: <strong>{f(result.effect)}</strong> per customer (95 % interval {f(result.ci_low)} to{' '}
            {f(result.ci_high)}; p = {result.p_value === null ? '—' : result.p_value.toPrecision(2)}).{' '}
            {result.parallel_trends.checked
              ? result.parallel_trends.ok
                ? 'No pre-trend was detected.'
                : 'Warning: the groups were already drifting apart before the start.'
              : ''}
          </p>
          {result.warnings.map((w) => (
            <p className="warning" key={w}>
              {w}
            </p>
          ))}
        </div>
      ) : null}
    </Section>
  );
}
