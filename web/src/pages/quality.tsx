import { useState } from 'react';
import type { Quality } from '../../../src/server/api-types';
import { formatNumber } from '../../../src/views/format';
import { DataTable } from '../components/data-table';
import { PageHeader, Section } from '../components/layout';
import { Show } from '../components/states';
import { useApi } from '../use-api';

type Check = Quality['checks'][number];

const SEVERITIES = ['error', 'warning', 'info'];

/** The data-quality report: findings by severity, with example rows. */
export function QualityPage() {
  const loaded = useApi<Quality>('/quality');
  const [level, setLevel] = useState<'all' | 'error' | 'warning' | 'info'>('all');
  return (
    <>
      <PageHeader
        title="Data quality"
        lead="Completeness, validity, uniqueness, consistency and freshness of the data in the workspace."
      />
      <Show loaded={loaded} what="the data-quality report">
        {(q) => (
          <>
            <div className="cards" data-testid="quality-summary">
              {(['error', 'warning', 'info'] as const).map((s) => (
                <button
                  type="button"
                  key={s}
                  className={`kpi-card sev-${s}${level === s ? ' selected' : ''}`}
                  aria-pressed={level === s}
                  onClick={() => setLevel(level === s ? 'all' : s)}
                  data-testid={`quality-${s}`}
                  data-value={q.summary[s]}
                >
                  <span className="kpi-card-name">
                    {s === 'error' ? 'Errors' : s === 'warning' ? 'Warnings' : 'Facts'}
                  </span>
                  <span className="kpi-card-value">{formatNumber(q.summary[s])}</span>
                </button>
              ))}
            </div>
            <Section title={level === 'all' ? 'Every finding, the worst first' : `${level} findings`}>
              {q.examples_hidden ? (
                <p className="muted small">
                  Example rows are shown to analysts and admins only (they hold customer-level values).
                </p>
              ) : null}
              <DataTable<Check>
                testId="quality-checks"
                rows={q.checks
                  .filter((c) => level === 'all' || c.severity === level)
                  .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))}
                rowKey={(c) => `${c.id}|${c.table}|${c.column ?? ''}`}
                columns={[
                  {
                    key: 'severity',
                    header: 'Severity',
                    value: (c) => ['error', 'warning', 'info'].indexOf(c.severity),
                    render: (c) => <span className={`badge sev-${c.severity}`}>{c.severity}</span>,
                  },
                  { key: 'table', header: 'Table', value: (c) => c.table },
                  { key: 'column', header: 'Column', value: (c) => c.column },
                  {
                    key: 'count',
                    header: 'Rows',
                    numeric: true,
                    value: (c) => c.count,
                    render: (c) => formatNumber(c.count),
                  },
                  {
                    key: 'message',
                    header: 'Finding',
                    value: (c) => c.message,
                    render: (c) => (
                      <>
                        {c.message}
                        {c.examples.length > 0 ? (
                          <details>
                            <summary>{c.examples.length} examples</summary>
                            <pre>{c.examples.map((e) => JSON.stringify(e)).join('\n')}</pre>
                          </details>
                        ) : null}
                      </>
                    ),
                  },
                ]}
              />
            </Section>
          </>
        )}
      </Show>
    </>
  );
}
