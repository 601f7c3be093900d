/** Data a model cannot be fitted on must fail with a stable code and a hint, never with NaN estimates. */

import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { fitBgNbd } from '../../src/models/bgnbd.js';
import { fitGammaGamma } from '../../src/models/gamma-gamma.js';
import { fitParetoNbd } from '../../src/models/pareto-nbd.js';
import { collapseSpendSummary, collapseSummary } from '../../src/models/summary.js';
import { simulateBgNbd, simulateGammaGamma } from './simulate.js';

function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const fits = { bgnbd: fitBgNbd, pareto_nbd: fitParetoNbd };

describe.each(Object.entries(fits))('%s on degenerate data', (_name, fit) => {
  it('no repeat buyers → model_no_repeat_buyers', () => {
    const n = 50;
    const e = userErrorOf(() =>
      fit(collapseSummary(new Array(n).fill(0), new Array(n).fill(0), new Array(n).fill(30))),
    );
    expect(e.code).toBe('model_no_repeat_buyers');
    expect(e.problems[0]!.hint).toMatch(/calibration period/);
  });

  it('one customer → model_too_few_customers', () => {
    const e = userErrorOf(() => fit(collapseSummary([3], [10], [30])));
    expect(e.code).toBe('model_too_few_customers');
    expect(e.message).toMatch(/got 1/);
  });

  it('everyone bought on the calibration end day (T = 0) → model_no_observation_time', () => {
    const n = 40;
    const z = new Array<number>(n).fill(0);
    expect(userErrorOf(() => fit(collapseSummary(z, z, z))).code).toBe('model_no_observation_time');
  });

  it('an empty summary → model_too_few_customers', () => {
    expect(userErrorOf(() => fit(collapseSummary([], [], []))).code).toBe('model_too_few_customers');
  });

  it('a fit stopped early → model_not_converged, or a flagged fit with allowNotConverged', () => {
    const d = simulateBgNbd({ r: 0.3, alpha: 5, a: 0.8, b: 2.5 }, 500, 5);
    const s = collapseSummary(d.x, d.tx, d.T);
    const e = userErrorOf(() => fit(s, { maxIterations: 2 }));
    expect(e.code).toBe('model_not_converged');
    const f = fit(s, { maxIterations: 2, allowNotConverged: true, stdErrors: false });
    expect(f.converged).toBe(false);
    expect(f.warnings.join(' ')).toMatch(/not converged/);
    expect(Object.values(f.params).every(Number.isFinite)).toBe(true);
  });

  it('a bad starting value → model_invalid_start', () => {
    const d = simulateBgNbd({ r: 0.3, alpha: 5, a: 0.8, b: 2.5 }, 100, 6);
    const e = userErrorOf(() => fit(collapseSummary(d.x, d.tx, d.T), { starts: [{ r: -1 }] }));
    expect(e.code).toBe('model_invalid_start');
  });
});

describe('Gamma-Gamma on degenerate data', () => {
  it('zero and negative spends only → model_no_positive_spend, with the count', () => {
    const e = userErrorOf(() => fitGammaGamma(collapseSpendSummary([1, 2, 3, 0], [0, -5, 0, 10])));
    expect(e.code).toBe('model_no_positive_spend');
    expect(e.message).toMatch(/all 3 repeat buyers/);
  });

  it('no repeat buyers → model_no_positive_spend', () => {
    expect(userErrorOf(() => fitGammaGamma(collapseSpendSummary([0, 0], [5, 6]))).code).toBe(
      'model_no_positive_spend',
    );
  });

  it('a few usable buyers → model_too_few_customers', () => {
    expect(userErrorOf(() => fitGammaGamma(collapseSpendSummary([1, 2], [5, 6]))).code).toBe(
      'model_too_few_customers',
    );
  });

  it('excludes non-positive spends, counts them and warns', () => {
    const x: number[] = [];
    const m: number[] = [];
    for (let i = 0; i < 200; i++) {
      x.push(1 + (i % 5));
      m.push(10 + ((i * 7919) % 23));
    }
    x.push(2, 3);
    m.push(0, -4);
    const fit = fitGammaGamma(collapseSpendSummary(x, m));
    expect(fit.excludedNonPositive).toBe(2);
    expect(fit.customers).toBe(200);
    expect(fit.warnings.join(' ')).toMatch(/2 repeat buyers with mean spend <= 0 were excluded/);
  });

  it('warns when spend is correlated with frequency', () => {
    const d = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, 2000, 8);
    const m = d.mbar.map((v, i) => v * d.x[i]!); // spend grows with frequency
    const fit = fitGammaGamma(collapseSpendSummary(d.x, m));
    expect(fit.frequencySpendCorrelation).toBeGreaterThan(0.3);
    expect(fit.warnings.join(' ')).toMatch(/correlated \(Pearson r = 0\.\d+ > 0\.3\)/);
    expect(fitGammaGamma(collapseSpendSummary(d.x, m), { correlationThreshold: 0.99 }).warnings).toEqual([]);
  });

  it('spend without spread across customers → model_not_converged naming the runaway parameters', () => {
    const x: number[] = [];
    const m: number[] = [];
    for (let i = 0; i < 300; i++) {
      const xi = 1 + (i % 8);
      x.push(xi);
      m.push(5 * xi + ((i * 7919) % 11));
    }
    const e = userErrorOf(() => fitGammaGamma(collapseSpendSummary(x, m)));
    expect(e.code).toBe('model_not_converged');
    expect(e.message).toMatch(/edge of the parameter space/);
  });
});
