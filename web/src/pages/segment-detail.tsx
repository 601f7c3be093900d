import { useState } from 'react';
import type {
  Members,
  Recommendations,
  SegmentDetail,
  SegmentProfile,
  Trend,
} from '../../../src/server/api-types';
import { formatKpi, formatNumber, formatPercent, kpiLabel } from '../../../src/views/format';
import { BarChart } from '../charts/bar-chart';
import { LineChart } from '../charts/line-chart';
import { download, get, seg, type ApiFailure } from '../api';
import { KpiName } from '../components/kpi-name';
import { KpiValue } from '../components/kpi-value';
import { PageHeader, Section } from '../components/layout';
import { Link } from '../components/link';
import { Select } from '../components/scheme-picker';
import { ErrorState, Show } from '../components/states';
import { useApp } from '../context';
import { href, setQuery, useLocation } from '../router';
import { useApi } from '../use-api';

/** One segment: its KPIs against the base, what sets its members apart, its trend, what to do, and who is in it. */
export function SegmentDetailPage({ scheme, segment }: { scheme: string; segment: string }) {
  const loaded = useApi<SegmentDetail>(`/schemes/${seg(scheme)}/segments/${seg(segment)}`);
  return (
    <>
      <p className="crumbs">
        <Link to={href('/segments', { scheme })}>Segments</Link> › {scheme} ›
      </p>
      <Show loaded={loaded} what={`segment ${segment}`}>
        {(d) => <Detail d={d} />}
      </Show>
    </>
  );
}

function Detail({ d }: { d: SegmentDetail }) {
  const { kpis, who } = useApp();
  const s = d.segment;
  const unit = (k: string) => kpis.get(k)?.unit ?? 'value';
  const names = Object.keys(d.base.kpis);
  const share = s.customers !== null && d.base.customers > 0 ? s.customers / d.base.customers : null;
  return (
    <>
      <PageHeader
        title={s.segment}
        lead={
          s.suppressed ? (
            <>
              Suppressed: fewer than {d.min_segment_size} customers (or hidden to protect a smaller segment).
            </>
          ) : (
            <>
              <span data-testid="detail-customers" data-value={s.customers ?? ''}>
                {formatNumber(s.customers)}
              </span>{' '}
              customers ({formatPercent(share)} of all) · {d.scheme} ({d.scheme_type.replace('_', ' ')}) ·
              rank {d.rank.by_customers} of {d.rank.segments} by size · snapshot {d.snapshot_id} as of{' '}
              {d.as_of}
            </>
          )
        }
      />
      {!s.suppressed ? (
        <>
          <Section title="KPIs against all customers" testId="detail-kpis">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">KPI</th>
                  <th scope="col" className="num">
                    This segment
                  </th>
                  <th scope="col" className="num">
                    All customers
                  </th>
                  <th scope="col" className="num">
                    Difference
                  </th>
                </tr>
              </thead>
              <tbody>
                {names.map((k) => {
                  const a = s.kpis[k]?.value ?? null;
                  const b = d.base.kpis[k]?.value ?? null;
                  return (
                    <tr key={k} data-row={k}>
                      <th scope="row">
                        <KpiName kpi={k} />
                      </th>
                      <td className="num">
                        <KpiValue
                          cell={s.kpis[k]}
                          kpi={k}
                          unit={unit(k)}
                          currency={who.currency}
                          flag={s.flags.find((f) => f.kpi === k)}
                        />
                      </td>
                      <td className="num">{formatKpi(b, unit(k), who.currency)}</td>
                      <td className="num">
                        {a !== null && b !== null && b !== 0 && !(kpis.get(k)?.additive ?? false)
                          ? `${a >= b ? '+' : '−'}${formatPercent(Math.abs(a / b - 1))}`
                          : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </Section>
          <Profile profile={d.profile} segment={s.segment} />
          <SegmentTrend scheme={d.scheme} segment={s.segment} kpis={names} />
          <Recommendation scheme={d.scheme} segment={s.segment} />
          {who.can.members ? (
            <MembersBlock scheme={d.scheme} segment={s.segment} snapshot={d.snapshot_id} />
          ) : (
            <Section title="Members">
              <p className="muted">
                Member lists and exports need an analyst or admin token; this is a {who.role} token.
              </p>
            </Section>
          )}
        </>
      ) : null}
    </>
  );
}

function Profile({ profile, segment }: { profile: SegmentProfile; segment: string }) {
  if (!profile.available)
    return (
      <Section title="Profile against all customers">
        <p className="muted">{profile.reason}</p>
      </Section>
    );
  const top = profile.numeric.filter((f) => f.std_diff !== null).slice(0, 10);
  return (
    <Section title="What sets them apart" testId="profile">
      <div className="two">
        <div>
          <BarChart
            title={`How far ${segment} sits from all customers`}
            valueLabel="difference in standard deviations of all customers"
            unit="value"
            testId="profile-chart"
            bars={top.map((f) => ({ label: f.feature, value: f.std_diff }))}
          />
        </div>
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col" className="num">
                Mean here
              </th>
              <th scope="col" className="num">
                Mean of all
              </th>
            </tr>
          </thead>
          <tbody>
            {profile.numeric.map((f) => (
              <tr key={f.feature} title={f.description}>
                <th scope="row">{f.feature}</th>
                <td className="num">
                  {f.suppressed ? <span className="suppressed">hidden</span> : formatKpi(f.mean, 'value')}
                </td>
                <td className="num">{formatKpi(f.base_mean, 'value')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid-3">
        {profile.categorical.map((c) => (
          <div key={c.feature} className="mini">
            <h3 title={c.description}>{c.feature.replace(/_/g, ' ')}</h3>
            <table className="data compact">
              <thead>
                <tr>
                  <th scope="col">Category</th>
                  <th scope="col" className="num">
                    Here
                  </th>
                  <th scope="col" className="num">
                    All
                  </th>
                </tr>
              </thead>
              <tbody>
                {c.categories.map((k) => (
                  <tr key={k.category}>
                    <td>{k.category}</td>
                    <td className="num">
                      {k.suppressed ? <span className="suppressed">hidden</span> : formatPercent(k.share)}
                    </td>
                    <td className="num">{formatPercent(k.base_share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </Section>
  );
}

function SegmentTrend({ scheme, segment, kpis }: { scheme: string; segment: string; kpis: string[] }) {
  const { query } = useLocation();
  const { who, kpis: defs } = useApp();
  const kpi = kpis.includes(query.get('kpi') ?? '')
    ? query.get('kpi')!
    : kpis.includes('revenue')
      ? 'revenue'
      : (kpis[0] ?? 'customers');
  const loaded = useApi<Trend>(`/schemes/${seg(scheme)}/trend?kpi=${seg(kpi)}`);
  const unit = defs.get(kpi)?.unit ?? 'value';
  return (
    <Section title="Over time" testId="detail-trend">
      <div className="controls">
        <Select
          label="KPI"
          value={kpi}
          options={kpis.map((k) => ({ value: k, label: kpiLabel(k) }))}
          onChange={(v) => setQuery('kpi', v)}
          testId="trend-kpi"
        />
      </div>
      <Show loaded={loaded} what="the trend">
        {(t) => {
          const mine = t.series.find((x) => x.segment === segment);
          if (!mine || mine.points.length < 2)
            return <p className="muted">A trend needs at least two snapshots with this segment.</p>;
          return (
            <LineChart
              title={`${kpiLabel(kpi)} of ${segment}, by ${t.period}`}
              xLabel={t.period}
              yLabel={`${kpiLabel(kpi)} (${unit})`}
              unit={unit}
              currency={who.currency}
              testId="trend-chart"
              series={[
                {
                  name: segment,
                  points: mine.points.map((p) => ({
                    x: t.period === 'month' ? p.period.slice(0, 7) : p.period.slice(0, 10),
                    y: p.value,
                    lo: p.ci_low,
                    hi: p.ci_high,
                  })),
                },
              ]}
            />
          );
        }}
      </Show>
    </Section>
  );
}

function Recommendation({ scheme, segment }: { scheme: string; segment: string }) {
  const loaded = useApi<Recommendations>(`/recommendations?scheme=${seg(scheme)}`);
  const { who } = useApp();
  return (
    <Section title="What to do" testId="recommendation">
      <Show loaded={loaded} what="recommendations">
        {(r) => {
          const rec = r.recommendations.find((x) => x.segment === segment);
          if (!rec) return <p className="muted">No recommendation for this segment.</p>;
          return (
            <div>
              <p>
                <strong>{rec.label ?? rec.action ?? 'No action'}</strong>
                {rec.value_at_stake !== null ? (
                  <> · value at stake {formatKpi(rec.value_at_stake, 'currency', who.currency)}</>
                ) : null}
              </p>
              <p>{rec.rationale}</p>
            </div>
          );
        }}
      </Show>
    </Section>
  );
}

function MembersBlock({ scheme, segment, snapshot }: { scheme: string; segment: string; snapshot: number }) {
  const [page, setPage] = useState<Members | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [holdout, setHoldout] = useState('0.1');
  const [exported, setExported] = useState<string | null>(null);
  const load = (n: number) =>
    get<Members>(
      `/schemes/${seg(scheme)}/segments/${seg(segment)}/members?page=${n}&page_size=50&snapshot=${snapshot}`,
      { fresh: true },
    ).then(setPage, (e: ApiFailure) => setError(e));
  const exportNow = () => {
    const h = Number(holdout);
    download(`/schemes/${seg(scheme)}/segments/${seg(segment)}/export`, {
      holdout: Number.isFinite(h) ? h : 0,
      snapshot,
    }).then(
      (c) =>
        setExported(
          `Exported ${formatNumber(Number(c['exported'] ?? 0))} customers; ${formatNumber(Number(c['holdout'] ?? 0))} held out as a control group (export ${String(c['export_id'])}); ${formatNumber(Number(c['excluded_no_consent'] ?? 0))} left out without marketing consent.`,
        ),
      (e: ApiFailure) => setError(e),
    );
  };
  const pages = page ? Math.max(1, Math.ceil(page.total / page.page_size)) : 0;
  return (
    <Section title="Members" testId="members">
      {error ? <ErrorState error={error} /> : null}
      <div className="controls">
        {page === null ? (
          <button type="button" onClick={() => void load(1)} data-testid="show-members">
            Show members
          </button>
        ) : null}
        <div className="field inline">
          <label htmlFor="holdout">Hold out</label>
          <input
            id="holdout"
            type="number"
            min={0}
            max={0.99}
            step={0.05}
            value={holdout}
            onChange={(e) => setHoldout(e.target.value)}
          />
        </div>
        <button type="button" className="secondary" onClick={exportNow} data-testid="export">
          Export for activation (CSV)
        </button>
      </div>
      <p className="muted small">
        Listing members and exporting are recorded in the audit log with your token.
      </p>
      {exported ? <p role="status">{exported}</p> : null}
      {page ? (
        <>
          <p>
            {formatNumber(page.total)} members · page {page.page} of {pages}
          </p>
          <ol className="members" start={(page.page - 1) * page.page_size + 1} data-testid="member-list">
            {page.members.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ol>
          <div className="controls">
            <button type="button" disabled={page.page <= 1} onClick={() => void load(page.page - 1)}>
              Previous
            </button>
            <button type="button" disabled={page.page >= pages} onClick={() => void load(page.page + 1)}>
              Next
            </button>
          </div>
        </>
      ) : null}
    </Section>
  );
}
