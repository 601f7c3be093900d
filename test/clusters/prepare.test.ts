import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matrixFromColumns } from '../../src/clusters/matrix.js';
import { applyTransform, prepareFeatures, quantileInPlace } from '../../src/clusters/prepare.js';
import { UserError } from '../../src/core/errors.js';

const NaN_ = Number.NaN;

/** Type-7 quantile by sorting, the textbook definition. */
function quantileBySort(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

describe('prepareFeatures', () => {
  it('imputes missing values with the median and counts them per feature', () => {
    const raw = matrixFromColumns([
      [1, NaN_, 3, 10, NaN_],
      [5, 6, 7, 8, 9],
    ]);
    const { matrix, params } = prepareFeatures(raw, [
      { name: 'a', standardize: false },
      { name: 'b', standardize: false },
    ]);
    expect(params.features.map((f) => f.missing)).toEqual([2, 0]);
    expect(params.features[0]!.median).toBe(3); // median of 1, 3, 10
    expect(Array.from(matrix.values.filter((_, i) => i % 2 === 0))).toEqual([1, 3, 3, 10, 3]);
  });

  it('log1p then winsorize at quantiles of the log values, then standardise', () => {
    const revenue = Array.from({ length: 101 }, (_, i) => i * i); // 0 … 10,000, skewed
    const raw = matrixFromColumns([revenue]);
    const { matrix, params } = prepareFeatures(raw, [
      { name: 'revenue', log1p: true, winsorize: [0.05, 0.95] },
    ]);
    const f = params.features[0]!;
    const logs = revenue.map((v) => Math.log1p(v));
    expect(f.winsorize!.low).toBeCloseTo(quantileBySort(logs, 0.05), 12);
    expect(f.winsorize!.high).toBeCloseTo(quantileBySort(logs, 0.95), 12);
    const clipped = logs.map((v) => Math.min(Math.max(v, f.winsorize!.low), f.winsorize!.high));
    const mean = clipped.reduce((a, b) => a + b, 0) / clipped.length;
    const sd = Math.sqrt(clipped.reduce((a, b) => a + (b - mean) ** 2, 0) / clipped.length);
    expect(f.mean).toBeCloseTo(mean, 12);
    expect(f.sd).toBeCloseTo(sd, 12);
    // Output has mean 0 and sd 1, and the extremes are clipped.
    const out = Array.from(matrix.values);
    expect(out.reduce((a, b) => a + b, 0) / out.length).toBeCloseTo(0, 12);
    expect(out[0]).toBeCloseTo((f.winsorize!.low - mean) / sd, 12);
    expect(out[100]).toBeCloseTo((f.winsorize!.high - mean) / sd, 12);
  });

  it('applyTransform reproduces the prepared matrix row by row', () => {
    const raw = matrixFromColumns([
      [0, 12, NaN_, 400, 3.5, 7, 0, 90],
      [-3, 2, 2, NaN_, 8, 1e3, 4, 5],
      [1, 1, 1, 1, 1, 1, 1, 1],
    ]);
    const { matrix, params } = prepareFeatures(raw, [
      { name: 'spend', log1p: true, winsorize: [0.1, 0.9] },
      { name: 'score', winsorize: [0, 0.75] },
      { name: 'constant' },
    ]);
    const json = JSON.parse(JSON.stringify(params)) as typeof params; // plain JSON round trip
    for (let i = 0; i < raw.n; i++) {
      const row = Array.from(raw.values.subarray(i * 3, i * 3 + 3));
      expect(Array.from(applyTransform(json, row))).toEqual(
        Array.from(matrix.values.subarray(i * 3, i * 3 + 3)),
      );
    }
    expect(params.features[2]!.sd).toBe(1); // constant feature: 0, not NaN
    expect(Array.from(applyTransform(json, [null, undefined, 1]))[2]).toBe(0);
  });

  it('reports every problem at once', () => {
    const raw = matrixFromColumns([
      [1, -2, 3],
      [NaN_, NaN_, NaN_],
      [1, Infinity, 2],
    ]);
    try {
      prepareFeatures(raw, [{ name: 'a', log1p: true }, { name: 'b' }, { name: 'c', winsorize: [0.9, 0.1] }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      const codes = (e as UserError).problems.map((p) => p.code);
      expect(codes).toEqual([
        'cluster-log1p-domain',
        'cluster-feature-all-missing',
        'cluster-feature-infinite',
        'cluster-winsorize-quantiles',
      ]);
      expect((e as UserError).problems[0]!.at).toEqual({ row: 1 });
    }
  });

  it('quantileInPlace agrees with sorting (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const got = quantileInPlace(Float64Array.from(values), p);
          const want = quantileBySort(values, p);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
