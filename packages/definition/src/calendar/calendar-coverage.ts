import type { CalendarSpec } from './calendar-spec.ts';
import { parseLocalDate } from './local-date.ts';

/** Which years a calendar's holiday data covers. Plain JSON (the server's `GET /api/calendars`). */
export interface CalendarCoverage {
  /** The years with a holiday schedule, ascending. */
  years: number[];
  /** The last local date covered (`YYYY-12-31` of the last year), or `null` when the calendar has no holiday schedule at all. */
  coveredUntil: string | null;
}

/** How close to its end a calendar's coverage must be for a warning, in days. */
export const calendarCoverageWarningDays = 60;

/**
 * The coverage of a calendar document: the years of `years` and the last day they cover. Pure.
 *
 * @example
 * toCalendarCoverage(builtinCalendars['cn-mainland']); // { years: [2025, 2026], coveredUntil: '2026-12-31' }
 */
export function toCalendarCoverage(spec: CalendarSpec): CalendarCoverage {
  const years = Object.keys(spec.years ?? {})
    .map(Number)
    .filter((y) => Number.isInteger(y))
    .sort((a, b) => a - b);
  return { years, coveredUntil: years.length === 0 ? null : `${years[years.length - 1]}-12-31` };
}

/**
 * Days from `today` to the last covered day (0 on that day, negative once it has passed), or
 * `undefined` when nothing runs out (`coveredUntil` is null) or a date is not `YYYY-MM-DD`. Pure:
 * the caller supplies today.
 *
 * @example
 * daysOfCoverageLeft('2026-12-31', '2026-12-03'); // 28
 */
export function daysOfCoverageLeft(coveredUntil: string | null, today: string): number | undefined {
  if (coveredUntil === null) return undefined;
  const end = parseLocalDate(coveredUntil);
  const now = parseLocalDate(today);
  return end === undefined || now === undefined ? undefined : end - now;
}
