import type { Cohorts } from '../../../src/server/api-types';
import { formatKpi, formatNumber, formatPercent } from '../../../src/views/format';
import { heatColour, heatTextLight } from '../../../src/views/scale';
import { LineChart } from '../charts/line-chart';
import { PageHeader, Section } from '../components/layout';
import { Select } from '../components/scheme-picker';
import { Empty, Show } from '../components/states';
import { useApp } from '../context';
import { href, setQuery, useLocation } from '../router';
import { useApi } from '../use-api';

/** Acquisition cohorts × periods since their first order: retention (or revenue per customer) as a heatmap. */
export function CohortsPage() {
  const { query } = useLocation();
  const metric = query.get('metric') === 'revenue' ? 'revenue' : 'retention';
  const period = query.get('period') === 'week' ? 'week' : 'month';
  const loaded = useApi<Cohorts>(href('/cohorts', { metric, period }));
  return (
    <>
      <PageHeader
        title="Cohorts"
        lead="Customers grouped by the month (or week) of their first order, followed period by period."
      >
        <Select
          label="Measure"
          value={metric}
          onChange={(v) => setQuery('metric', v)}
          testId="cohort-metric"
          options={[
            { value: 'retention', label: 'Retention (share ordering)' },
            { value: 'revenue', label: 'Revenue per customer' },
          ]}
        />
        <Select
          label="Period"
          value={period}
          onChange={(v) => setQuery('period', v)}
          options={[
            { value: 'month', label: 'Month' },
            { value: 'week', label: 'Week' },
          ]}
        />
      </PageHeader>
      <Show loaded={loaded} what="the cohorts">
        {(c) =>
          c.cohorts.length === 0 ? (
            <Empty title="No cohorts: no completed orders yet" />
          ) : (
            <CohortView c={c} metric={metric} period={period} />
          )
        }
      </Show>
    </>
  );
}

function CohortView({ c, metric, period }: { c: Cohorts; metric: string; period: string }) {
  const { who } = useApp();
  const width = Math.max(...c.cohorts.map((r) => r.values.length));
  const shown = c.cohorts.flatMap((r) => r.values.slice(1)).filter((v): v is number => v !== null);
  const max = metric === 'retention' ? Math.max(0.01, ...shown) : Math.max(1, ...shown);
  const fmt = (v: number | null) =>
    metric === 'retention' ? formatPercent(v, 0) : formatKpi(v, 'currency', who.currency, { compact: true });
  // The mean curve over cohorts that reached each period, weighted by cohort size; a period is
  // left out when hidden cells cover more than a fifth of the customers who reached it (the
  // hidden ones are the low ones, so the mean of the rest would be too high).
  const curve = Array.from({ length: width }, (_, i) => {
    let reached = 0;
    let n = 0;
    let s = 0;
    for (const r of c.cohorts) {
      // Each cohort's last period is usually still under way: left out, it would pull the curve down.
      const v = i < r.values.length - 1 ? r.values[i] : undefined;
      if (v === undefined || r.size === null) continue;
      reached += r.size;
      if (v !== null) {
        n += r.size;
        s += v * r.size;
      }
    }
    return { x: String(i), y: n > 0 && n >= 0.8 * reached ? s / n : null };
  });
  return (
    <>
      <Section
        title={
          metric === 'retention'
            ? 'Share of each cohort ordering in each period since their first'
            : 'Revenue per cohort customer in each period since their first order'
        }
        testId="cohort-heatmap"
      >
        <div className="table-wrap">
          <table className="heatmap">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col" className="num">
                  Customers
                </th>
                {Array.from({ length: width }, (_, i) => (
                  <th scope="col" key={i} className="num">
                    {i}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.cohorts.map((r) => (
                <tr key={r.cohort} data-row={r.cohort}>
                  <th scope="row">{r.cohort}</th>
                  <td className="num">
                    {r.suppressed ? <span className="suppressed">suppressed</span> : formatNumber(r.size)}
                  </td>
                  {Array.from({ length: width }, (_, i) => {
                    const v = r.values[i];
                    if (v === undefined) return <td key={i} />;
                    const hidden = v === null;
                    const t = hidden ? 0 : i === 0 && metric === 'retention' ? 1 : v / max;
                    return (
                      <td
                        key={i}
                        className={`num cell${hidden ? ' hidden-cell' : ''}`}
                        style={
                          hidden
                            ? undefined
                            : { background: heatColour(t), color: heatTextLight(t) ? '#fff' : undefined }
                        }
                        title={
                          hidden ? 'hidden: too few customers' : `${r.cohort}, ${period} ${i}: ${fmt(v)}`
                        }
                        data-value={v ?? ''}
                      >
                        {hidden ? '·' : fmt(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          Columns: {period}s since the first order (0 is the first {period}; the last column of each cohort
          may be partial). · marks a value hidden because fewer than {c.min_segment_size} customers ordered.
        </p>
      </Section>
      <Section title="The average cohort">
        <LineChart
          title={
            metric === 'retention'
              ? 'Retention by period since the first order, all cohorts weighted by size'
              : 'Revenue per customer by period since the first order'
          }
          xLabel={`${period}s since the first order`}
          yLabel={
            metric === 'retention'
              ? 'share of the cohort ordering'
              : `revenue per customer (${who.currency ?? 'currency'})`
          }
          unit={metric === 'retention' ? 'share' : 'currency'}
          currency={who.currency}
          testId="cohort-curve"
          series={[{ name: 'all cohorts', points: curve }]}
        />
      </Section>
    </>
  );
}
