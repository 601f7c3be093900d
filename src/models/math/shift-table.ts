/**
 * ln Γ(c + k) − ln Γ(c) and ψ(c + k) − ψ(c) for k = 0, 1, …, K by the recurrences
 * Γ(z+1) = zΓ(z) and ψ(z+1) = ψ(z) + 1/z (A&S 6.1.15, 6.3.5). The likelihoods need these for
 * every customer's purchase count x, and x takes few distinct values: one table per evaluation
 * replaces a ln Γ and a ψ per customer by two array reads.
 */

import { digamma, lgamma } from './special.js';

/** Tables are built up to this k; larger counts fall back to direct evaluation. */
export const SHIFT_TABLE_MAX = 65_536;

/** Differences of ln Γ and ψ between c + k and c. */
export interface ShiftTable {
  /** ln Γ(c + k) − ln Γ(c), k = 0 … size − 1. */
  lgamma: Float64Array;
  /** ψ(c + k) − ψ(c). */
  digamma: Float64Array;
}

/** Builds the table for k = 0 … min(maxK, {@link SHIFT_TABLE_MAX}). */
export function shiftTable(c: number, maxK: number): ShiftTable {
  const size = Math.min(Math.max(0, Math.floor(maxK)), SHIFT_TABLE_MAX) + 1;
  const lg = new Float64Array(size);
  const dg = new Float64Array(size);
  // The running sum of logs would accumulate rounding over thousands of steps; re-anchor it on
  // ln Γ every 256 steps so the error stays at a few ulps.
  for (let k = 1; k < size; k++) {
    if (k % 256 === 0) {
      lg[k] = lgamma(c + k) - lgamma(c);
      dg[k] = digamma(c + k) - digamma(c);
    } else {
      lg[k] = lg[k - 1]! + Math.log(c + k - 1);
      dg[k] = dg[k - 1]! + 1 / (c + k - 1);
    }
  }
  return { lgamma: lg, digamma: dg };
}

/** ln Γ(c + k) − ln Γ(c) from the table, or directly when k is beyond it. */
export function lgammaShift(t: ShiftTable, c: number, k: number): number {
  return k < t.lgamma.length ? t.lgamma[k]! : lgamma(c + k) - lgamma(c);
}

/** ψ(c + k) − ψ(c) from the table, or directly when k is beyond it. */
export function digammaShift(t: ShiftTable, c: number, k: number): number {
  return k < t.digamma.length ? t.digamma[k]! : digamma(c + k) - digamma(c);
}

/** The largest x of a summary (for sizing tables). */
export function maxCount(x: Float64Array, length: number): number {
  let m = 0;
  for (let i = 0; i < length; i++) if (x[i]! > m) m = x[i]!;
  return m;
}
