/**
 * Difference-in-differences, Welch and the bootstrap on examples small enough to compute by hand,
 * plus invariants (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { bootstrapMeanDifferences, percentileBounds, replicateCount } from '../../src/tracking/bootstrap.js';
import { differenceInDifferences } from '../../src/tracking/did.js';
import { customerSlopes, periodMeans } from '../../src/tracking/parallel-trends.js';
import { meanEstimate, welchTest } from '../../src/tracking/welch.js';

const f = (...xs: number[]) => Float64Array.from(xs);
const opts = (seed = 1) => ({ replicates: 1000, confidence: 0.95, rng: new Rng(seed) });

describe('difference-in-differences by hand', () => {
  // Treated: pre 1, 2, 3 (mean 2), post 4, 6, 5 (mean 5): change +3.
  // Control: pre 2, 2 (mean 2), post 3, 1 (mean 2): change 0. Effect = 3 − 0 = 3.
  const t = { pre: f(1, 2, 3), post: f(4, 6, 5) };
  const c = { pre: f(2, 2), post: f(3, 1) };

  it('is (treated post − pre) − (control post − pre)', () => {
    const e = differenceInDifferences(t, c, opts());
    expect(e.treated).toEqual({ pre: 2, post: 5, change: 3, customers: 3, weight: 3 });
    expect(e.control).toEqual({ pre: 2, post: 2, change: 0, customers: 2, weight: 2 });
    expect(e.effect).toBe(3);
  });

  it("uses Welch's test on the per-customer changes", () => {
    // d_T = 3, 4, 2: mean 3, s² = 1, V = 1/3.  d_C = 1, −1: mean 0, s² = 2, V = 1.
    // se = √(4/3); t = 3/se = 2.598…; df = (4/3)² / ((1/3)²/2 + 1²/1) = 32/19 → ⌊df⌋ = 1,
    // and with 1 degree of freedom (Cauchy) p = 1 − (2/π)·atan|t|.
    const e = differenceInDifferences(t, c, opts());
    expect(e.se).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(e.df).toBeCloseTo(32 / 19, 12);
    const tt = 3 / Math.sqrt(4 / 3);
    expect(e.p_value!).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(tt), 12);
  });

  it('scales the pre values for windows of different lengths', () => {
    const e = differenceInDifferences(t, c, { ...opts(), preScale: 0.5 });
    // Treated: 5 − 0.5·2 = 4; control: 2 − 0.5·2 = 1; effect 3 (equal pre means cancel).
    expect(e.treated.change).toBe(4);
    expect(e.control.change).toBe(1);
    expect(e.effect).toBe(3);
  });

  it('weights a matched control by how often each customer was used', () => {
    // Control changes 1 and −1 with weights 3 and 1: mean (3 − 1)/4 = 0.5;
    // V = n/(n−1)·Σw²(x − m)²/(Σw)² = 2·(9·0.25 + 1·2.25)/16 = 0.5625; n_eff = 16/10.
    const m = meanEstimate(f(1, -1), f(3, 1));
    expect(m.mean).toBe(0.5);
    expect(m.variance).toBeCloseTo(0.5625, 14);
    expect(m.nEffective).toBeCloseTo(1.6, 14);
    const e = differenceInDifferences(t, { ...c, weights: f(3, 1) }, opts());
    expect(e.control.change).toBe(0.5);
    expect(e.control.weight).toBe(4);
    expect(e.effect).toBe(2.5);
  });

  it('has no p-value when nothing varies', () => {
    const w = welchTest(meanEstimate(f(1, 1, 1)), meanEstimate(f(1, 1)));
    expect(w.p).toBeNull();
  });

  it('checks the pre-trend with per-customer slopes', () => {
    // y = 2 + 3k for k = 0…3 has slope 3; a constant has slope 0.
    const s = customerSlopes([f(2, 5), f(5, 5), f(8, 5), f(11, 5)]);
    expect(Array.from(s)).toEqual([3, 0]);
    expect(periodMeans([f(1, 3), f(2, 6)], f(1, 3))).toEqual([2.5, 5]);
    const e = differenceInDifferences(
      { pre: f(0, 0), post: f(0, 0), periods: [f(0, 0), f(1, 1), f(2, 2)] },
      { pre: f(0, 0), post: f(0, 0), periods: [f(0, 0), f(0, 0), f(0, 0)] },
      opts(),
    );
    expect(e.trend!.slope).toBe(1);
    expect(e.trend!.difference).toEqual([0, 1, 2]);
  });
});

describe('bootstrap', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = { columns: [f(1, 5, 2, 8, 3)] };
    const b = { columns: [f(0, 1, 0, 2)] };
    const r1 = bootstrapMeanDifferences(a, b, 500, new Rng(7))[0]!;
    const r2 = bootstrapMeanDifferences(a, b, 500, new Rng(7))[0]!;
    const r3 = bootstrapMeanDifferences(a, b, 500, new Rng(8))[0]!;
    expect(Array.from(r1)).toEqual(Array.from(r2));
    expect(Array.from(r1)).not.toEqual(Array.from(r3));
  });

  it('gives a zero-width interval for constant groups', () => {
    const r = bootstrapMeanDifferences(
      { columns: [f(4, 4, 4)] },
      { columns: [f(1, 1)] },
      200,
      new Rng(1),
    )[0]!;
    expect(percentileBounds(r, 0.95)).toEqual({ low: 3, high: 3 });
  });

  it('spreads like the analytic standard error for large groups', () => {
    const rng = new Rng(3);
    const x = new Float64Array(3000).map(() => rng.gamma(0.5, 0.02)); // skewed, like revenue
    const y = new Float64Array(2000).map(() => rng.gamma(0.5, 0.02));
    const r = bootstrapMeanDifferences({ columns: [x] }, { columns: [y] }, 2000, new Rng(4))[0]!;
    let m = 0;
    for (const v of r) m += v / r.length;
    let ss = 0;
    for (const v of r) ss += (v - m) ** 2;
    const sd = Math.sqrt(ss / (r.length - 1));
    const se = welchTest(meanEstimate(x), meanEstimate(y)).se;
    expect(Math.abs(sd / se - 1), `bootstrap sd ${sd}, analytic se ${se}`).toBeLessThan(0.06);
  });

  it('resamples several statistics with the same draws', () => {
    // Column 2 is twice column 1, so every replicate of it is twice the first one's.
    const a = f(1, 2, 3, 4);
    const b = f(0, 5);
    const [r1, r2] = bootstrapMeanDifferences(
      { columns: [a, a.map((v) => 2 * v)] },
      { columns: [b, b.map((v) => 2 * v)], weights: f(1, 2) },
      300,
      new Rng(5),
    );
    r1!.forEach((v, i) => expect(r2![i]).toBeCloseTo(2 * v, 12));
  });

  it('keeps at least 1000 replicates for very large groups', () => {
    expect(replicateCount(1000)).toBe(2000);
    expect(replicateCount(2_000_000)).toBe(1000);
  });
});

describe('invariants', () => {
  const arr = fc.float64Array({
    minLength: 2,
    maxLength: 30,
    noNaN: true,
    noDefaultInfinity: true,
    min: -1e4,
    max: 1e4,
  });

  it('the effect is the difference of the two groups’ changes, and a common shift leaves it alone', () => {
    fc.assert(
      fc.property(arr, arr, fc.double({ min: -100, max: 100, noNaN: true }), (tp, cp, shift) => {
        const t = { pre: tp, post: tp.map((v) => v * 1.5 + 1) };
        const c = { pre: cp, post: cp.map((v) => v - 2) };
        const e = differenceInDifferences(t, c, { replicates: 50, confidence: 0.95, rng: new Rng(1) });
        expect(e.effect).toBeCloseTo(e.treated.change - e.control.change, 6);
        // Adding the same amount to every value of a group in both windows changes no difference.
        const shifted = differenceInDifferences(
          { pre: tp.map((v) => v + shift), post: t.post.map((v) => v + shift) },
          c,
          { replicates: 50, confidence: 0.95, rng: new Rng(1) },
        );
        expect(shifted.effect).toBeCloseTo(e.effect, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('p-values lie in [0, 1] and intervals are ordered', () => {
    fc.assert(
      fc.property(arr, arr, arr, arr, (a, b, c, d) => {
        const n = Math.min(a.length, b.length);
        const m = Math.min(c.length, d.length);
        const e = differenceInDifferences(
          { pre: a.subarray(0, n), post: b.subarray(0, n) },
          { pre: c.subarray(0, m), post: d.subarray(0, m) },
          { replicates: 50, confidence: 0.95, rng: new Rng(2) },
        );
        if (e.p_value !== null) {
          expect(e.p_value).toBeGreaterThanOrEqual(0);
          expect(e.p_value).toBeLessThanOrEqual(1);
        }
        expect(e.ci_low!).toBeLessThanOrEqual(e.ci_high!);
      }),
      { numRuns: 100 },
    );
  });
});
