/**
 * The sufficient statistics of the buy-till-you-die models, one row per distinct customer history:
 * x (number of repeat purchases), t_x (time of the last purchase, measured from the first) and T
 * (time from the first purchase to the end of calibration). Customers with identical (x, t_x, T)
 * contribute identical likelihood terms, so they are merged into one row with a weight; with times
 * in whole days that shrinks a million customers to a few tens of thousands of rows.
 */

import { userError, type Problem, UserError } from '../core/errors.js';
import { finishHash, HASH_SEED, mixDouble, RowTable } from './double-hash.js';

/** Distinct (x, t_x, T) rows with the number of customers having each. */
export interface RfmSummary {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  length: number;
}

/** Distinct (x, mean spend) rows of repeat buyers with positive spend, for the Gamma-Gamma model. */
export interface SpendSummary {
  x: Float64Array;
  mbar: Float64Array;
  weight: Float64Array;
  length: number;
  /** Customers with x = 0 (no repeat purchase, so no repeat-spend information), left out. */
  excludedNoRepeat: number;
  /** Repeat buyers whose mean spend was zero or negative (returns, free orders), left out. */
  excludedNonPositive: number;
}

const MAX_REPORTED = 10;

function checkLengths(lengths: number[], names: string[]): void {
  if (lengths.every((l) => l === lengths[0])) return;
  throw userError(
    'model_invalid_summary',
    `summary columns have different lengths: ${names.map((n, i) => `${n}=${lengths[i]}`).join(', ')}`,
    { hint: 'pass one value per customer in every column' },
  );
}

function invalid(problems: Problem[], row: number, message: string, hint: string): void {
  if (problems.length < MAX_REPORTED) {
    problems.push({ code: 'model_invalid_summary', message, at: { row: row + 1 }, hint });
  } else if (problems.length === MAX_REPORTED) {
    problems.push({
      code: 'model_invalid_summary',
      message: `more invalid rows not listed (showing the first ${MAX_REPORTED})`,
    });
  }
}

/**
 * Checks one customer's (x, t_x, T) and returns why it is invalid, or null. Rules: all finite,
 * x a non-negative integer, 0 ≤ t_x ≤ T, and t_x = 0 when x = 0 (t_x is the time of the last
 * repeat purchase).
 */
export function summaryRowProblem(x: number, tx: number, T: number): string | null {
  if (!Number.isFinite(x) || !Number.isFinite(tx) || !Number.isFinite(T)) {
    return `x, t_x and T must be finite numbers, got x=${x}, t_x=${tx}, T=${T}`;
  }
  if (x < 0 || !Number.isInteger(x)) return `x (repeat purchases) must be a whole number >= 0, got ${x}`;
  if (tx < 0 || T < 0) return `t_x and T must be >= 0, got t_x=${tx}, T=${T}`;
  if (tx > T) return `t_x (${tx}) is after T (${T}): the last purchase cannot follow the end of calibration`;
  if (x === 0 && tx !== 0) return `t_x must be 0 for a customer with no repeat purchase, got ${tx}`;
  return null;
}

/**
 * Validates one (x, t_x, T) per customer and merges identical triples into weighted rows, in
 * order of first appearance. Linear time, no per-row allocation (a hash table over the bits of the
 * doubles). Throws a {@link UserError} `model_invalid_summary` listing up to ten bad rows (1-based).
 *
 * @example
 * const s = collapseSummary([0, 2, 0], [0, 30.4, 0], [38.9, 38.9, 38.9]);
 * s.length; // 2, with weights [2, 1]
 */
export function collapseSummary(
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
): RfmSummary {
  checkLengths([x.length, tx.length, T.length], ['x', 't_x', 'T']);
  const n = x.length;
  const problems: Problem[] = [];
  const ox = new Float64Array(n);
  const otx = new Float64Array(n);
  const oT = new Float64Array(n);
  const ow = new Float64Array(n);
  const table = new RowTable();
  const rehash = (k: number): number =>
    finishHash(mixDouble(mixDouble(mixDouble(HASH_SEED, ox[k]!), otx[k]!), oT[k]!));
  let m = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const ti = tx[i]!;
    const Ti = T[i]!;
    // Fast path for valid rows (NaN fails every comparison); the slow path says what is wrong.
    const valid =
      xi >= 0 && xi === Math.floor(xi) && ti >= 0 && ti <= Ti && Ti < Infinity && (xi > 0 || ti === 0);
    if (!valid) {
      const bad = summaryRowProblem(xi, ti, Ti) ?? `invalid row x=${xi}, t_x=${ti}, T=${Ti}`;
      invalid(problems, i, bad, 'fix or drop this customer; t_x and T are times since the first purchase');
      continue;
    }
    let slot = finishHash(mixDouble(mixDouble(mixDouble(HASH_SEED, xi), ti), Ti)) & table.mask;
    for (;;) {
      const k = table.slots[slot]!;
      if (k < 0) {
        table.slots[slot] = m;
        ox[m] = xi;
        otx[m] = ti + 0;
        oT[m] = Ti + 0;
        ow[m] = 1;
        m++;
        table.added(rehash);
        break;
      }
      if (ox[k] === xi && otx[k] === ti && oT[k] === Ti) {
        ow[k]!++;
        break;
      }
      slot = (slot + 1) & table.mask;
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return { x: ox.slice(0, m), tx: otx.slice(0, m), T: oT.slice(0, m), weight: ow.slice(0, m), length: m };
}

/**
 * Merges identical (x, mean repeat spend) pairs of repeat buyers (x ≥ 1, spend > 0) into weighted
 * rows and counts the customers left out: x = 0 (no repeat spend observed) and spend ≤ 0.
 * Throws `model_invalid_summary` for non-finite values or x that is not a whole number ≥ 0.
 */
export function collapseSpendSummary(x: ArrayLike<number>, mbar: ArrayLike<number>): SpendSummary {
  checkLengths([x.length, mbar.length], ['x', 'mean spend']);
  const n = x.length;
  const problems: Problem[] = [];
  const ox = new Float64Array(n);
  const om = new Float64Array(n);
  const ow = new Float64Array(n);
  const table = new RowTable();
  const rehash = (k: number): number => finishHash(mixDouble(mixDouble(HASH_SEED, ox[k]!), om[k]!));
  let m = 0;
  let excludedNoRepeat = 0;
  let excludedNonPositive = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const mi = mbar[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(mi) || xi < 0 || !Number.isInteger(xi)) {
      invalid(
        problems,
        i,
        `x must be a whole number >= 0 and mean spend finite, got x=${xi}, mean spend=${mi}`,
        'fix or drop this customer',
      );
      continue;
    }
    if (xi === 0) {
      excludedNoRepeat++;
      continue;
    }
    if (!(mi > 0)) {
      excludedNonPositive++;
      continue;
    }
    let slot = finishHash(mixDouble(mixDouble(HASH_SEED, xi), mi)) & table.mask;
    for (;;) {
      const k = table.slots[slot]!;
      if (k < 0) {
        table.slots[slot] = m;
        ox[m] = xi;
        om[m] = mi;
        ow[m] = 1;
        m++;
        table.added(rehash);
        break;
      }
      if (ox[k] === xi && om[k] === mi) {
        ow[k]!++;
        break;
      }
      slot = (slot + 1) & table.mask;
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return {
    x: ox.slice(0, m),
    mbar: om.slice(0, m),
    weight: ow.slice(0, m),
    length: m,
    excludedNoRepeat,
    excludedNonPositive,
  };
}

/** Total weight (number of customers) of a summary. */
export function totalWeight(s: { weight: Float64Array; length: number }): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) w += s.weight[i]!;
  return w;
}

/** Summaries with more distinct rows than this are fitted in two stages (see `fitByMaximumLikelihood`). */
export const WARM_START_ROWS = 40_000;

/**
 * A pseudo-random subset of about `rows` of a summary's rows (weights unchanged): a row is kept
 * when a hash of its values falls below rows / length, so the same data gives the same subset
 * whatever order its rows come in (the engine may return them in any order), and fits are
 * reproducible. Undefined when the summary is not larger than `rows`. Works for any summary
 * shape: every Float64Array field with one entry per row is subset alike, and every one but the
 * weight is hashed.
 */
export function subsampleRows<S extends { weight: Float64Array; length: number }>(
  summary: S,
  rows = WARM_START_ROWS,
): S | undefined {
  if (summary.length <= rows) return undefined;
  const columns = Object.entries(summary).filter(
    (e): e is [string, Float64Array] => e[1] instanceof Float64Array && e[1].length >= summary.length,
  );
  const hashed = columns.filter(([k]) => k !== 'weight').map(([, v]) => v);
  const threshold = (rows / summary.length) * 4294967296;
  const keep: number[] = [];
  for (let i = 0; i < summary.length; i++) {
    let h = HASH_SEED;
    for (const c of hashed) h = mixDouble(h, c[i]!);
    if (finishHash(h) >>> 0 < threshold) keep.push(i);
  }
  const out: Record<string, unknown> = { ...summary, length: keep.length };
  for (const [key, value] of columns) out[key] = Float64Array.from(keep, (i) => value[i]!);
  return out as S;
}
