/**
 * Parameter recovery: simulate 50,000 customers from known BG/NBD and Gamma-Gamma parameters with
 * the seeded RNG and check that each estimate is within 10 % of the truth, for several seeds.
 * (At this size the standard errors are 1–5 %, so 10 % is two or more standard errors.)
 */

import { describe, expect, it } from 'vitest';
import { fitBgNbd } from '../../src/models/bgnbd.js';
import { fitGammaGamma } from '../../src/models/gamma-gamma.js';
import { collapseSpendSummary, collapseSummary } from '../../src/models/summary.js';
import { expectRel } from './expect-close.js';
import { simulateBgNbd, simulateGammaGamma } from './simulate.js';

const N = 50_000;

describe('BG/NBD parameter recovery', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  it.each([1, 2, 3])('seed %i: every parameter within 10 %', (seed) => {
    const d = simulateBgNbd(truth, N, seed);
    const fit = fitBgNbd(collapseSummary(d.x, d.tx, d.T));
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(N);
    for (const [k, v] of Object.entries(truth)) expectRel(fit.params[k]!, v, 0.1, `seed ${seed}, ${k}`);
    // The truth should lie within a few standard errors, or the standard errors are wrong.
    for (const [k, v] of Object.entries(truth)) {
      expect(Math.abs(fit.params[k]! - v) / fit.stdErrors[k]!, `${k} in standard errors`).toBeLessThan(4);
    }
  });
});

describe('Gamma-Gamma parameter recovery', () => {
  const truth = { p: 6, q: 4, gamma: 15 };
  it.each([1, 2])('seed %i: every parameter within 10 %', (seed) => {
    const d = simulateGammaGamma(truth, N, seed);
    const fit = fitGammaGamma(collapseSpendSummary(d.x, d.mbar));
    expect(fit.converged).toBe(true);
    for (const [k, v] of Object.entries(truth)) expectRel(fit.params[k]!, v, 0.1, `seed ${seed}, ${k}`);
  });
});
