/**
 * Calendar arithmetic on whole days since 1970-01-01 (UTC), without `Date` objects so that hot
 * loops allocate nothing. Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms" (days_from_civil / civil_from_days), proleptic Gregorian calendar.
 */

/** Seconds in a day and in a week (the generator's model time unit is the week). */
export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;

/** Days since 1970-01-01 of a civil date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day number, packed as `year * 10000 + month * 100 + day` (no allocation). */
export function packedDate(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/** Year, month (1–12) and day of a day number. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const p = packedDate(days);
  const year = Math.floor(p / 10_000);
  const month = Math.floor((p % 10_000) / 100);
  return { year, month, day: p % 100 };
}

/** Parses a strict `YYYY-MM-DD` date into a day number, or returns undefined when it is not a real date. */
export function parseDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = daysFromCivil(year, month, day);
  // Round-trip to reject 2023-02-30 and friends.
  return packedDate(days) === year * 10_000 + month * 100 + day ? days : undefined;
}

/** Formats a day number as `YYYY-MM-DD`. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Day of the year, 0-based (0 = 1 January). */
export function dayOfYear(days: number): number {
  const { year } = civilFromDays(days);
  return days - daysFromCivil(year, 1, 1);
}

/** Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function dayOfWeek(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** Months (index = year * 12 + month − 1) covering [startDay, endDay], each clipped to the range. */
export function monthsBetween(
  startDay: number,
  endDay: number,
): { index: number; first: number; last: number }[] {
  const out: { index: number; first: number; last: number }[] = [];
  const s = civilFromDays(startDay);
  let index = s.year * 12 + s.month - 1;
  for (;;) {
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    const first = daysFromCivil(year, month, 1);
    if (first > endDay) break;
    const nextFirst = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
    out.push({ index, first: Math.max(first, startDay), last: Math.min(nextFirst - 1, endDay) });
    index++;
  }
  return out;
}

/** The month index (`year * 12 + month − 1`) of a day number. */
export function monthIndex(days: number): number {
  const p = packedDate(days);
  const year = Math.floor(p / 10_000);
  return year * 12 + Math.floor((p % 10_000) / 100) - 1;
}
