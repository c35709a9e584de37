/**
 * The registries of calendar issue codes (returned by `validateCalendar`) and calendar error
 * codes (thrown), and the thrown error class. `docs/errors.md` has one row per code. A retired
 * code is never reused.
 *
 * @module
 */

/** One problem found in a calendar document. `path` is a JSON Pointer into the input. */
export interface CalendarIssue {
  code: CalendarIssueCode;
  /** `error` makes the calendar unusable; `warning` is shown but the calendar works. */
  severity: 'error' | 'warning';
  /** JSON Pointer (RFC 6901) into the validated input; `""` is the whole document. */
  path: string;
  /** Says where, what, and how to fix. */
  message: string;
}

/** Every calendar issue code with its severity, what it means and how to fix it. */
export const calendarIssueCodes = {
  CAL_MISSING_PROPERTY: {
    severity: 'error',
    what: 'A required property of the calendar is missing.',
    fix: 'Add the property the message names (a calendar needs `id`, `name`, `timeZone` and `workingHours` with all seven days).',
  },
  CAL_UNKNOWN_PROPERTY: {
    severity: 'error',
    what: 'A property is not part of the calendar format (often a typo).',
    fix: 'Remove it or correct its spelling; the message lists the allowed properties.',
  },
  CAL_WRONG_TYPE: {
    severity: 'error',
    what: 'A value has the wrong JSON type.',
    fix: 'Use the type the message names (string, object, array).',
  },
  CAL_BAD_FORMAT: {
    severity: 'error',
    what: 'A string does not have the required form (time `HH:MM`, date `YYYY-MM-DD`, year `YYYY`, id).',
    fix: 'Write it in the form the message describes, e.g. "09:00" or "2025-10-01".',
  },
  CAL_BAD_VALUE: {
    severity: 'error',
    what: 'A value is not one of the allowed values (e.g. `hoursOf` that is not a weekday key).',
    fix: 'Use one of the values the message lists.',
  },
  CAL_SCHEMA: {
    severity: 'error',
    what: 'The value breaks another rule of schema/calendar.schema.json.',
    fix: 'Read the message; check the value against schema/calendar.schema.json.',
  },
  CAL_UNKNOWN_TIME_ZONE: {
    severity: 'error',
    what: 'The time zone is not one this JavaScript runtime knows (Intl.DateTimeFormat rejects it).',
    fix: 'Use an IANA time zone name such as "Asia/Shanghai", "Europe/Berlin" or "UTC".',
  },
  CAL_BAD_TIME: {
    severity: 'error',
    what: 'A time of day is not a real time (e.g. "25:00", "12:60"), or "24:00" starts an interval.',
    fix: 'Use 00:00–23:59; "24:00" is allowed only as the end of an interval (end of day).',
  },
  CAL_BAD_INTERVAL: {
    severity: 'error',
    what: 'A working interval does not start before it ends (e.g. ["18:00", "09:00"] or ["09:00", "09:00"]).',
    fix: 'Write each interval as [start, end] with start < end; split night shifts at midnight ("24:00" / "00:00").',
  },
  CAL_OVERLAPPING_INTERVALS: {
    severity: 'error',
    what: "A day's working intervals overlap or are not in ascending order.",
    fix: 'List the intervals of a day in time order without overlap, e.g. [["09:00","12:00"],["13:00","18:00"]].',
  },
  CAL_NO_WORKING_HOURS: {
    severity: 'error',
    what: 'No weekday has any working hours, so no deadline could ever be reached.',
    fix: 'Give at least one weekday in `workingHours` an interval, e.g. "mon": [["09:00","17:00"]].',
  },
  CAL_BAD_DATE: {
    severity: 'error',
    what: 'A date is not a real calendar date (e.g. "2025-02-30").',
    fix: 'Correct the date; dates are YYYY-MM-DD in the Gregorian calendar.',
  },
  CAL_DATE_OUTSIDE_YEAR: {
    severity: 'error',
    what: 'A holiday or make-up workday is filed under a different year than its date.',
    fix: 'Move the entry under its own year; split a holiday that spans New Year into one range per year.',
  },
  CAL_BAD_HOLIDAY_RANGE: {
    severity: 'error',
    what: 'A holiday range ends before it starts (`from` is after `to`).',
    fix: 'Swap `from` and `to`; for a single day set both to the same date.',
  },
  CAL_OVERLAPPING_HOLIDAYS: {
    severity: 'warning',
    what: 'Two holiday ranges of a year share days (harmless, but usually a typo).',
    fix: 'Check the dates against the official schedule; merge or correct the ranges.',
  },
  CAL_WORKDAY_NOT_DAY_OFF: {
    severity: 'error',
    what: 'A make-up workday falls on a weekday that already has working hours, so it changes nothing (usually a wrong date).',
    fix: 'Check the date: make-up workdays are normally a Saturday or Sunday (调休上班).',
  },
  CAL_WORKDAY_IN_HOLIDAY: {
    severity: 'error',
    what: 'A date is both a holiday and a make-up workday.',
    fix: 'Remove the date from one of the two lists.',
  },
  CAL_WORKDAY_WITHOUT_HOURS: {
    severity: 'error',
    what: 'A make-up workday takes its hours from a weekday that has no working hours.',
    fix: 'Set `hoursOf` to a weekday with working hours (default "mon").',
  },
  CAL_DUPLICATE_WORKDAY: {
    severity: 'warning',
    what: 'A make-up workday is listed twice in the same year.',
    fix: 'Remove the duplicate entry.',
  },
} as const satisfies Record<string, { severity: 'error' | 'warning'; what: string; fix: string }>;

/** A calendar issue code. @see calendarIssueCodes */
export type CalendarIssueCode = keyof typeof calendarIssueCodes;

/** Every code a {@link CalendarError} can carry, with what it means and how to fix it. */
export const calendarErrorCodes = {
  CAL_INVALID_CALENDAR: {
    what: '`createCalendar` was given a calendar with error-severity issues; `error.issues` lists them.',
    fix: 'Run `validateCalendar` first and fix every issue of severity "error".',
  },
  CAL_BAD_ARGUMENT: {
    what: 'A calendar function was called with an impossible argument (NaN instant, negative amount, malformed date).',
    fix: 'Pass finite epoch milliseconds, amounts ≥ 0 (whole numbers for days) and dates as "YYYY-MM-DD".',
  },
  CAL_NO_WORKING_TIME: {
    what: 'No working time was found for ten years after the instant (every day a holiday).',
    fix: 'Check the calendar: its holidays cover every working day of the years it lists.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

/** A thrown calendar error code. @see calendarErrorCodes */
export type CalendarErrorCode = keyof typeof calendarErrorCodes;

/**
 * The error calendar functions throw on misuse. Validation never throws: it returns issues.
 *
 * @example
 * try { createCalendar(spec); } catch (e) { if (e instanceof CalendarError) console.log(e.code, e.issues); }
 */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  /** The stable error code. @see calendarErrorCodes */
  readonly code: CalendarErrorCode;
  /** For `CAL_INVALID_CALENDAR`: the issues of the rejected calendar; otherwise empty. */
  readonly issues: readonly CalendarIssue[];

  constructor(code: CalendarErrorCode, message: string, issues: readonly CalendarIssue[] = []) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}
