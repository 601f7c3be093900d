import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { parseDuration } from './duration.js';

describe('--every durations', () => {
  it('reads seconds, minutes, hours, days and combinations', () => {
    expect(parseDuration('--every', '30s')).toBe(30_000);
    expect(parseDuration('--every', '15m')).toBe(900_000);
    expect(parseDuration('--every', '1h')).toBe(3_600_000);
    expect(parseDuration('--every', '1d')).toBe(86_400_000);
    expect(parseDuration('--every', '1h30m')).toBe(5_400_000);
    expect(parseDuration('--every', '1.5H')).toBe(5_400_000);
  });

  it('refuses anything else with a hint', () => {
    for (const bad of ['', '10', 'daily', '1w', '5 m', '1h-', '0s', '500ms', '400d']) {
      let error: unknown;
      try {
        parseDuration('--every', bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('bad_flag');
    }
  });
});
