/**
 * Business calendars and durations: working hours, public holidays and make-up workdays as data,
 * and pure working-time arithmetic on epoch milliseconds.
 *
 * @module
 */
export { builtinCalendars } from './builtin-calendars.ts';
export type { BuiltinCalendarId } from './builtin-calendars.ts';
export { CalendarError, calendarErrorCodes, calendarIssueCodes } from './calendar-error.ts';
export type { CalendarErrorCode, CalendarIssue, CalendarIssueCode } from './calendar-error.ts';
export type {
  CalendarSpec,
  CalendarYear,
  HolidayRange,
  MakeUpWorkday,
  TimeOfDay,
  WeeklyHours,
  WorkingInterval,
} from './calendar-spec.ts';
export { createCalendar } from './create-calendar.ts';
export type { BusinessCalendar, DurationMode, InstantInterval } from './create-calendar.ts';
export { durationPattern, formatDuration, parseDuration } from './duration.ts';
export type { Duration, ParseDurationResult } from './duration.ts';
export { weekdayKeys } from './local-date.ts';
export type { WeekdayKey } from './local-date.ts';
export { validateCalendar } from './validate-calendar.ts';
export type { ValidateCalendarResult } from './validate-calendar.ts';
export { calendarCoverageWarningDays, daysOfCoverageLeft, toCalendarCoverage } from './calendar-coverage.ts';
export type { CalendarCoverage } from './calendar-coverage.ts';
