import { describe, expect, it } from 'vitest';
import { rankValues } from './rank.js';
import type { KpiValue } from './types.js';

const v = (value: number | null): KpiValue => ({
  value,
  ci_low: null,
  ci_high: null,
  ci_method: 'wilson',
  n: 10,
  available: true,
});

const entries = [
  { segment: 'a', customers: 10, kpi: v(0.2) },
  { segment: 'b', customers: 10, kpi: v(null) },
  { segment: 'c', customers: 10, kpi: v(0.5) },
  { segment: 'd', customers: 10, kpi: v(0.2) },
  { segment: 'e', customers: 10, kpi: v(0.1) },
];

describe('rankValues', () => {
  it('puts the highest first when higher is better, ties share a rank, nulls last', () => {
    const r = rankValues(entries, 'higher');
    expect(r.map((x) => [x.segment, x.rank])).toEqual([
      ['c', 1],
      ['a', 2],
      ['d', 2],
      ['e', 4],
      ['b', null],
    ]);
  });

  it('puts the lowest first when lower is better (churn, CAC)', () => {
    const r = rankValues(entries, 'lower');
    expect(r.map((x) => x.segment)).toEqual(['e', 'a', 'd', 'c', 'b']);
    expect(r.at(-1)?.rank).toBeNull();
  });
});
