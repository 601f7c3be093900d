import type { Config } from '../config/types.js';
import { CATALOGUE } from './catalogue.js';
import type { IntervalMethod, KpiDirection, KpiRequirement } from './types.js';

/** A KPI's definition as every surface shows it (`segtrack kpis`, the API, the dashboard, the report). */
export interface KpiDefinitionView {
  name: string;
  unit: string;
  direction: KpiDirection;
  description: string;
  formula: string;
  interval: IntervalMethod;
  requires: KpiRequirement[];
  custom: boolean;
  /**
   * A total over the segment's customers: the segments' values add up to the base's (a share of
   * the total means something; a comparison with the base's value does not).
   */
  additive: boolean;
}

/** The catalogue's totals (see {@link KpiDefinitionView.additive}). */
const ADDITIVE = new Set(['customers', 'share', 'revenue', 'orders', 'revenue_at_risk']);

/**
 * The catalogue's definitions followed by the config's custom KPIs (their expression stands as the
 * formula; unit `value` and direction `higher` unless the config says otherwise).
 */
export function kpiDefinitions(config: Config | undefined): KpiDefinitionView[] {
  return [
    ...CATALOGUE.map((k) => ({
      name: k.name,
      unit: k.unit,
      direction: k.direction,
      description: k.description,
      formula: k.formula,
      interval: k.interval,
      requires: k.requires,
      custom: false,
      additive: ADDITIVE.has(k.name),
    })),
    ...(config?.kpis?.custom ?? []).map((c) => ({
      name: c.name,
      unit: c.unit ?? 'value',
      direction: c.direction ?? 'higher',
      description: c.description ?? 'custom KPI from segtrack.yaml',
      formula: c.expression,
      interval: 'bootstrap' as const,
      requires: [],
      custom: true,
      additive: false,
    })),
  ];
}
