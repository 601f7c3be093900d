/** Reading the date and timestamp texts the expression language accepts. */

/** A validated date or timestamp text in the one form every engine reads. */
export interface IsoTemporal {
  type: 'date' | 'timestamp';
  /** `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
  value: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;

function realDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/**
 * Reads `YYYY-MM-DD` as a date, or `YYYY-MM-DD HH:MM[:SS[.f…]]` (space or `T`) as a timestamp;
 * undefined when the text is neither or names a day that does not exist (`2024-02-30`).
 *
 * @example parseIsoTemporal('2024-01-31') // { type: 'date', value: '2024-01-31' }
 */
export function parseIsoTemporal(text: string): IsoTemporal | undefined {
  const d = DATE.exec(text);
  if (d) {
    return realDate(Number(d[1]), Number(d[2]), Number(d[3])) ? { type: 'date', value: text } : undefined;
  }
  const t = TIMESTAMP.exec(text);
  if (!t) return undefined;
  const [, y, mo, day, h, mi, s, frac] = t;
  if (!realDate(Number(y), Number(mo), Number(day))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? '0') > 59) return undefined;
  return { type: 'timestamp', value: `${y}-${mo}-${day} ${h}:${mi}:${s ?? '00'}${frac ?? ''}` };
}
