import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjustPValues } from './p-adjust.js';

/**
 * The worked example of Benjamini & Hochberg (1995), §4.1: 15 p-values from a study of
 * myocardial infarction treatments. At q = 0.05 their procedure rejects the four smallest, while
 * Bonferroni (and Holm) reject three.
 */
const BH_1995 = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
  0.759, 1.0,
];

describe('p-value adjustment', () => {
  it('Benjamini–Hochberg rejects 4 of the 15 hypotheses of the 1995 paper at q = 0.05', () => {
    const adj = adjustPValues(BH_1995, 'benjamini-hochberg');
    expect(adj.filter((p) => p <= 0.05)).toHaveLength(4);
    // The fourth: 15 · 0.0095 / 4 = 0.035625; the fifth: min over j ≥ 5 of 15·p(j)/j, which is
    // j = 5 itself (0.0603; j = 6…9 give 0.0695, 0.0639, 0.0645, 0.0765).
    expect(adj[3]).toBeCloseTo(0.035625, 12);
    expect(adj[4]).toBeCloseTo((15 * 0.0201) / 5, 12);
  });

  it('Holm rejects 3 of them', () => {
    const adj = adjustPValues(BH_1995, 'holm');
    expect(adj.filter((p) => p <= 0.05)).toHaveLength(3);
    expect(adj[0]).toBeCloseTo(15 * 0.0001, 12);
    expect(adj[3]).toBeCloseTo(12 * 0.0095, 12);
  });

  it('works out small cases by hand, in the input order', () => {
    // BH: sorted 0.01, 0.03, 0.04 → 0.03, min(0.045, 0.04), 0.04.
    expect(adjustPValues([0.01, 0.04, 0.03], 'benjamini-hochberg').map((p) => +p.toFixed(12))).toEqual([
      0.03, 0.04, 0.04,
    ]);
    // Holm: 3·0.01, max(0.03, 2·0.03), max(0.06, 0.04).
    expect(adjustPValues([0.01, 0.04, 0.03], 'holm').map((p) => +p.toFixed(12))).toEqual([0.03, 0.06, 0.06]);
    expect(adjustPValues([Number.NaN, 0.02], 'holm')).toEqual([Number.NaN, 0.02]);
  });

  it('never lowers a p-value, keeps the order, stays ≤ 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (ps) => {
          for (const method of ['benjamini-hochberg', 'holm'] as const) {
            const adj = adjustPValues(ps, method);
            for (let i = 0; i < ps.length; i++) {
              if (adj[i]! < ps[i]! - 1e-15 || adj[i]! > 1) return false;
              for (let j = 0; j < ps.length; j++)
                if (ps[i]! < ps[j]! && adj[i]! > adj[j]! + 1e-15) return false;
            }
          }
          return true;
        },
      ),
      { seed: 20240104, numRuns: 500 },
    );
  });
});
