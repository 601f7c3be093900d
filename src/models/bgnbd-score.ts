/**
 * BG/NBD predictions: unconditional expected purchases, P(alive) and the conditional expectation,
 * per customer or vectorised over a million customers and several horizons.
 *
 * Sources: Fader, Hardie & Lee (2005), Marketing Science 24(2) (FHL), eqs. (7) and (10); Fader,
 * Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model" (note, brucehardie.com).
 */

import type { BgNbdParams } from './bgnbd.js';
import { finishHash, HASH_SEED, mixDouble, RowTable } from './double-hash.js';

const EPS = 1e-14;
/** Distinct (x, T) pairs whose E[Y(t) | alive] {@link scoreBgNbd} remembers. */
const CACHE_ROWS = 1 << 17;

/**
 * E[Y(t) | alive] for a customer with x repeat purchases observed over (0, T], i.e. the numerator
 * of FHL eq. (10):
 *
 *   C/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; C; z)],  C = a+b+x−1,  z = t/(α+T+t).
 *
 * Euler's transformation (A&S 15.3.3) turns (1−z)^(r+x) ₂F₁(r+x, b+x; C; z) into
 * (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; C; z) = (1−z)^(a−1) (1 + (a−1)S), where
 * S = Σ_{n≥1} (a+b−1−r)ₙ (a)ₙ₋₁ / ((C)ₙ n!) zⁿ, so the bracket divided by (a − 1) is
 *
 *   (1 − (1−z)^(a−1))/(a−1) − (1−z)^(a−1) S,
 *
 * which has no 0/0 at a = 1 (the first part → −ln(1−z)) and whose series terms fall off like
 * n^(a−r−x−2) zⁿ: fast for frequent buyers, for whom the plain series is slowest.
 * With x = 0 and T = 0 this is FHL eq. (7), the unconditional E[X(t)].
 */
export function bgnbdExpectedIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, a, b } = p;
  const c = a + b + x - 1;
  const ap = a + b - 1 - r;
  const z = t / (alpha + T + t);
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  const q = (a - 1) * lnOneMinusZ;
  const first = Math.abs(a - 1) < 1e-12 ? -lnOneMinusZ : -Math.expm1(q) / (a - 1);
  const e = Math.exp(q);
  let u = (ap * z) / c;
  let s = u;
  for (let n = 1; n < 1_000_000; n++) {
    const ratio = ((ap + n) * (a + n - 1) * z) / ((c + n) * (n + 1));
    u *= ratio;
    s += u;
    const rho = Math.max(Math.abs(ratio), z);
    // Tail after this term ≤ |u|·ρ/(1−ρ) once n is past the sign changes (n > −a′, −c).
    if (
      n > -ap &&
      n > -c &&
      rho < 1 &&
      Math.abs(u) * rho * e <= EPS * (1 - rho) * (Math.abs(first) + e * Math.abs(s))
    ) {
      break;
    }
  }
  return c * (first - e * s);
}

/**
 * Unconditional expected number of repeat purchases in (0, t] of a customer who made their first
 * purchase at 0, FHL eq. (7):
 * E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function bgnbdExpectedTransactions(p: BgNbdParams, t: number): number {
  return bgnbdExpectedIfAlive(p, 0, 0, t);
}

/**
 * P(alive at T | x, t_x, T), FHL (2008) note, eq. (2):
 * 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function bgnbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const lnD = Math.log(p.a / (p.b + x - 1)) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return lnD > 0 ? Math.exp(-lnD) / (1 + Math.exp(-lnD)) : 1 / (1 + Math.exp(lnD));
}

/**
 * Expected repeat purchases in (T, T+t] of a customer with history (x, t_x, T), FHL eq. (10):
 *
 *   E[Y(t) | x, t_x, T] = E[Y(t) | alive] · P(alive)
 *
 * (eq. 10's denominator 1 + δ(x>0)·a/(b+x−1)·((α+T)/(α+t_x))^(r+x) is 1/P(alive)).
 */
export function bgnbdConditionalExpected(
  p: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  return bgnbdExpectedIfAlive(p, x, T, t) * bgnbdPAlive(p, x, tx, T);
}

/** Per-customer scores: P(alive) and the conditional expectation for each horizon. */
export interface RfmScores {
  pAlive: Float64Array;
  /** One array per horizon, in the order of `horizons`. */
  expected: Float64Array[];
}

/**
 * Scores every customer: P(alive) and E[Y(t) | x, t_x, T] for each horizon t (same time unit as
 * the fit). Allocates only the output arrays and a fixed-size cache of E[Y(t) | alive] per
 * distinct (x, T).
 *
 * @example
 * const { pAlive, expected } = scoreBgNbd(fit.params, x, tx, T, [4, 13, 52]);
 */
export function scoreBgNbd(
  p: BgNbdParams,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  horizons: readonly number[],
): RfmScores {
  const n = x.length;
  if (tx.length !== n || T.length !== n)
    throw new RangeError('scoreBgNbd: x, tx and T must have the same length');
  const pAlive = new Float64Array(n);
  const nh = horizons.length;
  const expected = horizons.map(() => new Float64Array(n));
  const params: BgNbdParams = { r: p.r, alpha: p.alpha, a: p.a, b: p.b };
  // E[Y(t) | alive] depends on (x, T) only, and with times in whole days a customer base has far
  // fewer distinct (x, T) pairs than customers: remember up to CACHE_ROWS of them.
  const cap = Math.min(n, CACHE_ROWS);
  const keyX = new Float64Array(cap);
  const keyT = new Float64Array(cap);
  const cached = new Float64Array(cap * nh);
  const table = new RowTable();
  const rehash = (k: number): number => finishHash(mixDouble(mixDouble(HASH_SEED, keyX[k]!), keyT[k]!));
  let used = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const Ti = T[i]!;
    const pa = bgnbdPAlive(params, xi, tx[i]!, Ti);
    pAlive[i] = pa;
    let slot = finishHash(mixDouble(mixDouble(HASH_SEED, xi), Ti)) & table.mask;
    let row = -1;
    for (;;) {
      const k = table.slots[slot]!;
      if (k < 0) break;
      if (keyX[k] === xi && keyT[k] === Ti) {
        row = k;
        break;
      }
      slot = (slot + 1) & table.mask;
    }
    if (row < 0 && used < cap) {
      row = used++;
      keyX[row] = xi;
      keyT[row] = Ti;
      for (let h = 0; h < nh; h++) cached[row * nh + h] = bgnbdExpectedIfAlive(params, xi, Ti, horizons[h]!);
      table.slots[slot] = row;
      table.added(rehash);
    }
    if (row >= 0) {
      for (let h = 0; h < nh; h++) expected[h]![i] = pa * cached[row * nh + h]!;
    } else {
      for (let h = 0; h < nh; h++) expected[h]![i] = pa * bgnbdExpectedIfAlive(params, xi, Ti, horizons[h]!);
    }
  }
  return { pAlive, expected };
}
