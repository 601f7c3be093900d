import type { Overview } from '../../../src/server/api-types';
import {
  formatChange,
  formatKpi,
  formatNumber,
  formatPercent,
  formatRelative,
  kpiLabel,
} from '../../../src/views/format';
import { Sparkline } from '../charts/sparkline';
import { KpiName } from '../components/kpi-name';
import { PageHeader, Section } from '../components/layout';
import { Link } from '../components/link';
import { Show } from '../components/states';
import { useApp } from '../context';
import { href } from '../router';
import { useApi } from '../use-api';

/** Headline KPIs of the whole base with their change and sparkline; the segments to look at. */
export function OverviewPage() {
  const loaded = useApi<Overview>('/overview');
  const { who } = useApp();
  const currency = who.currency;
  return (
    <Show loaded={loaded} what="the overview">
      {(o) => (
        <>
          <PageHeader
            title="Overview"
            lead={
              <>
                {formatNumber(o.customers)} customers as of <strong>{o.snapshot.as_of}</strong>
                {o.previous ? (
                  <>
                    {' '}
                    · changes since the previous snapshot ({o.previous.as_of}) · {o.snapshots} snapshots in
                    the history
                  </>
                ) : (
                  ' · the first snapshot: changes appear after the next run'
                )}
              </>
            }
          />
          <div className="cards" data-testid="headline">
            {o.headline.map((k) => {
              const tone = k.improved === null ? 'flat' : k.improved ? 'good' : 'bad';
              return (
                <div
                  className="kpi-card"
                  key={k.kpi}
                  data-testid={`kpi-card-${k.kpi}`}
                  data-value={k.value ?? ''}
                >
                  <div className="kpi-card-name">
                    <KpiName kpi={k.kpi} short />
                  </div>
                  <div className="kpi-card-value">{formatKpi(k.value, k.unit, currency)}</div>
                  {k.ci_low !== null && k.ci_high !== null ? (
                    <div className="ci">
                      95 %: {formatKpi(k.ci_low, k.unit, currency)} – {formatKpi(k.ci_high, k.unit, currency)}
                    </div>
                  ) : null}
                  <div className={`change change-${tone}`}>
                    {k.change === null ? (
                      <span className="muted">no earlier value</span>
                    ) : (
                      <>
                        <span aria-hidden="true">{k.change > 0 ? '↑' : k.change < 0 ? '↓' : '→'}</span>{' '}
                        {formatChange(k.change, k.unit, currency)}
                        {k.relative_change !== null ? ` (${formatRelative(k.relative_change)})` : ''}
                        <span className="sr-only">
                          {k.improved ? ', an improvement' : k.improved === false ? ', a deterioration' : ''}
                        </span>
                      </>
                    )}
                  </div>
                  {k.series.length > 1 ? (
                    <Sparkline
                      values={k.series.map((p) => p.value)}
                      label={`${kpiLabel(k.kpi)} over ${k.series.length} snapshots, from ${formatKpi(k.series[0]!.value, k.unit, currency)} to ${formatKpi(k.value, k.unit, currency)}`}
                    />
                  ) : null}
                </div>
              );
            })}
          </div>
          {o.highlights ? (
            <div className="two">
              <Section
                title={`Most valuable ${o.highlights.scheme} segments by ${kpiLabel(o.highlights.kpi)}`}
                testId="most-valuable"
              >
                <Highlights
                  rows={o.highlights.most_valuable}
                  scheme={o.highlights.scheme}
                  kpi={o.highlights.kpi}
                  currency={currency}
                  share
                />
              </Section>
              <Section
                title={`Slipping: ${kpiLabel(o.highlights.kpi)} fell most since the previous snapshot`}
                testId="slipping"
              >
                {o.highlights.slipping.length === 0 ? (
                  <p className="muted">
                    {o.previous
                      ? 'No segment fell since the previous snapshot.'
                      : 'Needs a previous snapshot.'}
                  </p>
                ) : (
                  <Highlights
                    rows={o.highlights.slipping}
                    scheme={o.highlights.scheme}
                    kpi={o.highlights.kpi}
                    currency={currency}
                  />
                )}
              </Section>
            </div>
          ) : null}
          <Section title="Schemes">
            <ul className="scheme-list">
              {o.schemes.map((s) => (
                <li key={s.name}>
                  <Link to={href('/segments', { scheme: s.name })}>
                    <strong>{s.name}</strong>
                  </Link>{' '}
                  <span className="tag">{s.type.replace('_', ' ')}</span> · {s.segments.length} segments
                  <div className="muted small">{s.description}</div>
                </li>
              ))}
            </ul>
          </Section>
        </>
      )}
    </Show>
  );
}

function Highlights({
  rows,
  scheme,
  kpi,
  currency,
  share = false,
}: {
  rows: NonNullable<Overview['highlights']>['most_valuable'];
  scheme: string;
  kpi: string;
  currency: string | null;
  share?: boolean;
}) {
  const { kpis } = useApp();
  const unit = kpis.get(kpi)?.unit ?? 'value';
  return (
    <table className="data compact">
      <thead>
        <tr>
          <th scope="col">Segment</th>
          <th scope="col" className="num">
            Customers
          </th>
          <th scope="col" className="num">
            <KpiName kpi={kpi} short />
          </th>
          <th scope="col" className="num">
            {share ? 'Share of total' : 'Change'}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.segment}>
            <td>
              <Link to={`/segments/${encodeURIComponent(scheme)}/${encodeURIComponent(r.segment)}`}>
                {r.segment}
              </Link>
            </td>
            <td className="num">{formatNumber(r.customers)}</td>
            <td className="num">{formatKpi(r.value, unit, currency)}</td>
            <td className="num">
              {share ? formatPercent(r.share_of_total) : formatRelative(r.relative_change)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
