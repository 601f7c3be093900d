import { describe, expect, it } from 'vitest';
import { extent, linePath, linearScale, niceTicks } from './scale.js';
import { formatChange, formatKpi, formatRelative } from './format.js';

describe('niceTicks', () => {
  it('covers the range with steps of 1, 2 or 5 × 10^k', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.12, 0.83, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    for (const [lo, hi] of [
      [3, 3],
      [0, 0],
      [1234, 98765],
    ] as const) {
      const t = niceTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(hi);
      const steps = new Set(t.slice(1).map((v, i) => Number((v - t[i]!).toPrecision(6))));
      expect(steps.size).toBe(1);
    }
  });
  it('maps linearly and breaks lines at missing values', () => {
    const s = linearScale(0, 10, 100, 0);
    expect(s(0)).toBe(100);
    expect(s(5)).toBe(50);
    expect(extent([null, 3, -1, NaN])).toEqual([-1, 3]);
    expect(
      linePath([
        { x: 0, y: 1 },
        { x: 1, y: null },
        { x: 2, y: 3 },
        { x: 3, y: 4 },
      ]),
    ).toBe('M0.0,1.0M2.0,3.0L3.0,4.0');
  });
});

describe('formatKpi', () => {
  it('writes each unit as it reads', () => {
    expect(formatKpi(1234.5, 'currency', 'GBP')).toBe('£1,235');
    expect(formatKpi(12.345, 'currency/order', 'GBP')).toBe('£12.35');
    expect(formatKpi(0.4567, 'share')).toBe('45.7%');
    expect(formatKpi(1500, 'customers')).toBe('1,500');
    expect(formatKpi(null, 'customers')).toBe('—');
    expect(formatKpi(-20, 'points')).toBe('−20.0');
    expect(formatChange(-0.021, 'share')).toBe('−2.1 pts');
    expect(formatChange(120, 'currency', 'USD')).toBe('+$120');
    expect(formatRelative(0.034)).toBe('+3.4%');
  });
});
