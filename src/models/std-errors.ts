/**
 * Curvature at the optimum: a Hessian by central differences of the analytic gradient, its
 * inverse, and standard errors (Wald, from the inverse observed information), transformed from
 * log-parameters to natural parameters by the delta method: θ = e^φ ⇒ se(θ) ≈ θ · se(φ).
 */

import type { Objective } from './objective.js';

/**
 * The Hessian of `f` at `x` (row-major n×n), column i = (∇f(x + hᵢeᵢ) − ∇f(x − hᵢeᵢ)) / 2hᵢ with
 * hᵢ = step·max(1, |xᵢ|), then symmetrised. The error is O(h²) in the third derivatives; with the
 * default step 1e-5 and an exact gradient, about 1e-9 relative. Non-finite entries are returned
 * as NaN (callers must check).
 */
export function hessianFromGradient(f: Objective, x: ArrayLike<number>, step = 1e-5): Float64Array {
  const n = x.length;
  const hess = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    const h = step * Math.max(1, Math.abs(x[i]!));
    xp[i] = x[i]! + h;
    const gp = Float64Array.from(f(xp).gradient);
    xp[i] = x[i]! - h;
    const gm = f(xp).gradient;
    xp[i] = x[i]!;
    for (let j = 0; j < n; j++) hess[i * n + j] = (gp[j]! - gm[j]!) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (hess[i * n + j]! + hess[j * n + i]!);
      hess[i * n + j] = m;
      hess[j * n + i] = m;
    }
  }
  return hess;
}

/**
 * Inverse of a symmetric positive-definite n×n matrix by Cholesky factorisation (A = LLᵀ,
 * A⁻¹ = L⁻ᵀL⁻¹). Returns null when the matrix is not positive definite (or not finite): at a
 * saddle or on a ridge, standard errors do not exist.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  // L⁻¹ by forward substitution, column by column.
  const li = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= l[i * n + k]! * li[k * n + c]!;
      li[i * n + c] = s / l[i * n + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = s;
    }
  }
  return inv;
}

/**
 * Standard errors of natural parameters θ = exp(φ) from the Hessian of the **total** negative
 * log-likelihood in φ = log θ at the optimum: se(φᵢ) = √[(H⁻¹)ᵢᵢ], se(θᵢ) = θᵢ·se(φᵢ) (delta
 * method). Returns null when the Hessian is not positive definite.
 */
export function logScaleStdErrors(hessian: Float64Array, logParams: ArrayLike<number>): Float64Array | null {
  const n = logParams.length;
  const inv = invertSpd(hessian, n);
  if (inv === null) return null;
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) se[i] = Math.exp(logParams[i]!) * Math.sqrt(inv[i * n + i]!);
  return se.every(Number.isFinite) ? se : null;
}
