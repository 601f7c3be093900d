/** Durations as `segtrack watch --every` takes them: `30s`, `15m`, `1h`, `1d`, `1h30m`. Pure. */
import { userError } from '../core/errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The shortest interval `watch` accepts (one second) and the longest (a year). */
export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 366 * 86_400_000;

/**
 * Parses a duration: one or more `<number><unit>` parts, units `s`, `m`, `h`, `d`
 * (`90s`, `1.5h`, `1h30m`), from one second to a year.
 *
 * @throws {UserError} `bad_flag` with the accepted forms.
 * @example parseDuration('--every', '15m') // 900000
 */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim().toLowerCase();
  const part = /(\d+(?:\.\d+)?)([smhd])/gy;
  let ms = 0;
  let end = 0;
  for (let m = part.exec(t); m !== null; m = part.exec(t)) {
    ms += Number(m[1]) * UNITS[m[2]!]!;
    end = part.lastIndex;
  }
  const hint = 'write a number and a unit: 30s, 15m, 1h, 1d (or combined, e.g. 1h30m)';
  if (t === '' || end !== t.length)
    throw userError('bad_flag', `${flag} must be a duration such as 30s, 15m, 1h or 1d, not '${text}'`, {
      hint,
    });
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw userError('bad_flag', `${flag} must be between 1s and 366d, not '${text}'`, { hint });
  return Math.round(ms);
}
