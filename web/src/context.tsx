import { createContext, useContext, type ReactNode } from 'react';
import type { KpiDefinition, Schemes, WhoAmI } from '../../src/server/api-types';

/** What every page may need: who the caller is, the KPI definitions, the latest snapshot's schemes. */
export interface AppData {
  who: WhoAmI;
  kpis: Map<string, KpiDefinition>;
  schemes: Schemes | null;
}

const AppContext = createContext<AppData | null>(null);

export function AppProvider({ value, children }: { value: AppData; children: ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

/** The app's shared data (inside {@link AppProvider}). */
export function useApp(): AppData {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}

/** A KPI's unit (its definition's, else `value`). */
export function useUnit(): (kpi: string) => string {
  const { kpis } = useApp();
  return (kpi) => kpis.get(kpi)?.unit ?? 'value';
}
