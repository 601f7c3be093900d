import { describe, expect, it } from 'vitest';
import { CATALOGUE, KPI_NAMES, kpiDefinition } from './catalogue.js';
import { OBJECTIVES, choosePrimary, resolveKpiSelection } from './objectives.js';
import type { KpiTable } from './types.js';

describe('KPI catalogue', () => {
  it('holds the 19 KPIs of DESIGN.md in order, each fully described', () => {
    expect(KPI_NAMES).toEqual([
      'customers',
      'share',
      'revenue',
      'orders',
      'aov',
      'purchase_frequency',
      'repeat_rate',
      'historical_clv',
      'predicted_clv',
      'p_alive',
      'retention_rate',
      'churn_rate',
      'cac',
      'clv_cac_ratio',
      'nps',
      'csat',
      'engagement_rate',
      'conversion_rate',
      'revenue_at_risk',
    ]);
    for (const k of CATALOGUE) {
      expect(k.unit.length, k.name).toBeGreaterThan(0);
      expect(k.description.length, k.name).toBeGreaterThan(10);
      expect(k.formula.length, k.name).toBeGreaterThan(0);
    }
  });

  it('says lower is better only for churn, CAC and revenue at risk', () => {
    expect(CATALOGUE.filter((k) => k.direction === 'lower').map((k) => k.name)).toEqual([
      'churn_rate',
      'cac',
      'revenue_at_risk',
    ]);
  });

  it('gives totals no interval and estimates one', () => {
    const none = CATALOGUE.filter((k) => k.interval === 'none').map((k) => k.name);
    expect(none).toEqual(['customers', 'share', 'revenue', 'orders', 'revenue_at_risk']);
    expect(kpiDefinition('nps')?.interval).toBe('nps-multinomial');
    expect(kpiDefinition('aov')?.interval).toBe('delta-ratio');
    expect(kpiDefinition('csat')?.interval).toBe('wilson');
    expect(kpiDefinition('nope')).toBeUndefined();
  });
});

describe('objectives', () => {
  it('select catalogue KPIs and a primary KPI from their own set', () => {
    for (const [name, o] of Object.entries(OBJECTIVES)) {
      for (const k of o.kpis) expect(KPI_NAMES, `${name}: ${k}`).toContain(k);
      for (const p of o.primary) expect(o.kpis, `${name}: primary ${p}`).toContain(p);
      expect(o.kpis.slice(0, 2)).toEqual(['customers', 'share']);
    }
  });

  it('are used when kpis.include is absent; include wins; default is the catalogue', () => {
    expect(resolveKpiSelection({ objective: 'retention' })).toMatchObject({
      source: 'objective',
      primary: ['retention_rate'],
    });
    expect(
      resolveKpiSelection({ objective: 'satisfaction', kpis: { include: ['customers', 'csat', 'nps'] } }),
    ).toEqual({ kpis: ['customers', 'csat', 'nps'], primary: ['nps', 'csat'], source: 'include' });
    expect(resolveKpiSelection({}).kpis).toEqual(KPI_NAMES);
  });

  it('reports every unknown name in kpis.include with a suggestion', () => {
    expect(() =>
      resolveKpiSelection({
        kpis: { include: ['customers', 'reveneu', 'chrun_rate'], custom: [{ name: 'vip', expression: '1' }] },
      }),
    ).toThrow(
      /unknown KPI 'reveneu'[\s\S]*did you mean 'revenue'[\s\S]*unknown KPI 'chrun_rate'[\s\S]*'churn_rate'/,
    );
    expect(
      resolveKpiSelection({ kpis: { include: ['vip'], custom: [{ name: 'vip', expression: '1' }] } }).kpis,
    ).toEqual(['vip']);
  });

  it('falls back to the next primary KPI when the first is unavailable', () => {
    const table = {
      base: {
        kpis: {
          clv_cac_ratio: { available: false },
          predicted_clv: { available: false },
          historical_clv: { available: true },
        },
      },
    } as unknown as KpiTable;
    expect(choosePrimary(OBJECTIVES.profitability.primary, table)).toBe('historical_clv');
  });
});
