/**
 * Simulators of the buy-till-you-die models with known parameters, for parameter-recovery tests.
 * Each customer's first purchase is at 0 and calibration ends at T, drawn uniformly from
 * [minT, maxT] (a cohort acquired over time), so x, t_x and T vary as in real data.
 */

import { Rng } from '../../src/core/rng.js';
import type { BgNbdParams } from '../../src/models/bgnbd.js';
import type { GammaGammaParams } from '../../src/models/gamma-gamma.js';
import type { ParetoNbdParams } from '../../src/models/pareto-nbd.js';

/** Per-customer (x, t_x, T) columns. */
export interface SimulatedRfm {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
}

function columns(n: number): SimulatedRfm {
  return { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n) };
}

/**
 * BG/NBD (FHL 2005 §2): λ ~ Gamma(r, α), p ~ Beta(a, b); purchases at Poisson(λ) times, and after
 * each repeat purchase the customer drops out with probability p.
 */
export function simulateBgNbd(p: BgNbdParams, n: number, seed: number, minT = 20, maxT = 80): SimulatedRfm {
  const rng = new Rng(seed);
  const out = columns(n);
  for (let i = 0; i < n; i++) {
    const T = minT + (maxT - minT) * rng.uniform();
    const lambda = rng.gamma(p.r, p.alpha);
    const drop = rng.beta(p.a, p.b);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > T) break;
      x++;
      last = t;
      if (rng.bernoulli(drop)) break;
    }
    out.x[i] = x;
    out.tx[i] = last;
    out.T[i] = T;
  }
  return out;
}

/**
 * Pareto/NBD (SMC 1987): λ ~ Gamma(r, α), μ ~ Gamma(s, β); an exponential(μ) lifetime, and
 * Poisson(λ) purchases while alive.
 */
export function simulateParetoNbd(
  p: ParetoNbdParams,
  n: number,
  seed: number,
  minT = 20,
  maxT = 80,
): SimulatedRfm {
  const rng = new Rng(seed);
  const out = columns(n);
  for (let i = 0; i < n; i++) {
    const T = minT + (maxT - minT) * rng.uniform();
    const lambda = rng.gamma(p.r, p.alpha);
    const death = Math.min(T, rng.exponential(rng.gamma(p.s, p.beta)));
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > death) break;
      x++;
      last = t;
    }
    out.x[i] = x;
    out.tx[i] = last;
    out.T[i] = T;
  }
  return out;
}

/**
 * Gamma-Gamma (FH 2013): ν ~ Gamma(q, γ), each of x transactions ~ Gamma(p, ν); x is 1 + Poisson(3).
 * The mean of x Gamma(p, ν) values is Gamma(px, xν).
 */
export function simulateGammaGamma(
  p: GammaGammaParams,
  n: number,
  seed: number,
): { x: Float64Array; mbar: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const mbar = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nu = rng.gamma(p.q, p.gamma);
    const xi = 1 + rng.poisson(3);
    x[i] = xi;
    mbar[i] = rng.gamma(p.p * xi, nu * xi);
  }
  return { x, mbar };
}
