/** The windows of `segtrack compare` and the verdict rules. */
import { describe, expect, it } from 'vitest';
import {
  conclusionText,
  formatDifference,
  verdictOf,
  type VerdictInput,
} from '../../src/tracking/compare-conclusion.js';
import { compareWindows } from '../../src/tracking/compare-windows.js';

describe('compare windows', () => {
  it('puts 28 days on each side of the start, with four weekly pre periods', () => {
    const w = compareWindows('2025-04-01', 28, 28);
    expect(w).toMatchObject({
      pre_from: '2025-03-04',
      pre_to: '2025-03-31',
      post_from: '2025-04-01',
      post_to: '2025-04-28',
      end_exclusive: '2025-04-29',
      period_days: 7,
    });
    expect(w.periods).toEqual([
      { from: 0, to: 7 },
      { from: 7, to: 14 },
      { from: 14, to: 21 },
      { from: 21, to: 28 },
    ]);
  });

  it('takes the last whole periods of a longer window, at most 26 of them', () => {
    const q = compareWindows('2025-04-01', 90, 30);
    expect([q.period_days, q.periods.length, q.periods[0]!.from, q.periods.at(-1)!.to]).toEqual([
      7, 12, 6, 90,
    ]);
    const y = compareWindows('2025-04-01', 365, 30);
    expect([y.period_days, y.periods.length, y.periods.at(-1)!.to]).toEqual([15, 24, 365]);
    expect(compareWindows('2025-04-01', 10, 10).periods).toEqual([
      { from: 0, to: 5 },
      { from: 5, to: 10 },
    ]);
    expect(compareWindows('2025-04-01', 1, 1).periods).toEqual([]);
  });

  it('counts days across a leap day', () => {
    expect(compareWindows('2024-03-01', 28, 1).pre_from).toBe('2024-02-02');
  });
});

describe('verdicts', () => {
  const base: VerdictInput = {
    metric: 'revenue',
    treatedCustomers: 100,
    controlCustomers: 100,
    minSegmentSize: 10,
    means: { treatedPre: 10, treatedPost: 20, controlPre: 10, controlPost: 12 },
    effect: 8,
    ciLow: 3,
    ciHigh: 13,
    pValue: 0.002,
    confidence: 0.95,
  };
  it('decides from size, activity, width, interval and p-value', () => {
    expect(verdictOf(base)).toBe('effect');
    expect(verdictOf({ ...base, controlCustomers: 9 })).toBe('too_small');
    expect(verdictOf({ ...base, ciLow: -1, ciHigh: 10, pValue: 0.2 })).toBe('no_detectable_effect');
    expect(verdictOf({ ...base, ciLow: -1, ciHigh: 10 })).toBe('borderline');
    // Typical level (10 + 20 + 10 + 12)/4 = 13; an interval 20 wide is wider.
    expect(verdictOf({ ...base, ciLow: -5, ciHigh: 15 })).toBe('too_uncertain');
    expect(
      verdictOf({ ...base, means: { treatedPre: 0, treatedPost: 0, controlPre: 0, controlPost: 0 } }),
    ).toBe('no_activity');
  });
  it('explains the result in a sentence', () => {
    const text = conclusionText('effect', { ...base, postDays: 28, start: '2025-04-01' });
    expect(text).toBe(
      'Over the 28 days from 2025-04-01, revenue per customer changed by +8.00 more in the treated group than in ' +
        'the control group (95% CI +3.00 to +13.00; p = 0.002): a positive effect of the treatment, if the two ' +
        'groups would otherwise have moved alike.',
    );
    expect(
      conclusionText('too_small', { ...base, treatedCustomers: 3, postDays: 28, start: '2025-04-01' }),
    ).toMatch(
      /^The groups are too small to conclude anything: the treated group has fewer than 10 customers/,
    );
    expect(formatDifference('active', 0.034)).toBe('+3.4 pp');
  });
});
