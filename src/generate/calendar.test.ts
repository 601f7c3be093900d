import { describe, expect, it } from 'vitest';
import {
  dayOfWeek,
  dayOfYear,
  daysFromCivil,
  formatDate,
  monthIndex,
  monthsBetween,
  packedDate,
  parseDate,
} from './calendar.js';

describe('calendar', () => {
  it('agrees with Date for every day from 1900 to 2100', () => {
    const from = Date.UTC(1900, 0, 1) / 86_400_000;
    const to = Date.UTC(2100, 11, 31) / 86_400_000;
    for (let d = from; d <= to; d++) {
      const date = new Date(d * 86_400_000);
      const [y, m, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      if (packedDate(d) !== y * 10_000 + m * 100 + day || daysFromCivil(y, m, day) !== d) {
        expect.fail(`day ${d}: ${date.toISOString()} vs packed ${packedDate(d)}`);
      }
      if (dayOfWeek(d) !== (date.getUTCDay() + 6) % 7) expect.fail(`weekday of ${date.toISOString()}`);
    }
  });

  it('parses strict dates only', () => {
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(parseDate('2023-02-29')).toBeUndefined();
    expect(parseDate('2023-13-01')).toBeUndefined();
    expect(parseDate('2023-1-01')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
    expect(formatDate(parseDate('1999-12-31')!)).toBe('1999-12-31');
    expect(dayOfYear(parseDate('2024-12-31')!)).toBe(365);
  });

  it('lists months clipped to the range', () => {
    const months = monthsBetween(parseDate('2024-01-15')!, parseDate('2024-03-10')!);
    expect(months.map((m) => [formatDate(m.first), formatDate(m.last)])).toEqual([
      ['2024-01-15', '2024-01-31'],
      ['2024-02-01', '2024-02-29'],
      ['2024-03-01', '2024-03-10'],
    ]);
    expect(months.map((m) => m.index)).toEqual([2024 * 12, 2024 * 12 + 1, 2024 * 12 + 2]);
    expect(monthIndex(parseDate('2024-02-29')!)).toBe(2024 * 12 + 1);
  });
});
