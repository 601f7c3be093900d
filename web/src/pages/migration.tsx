import { useState } from 'react';
import type { Migration, Snapshots } from '../../../src/server/api-types';
import { formatKpi, formatNumber } from '../../../src/views/format';
import { FlowChart } from '../charts/flow-chart';
import { seg } from '../api';
import { PageHeader, Section } from '../components/layout';
import { SchemePicker, Select } from '../components/scheme-picker';
import { Empty, Show } from '../components/states';
import { useApp } from '../context';
import { href, setQuery, useLocation } from '../router';
import { useApi } from '../use-api';
import { useScheme } from '../use-scheme';

/** How customers moved between a scheme's segments from one snapshot to another. */
export function MigrationPage() {
  const { scheme, schemes, setScheme } = useScheme();
  const { query } = useLocation();
  const snaps = useApi<Snapshots>('/snapshots');
  const from = query.get('from') ?? undefined;
  const to = query.get('to') ?? undefined;
  const loaded = useApi<Migration>(
    scheme ? href(`/schemes/${seg(scheme.name)}/migration`, { from, to }) : null,
  );
  if (!scheme) return <Empty title="No schemes in the latest snapshot" />;
  const withScheme =
    snaps.state === 'ready' ? snaps.data.snapshots.filter((s) => s.schemes.includes(scheme.name)) : [];
  const options = withScheme.map((s) => ({
    value: String(s.snapshot_id),
    label: `${s.as_of} (#${s.snapshot_id})`,
  }));
  return (
    <>
      <PageHeader
        title="Migration"
        lead="Who moved where between two snapshots; bands are as wide as the customers who moved."
      >
        <SchemePicker schemes={schemes} value={scheme.name} onChange={setScheme} />
      </PageHeader>
      {withScheme.length < 2 ? (
        <Empty title="Migration needs two snapshots with this scheme">
          Run <code>segtrack run</code> again later, or <code>segtrack backfill</code>.
        </Empty>
      ) : (
        <Show loaded={loaded} what="the migration">
          {(m) => (
            <>
              <div className="controls">
                <Select
                  label="From"
                  value={String(m.from_snapshot.snapshot_id)}
                  options={options}
                  onChange={(v) => setQuery('from', v)}
                  testId="from"
                />
                <Select
                  label="To"
                  value={String(m.to_snapshot.snapshot_id)}
                  options={options}
                  onChange={(v) => setQuery('to', v)}
                  testId="to"
                />
              </div>
              <MigrationView m={m} />
            </>
          )}
        </Show>
      )}
    </>
  );
}

function MigrationView({ m }: { m: Migration }) {
  const { who } = useApp();
  const left = [...new Set(m.matrix.map((c) => c.from))];
  const right = [...new Set(m.matrix.map((c) => c.to))];
  const [moversOnly, setMoversOnly] = useState(false);
  // Customers who stayed usually dwarf those who moved: the movers alone show where they went.
  const flows = m.matrix
    .filter((c) => c.customers !== null && c.customers > 0 && (!moversOnly || c.from !== c.to))
    .map((c) => ({ from: c.from, to: c.to, customers: c.customers! }));
  const hidden = m.matrix.filter((c) => c.suppressed).length;
  const moved = m.matrix
    .filter((c) => c.flow === 'move' && c.customers !== null)
    .reduce((s, c) => s + c.customers!, 0);
  const cell = (f: string, t: string) => m.matrix.find((c) => c.from === f && c.to === t);
  return (
    <>
      <Section
        title={`${m.scheme}: ${m.from_snapshot.as_of} → ${m.to_snapshot.as_of}`}
        testId="migration-flow"
      >
        <p>
          {formatNumber(moved)} customers changed segment (in cells that are shown).
          {hidden > 0
            ? ` ${hidden} cells are hidden (fewer than ${m.min_segment_size} customers, or to protect one that is).`
            : ''}
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={moversOnly}
            onChange={(e) => setMoversOnly(e.target.checked)}
            data-testid="movers-only"
          />
          Only customers who changed segment
        </label>
        <FlowChart
          flows={flows}
          left={left}
          right={right}
          title="Flow between segments"
          leftLabel={m.from_snapshot.as_of}
          rightLabel={m.to_snapshot.as_of}
          testId="flow-chart"
        />
      </Section>
      <Section title="Customers by segment then (rows) and now (columns)" testId="migration-matrix">
        <div className="table-wrap">
          <table className="data compact">
            <thead>
              <tr>
                <th scope="col">from \ to</th>
                {right.map((t) => (
                  <th scope="col" className="num" key={t}>
                    {t}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {left.map((f) => (
                <tr key={f}>
                  <th scope="row">{f}</th>
                  {right.map((t) => {
                    const c = cell(f, t);
                    return (
                      <td
                        key={t}
                        className={`num${f === t ? ' diag' : ''}`}
                        data-value={c?.customers ?? ''}
                        title={
                          c && c.revenue !== null
                            ? `revenue now ${formatKpi(c.revenue, 'currency', who.currency)}, before ${formatKpi(c.revenue_before, 'currency', who.currency)}`
                            : undefined
                        }
                      >
                        {!c ? (
                          ''
                        ) : c.suppressed ? (
                          <span className="suppressed">·</span>
                        ) : (
                          formatNumber(c.customers)
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          (new): not in the earlier snapshot; (gone): not in the later one; (erased): erased on request. Hover
          a cell for its revenue in each period.
        </p>
      </Section>
    </>
  );
}
