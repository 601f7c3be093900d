/**
 * A line search satisfying the strong Wolfe conditions, Nocedal & Wright, "Numerical
 * Optimization" (2nd ed., 2006), Algorithm 3.5 (bracketing) and Algorithm 3.6 (zoom), with
 * safeguarded cubic interpolation (their eq. 3.59) for the trial steps.
 *
 * A non-finite objective value (parameters pushed where the likelihood over- or underflows) is
 * treated as "too far": the step is shrunk, never accepted.
 */

import type { Objective } from './objective.js';

/** Sufficient-decrease (Armijo) constant c₁ and curvature constant c₂ (N&W §3.1; 0 < c₁ < c₂ < 1). */
const C1 = 1e-4;
const C2 = 0.9;
const MAX_BRACKET = 40;
// Near the optimum the objective is flat to rounding and zooming further only spends evaluations
// (a 753k-row likelihood spent 80 of them there); 12 cubic or bisection steps narrow the interval
// by at least 0.8^12 ≈ 7 %, and a step with sufficient decrease is accepted after that.
const MAX_ZOOM = 12;

/** The accepted point of a line search. */
export interface LineSearchResult {
  step: number;
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  evaluations: number;
  /** True when both strong Wolfe conditions hold; false when only sufficient decrease does. */
  wolfe: boolean;
}

interface Point {
  a: number;
  f: number;
  d: number;
  x: Float64Array;
  g: Float64Array;
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * v[i]!;
  return s;
}

/** Minimiser of the cubic through (a0, f0, d0) and (a1, f1, d1) (N&W eq. 3.59); NaN if none. */
function cubicMin(p0: Point, p1: Point): number {
  const d1 = p0.d + p1.d - (3 * (p0.f - p1.f)) / (p0.a - p1.a);
  const disc = d1 * d1 - p0.d * p1.d;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(p1.a - p0.a) * Math.sqrt(disc);
  return p1.a - ((p1.a - p0.a) * (p1.d + d2 - d1)) / (p1.d - p0.d + 2 * d2);
}

/**
 * Searches along the descent direction `dir` from `x` (value `fx`, gradient `gx`) for a step
 * satisfying the strong Wolfe conditions, starting with `step0`. Returns null when no step with
 * sufficient decrease was found (the direction is not a usable descent direction at working
 * precision).
 */
export function wolfeLineSearch(
  f: Objective,
  x: Float64Array,
  fx: number,
  gx: Float64Array,
  dir: Float64Array,
  step0: number,
): LineSearchResult | null {
  const n = x.length;
  const d0 = dot(gx, dir);
  if (!(d0 < 0)) return null;
  let evaluations = 0;
  const evalAt = (a: number): Point => {
    const xa = new Float64Array(n);
    for (let i = 0; i < n; i++) xa[i] = x[i]! + a * dir[i]!;
    const r = f(xa);
    evaluations++;
    const ok = Number.isFinite(r.value) && r.gradient.every(Number.isFinite);
    return {
      a,
      f: ok ? r.value : Number.POSITIVE_INFINITY,
      d: ok ? dot(r.gradient, dir) : Number.NaN,
      x: xa,
      g: r.gradient,
    };
  };
  // Sufficient decrease, or Hager & Zhang's (2005, SIAM J. Optim. 16(1), eq. 4.3) approximate
  // form when f is flat at working precision: f no higher up to rounding and φ′(a) ≤ (1 − 2c₁)|φ′(0)|.
  // Without it the search stalls near the optimum, where decreases fall below f's rounding.
  const fuzz = 1e-14 * Math.abs(fx);
  const armijo = (p: Point): boolean =>
    p.f <= fx + C1 * p.a * d0 || (p.f <= fx + fuzz && p.d <= (2 * C1 - 1) * d0);
  const curvature = (p: Point): boolean => Math.abs(p.d) <= -C2 * d0;
  const done = (p: Point, wolfe: boolean): LineSearchResult => ({
    step: p.a,
    x: p.x,
    value: p.f,
    gradient: p.g,
    evaluations,
    wolfe,
  });

  // Algorithm 3.6: lo satisfies sufficient decrease and has the lowest value so far; the
  // interval between lo and hi contains steps satisfying the strong Wolfe conditions.
  const zoom = (lo: Point, hi: Point): LineSearchResult | null => {
    for (let j = 0; j < MAX_ZOOM; j++) {
      const width = hi.a - lo.a;
      let a = Number.isFinite(hi.f) ? cubicMin(lo, hi) : Number.NaN;
      // Safeguard: stay in the middle 80 % of the interval, else bisect.
      const min = Math.min(lo.a, hi.a) + 0.1 * Math.abs(width);
      const max = Math.max(lo.a, hi.a) - 0.1 * Math.abs(width);
      if (!(a >= min && a <= max)) a = lo.a + 0.5 * width;
      const p = evalAt(a);
      if (!armijo(p) || p.f >= lo.f) {
        hi = p;
      } else {
        if (curvature(p)) return done(p, true);
        if (p.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = p;
      }
      if (Math.abs(hi.a - lo.a) <= 1e-14 * Math.max(1, Math.abs(lo.a))) break;
    }
    return lo.a > 0 ? done(lo, false) : null;
  };

  // Algorithm 3.5: expand the step until the interval brackets an acceptable point.
  let prev: Point = { a: 0, f: fx, d: d0, x, g: gx };
  let a = step0;
  for (let i = 0; i < MAX_BRACKET; i++) {
    const p = evalAt(a);
    if (!Number.isFinite(p.f)) return zoom(prev, p);
    if (!armijo(p) || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return done(p, true);
    if (p.d >= 0) return zoom(p, prev);
    prev = p;
    a *= 2;
  }
  return done(prev, false);
}
