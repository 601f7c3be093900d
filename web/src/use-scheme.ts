import type { SchemeSummary } from '../../src/server/api-types';
import { useApp } from './context';
import { setQuery, useLocation } from './router';

/**
 * The scheme a page shows: `?scheme=` when it names one of the latest snapshot's schemes (of
 * the `types` wanted, when given), else the first such scheme.
 */
export function useScheme(types?: readonly string[]): {
  scheme: SchemeSummary | null;
  schemes: SchemeSummary[];
  setScheme: (name: string) => void;
} {
  const { schemes } = useApp();
  const { query } = useLocation();
  const list = (schemes?.schemes ?? []).filter((s) => !types || types.includes(s.type));
  const asked = query.get('scheme');
  const scheme = list.find((s) => s.name === asked) ?? list[0] ?? null;
  return { scheme, schemes: list, setScheme: (name) => setQuery('scheme', name) };
}
