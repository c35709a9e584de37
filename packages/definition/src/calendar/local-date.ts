/**
 * Proleptic Gregorian date arithmetic on "day numbers" (days since 1970-01-01), without `Date`.
 *
 * @internal
 * @module
 */

/** Milliseconds in a nominal (24-hour) day. @internal */
export const DAY_MS = 86_400_000;

/** Milliseconds in a minute. @internal */
export const MINUTE_MS = 60_000;

/** The weekday keys a calendar uses, Monday first. */
export const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A weekday key: `mon` … `sun`. @see weekdayKeys */
export type WeekdayKey = (typeof weekdayKeys)[number];

/**
 * Returns the day number (days since 1970-01-01) of a Gregorian date.
 * Algorithm: Howard Hinnant, "chrono-compatible low-level date algorithms".
 * @internal
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Returns the Gregorian date of a day number. @internal */
export function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Parses a strict `YYYY-MM-DD` local date into its day number; `undefined` when the text is not
 * of that form or not a real date (`2025-02-29`). @internal
 */
export function parseLocalDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const n = daysFromCivil(year, month, day);
  const back = civilFromDays(n);
  return back.year === year && back.month === month && back.day === day ? n : undefined;
}

/** Formats a day number as `YYYY-MM-DD`. @internal */
export function formatLocalDate(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Returns the weekday index of a day number: 0 = Monday … 6 = Sunday. @internal */
export function weekdayIndex(dayNumber: number): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((dayNumber + 3) % 7) + 7) % 7;
}

/**
 * Parses `HH:MM` into minutes after midnight; `24:00` (= 1440) only when `allowEndOfDay`.
 * `undefined` when the text is not a real time of day. @internal
 */
export function parseTimeOfDay(text: string, allowEndOfDay: boolean): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours === 24 && minutes === 0) return allowEndOfDay ? 1440 : undefined;
  if (hours > 23 || minutes > 59) return undefined;
  return hours * 60 + minutes;
}
