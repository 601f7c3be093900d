import type { ReactNode } from 'react';
import { formatNumber } from '../../../src/views/format';
import { useApp } from '../context';
import { useLocation } from '../router';
import { Link } from './link';

/** The dashboard's pages, in the navigation's order. */
export const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/segments', label: 'Segments' },
  { path: '/clusters', label: 'Clusters' },
  { path: '/value', label: 'Value and churn' },
  { path: '/cohorts', label: 'Cohorts' },
  { path: '/migration', label: 'Migration' },
  { path: '/compare', label: 'Compare' },
  { path: '/quality', label: 'Data quality' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/kpis', label: 'KPI definitions' },
] as const;

/** Navigation, the snapshot and the caller's role around every page. */
export function Layout({ children }: { children: ReactNode }) {
  const { who, schemes } = useApp();
  const { path } = useLocation();
  const current = (p: string) => (p === '/' ? path === '/' : path === p || path.startsWith(`${p}/`));
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          segtrack
        </Link>
        <div className="top-info">
          {schemes ? (
            <span data-testid="as-of">
              Snapshot {schemes.snapshot_id} · as of <strong>{schemes.as_of}</strong>
            </span>
          ) : (
            <span>No snapshots yet</span>
          )}
          <span
            className={`role role-${who.role}`}
            title={who.loopback ? 'no tokens exist: loopback clients act as admin' : who.actor}
          >
            {who.role}
            {who.loopback ? ' (local)' : ''}
          </span>
          <span className="muted small" title="privacy.min_segment_size">
            groups under {formatNumber(who.min_segment_size)} customers are hidden
          </span>
        </div>
      </header>
      <nav className="side" aria-label="Pages">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <Link to={p.path} aria-current={current(p.path) ? 'page' : undefined}>
                {p.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** A page's title and the controls beside it. */
export function PageHeader({
  title,
  children,
  lead,
}: {
  title: string;
  children?: ReactNode;
  lead?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {lead ? <p className="lead">{lead}</p> : null}
      </div>
      {children ? <div className="controls">{children}</div> : null}
    </div>
  );
}

/** A titled block of a page. */
export function Section({
  title,
  children,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
