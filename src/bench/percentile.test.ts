import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestRankPercentile } from './percentile.js';

describe('nearest-rank percentile', () => {
  it('gives the worked examples of the nearest-rank definition', () => {
    // Five values: ranks ⌈0.05·5⌉ = 1, ⌈0.3·5⌉ = 2, ⌈0.4·5⌉ = 2, ⌈0.5·5⌉ = 3, ⌈1·5⌉ = 5.
    const five = [15, 20, 35, 40, 50];
    expect([5, 30, 40, 50, 100].map((p) => nearestRankPercentile(five, p))).toEqual([15, 20, 20, 35, 50]);
    // Ten values: ranks ⌈2.5⌉ = 3, 5, ⌈7.5⌉ = 8, 10.
    const ten = [3, 6, 7, 8, 8, 10, 13, 15, 16, 20];
    expect([25, 50, 75, 100].map((p) => nearestRankPercentile(ten, p))).toEqual([7, 8, 15, 20]);
    // Not linear interpolation, which would give 11.5 for the 60th percentile of ten (between 10 and 13).
    expect(nearestRankPercentile(ten, 60)).toBe(10);
    expect(nearestRankPercentile(ten, 61)).toBe(13);
  });

  it('takes the exact rank where p · n / 100 is whole, despite floating point', () => {
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRankPercentile(hundred, 95)).toBe(95);
    expect(nearestRankPercentile(hundred, 99)).toBe(99);
    expect(nearestRankPercentile(hundred, 50)).toBe(50);
    const thousand = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(nearestRankPercentile(thousand, 99.9)).toBe(999);
    expect(nearestRankPercentile(thousand, 0.1)).toBe(1);
    // Twenty values: p95 is rank 19, p99 rank ⌈19.8⌉ = 20.
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    expect(nearestRankPercentile(twenty, 95)).toBe(190);
    expect(nearestRankPercentile(twenty, 99)).toBe(200);
  });

  it('gives the smallest value for p = 0 and the largest for p = 100', () => {
    expect(nearestRankPercentile([4, 9], 0)).toBe(4);
    expect(nearestRankPercentile([4, 9], 100)).toBe(9);
    expect(nearestRankPercentile([7], 50)).toBe(7);
  });

  it('refuses no values and a p outside 0–100', () => {
    expect(() => nearestRankPercentile([], 50)).toThrow(RangeError);
    expect(() => nearestRankPercentile([1], 101)).toThrow(RangeError);
    expect(() => nearestRankPercentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('is the smallest measured value with at least p % of the values at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const sorted = Float64Array.from(values).sort();
          const v = nearestRankPercentile(sorted, p);
          expect(values).toContain(v);
          const atOrBelow = values.filter((x) => x <= v).length;
          const below = values.filter((x) => x < v).length;
          // At least p % at or below (within the tolerance the rank allows), and fewer than p %
          // strictly below, unless v is the minimum.
          expect(atOrBelow).toBeGreaterThanOrEqual((p * values.length) / 100 - 1e-6);
          if (below > 0) expect(below).toBeLessThan((p * values.length) / 100);
        },
      ),
    );
  });
});
