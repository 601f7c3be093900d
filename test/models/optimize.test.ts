import { describe, expect, it } from 'vitest';
import type { Objective } from '../../src/models/objective.js';
import { minimizeBfgs, minimizeMultiStart } from '../../src/models/optimize.js';
import { hessianFromGradient, invertSpd, logScaleStdErrors } from '../../src/models/std-errors.js';
import { expectAbs, expectRel } from './expect-close.js';

/** The n-dimensional Rosenbrock function Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x) => {
  const n = x.length;
  const g = new Float64Array(n);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = g[i]! - 400 * x[i]! * a - 2 * b;
    g[i + 1] = g[i + 1]! + 200 * a;
  }
  return { value: f, gradient: g };
};

describe('minimizeBfgs', () => {
  it('solves the 2-D Rosenbrock problem from (−1.2, 1)', () => {
    const r = minimizeBfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged, r.message).toBe(true);
    expectAbs(r.x[0]!, 1, 1e-6, 'x0');
    expectAbs(r.x[1]!, 1, 1e-6, 'x1');
    expect(r.gradientNorm).toBeLessThanOrEqual(1e-8);
    expect(r.iterations).toBeLessThan(100);
  });

  it('solves the 6-D Rosenbrock problem', () => {
    const r = minimizeBfgs(rosenbrock, [-1.2, 1, -1.2, 1, -1.2, 1], { maxIterations: 2000 });
    expect(r.converged, r.message).toBe(true);
    for (let i = 0; i < 6; i++) expectAbs(r.x[i]!, 1, 1e-5, `x${i}`);
  });

  it('minimises an ill-conditioned quadratic exactly', () => {
    const d = [1, 1e2, 1e4];
    const f: Objective = (x) => ({
      value: d.reduce((s, di, i) => s + 0.5 * di * (x[i]! - i) ** 2, 0),
      gradient: Float64Array.from(d, (di, i) => di * (x[i]! - i)),
    });
    const r = minimizeBfgs(f, [5, 5, 5]);
    expect(r.converged).toBe(true);
    d.forEach((_, i) => expectAbs(r.x[i]!, i, 1e-9, `x${i}`));
  });

  it('steps back from regions where the objective is not finite', () => {
    // f(x) = x − ln x on x > 0 (NaN beyond), minimum at 1; a full Newton-like step from 0.05 overshoots.
    const f: Objective = (x) => ({
      value: x[0]! - Math.log(x[0]!),
      gradient: Float64Array.of(1 - 1 / x[0]!),
    });
    const r = minimizeBfgs(f, [30]);
    expect(r.converged, r.message).toBe(true);
    expectAbs(r.x[0]!, 1, 1e-8, 'x');
  });

  it('reports failure instead of a point when the start is not finite', () => {
    const f: Objective = () => ({ value: Number.NaN, gradient: Float64Array.of(0) });
    const r = minimizeBfgs(f, [1]);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });

  it('reports non-convergence when the iteration budget runs out', () => {
    const r = minimizeBfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/3 iterations/);
  });
});

describe('minimizeMultiStart', () => {
  it('keeps the best of several local minima', () => {
    // Double well (x² − 1)² + 0.3x: the minimum near −1 is lower than the one near +1.
    const f: Objective = (x) => ({
      value: (x[0]! ** 2 - 1) ** 2 + 0.3 * x[0]!,
      gradient: Float64Array.of(4 * x[0]! * (x[0]! ** 2 - 1) + 0.3),
    });
    const r = minimizeMultiStart(f, [[2], [-2], [0.9]]);
    expect(r.startsTried).toBe(3);
    expect(r.bestStart).toBe(1);
    expect(r.x[0]!).toBeLessThan(0);
    expect(r.converged).toBe(true);
  });
});

describe('Hessian and standard errors', () => {
  it('recovers a quadratic form and its inverse', () => {
    const a = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
    const f: Objective = (x) => {
      const g = new Float64Array(3);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) g[i] = g[i]! + a[i * 3 + j]! * x[j]!;
      return { value: 0.5 * x.reduce((s, xi, i) => s + xi * g[i]!, 0), gradient: g };
    };
    const h = hessianFromGradient(f, [0.3, -2, 5]);
    a.forEach((v, k) => expectAbs(h[k]!, v, 1e-8, `H[${k}]`));
    const inv = invertSpd(h, 3)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += inv[i * 3 + k]! * a[k * 3 + j]!;
        expectAbs(s, i === j ? 1 : 0, 1e-8, `(H⁻¹H)[${i},${j}]`);
      }
    }
  });

  it('rejects indefinite matrices', () => {
    expect(invertSpd(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(logScaleStdErrors(Float64Array.of(-1), [0])).toBeNull();
  });

  it('maps log-scale errors to natural parameters by the delta method', () => {
    // Var(log θ) = 1/4 ⇒ se(log θ) = 0.5 and se(θ) = θ·0.5.
    const se = logScaleStdErrors(Float64Array.of(4), [Math.log(3)])!;
    expectRel(se[0]!, 1.5, 1e-12, 'se(θ)');
  });
});
