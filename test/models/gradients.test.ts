/**
 * The analytic gradients of the three log-likelihoods against central differences, at points
 * away from the optimum (both Pareto/NBD branches α ≥ β and α < β), on small simulated data.
 */

import { describe, expect, it } from 'vitest';
import { bgnbdLogLikelihood } from '../../src/models/bgnbd.js';
import { gammaGammaLogLikelihood } from '../../src/models/gamma-gamma.js';
import { paretoNbdLogLikelihood } from '../../src/models/pareto-nbd.js';
import { collapseSpendSummary, collapseSummary } from '../../src/models/summary.js';
import { simulateBgNbd, simulateGammaGamma, simulateParetoNbd } from './simulate.js';

type Ll = (phi: ArrayLike<number>, grad?: Float64Array) => number;

function checkGradient(ll: Ll, natural: number[], label: string): void {
  const phi = natural.map(Math.log);
  const grad = new Float64Array(phi.length);
  ll(phi, grad);
  phi.forEach((_, k) => {
    const h = 1e-5;
    const up = [...phi];
    const down = [...phi];
    up[k] = up[k]! + h;
    down[k] = down[k]! - h;
    const numeric = (ll(up) - ll(down)) / (2 * h);
    const err = Math.abs(grad[k]! - numeric) / Math.max(1, Math.abs(numeric));
    expect(err, `${label} ∂/∂φ${k}: analytic ${grad[k]}, numeric ${numeric}`).toBeLessThan(1e-6);
  });
}

describe('analytic gradients', () => {
  it('BG/NBD', () => {
    const d = simulateBgNbd({ r: 0.3, alpha: 5, a: 0.9, b: 2 }, 300, 11);
    const s = collapseSummary(d.x, d.tx, d.T);
    const ll: Ll = (phi, g) => bgnbdLogLikelihood(s, phi, g);
    for (const p of [
      [0.3, 5, 0.9, 2],
      [1.5, 2, 0.2, 7],
      [0.05, 40, 3, 0.6],
    ]) {
      checkGradient(ll, p, `BG/NBD at ${p.join(', ')}`);
    }
  });

  it('Pareto/NBD, both the α ≥ β and the α < β branch', () => {
    const d = simulateParetoNbd({ r: 0.6, alpha: 8, s: 0.7, beta: 12 }, 300, 12);
    const s = collapseSummary(d.x, d.tx, d.T);
    const ll: Ll = (phi, g) => paretoNbdLogLikelihood(s, phi, g);
    for (const p of [
      [0.6, 8, 0.7, 12],
      [0.6, 30, 0.7, 5],
      [2, 3, 1.3, 3],
      [0.2, 12, 2.5, 60],
    ]) {
      checkGradient(ll, p, `Pareto/NBD at ${p.join(', ')}`);
    }
  });

  it('Gamma-Gamma', () => {
    const d = simulateGammaGamma({ p: 6, q: 4, gamma: 15 }, 300, 13);
    const s = collapseSpendSummary(d.x, d.mbar);
    const ll: Ll = (phi, g) => gammaGammaLogLikelihood(s, phi, g);
    for (const p of [
      [6, 4, 15],
      [1, 1.5, 40],
    ]) {
      checkGradient(ll, p, `Gamma-Gamma at ${p.join(', ')}`);
    }
  });

  it('the Pareto/NBD likelihood is continuous across α = β', () => {
    const d = simulateParetoNbd({ r: 0.6, alpha: 8, s: 0.7, beta: 12 }, 200, 14);
    const s = collapseSummary(d.x, d.tx, d.T);
    const at = (alpha: number): number => paretoNbdLogLikelihood(s, [0.6, alpha, 0.7, 10].map(Math.log));
    expect(Math.abs(at(10 * (1 + 1e-9)) - at(10 * (1 - 1e-9)))).toBeLessThan(1e-6);
  });
});
