import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  meanInterval,
  npsInterval,
  percentileInterval,
  ratioInterval,
  ratioOfMeansVariance,
  ratioVariance,
  wilson,
} from './intervals.js';

describe('Wilson score interval', () => {
  /**
   * Reference values: R. G. Newcombe (1998), "Two-sided confidence intervals for the single
   * proportion: comparison of seven methods", Statistics in Medicine 17, 857–872, Table I, method 3
   * (score interval without continuity correction), printed to 4 decimals; computed there with
   * z = 1.96, here with z = 1.959964 (the difference is below 1e-6).
   */
  const NEWCOMBE_1998: { x: number; n: number; low: number; high: number }[] = [
    { x: 81, n: 263, low: 0.2553, high: 0.3662 },
    { x: 15, n: 148, low: 0.0624, high: 0.1605 },
    { x: 0, n: 20, low: 0.0, high: 0.1611 },
    { x: 1, n: 29, low: 0.0061, high: 0.1718 },
  ];
  it.each(NEWCOMBE_1998)('reproduces Newcombe (1998) for $x/$n', ({ x, n, low, high }) => {
    const w = wilson(x, n, 0.95);
    expect(w.value).toBeCloseTo(x / n, 12);
    expect(Math.abs(w.low! - low), `low ${w.low} vs ${low}`).toBeLessThanOrEqual(5.1e-5);
    expect(Math.abs(w.high! - high), `high ${w.high} vs ${high}`).toBeLessThanOrEqual(5.1e-5);
  });

  it('stays inside [0, 1] and contains the estimate (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const x = Math.round(f * n);
        const w = wilson(x, n, 0.95);
        return w.low! >= 0 && w.high! <= 1 && w.low! <= x / n + 1e-12 && w.high! >= x / n - 1e-12;
      }),
      { seed: 20240103, numRuns: 500 },
    );
  });

  it('is symmetric under complement (churn = 1 − retention)', () => {
    const a = wilson(30, 70, 0.9);
    const b = wilson(40, 70, 0.9);
    expect(a.low!).toBeCloseTo(1 - b.high!, 14);
    expect(a.high!).toBeCloseTo(1 - b.low!, 14);
  });
});

describe('mean interval', () => {
  it('uses the normal quantile from n = 30 and t below', () => {
    const xs = Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
    const n = xs.length;
    const sum = xs.reduce((a, b) => a + b, 0);
    const mean = sum / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    const iv = meanInterval(
      n,
      sum,
      xs.reduce((a, x) => a + x * x, 0),
      0.95,
    );
    expect(iv.low!).toBeCloseTo(mean - (1.959964 * sd) / Math.sqrt(n), 5);
    expect(iv.high!).toBeCloseTo(mean + (1.959964 * sd) / Math.sqrt(n), 5);

    const small = [2, 4, 4, 5, 10]; // mean 5, s² = 9, s = 3; t(0.975, 4) = 2.776445
    const s = meanInterval(5, 25, 4 + 16 + 16 + 25 + 100, 0.95);
    expect(s.value).toBe(5);
    expect(s.low!).toBeCloseTo(5 - (2.776445 * 3) / Math.sqrt(5), 5);
    expect(small.length).toBe(5);
  });

  it('has no interval for one customer', () => {
    expect(meanInterval(1, 42, 42 * 42, 0.95)).toEqual({ value: 42, low: null, high: null });
  });
});

describe('ratio (delta method)', () => {
  it('equals the residual form Σ(y − R̂x)² / (n(n − 1)x̄²)', () => {
    const y = [10, 25, 7, 40, 13, 0, 22];
    const x = [1, 2, 1, 3, 1, 1, 2];
    const n = y.length;
    const r = y.reduce((a, b) => a + b, 0) / x.reduce((a, b) => a + b, 0);
    const xbar = x.reduce((a, b) => a + b, 0) / n;
    const resid = y.reduce((a, yi, i) => a + (yi - r * x[i]!) ** 2, 0);
    const expected = resid / (n * (n - 1) * xbar * xbar);
    const stats = {
      n,
      sumY: y.reduce((a, b) => a + b, 0),
      sumX: x.reduce((a, b) => a + b, 0),
      sumYY: y.reduce((a, b) => a + b * b, 0),
      sumXX: x.reduce((a, b) => a + b * b, 0),
      sumXY: y.reduce((a, yi, i) => a + yi * x[i]!, 0),
    };
    expect(ratioVariance(stats)).toBeCloseTo(expected, 12);
    const iv = ratioInterval(stats, 0.95);
    expect(iv.value).toBeCloseTo(r, 12);
    // n = 7 < 30: t(0.975, 6) = 2.446912
    expect(iv.high! - r).toBeCloseTo(2.446912 * Math.sqrt(expected), 5);
  });

  it('ratio of means reduces to the single-ratio variance when both are known for everyone', () => {
    const a = [5, 9, 2, 8, 4, 7];
    const b = [2, 3, 1, 4, 2, 2];
    const n = a.length;
    const sum = (v: number[]) => v.reduce((s, t) => s + t, 0);
    const sq = (v: number[]) => v.reduce((s, t) => s + t * t, 0);
    const cross = a.reduce((s, t, i) => s + t * b[i]!, 0);
    const v1 = ratioOfMeansVariance(
      { n, sum: sum(a), sumSq: sq(a) },
      { n, sum: sum(b), sumSq: sq(b) },
      { n, sumA: sum(a), sumB: sum(b), sumAB: cross },
    );
    const v2 = ratioVariance({ n, sumY: sum(a), sumX: sum(b), sumYY: sq(a), sumXX: sq(b), sumXY: cross });
    expect(v1).toBeCloseTo(v2, 12);
  });
});

describe('NPS interval', () => {
  it('uses the multinomial variance of p₊ − p₋, in points', () => {
    // 50 promoters, 30 passives, 20 detractors of 100: NPS 30; Var = (0.5 + 0.2 − 0.09)/100.
    const iv = npsInterval(50, 20, 100, 0.95);
    expect(iv.value).toBeCloseTo(30, 12);
    const half = 100 * 1.959963984540054 * Math.sqrt(0.61 / 100);
    expect(iv.low!).toBeCloseTo(30 - half, 10);
    expect(iv.high!).toBeCloseTo(30 + half, 10);
  });

  it('is clamped to [−100, 100]', () => {
    const iv = npsInterval(9, 0, 10, 0.95);
    expect(iv.high).toBe(100);
    expect(iv.low!).toBeLessThan(90);
  });
});

describe('percentile interval', () => {
  it('takes type-7 quantiles of the finite replicates', () => {
    const reps = Array.from({ length: 101 }, (_, i) => i);
    const iv = percentileInterval([...reps, Number.NaN], 0.9);
    expect(iv.low!).toBeCloseTo(5, 12);
    expect(iv.high!).toBeCloseTo(95, 12);
    // 10 replicates, 80 %: positions 0.9 and 8.1 of the sorted values.
    const ten = percentileInterval([9, 1, 8, 2, 7, 3, 6, 4, 5, 0], 0.8);
    expect(ten.low!).toBeCloseTo(0.9, 12);
    expect(ten.high!).toBeCloseTo(8.1, 12);
    expect(percentileInterval([1], 0.95)).toEqual({ low: null, high: null });
  });
});
