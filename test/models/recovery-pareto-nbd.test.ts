/**
 * Pareto/NBD parameter recovery on 50,000 simulated customers per seed. The (s, β) ridge makes this
 * the slowest fit, so a single start is used (the default multi-start is exercised on CDNOW).
 * Calibration periods of 30–130 time units give enough drop-outs to pin s and β to about 6 %.
 */

import { describe, expect, it } from 'vitest';
import { fitParetoNbd } from '../../src/models/pareto-nbd.js';
import { collapseSummary } from '../../src/models/summary.js';
import { expectRel } from './expect-close.js';
import { simulateParetoNbd } from './simulate.js';

describe('Pareto/NBD parameter recovery', () => {
  const truth = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };
  it.each([1, 2, 3])('seed %i: every parameter within 10 %', (seed) => {
    const d = simulateParetoNbd(truth, 50_000, seed, 30, 130);
    const fit = fitParetoNbd(collapseSummary(d.x, d.tx, d.T), {
      starts: [{ r: 1, alpha: 20, s: 1, beta: 40 }],
    });
    expect(fit.converged).toBe(true);
    for (const [k, v] of Object.entries(truth)) expectRel(fit.params[k]!, v, 0.1, `seed ${seed}, ${k}`);
  });
});
