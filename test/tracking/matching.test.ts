/**
 * Nearest-neighbour matching: the k-d tree finds the same nearest distance as a brute-force scan
 * (fast-check), ties among identical candidates are shared out by the seeded draw, and balance is
 * reported as standardised mean differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { standardisedMeanDifferences } from '../../src/tracking/balance.js';
import { KdTree } from '../../src/tracking/kd-tree.js';
import { nearestNeighbourMatch, standardisation } from '../../src/tracking/matching.js';

const f = (...xs: number[]) => Float64Array.from(xs);

describe('k-d tree', () => {
  it('finds the nearest point, like a brute-force scan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 1e6 }),
        (dims, n, seed) => {
          const rng = new Rng(seed);
          // Coarse integer coordinates: many duplicates and ties, the hard case.
          const points = new Float64Array(n * dims).map(() => rng.int(6));
          const tree = new KdTree(points, dims);
          for (let q = 0; q < 20; q++) {
            const query = new Float64Array(dims).map(() => rng.uniform() * 7 - 0.5);
            let best = Infinity;
            for (let i = 0; i < n; i++) {
              let d = 0;
              for (let j = 0; j < dims; j++) d += (query[j]! - points[i * dims + j]!) ** 2;
              best = Math.min(best, d);
            }
            const hit = tree.nearest(query);
            expect(hit.distance).toBeCloseTo(best, 12);
            let d = 0;
            for (let j = 0; j < dims; j++) d += (query[j]! - points[hit.index * dims + j]!) ** 2;
            expect(d).toBeCloseTo(hit.distance, 12);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers -1 on an empty tree', () => {
    expect(new KdTree(new Float64Array(0), 2).nearest(f(0, 0)).index).toBe(-1);
  });
});

describe('nearest-neighbour matching', () => {
  it('matches exactly where it can, with replacement, on standardised features', () => {
    // Feature 2 is on a scale 1000 times larger; standardising keeps it from dominating.
    const treated = [f(1, 5), f(1000, 9000)];
    const pool = [f(5, 1, 1, 9), f(9000, 1000, 1000, 5000)];
    const m = nearestNeighbourMatch(treated, pool, new Rng(1));
    expect(pool[0]![m.match[0]!]).toBe(1);
    expect(pool[0]![m.match[1]!]).toBe(5);
    expect(m.distance[0]).toBe(0);
    let total = 0;
    for (const w of m.weights) total += w;
    expect(total).toBe(2);
  });

  it('shares ties among identical candidates by a seeded draw', () => {
    const pool = [new Float64Array(100), new Float64Array(100)]; // 100 identical candidates
    const treated = [new Float64Array(1000), new Float64Array(1000)];
    const a = nearestNeighbourMatch(treated, pool, new Rng(5));
    const b = nearestNeighbourMatch(treated, pool, new Rng(5));
    expect(Array.from(a.match)).toEqual(Array.from(b.match));
    const used = Array.from(a.weights).filter((w) => w > 0).length;
    expect(used).toBeGreaterThan(90);
    expect(Math.max(...a.weights)).toBeLessThan(30);
  });

  it('ignores constant features and reads missing values as the mean', () => {
    const s = standardisation([f(1, 1), f(0, 2)], [f(1, 1), f(4, Number.NaN)]);
    expect(s.scale[0]).toBe(0);
    expect(s.center[1]).toBe(2);
    const m = nearestNeighbourMatch([f(1), f(Number.NaN)], [f(1, 1), f(2, 9)], new Rng(1));
    expect(m.match[0]).toBe(0); // the missing value sits at the mean (5.5 … nearer 2 than 9)
  });
});

describe('standardised mean differences', () => {
  it('uses the pre-matching pooled standard deviation before and after', () => {
    // Treated 1, 2, 3: mean 2, variance 1. Pool 0, 0, 3, 5: mean 2, variance 6.
    // Denominator √((1 + 6)/2) = √3.5. Matched (weights 1, 0, 0, 1): mean 2.5.
    const [b] = standardisedMeanDifferences(['x'], [f(1, 2, 3)], [f(0, 0, 3, 5)], f(1, 0, 0, 1));
    expect(b!.smd_before).toBe(0);
    expect(b!.smd_after).toBeCloseTo(-0.5 / Math.sqrt(3.5), 14);
    expect(b!.matched_mean).toBe(2.5);
  });
});
