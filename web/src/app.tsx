import type { Kpis, Schemes, WhoAmI } from '../../src/server/api-types';
import { AppProvider } from './context';
import { Layout } from './components/layout';
import { ErrorState, Loading } from './components/states';
import { AlertsPage } from './pages/alerts';
import { ClustersPage } from './pages/clusters';
import { CohortsPage } from './pages/cohorts';
import { ComparePage } from './pages/compare';
import { KpisPage } from './pages/kpis';
import { MigrationPage } from './pages/migration';
import { NotFound } from './pages/not-found';
import { OverviewPage } from './pages/overview';
import { QualityPage } from './pages/quality';
import { SegmentDetailPage } from './pages/segment-detail';
import { SegmentsPage } from './pages/segments';
import { ValuePage } from './pages/value';
import { useLocation } from './router';
import { useApi } from './use-api';

/** The page for a path. */
function Page({ path }: { path: string }) {
  const detail = /^\/segments\/([^/]+)\/([^/]+)$/.exec(path);
  if (detail)
    return (
      <SegmentDetailPage scheme={decodeURIComponent(detail[1]!)} segment={decodeURIComponent(detail[2]!)} />
    );
  switch (path) {
    case '/':
      return <OverviewPage />;
    case '/segments':
      return <SegmentsPage />;
    case '/clusters':
      return <ClustersPage />;
    case '/value':
      return <ValuePage />;
    case '/cohorts':
      return <CohortsPage />;
    case '/migration':
      return <MigrationPage />;
    case '/compare':
      return <ComparePage />;
    case '/quality':
      return <QualityPage />;
    case '/alerts':
      return <AlertsPage />;
    case '/kpis':
      return <KpisPage />;
    default:
      return <NotFound />;
  }
}

/** The dashboard: who is calling and the KPI catalogue first, then the page of the address. */
export function App() {
  const { path } = useLocation();
  const who = useApi<WhoAmI>('/whoami');
  const kpis = useApi<Kpis>('/kpis');
  const schemes = useApi<Schemes>(who.state === 'ready' ? '/schemes' : null);
  for (const l of [who, kpis])
    if (l.state === 'error')
      return (
        <main className="standalone">
          <h1>segtrack</h1>
          <ErrorState error={l.error} />
        </main>
      );
  if (who.state !== 'ready' || kpis.state !== 'ready' || schemes.state === 'loading')
    return (
      <main className="standalone">
        <Loading what="the dashboard" />
      </main>
    );
  const value = {
    who: who.data,
    kpis: new Map(kpis.data.kpis.map((k) => [k.name, k])),
    schemes: schemes.state === 'ready' ? schemes.data : null,
  };
  return (
    <AppProvider value={value}>
      <Layout>
        {schemes.state === 'error' ? <ErrorState error={schemes.error} /> : <Page path={path} />}
      </Layout>
    </AppProvider>
  );
}
