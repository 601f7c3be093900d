/**
 * The DiD numerics against values computed outside segtrack (fixtures/did-reference.json, made by
 * fixtures/make_did_reference.py with numpy and scipy): the effect as the interaction coefficient
 * of an OLS regression on the long panel, Welch's t-test on the per-customer changes, the
 * per-customer slopes, and type-7 quantiles.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { quantileType7 } from '../../src/tracking/bootstrap.js';
import { differenceInDifferences } from '../../src/tracking/did.js';
import { customerSlopes } from '../../src/tracking/parallel-trends.js';
import { meanEstimate, welchTest } from '../../src/tracking/welch.js';

interface Reference {
  treated: { pre: number[]; post: number[]; periods: number[][] };
  control: { pre: number[]; post: number[]; periods: number[][] };
  ols_interaction: number;
  welch: { t: number; df: number; p: number; p_floor_df: number };
  slopes: { treated: number[]; control: number[]; difference_series_slope: number };
  quantiles: { values: number[]; probs: number[]; type7: number[] };
}

const ref = JSON.parse(
  readFileSync(new URL('./fixtures/did-reference.json', import.meta.url), 'utf8'),
) as Reference;

const f64 = (xs: number[]) => Float64Array.from(xs);
const group = (g: Reference['treated']) => ({
  pre: f64(g.pre),
  post: f64(g.post),
  periods: g.periods.map(f64),
});

/** |actual − expected| ≤ rel · max(1, |expected|), with the inputs in the message. */
function expectRel(actual: number, expected: number, rel: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, reference ${expected}`).toBeLessThanOrEqual(
    rel * Math.max(1, Math.abs(expected)),
  );
}

describe('difference-in-differences against numpy/scipy', () => {
  const est = differenceInDifferences(group(ref.treated), group(ref.control), {
    replicates: 2000,
    confidence: 0.95,
    rng: new Rng(1),
  });

  it('equals the interaction coefficient of the OLS regression y ~ treated * post', () => {
    expectRel(est.effect, ref.ols_interaction, 1e-12, 'effect');
  });

  it("gives Welch's t, Welch–Satterthwaite df and the p-value (with ⌊df⌋) of scipy", () => {
    const dT = f64(ref.treated.post.map((x, i) => x - ref.treated.pre[i]!));
    const dC = f64(ref.control.post.map((x, i) => x - ref.control.pre[i]!));
    const w = welchTest(meanEstimate(dT), meanEstimate(dC));
    expectRel(w.t, ref.welch.t, 1e-10, 't');
    expectRel(w.df, ref.welch.df, 1e-10, 'df');
    expectRel(w.p!, ref.welch.p_floor_df, 1e-8, 'p (floor df)');
    // ⌊df⌋ makes the p-value a little larger (conservative) than scipy's fractional-df one.
    expect(w.p!).toBeGreaterThanOrEqual(ref.welch.p);
    expectRel(est.p_value!, ref.welch.p_floor_df, 1e-8, 'p in the DiD estimate');
    // The bootstrap interval contains the estimate and excludes 0 here (p ≈ 0.0015).
    expect(est.ci_low!).toBeLessThan(est.effect);
    expect(est.ci_high!).toBeGreaterThan(est.effect);
    expect(est.ci_low!).toBeGreaterThan(0);
  });

  it('computes per-customer slopes like numpy.polyfit, and the pre-trend slope of the mean difference', () => {
    const sT = customerSlopes(ref.treated.periods.map(f64));
    const sC = customerSlopes(ref.control.periods.map(f64));
    ref.slopes.treated.forEach((s, i) => expectRel(sT[i]!, s, 1e-10, `treated slope ${i}`));
    ref.slopes.control.forEach((s, i) => expectRel(sC[i]!, s, 1e-10, `control slope ${i}`));
    expectRel(est.trend!.slope, ref.slopes.difference_series_slope, 1e-10, 'difference series slope');
  });

  it('takes type-7 quantiles like numpy (method linear)', () => {
    const sorted = f64(ref.quantiles.values).sort();
    ref.quantiles.probs.forEach((p, i) =>
      expectRel(quantileType7(sorted, p), ref.quantiles.type7[i]!, 1e-12, `quantile ${p}`),
    );
  });
});
