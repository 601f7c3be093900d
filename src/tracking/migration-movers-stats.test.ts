import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureShift, rankShifts, type GroupSums } from './migration-movers-stats.js';

/** A customer's value at `from` and at `to` (null: no value). */
type Pair = [number | null, number | null];

function sums(pairs: Pair[]): GroupSums {
  const g: GroupSums = {
    nFrom: 0,
    sumFrom: 0,
    sqFrom: 0,
    nTo: 0,
    sumTo: 0,
    sqTo: 0,
    nChange: 0,
    sumChange: 0,
  };
  for (const [a, b] of pairs) {
    if (a !== null) {
      g.nFrom++;
      g.sumFrom += a;
      g.sqFrom += a * a;
    }
    if (b !== null) {
      g.nTo++;
      g.sumTo += b;
      g.sqTo += b * b;
    }
    if (a !== null && b !== null) {
      g.nChange++;
      g.sumChange += b - a;
    }
  }
  return g;
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Two-pass sample standard deviation: the reference the one-pass sums are checked against. */
function sd(xs: number[]): number {
  const m = avg(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

describe('featureShift', () => {
  it('is the difference of mean changes over the pooled sd, checked by hand', () => {
    // Movers: 10 → 20 and 20 → 40 (mean change 15); stayers: 10 → 12 and 30 → 32 (mean change 2).
    const f = featureShift(
      'orders',
      sums([
        [10, 20],
        [20, 40],
      ]),
      sums([
        [10, 12],
        [30, 32],
      ]),
    );
    const s = sd([10, 20, 20, 40, 10, 12, 30, 32]);
    expect(f.movers_change).toBe(15);
    expect(f.stayers_change).toBe(2);
    expect(f.std_change).toBeCloseTo(13 / s, 12);
    expect(f.std_from).toBeCloseTo((15 - 20) / s, 12);
    expect(f.movers_to).toBe(30);
    expect(f.stayers_from).toBe(20);
  });

  it('matches a direct two-pass computation on random groups with missing values', () => {
    const value = fc.option(
      fc.integer({ min: -5000, max: 5000 }).map((x) => x / 10),
      { freq: 5 },
    );
    const pairs = fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(pairs, pairs, (movers, stayers) => {
        const f = featureShift('x', sums(movers), sums(stayers));
        const all = [...movers, ...stayers].flatMap(([a, b]) => [a, b]).filter((v) => v !== null);
        const changes = (ps: Pair[]) => ps.flatMap(([a, b]) => (a !== null && b !== null ? [b - a] : []));
        const from = (ps: Pair[]) => ps.flatMap(([a]) => (a !== null ? [a] : []));
        const s = all.length >= 2 ? sd(all) : 0;
        const dm = changes(movers);
        const ds = changes(stayers);
        const info = JSON.stringify({ movers, stayers });
        if (s > 1e-9 && dm.length > 0 && ds.length > 0)
          expect(Math.abs(f.std_change! - (avg(dm) - avg(ds)) / s), info).toBeLessThan(1e-9);
        else if (s <= 1e-9) expect(f.std_change, info).toBeNull();
        const fm = from(movers);
        const fs = from(stayers);
        if (s > 1e-9 && fm.length > 0 && fs.length > 0)
          expect(Math.abs(f.std_from! - (avg(fm) - avg(fs)) / s), info).toBeLessThan(1e-9);
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('has no shift for a constant feature, and works without stayers', () => {
    expect(
      featureShift(
        'c',
        sums([
          [3, 3],
          [3, 3],
        ]),
        sums([[3, 3]]),
      ).std_change,
    ).toBeNull();
    const alone = featureShift(
      'x',
      sums([
        [0, 2],
        [0, 4],
      ]),
    );
    // Values 0, 2, 0, 4: mean change 3, sd √(11/3).
    expect(alone.std_change).toBeCloseTo(3 / Math.sqrt(11 / 3), 12);
    expect(alone.stayers_change).toBeNull();
    expect(alone.std_from).toBeNull();
  });
});

describe('rankShifts', () => {
  it('ranks by |std_change|, ties by name, dropping features without one', () => {
    const base = sums([
      [0, 1],
      [0, 3],
    ]);
    const ranked = rankShifts([
      featureShift(
        'b',
        base,
        sums([
          [0, 0],
          [0, 2],
        ]),
      ),
      featureShift(
        'a',
        base,
        sums([
          [0, 0],
          [0, 2],
        ]),
      ),
      featureShift(
        'big',
        sums([
          [0, 10],
          [0, 30],
        ]),
        sums([
          [0, 0],
          [0, 2],
        ]),
      ),
      featureShift('const', sums([[1, 1]]), sums([[1, 1]])),
    ]);
    expect(ranked.map((r) => r.feature)).toEqual(['big', 'a', 'b']);
  });
});
