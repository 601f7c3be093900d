/**
 * The robust z-score against SciPy: `(x − median(h)) / scipy.stats.median_abs_deviation(h,
 * scale='normal')` on seeded normal, log-normal and heavy-tailed (t₂) histories. The fixture and
 * how it was made: fixtures/make-robust-z.py.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAD_SCALE, median, medianAbsoluteDeviation, robustZ } from '../../src/alerts/robust-z.js';

interface Case {
  kind: string;
  x: number;
  history: number[];
  z: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/robust-z-scipy.json', import.meta.url), 'utf8'),
) as { made_with: string; cases: Case[] };

describe('robust z-score against SciPy', () => {
  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const z = robustZ(c.x, c.history);
    const relative = Math.abs(z - c.z) / Math.max(1e-12, Math.abs(c.z));
    expect(relative, `x=${c.x} history=${JSON.stringify(c.history)} ours=${z} scipy=${c.z}`).toBeLessThan(
      1e-12,
    );
  });

  it('uses 1 / Φ⁻¹(3/4) as the consistency constant (Rousseeuw & Croux 1993)', () => {
    expect(MAD_SCALE * 0.6744897501960817).toBeCloseTo(1, 14);
  });
});

describe('median and MAD by hand', () => {
  it('works out an odd and an even history', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x − 400| for 100…700 = 300 200 100 0 100 200 300 → MAD 200
    expect(medianAbsoluteDeviation([100, 200, 300, 400, 500, 600, 700])).toBe(200);
    expect(robustZ(2700, [100, 200, 300, 400, 500, 600, 700])).toBeCloseTo(2300 / (MAD_SCALE * 200), 12);
  });

  it('falls back to the mean absolute deviation when the MAD is 0, and to ±∞ for a constant history', () => {
    // median 100, MAD 0; mean |h − 100| = 1/5 → scale √(π/2)/5
    expect(robustZ(102, [100, 100, 100, 100, 101])).toBeCloseTo(2 / (1.2533141373155001 * 0.2), 12);
    expect(robustZ(101, [7, 7, 7, 7, 7])).toBe(Number.POSITIVE_INFINITY);
    expect(robustZ(1, [7, 7, 7, 7, 7])).toBe(Number.NEGATIVE_INFINITY);
    expect(robustZ(7, [7, 7, 7, 7, 7])).toBe(0);
    expect(robustZ(7, [])).toBeNaN();
  });

  it('is not masked by an earlier spike (breakdown point 50 %)', () => {
    const history = [100, 101, 99, 100, 5000, 102, 98];
    expect(robustZ(130, history)).toBeGreaterThan(10);
  });
});
