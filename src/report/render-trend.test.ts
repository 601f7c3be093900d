import { describe, expect, it } from 'vitest';
import { trendPeriod } from './gather.js';
import { spacedTicks } from './render-trend.js';

describe('the trend chart', () => {
  it('follows the coarsest period that keeps every snapshot date apart', () => {
    expect(trendPeriod(['2026-01-31', '2026-02-28', '2026-03-31'])).toBe('month');
    // A monthly backfill and a run a week later in the same month.
    expect(trendPeriod(['2026-11-30', '2026-12-07'])).toBe('month');
    expect(trendPeriod(['2026-03-01', '2026-03-08', '2026-03-15'])).toBe('week');
    expect(trendPeriod(['2026-03-02', '2026-03-03'])).toBe('day');
    // Two snapshots of one day are one point whatever the period.
    expect(trendPeriod(['2026-06-30', '2026-06-30'])).toBe('month');
  });

  it('spaces the x ticks so their labels do not collide, first and last kept', () => {
    expect(spacedTicks([0, 1, 2, 10, 11, 20], 5)).toEqual([0, 10, 20]);
    expect(spacedTicks([0, 10, 18, 20], 5)).toEqual([0, 10, 20]);
    expect(spacedTicks([3], 5)).toEqual([3]);
    expect(spacedTicks([], 5)).toEqual([]);
  });
});
