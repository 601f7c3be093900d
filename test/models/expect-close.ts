/** Tolerance assertions that print the inputs and the relative error on failure. */

import { expect } from 'vitest';

/** |actual − expected| ≤ relTol·|expected|. */
export function expectRel(actual: number, expected: number, relTol: number, label: string): void {
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  expect(
    rel,
    `${label}: got ${actual}, expected ${expected} (relative error ${rel.toExponential(2)}, tol ${relTol})`,
  ).toBeLessThanOrEqual(relTol);
}

/** |actual − expected| ≤ absTol. */
export function expectAbs(actual: number, expected: number, absTol: number, label: string): void {
  const d = Math.abs(actual - expected);
  expect(
    d,
    `${label}: got ${actual}, expected ${expected} (difference ${d.toExponential(2)}, tol ${absTol})`,
  ).toBeLessThanOrEqual(absTol);
}
