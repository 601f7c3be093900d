import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minCostAssignment } from '../../src/clusters/hungarian.js';

/** The cheapest assignment by trying every injective map of rows to columns (small sizes only). */
function bruteForce(cost: number[][]): number {
  const rows = cost.length;
  const cols = cost[0]!.length;
  const take = Math.min(rows, cols);
  let best = Infinity;
  const usedRow = new Array<boolean>(rows).fill(false);
  const usedCol = new Array<boolean>(cols).fill(false);
  // Assign `take` pairs: iterate over the smaller side in order.
  const byRow = rows <= cols;
  const walk = (i: number, sum: number): void => {
    if (i === take) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < (byRow ? cols : rows); j++) {
      if (byRow ? usedCol[j] : usedRow[j]) continue;
      if (byRow) usedCol[j] = true;
      else usedRow[j] = true;
      walk(i + 1, sum + (byRow ? cost[i]![j]! : cost[j]![i]!));
      if (byRow) usedCol[j] = false;
      else usedRow[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

function costOf(cost: number[][], assignment: Int32Array): number {
  let s = 0;
  assignment.forEach((j, i) => {
    if (j >= 0) s += cost[i]![j]!;
  });
  return s;
}

describe('minCostAssignment (Hungarian method)', () => {
  it('solves a textbook example', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(Array.from(minCostAssignment(cost))).toEqual([1, 0, 2]);
    expect(
      Array.from(
        minCostAssignment([
          [4, 1],
          [2, 3],
        ]),
      ),
    ).toEqual([1, 0]);
  });

  it('matches brute force on random square and rectangular matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 36, maxLength: 36 }),
        (rows, cols, values) => {
          const cost = Array.from({ length: rows }, (_, i) => values.slice(i * cols, i * cols + cols));
          const a = minCostAssignment(cost);
          const assigned = Array.from(a).filter((j) => j >= 0);
          expect(assigned.length).toBe(Math.min(rows, cols));
          expect(new Set(assigned).size).toBe(assigned.length);
          expect(costOf(cost, a)).toBe(bruteForce(cost));
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('leaves surplus rows out when there are more rows than columns', () => {
    const a = minCostAssignment([[5], [1], [3]]);
    expect(Array.from(a)).toEqual([-1, 0, -1]);
  });
});
