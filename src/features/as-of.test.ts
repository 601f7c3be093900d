import { describe, expect, it } from 'vitest';
import { DuckDBDialect } from '../dialect/duckdb/duckdb-dialect.js';
import { asOfSql, formatDay, parseDay } from './as-of.js';

describe('as-of dates', () => {
  it('reads only real calendar dates', () => {
    expect(parseDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(parseDay('2023-02-29')).toBeUndefined();
    expect(parseDay('2024-13-01')).toBeUndefined();
    expect(parseDay('2024-1-01')).toBeUndefined();
    expect(formatDay(parseDay('1997-09-30')!)).toBe('1997-09-30');
  });

  it('windows of n days end on the as-of day, which counts in full', () => {
    const a = asOfSql(new DuckDBDialect(), '2024-03-01');
    expect(a.end).toBe("CAST('2024-03-02 00:00:00' AS TIMESTAMP)");
    expect(a.since(1)).toBe("CAST('2024-03-01 00:00:00' AS TIMESTAMP)");
    // 30 days: 2024-02-01 .. 2024-03-01 (2024 is a leap year).
    expect(a.since(30)).toBe("CAST('2024-02-01 00:00:00' AS TIMESTAMP)");
  });
});
