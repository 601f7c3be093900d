import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { bgnbdExpectedRepeats, hyp2f1 } from './bgnbd-expectation.js';
import { expectedRepeatsByQuadrature } from './calibrate.js';

/**
 * Reference values of E[X(t)], FHL 2005 eq. (9), computed outside the project with SciPy 1.17
 * (`(a+b-1)/(a-1) * (1 - (alpha/(alpha+t))**r * scipy.special.hyp2f1(r, b, a+b-1, t/(alpha+t)))`).
 * The first parameter set is FHL's CDNOW estimate (r 0.243, α 4.414, a 0.793, b 2.426).
 */
const REFERENCE: [params: [number, number, number, number], t: number, expected: number][] = [
  [[0.243, 4.414, 0.793, 2.426], 1, 0.05326789117165627],
  [[0.243, 4.414, 0.793, 2.426], 39, 1.1967231933207985],
  [[0.243, 4.414, 0.793, 2.426], 78, 1.8605190579427455],
  [[0.243, 4.414, 0.793, 2.426], 182, 2.993418414589237],
  [[3, 24, 2, 25], 39, 3.958272188867267],
  [[3, 24, 2, 25], 182, 11.319683449433125],
  [[1.5, 25, 4, 3], 78, 1.4531915946060008],
  [[4, 12, 2, 60], 182, 28.74908680045151],
];

const asParams = ([r, alpha, a, b]: [number, number, number, number]) => ({ r, alpha, a, b });

describe('BG/NBD expectation', () => {
  it('computes 2F1 by series: 2F1(1, 1; 2; z) = -ln(1 - z) / z', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      const expected = z === 0 ? 1 : -Math.log(1 - z) / z;
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(expected, 10);
    }
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });

  it.each(REFERENCE)('matches SciPy for params %j at t = %d', (params, t, expected) => {
    const p = asParams(params);
    expect(Math.abs(bgnbdExpectedRepeats(p, t) / expected - 1), 'closed form').toBeLessThan(1e-9);
    expect(Math.abs(expectedRepeatsByQuadrature(p, [t])[0]! / expected - 1), 'quadrature').toBeLessThan(1e-9);
  });

  it('is continuous through the removable singularity at a = 1', () => {
    const near = bgnbdExpectedRepeats({ r: 2, alpha: 10, a: 1.001, b: 3 }, 52);
    const at = bgnbdExpectedRepeats({ r: 2, alpha: 10, a: 1, b: 3 }, 52);
    expect(Math.abs(at / near - 1)).toBeLessThan(1e-3);
    expect(
      Math.abs(expectedRepeatsByQuadrature({ r: 2, alpha: 10, a: 1, b: 3 }, [52])[0]! / at - 1),
    ).toBeLessThan(1e-6);
  });

  it('agrees with a direct Monte Carlo of the model (dropout only after repeat purchases)', () => {
    const params = { r: 2, alpha: 8, a: 1.5, b: 6 };
    const t = 52;
    const rng = new Rng(99);
    const n = 100_000;
    let repeats = 0;
    for (let i = 0; i < n; i++) {
      const lambda = rng.gamma(params.r, params.alpha);
      const p = rng.beta(params.a, params.b);
      let time = 0;
      for (;;) {
        time += rng.exponential(lambda);
        if (time > t) break;
        repeats++;
        if (rng.uniform() < p) break;
      }
    }
    const expected = bgnbdExpectedRepeats(params, t);
    expect(
      Math.abs(repeats / n / expected - 1),
      `simulated ${repeats / n}, expected ${expected}`,
    ).toBeLessThan(0.02);
  });
});
