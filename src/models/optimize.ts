/**
 * Quasi-Newton minimisation: BFGS with the inverse-Hessian update (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed., Algorithm 6.1, update eq. 6.17, initial scaling eq. 6.20) and a strong
 * Wolfe line search ({@link wolfeLineSearch}), plus a multi-start wrapper. Dense BFGS is the right
 * tool here: the models have 3 or 4 parameters, so the n² matrix costs nothing.
 */

import { wolfeLineSearch } from './line-search.js';
import type { Objective } from './objective.js';

/** Stopping rules for {@link minimizeBfgs}. */
export interface MinimizeOptions {
  /** Maximum number of BFGS iterations (default 500). */
  maxIterations?: number;
  /** Converged when the largest absolute gradient component is at most this (default 1e-8). */
  gradientTolerance?: number;
  /**
   * A starting inverse Hessian (n × n, row-major), e.g. from a fit of a similar objective: with a
   * good one, BFGS takes Newton-like steps from the first iteration.
   */
  initialInverseHessian?: Float64Array;
}

/** The outcome of a minimisation. */
export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  /** Largest absolute component of the gradient at `x`. */
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
  /** BFGS's inverse-Hessian approximation at the end (n × n, row-major). */
  inverseHessian: Float64Array;
}

/** The best of several minimisations, with how many starts were run. */
export interface MultiStartResult extends MinimizeResult {
  startsTried: number;
  /** Index into the starts of the winning run. */
  bestStart: number;
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (const e of v) m = Math.max(m, Math.abs(e));
  return m;
}

function identity(n: number): Float64Array {
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  return h;
}

/**
 * Minimises `f` from `x0` by BFGS.
 *
 * @example
 * const r = minimizeBfgs((x) => ({ value: x[0]! ** 2, gradient: Float64Array.of(2 * x[0]!) }), [3]);
 * r.x[0]; // ≈ 0
 */
export function minimizeBfgs(
  f: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-8;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient } = f(x);
  let evaluations = 1;
  let h = options.initialInverseHessian ? Float64Array.from(options.initialInverseHessian) : identity(n);
  let scaled = options.initialInverseHessian !== undefined; // H₀ rescaled by eq. 6.20 after the first step
  const result = (iterations: number, converged: boolean, message: string): MinimizeResult => ({
    x,
    value,
    gradient,
    gradientNorm: infNorm(gradient),
    iterations,
    evaluations,
    converged,
    message,
    inverseHessian: h,
  });
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) {
    return result(0, false, 'objective is not finite at the starting point');
  }
  const dir = new Float64Array(n);
  const hy = new Float64Array(n);
  for (let iter = 0; iter < maxIterations; iter++) {
    if (infNorm(gradient) <= gtol) return result(iter, true, 'gradient below tolerance');
    // p = −H g (N&W eq. 6.18).
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= h[i * n + j]! * gradient[j]!;
      dir[i] = s;
    }
    let step0 = 1;
    if (!scaled) {
      let g2 = 0;
      for (const g of gradient) g2 += g * g;
      step0 = Math.min(1, 1 / Math.sqrt(g2));
    }
    let ls = wolfeLineSearch(f, x, value, gradient, dir, step0);
    // No step decreases f at working precision. Near the optimum this is rounding, not failure.
    const nearlyConverged = infNorm(gradient) <= 1e3 * gtol;
    if (ls === null && nearlyConverged) {
      return result(iter, true, 'converged to working precision (no further decrease)');
    }
    if (ls === null && scaled) {
      // The curvature model went stale: restart from steepest descent once.
      h = identity(n);
      scaled = false;
      let g2 = 0;
      for (let i = 0; i < n; i++) {
        dir[i] = -gradient[i]!;
        g2 += gradient[i]! * gradient[i]!;
      }
      ls = wolfeLineSearch(f, x, value, gradient, dir, Math.min(1, 1 / Math.sqrt(g2)));
    }
    if (ls === null) return result(iter, false, 'line search found no decrease');
    evaluations += ls.evaluations;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = ls.x[i]! - x[i]!;
      y[i] = ls.gradient[i]! - gradient[i]!;
      sy += s[i]! * y[i]!;
      yy += y[i]! * y[i]!;
    }
    x = ls.x;
    value = ls.value;
    gradient = ls.gradient;
    // Skip the update when the curvature condition sᵀy > 0 fails (possible after a step that met
    // only sufficient decrease); the update would destroy positive definiteness.
    if (!(sy > 1e-300) || !(yy > 0)) continue;
    if (!scaled) {
      h = identity(n);
      const gamma = sy / yy; // eq. 6.20
      for (let i = 0; i < n; i++) h[i * n + i] = gamma;
      scaled = true;
    }
    // Eq. 6.17 expanded: H⁺ = H − ρ(s(Hy)ᵀ + (Hy)sᵀ) + (ρ²·yᵀHy + ρ) ssᵀ, ρ = 1/(yᵀs).
    const rho = 1 / sy;
    let yhy = 0;
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < n; j++) t += h[i * n + j]! * y[j]!;
      hy[i] = t;
      yhy += y[i]! * t;
    }
    const c = rho * rho * yhy + rho;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        h[i * n + j] = h[i * n + j]! - rho * (s[i]! * hy[j]! + hy[i]! * s[j]!) + c * s[i]! * s[j]!;
      }
    }
  }
  if (infNorm(gradient) <= gtol) return result(maxIterations, true, 'gradient below tolerance');
  return result(maxIterations, false, `no convergence in ${maxIterations} iterations`);
}

/**
 * Runs {@link minimizeBfgs} from each start and keeps the best: the lowest value among the
 * converged runs, or the lowest value overall when none converged (then `converged` is false).
 * Starts whose objective is not finite are counted as tried and skipped.
 */
export function minimizeMultiStart(
  f: Objective,
  starts: readonly ArrayLike<number>[],
  options: MinimizeOptions = {},
): MultiStartResult {
  if (starts.length === 0) throw new RangeError('minimizeMultiStart needs at least one start');
  let best: MinimizeResult | undefined;
  let bestStart = -1;
  for (let i = 0; i < starts.length; i++) {
    const r = minimizeBfgs(f, starts[i]!, options);
    if (!Number.isFinite(r.value)) continue;
    const better =
      best === undefined ||
      (r.converged && !best.converged) ||
      (r.converged === best.converged && r.value < best.value);
    if (better) {
      best = r;
      bestStart = i;
    }
  }
  if (best === undefined) {
    const r = minimizeBfgs(f, starts[0]!, options);
    return { ...r, startsTried: starts.length, bestStart: 0 };
  }
  return { ...best, startsTried: starts.length, bestStart };
}
