/**
 * Pure helpers of the calendars page: which days of a year are public holidays, make-up
 * workdays or days off, from a calendar's weekly hours and a year's schedule.
 *
 * @module
 */

/** A day's kind in the year view. */
export type DayKind = 'holiday' | 'workday' | 'off' | 'work';

/** A year's schedule as the API gives it. */
export interface YearSchedule {
  holidays?: ReadonlyArray<{ from: string; to: string }>;
  workdays?: ReadonlyArray<{ date: string }>;
}

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** `YYYY-MM-DD` of a civil date (month 1–12). */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days in a month (1–12) of a Gregorian year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Monday … 6 = Sunday, for a civil date. */
export function weekdayOf(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/**
 * The kind of every day of `year` by `YYYY-MM-DD`: holidays first, then make-up workdays, then
 * the weekly hours (a weekday without hours is a day off). Pure.
 *
 * @example
 * const kinds = toDayKinds(2027, { sat: [], sun: [], mon: [['09:00', '18:00']], ... }, { holidays: [{ from: '2027-01-01', to: '2027-01-01' }] });
 * kinds.get('2027-01-01'); // 'holiday'
 */
export function toDayKinds(
  year: number,
  workingHours: Readonly<Record<string, ReadonlyArray<unknown>>>,
  schedule: YearSchedule | undefined,
): Map<string, DayKind> {
  const holidays = new Set<string>();
  for (const h of schedule?.holidays ?? []) {
    for (let day = Date.parse(`${h.from}T00:00:00Z`); day <= Date.parse(`${h.to}T00:00:00Z`); day += 86_400_000)
      holidays.add(new Date(day).toISOString().slice(0, 10));
  }
  const workdays = new Set((schedule?.workdays ?? []).map((w) => w.date));
  const out = new Map<string, DayKind>();
  for (let month = 1; month <= 12; month++) {
    for (let day = 1; day <= daysInMonth(year, month); day++) {
      const iso = isoDate(year, month, day);
      const hours = workingHours[weekdayKeys[weekdayOf(year, month, day)]!] ?? [];
      out.set(iso, holidays.has(iso) ? 'holiday' : workdays.has(iso) ? 'workday' : hours.length === 0 ? 'off' : 'work');
    }
  }
  return out;
}

/** Whole days from `today` to `until` (both `YYYY-MM-DD`); negative once past. */
export function daysUntil(until: string, today: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
