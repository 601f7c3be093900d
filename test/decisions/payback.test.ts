/** Payback period (src/decisions/payback.ts), against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { monthIndex, monthLabel, paybackPeriod } from '../../src/decisions/payback.js';

describe('paybackPeriod', () => {
  it('is the first month the mean cumulative value covers CAC', () => {
    // 10 customers acquired in month 0; they bring 50, 100, 30 in months 0, 1, 2.
    const p = paybackPeriod(
      [{ month: 0, customers: 10 }],
      [
        { month: 0, offset: 0, value: 50 },
        { month: 0, offset: 1, value: 100 },
        { month: 0, offset: 2, value: 30 },
      ],
      5,
      12,
    );
    expect(p.curve.map((c) => c.cumulative_value)).toEqual([5, 15, 18, 18, 18, 18]);
    expect(p.payback_months).toBe(2);
    expect(p.observed_months).toBe(6);
  });

  it('averages each month only over customers observed that long', () => {
    // Cohort 0 (10 customers) brings 100 in month 0 and 100 in month 1; cohort 1 (30 customers)
    // brings 30 in its month 0 and has not completed a second month (last complete month: 1).
    const p = paybackPeriod(
      [
        { month: 0, customers: 10 },
        { month: 1, customers: 30 },
      ],
      [
        { month: 0, offset: 0, value: 100 },
        { month: 0, offset: 1, value: 100 },
        { month: 1, offset: 0, value: 30 },
      ],
      1,
      15,
    );
    // C(1) = (100 + 30) / 40 = 3.25; C(2) = 200 / 10 = 20 (cohort 1 not observed 2 months).
    expect(p.curve).toEqual([
      { months: 1, customers: 40, cumulative_value: 3.25 },
      { months: 2, customers: 10, cumulative_value: 20 },
    ]);
    expect(p.payback_months).toBe(2);
  });

  it('is null when not reached yet or CAC unknown, 0 when CAC is 0', () => {
    const sizes = [{ month: 0, customers: 4 }];
    const values = [{ month: 0, offset: 0, value: 4 }];
    expect(paybackPeriod(sizes, values, 2, 100).payback_months).toBeNull();
    expect(paybackPeriod(sizes, values, 2, null).payback_months).toBeNull();
    expect(paybackPeriod(sizes, values, 2, 0).payback_months).toBe(0);
  });

  it('counts orders before the acquisition month as month 0', () => {
    const p = paybackPeriod([{ month: 3, customers: 1 }], [{ month: 3, offset: -1, value: 9 }], 3, 9);
    expect(p.payback_months).toBe(1);
  });

  it('numbers months', () => {
    expect(monthIndex('2024-03-15')).toBe(2024 * 12 + 2);
    expect(monthLabel(monthIndex('2024-12-01'))).toBe('2024-12');
  });
});
