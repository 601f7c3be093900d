/**
 * Under/over-performance flags on a real DuckDB: a planted difference is flagged with the right
 * direction, random segments of the same customers are not. (The false-flag rate over many seeds
 * is checked without the engine in src/kpis/flags.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { DuckDBEngine } from '../../src/engine/duckdb/duckdb-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { KPI_NAMES } from '../../src/kpis/catalogue.js';
import { computeKpis } from '../../src/kpis/compute.js';
import { computeFlags } from '../../src/kpis/flags.js';
import type { KpiTable } from '../../src/kpis/types.js';

const N = 1500;
const HOT = 150; // customers 0…149: a planted higher repeat rate and more orders per buyer
let engine: Engine;
let table: KpiTable;

beforeAll(async () => {
  engine = await DuckDBEngine.open(':memory:');
  const rng = new Rng(42);
  const ids: string[] = [];
  const ordersTotal: number[] = [];
  const orders365: number[] = [];
  const revenue365: number[] = [];
  const revenueTotal: number[] = [];
  const prev: number[] = [];
  for (let i = 0; i < N; i++) {
    const hot = i < HOT;
    const total = rng.bernoulli(hot ? 0.85 : 0.35) ? 2 + rng.poisson(hot ? 3 : 1) : 1;
    const inP = Math.min(total, 1 + rng.poisson(hot ? 2 : 0.5));
    const rev = Array.from({ length: inP }, () => rng.gamma(4, 0.05)).reduce((a, b) => a + b, 0);
    ids.push(`C${i}`);
    ordersTotal.push(total);
    orders365.push(inP);
    revenue365.push(rev);
    revenueTotal.push(rev + (total - inP) * 80);
    prev.push(rng.bernoulli(0.5) ? 1 : 0);
  }
  await engine.exec(
    'CREATE TABLE features (customer_id VARCHAR, orders_total BIGINT, revenue_total DOUBLE, orders_365d BIGINT, revenue_365d DOUBLE, orders_prev_365d BIGINT)',
  );
  await engine.append('features', [
    { name: 'customer_id', type: 'string', values: ids },
    { name: 'orders_total', type: 'integer', values: ordersTotal },
    { name: 'revenue_total', type: 'double', values: revenueTotal },
    { name: 'orders_365d', type: 'integer', values: orders365 },
    { name: 'revenue_365d', type: 'double', values: revenue365 },
    { name: 'orders_prev_365d', type: 'integer', values: prev },
  ]);
  // Scheme `planted`: hot + two cold halves; scheme `random`: 6 segments from a hash of the id.
  await engine.exec(`CREATE TABLE members AS
    SELECT 'planted' AS scheme,
           CASE WHEN CAST(substr(customer_id, 2) AS INTEGER) < ${HOT} THEN 'hot'
                WHEN CAST(substr(customer_id, 2) AS INTEGER) % 2 = 0 THEN 'cold_even' ELSE 'cold_odd' END AS segment,
           customer_id FROM features
    UNION ALL
    SELECT 'random', 'r' || CAST(hash(customer_id || 'salt') % 6 AS VARCHAR), customer_id FROM features`);
  table = await computeKpis(engine, {
    features: 'features',
    members: 'members',
    kpis: [...KPI_NAMES],
    asOf: '2011-12-09',
  });
});
afterAll(async () => {
  await engine.close();
});

describe('computeFlags', () => {
  it('flags the planted segment above the rest, with adjusted and raw p-values', () => {
    const report = computeFlags(table);
    const hot = report.flags.filter((f) => f.scheme === 'planted' && f.segment === 'hot');
    const byKpi = Object.fromEntries(hot.map((f) => [f.kpi, f]));
    expect(byKpi['repeat_rate']).toMatchObject({
      direction: 'over',
      assessment: 'better',
      test: 'two-proportion-z',
    });
    expect(byKpi['purchase_frequency']).toMatchObject({ direction: 'over', test: 'welch-z' });
    expect(byKpi['historical_clv']?.direction).toBe('over');
    const f = byKpi['repeat_rate']!;
    expect(f.value).toBeGreaterThan(f.rest_value);
    expect(f.p_raw).toBeLessThan(1e-10);
    expect(f.p_value).toBeGreaterThanOrEqual(f.p_raw);
    // The rest of the base is computed from the same statistics: base − segment.
    const seg = table.schemes[0]!.segments.find((s) => s.segment === 'hot')!;
    const rest = (table.base.stats['repeaters']! - seg.stats['repeaters']!) / (N - HOT);
    expect(f.rest_value).toBeCloseTo(rest, 12);
  });

  it('does not flag segments that differ only by chance', () => {
    const report = computeFlags(table);
    expect(report.flags.filter((f) => f.scheme === 'random')).toEqual([]);
    // Every available KPI with an interval was tested for each of the 6 random segments.
    const tested = new Set(report.comparisons.filter((c) => c.scheme === 'random').map((c) => c.kpi));
    expect([...tested].sort()).toEqual(
      ['aov', 'churn_rate', 'historical_clv', 'purchase_frequency', 'repeat_rate', 'retention_rate'].sort(),
    );
    expect(report.comparisons.filter((c) => c.scheme === 'random')).toHaveLength(6 * 6);
  });

  it('states its correction and skips segments under the minimum size', () => {
    const report = computeFlags(table, { minSegmentSize: 200 });
    expect(report).toMatchObject({ correction: 'benjamini-hochberg', level: 0.05, minSegmentSize: 200 });
    expect(report.comparisons.some((c) => c.segment === 'hot')).toBe(false);
    const holm = computeFlags(table, { correction: 'holm' });
    expect(holm.correction).toBe('holm');
    expect(holm.flags.some((f) => f.segment === 'hot' && f.kpi === 'repeat_rate')).toBe(true);
  });
});
