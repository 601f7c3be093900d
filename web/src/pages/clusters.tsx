import type { Clusters } from '../../../src/server/api-types';
import { formatKpi, formatNumber, formatPercent } from '../../../src/views/format';
import { LineChart } from '../charts/line-chart';
import { PageHeader, Section } from '../components/layout';
import { Link } from '../components/link';
import { SchemePicker } from '../components/scheme-picker';
import { Empty, Show } from '../components/states';
import { seg } from '../api';
import { useApi } from '../use-api';
import { useScheme } from '../use-scheme';

/** Diverging colour for a standardised difference: blue above the base, orange below. */
function diffColour(d: number | null): string {
  if (d === null) return 'transparent';
  const t = Math.min(1, Math.abs(d) / 1.5);
  return d >= 0
    ? `rgba(0, 114, 178, ${(0.1 + 0.6 * t).toFixed(2)})`
    : `rgba(213, 94, 0, ${(0.1 + 0.6 * t).toFixed(2)})`;
}

/** Discovered segments: how k was chosen, each cluster's profile and name, and their identity across runs. */
export function ClustersPage() {
  const { scheme, schemes, setScheme } = useScheme(['kmeans']);
  const loaded = useApi<Clusters>(scheme ? `/schemes/${seg(scheme.name)}/clusters` : null);
  if (!scheme)
    return (
      <>
        <PageHeader title="Clusters" />
        <Empty title="No cluster scheme in the latest snapshot">
          Add a scheme with <code>type: kmeans</code> to <code>segments:</code> and run{' '}
          <code>segtrack run</code>.
        </Empty>
      </>
    );
  return (
    <>
      <PageHeader title="Clusters" lead="Segments discovered by k-means, named from what sets each apart.">
        <SchemePicker schemes={schemes} value={scheme.name} onChange={setScheme} />
      </PageHeader>
      <Show loaded={loaded} what="the clusters">
        {(c) => <ClustersView c={c} />}
      </Show>
    </>
  );
}

function ClustersView({ c }: { c: Clusters }) {
  const features = c.features.map((f) => f.name);
  return (
    <>
      <Section title={`${c.k} clusters of ${formatNumber(c.customers)} customers`} testId="cluster-cards">
        <div className="cards">
          {c.clusters.map((k) => (
            <div className="kpi-card" key={k.id} data-testid="cluster-card">
              <div className="kpi-card-name">
                #{k.id} <span className="tag">{k.status}</span>
              </div>
              <div className="kpi-card-value small-value">
                <Link to={`/segments/${seg(c.scheme)}/${seg(k.name)}`}>{k.name}</Link>
              </div>
              {k.suppressed ? (
                <div className="suppressed">suppressed</div>
              ) : (
                <>
                  <div data-value={k.customers ?? ''} data-testid="cluster-size">
                    {formatNumber(k.customers)} customers ({formatPercent(k.share)})
                  </div>
                  <div className="muted small">
                    {k.distinguishing.map((x) => `${x.word} ${x.feature}`).join(', ')}
                  </div>
                  {k.drift !== null ? (
                    <div className="muted small">
                      centre moved {k.drift.toFixed(3)} since the previous fit
                    </div>
                  ) : null}
                </>
              )}
            </div>
          ))}
        </div>
      </Section>
      <Section
        title="Profiles: mean per cluster, coloured by distance from all customers"
        testId="cluster-profiles"
      >
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Cluster</th>
                {features.map((f) => (
                  <th scope="col" className="num" key={f}>
                    {f}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.clusters.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  {features.map((f) => {
                    const p = k.profile.find((x) => x.feature === f);
                    return (
                      <td
                        key={f}
                        className="num"
                        style={{ background: diffColour(p?.std_diff ?? null) }}
                        title={
                          p?.std_diff != null
                            ? `${p.std_diff >= 0 ? '+' : ''}${p.std_diff.toFixed(2)} sd from all customers`
                            : undefined
                        }
                      >
                        {k.suppressed ? '—' : formatKpi(p?.mean ?? null, 'value')}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr className="base-row">
                <th scope="row">All customers</th>
                {features.map((f) => (
                  <td key={f} className="num">
                    {formatKpi(
                      c.clusters[0]?.profile.find((x) => x.feature === f)?.base_mean ?? null,
                      'value',
                    )}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
        <p className="muted small">
          Blue: above all customers; orange: below; the stronger, the further (in standard deviations).
        </p>
      </Section>
      <Section title="How k was chosen" testId="k-choice">
        <p>
          {c.k_choice.mode === 'auto' ? 'Automatic: ' : 'Fixed: '}
          {c.k_choice.reason}
          {c.k_choice.elbow_k !== null ? ` The inertia's elbow is at k = ${c.k_choice.elbow_k}.` : ''}
        </p>
        {c.k_choice.scores.length > 1 ? (
          <LineChart
            title="Silhouette by number of clusters (higher: better separated)"
            xLabel="k (number of clusters)"
            yLabel="silhouette"
            unit="ratio"
            testId="k-chart"
            series={[
              {
                name: 'silhouette',
                points: c.k_choice.scores.map((s) => ({ x: String(s.k), y: s.silhouette })),
              },
            ]}
          />
        ) : null}
      </Section>
      <Section title="Identity across runs">
        {c.identity.previous_snapshot_id === null ? (
          <p>First fit of this scheme: every cluster is new.</p>
        ) : (
          <p>
            Matched to the clusters of snapshot {c.identity.previous_snapshot_id} (as of{' '}
            {c.identity.previous_as_of}) so each keeps its id and name while its centre drifts.
          </p>
        )}
      </Section>
    </>
  );
}
