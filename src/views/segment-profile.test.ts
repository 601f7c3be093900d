/**
 * Privacy of segment profiles: a profile is read next to the other segments' and the base's, so a
 * hidden figure must not follow from the published ones (regression: a 7-respondent NPS mean was
 * recoverable from the base mean and the other segments' means and counts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredProfileRow } from '../snapshot/profiles.js';
import { BASE_SCHEME, BASE_SEGMENT } from '../snapshot/store.js';
import { shownProfile } from './segment-profile.js';

const T = 10;

/** Profile rows of one numeric feature: each segment's (n, mean) and the base's pooled figures. */
function numericRows(groups: { segment: string; n: number; mean: number }[]): StoredProfileRow[] {
  const n = groups.reduce((s, g) => s + g.n, 0);
  const mean = n > 0 ? groups.reduce((s, g) => s + g.n * g.mean, 0) / n : null;
  return [
    ...groups.map((g) => ({
      scheme: 's',
      segment: g.segment,
      feature: 'nps_latest',
      category: null,
      n: g.n,
      mean: g.mean,
      sd: 1,
    })),
    { scheme: BASE_SCHEME, segment: BASE_SEGMENT, feature: 'nps_latest', category: null, n, mean, sd: 1 },
  ];
}

describe('segment profiles', () => {
  it('hides-small-nps-mean-recoverable-from-base: a small mean is hidden with a complement', () => {
    const rows = numericRows([
      { segment: 'A', n: 400, mean: 7 },
      { segment: 'B', n: 300, mean: 8 },
      { segment: 'C', n: 7, mean: 6.857 },
    ]);
    const shown = (g: string) => shownProfile(rows, g, T).numeric[0]!;
    expect(shown('C')).toMatchObject({ mean: null, n: null, suppressed: true });
    // Hiding C alone would leave base·N − A − B = C: the smallest other segment goes too.
    expect(shown('B')).toMatchObject({ mean: null, n: null, suppressed: true });
    expect(shown('A')).toMatchObject({ mean: 7, n: 400, suppressed: false });
  });

  it('never publishes a numeric figure that the base and the other segments determine', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            n: fc.integer({ min: 0, max: 40 }),
            mean: fc.double({ min: 0, max: 10, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 7,
          },
        ),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        (groups, suppressedFlags) => {
          const named = groups.map((g, i) => ({ segment: `g${i}`, ...g }));
          const suppressed = new Set(named.filter((_, i) => suppressedFlags[i]).map((g) => g.segment));
          // The scheme's table never suppresses exactly one segment (it would follow from the total).
          fc.pre(suppressed.size !== 1);
          const rows = numericRows(named);
          const hidden = named.filter(
            (g) =>
              suppressed.has(g.segment) ||
              shownProfile(rows, g.segment, T, suppressed).numeric[0]!.suppressed,
          );
          const hiddenWithValues = hidden.filter((g) => g.n > 0);
          const total = named.reduce((s, g) => s + g.n, 0);
          // Fewer than T values in all: the base's mean is hidden too, so there is no relation to use.
          if (total < T) {
            for (const g of named)
              expect(shownProfile(rows, g.segment, T, suppressed).numeric[0]?.base_mean ?? null).toBeNull();
            return;
          }
          // Shown: no segment with 1 … T − 1 values.
          for (const g of named)
            if (!hidden.includes(g)) expect(g.n === 0 || g.n >= T, JSON.stringify(named)).toBe(true);
          // Hidden: none, or at least two holding at least T values together, so the only relation
          // the reader has (their pooled sum) is over at least T customers and fixes none of them.
          if (hiddenWithValues.length > 0) {
            expect(hiddenWithValues.length).toBeGreaterThanOrEqual(2);
            expect(hiddenWithValues.reduce((s, g) => s + g.n, 0)).toBeGreaterThanOrEqual(T);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('protects category shares across segments as a table with known margins', () => {
    const cell = (segment: string, category: string, n: number): StoredProfileRow => ({
      scheme: segment === BASE_SEGMENT ? BASE_SCHEME : 's',
      segment,
      feature: 'country',
      category,
      n,
      mean: null,
      sd: null,
    });
    const table = { A: { UK: 300, FR: 40, ES: 3 }, B: { UK: 200, FR: 30, ES: 25 } };
    const rows = [
      ...Object.entries(table).flatMap(([g, cats]) => Object.entries(cats).map(([c, n]) => cell(g, c, n))),
      cell(BASE_SEGMENT, 'UK', 500),
      cell(BASE_SEGMENT, 'FR', 70),
      cell(BASE_SEGMENT, 'ES', 28),
    ];
    const share = (g: string, c: string) =>
      shownProfile(rows, g, T).categorical[0]!.categories.find((x) => x.category === c)!;
    // A's 3 in ES is hidden; so is B's ES (else base ES − B's ES = A's) and another of A's row.
    expect(share('A', 'ES').share).toBeNull();
    expect(share('B', 'ES').share).toBeNull();
    const aHidden = ['UK', 'FR', 'ES'].filter((c) => share('A', c).share === null);
    expect(aHidden.length).toBeGreaterThanOrEqual(2);
    expect(share('A', 'UK').base_share).toBeCloseTo(500 / 598, 12);
  });

  it('has no profile for a suppressed segment', () => {
    const rows = numericRows([
      { segment: 'A', n: 400, mean: 7 },
      { segment: 'B', n: 300, mean: 8 },
    ]);
    expect(shownProfile(rows, 'B', T, new Set(['B'])).available).toBe(false);
  });
});
