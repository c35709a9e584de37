/**
 * `validateCalendar`: the JSON Schema pass, then the checks a schema cannot express.
 *
 * @module
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import calendarSchema from '../../schema/calendar.schema.json' with { type: 'json' };
import { toJsonPointer } from '../json-pointer.ts';
import { type CalendarIssue, type CalendarIssueCode, calendarIssueCodes } from './calendar-error.ts';
import type { CalendarSpec } from './calendar-spec.ts';
import {
  civilFromDays,
  formatLocalDate,
  parseLocalDate,
  parseTimeOfDay,
  weekdayIndex,
  weekdayKeys,
} from './local-date.ts';
import { findZoneClock } from './zone-clock.ts';

/**
 * The result of {@link validateCalendar}. `ok: true` carries the input typed as a
 * {@link CalendarSpec} (the same object, not a copy) and any warnings; `ok: false` carries every
 * issue found, errors and warnings.
 */
export type ValidateCalendarResult =
  { ok: true; calendar: CalendarSpec; issues: CalendarIssue[] } | { ok: false; issues: CalendarIssue[] };

type Path = (string | number)[];

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const TIME_SHAPE = /^\d{2}:\d{2}$/;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const YEAR_KEY = /^\d{4}$/;

let schemaValidator: ValidateFunction | undefined;

function getSchemaValidator(): ValidateFunction {
  // Compiled on first use so that importing the package does no work.
  schemaValidator ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(calendarSchema);
  return schemaValidator;
}

/**
 * Validates a calendar document (parsed JSON): the schema pass (schema/calendar.schema.json),
 * then semantic checks: real times and dates, working intervals with start < end in ascending
 * order without overlap, at least one working weekday, every date filed under its own year,
 * holiday ranges with `from` ≤ `to`, make-up workdays on days that are otherwise off and not
 * holidays, and a time zone `Intl` knows.
 *
 * Pure. Never throws, whatever the input. Every issue has a `CAL_*` code
 * (see {@link calendarIssueCodes}), a severity, a JSON Pointer into the input and a message that
 * says where, what and how to fix. Only issues of severity `error` make the result `ok: false`.
 *
 * @example
 * const result = validateCalendar(JSON.parse(text));
 * if (!result.ok) for (const issue of result.issues) console.log(issue.path, issue.message);
 */
export function validateCalendar(json: unknown): ValidateCalendarResult {
  let issues: CalendarIssue[];
  try {
    issues = [...schemaIssues(json), ...semanticIssues(json)];
  } catch (error) {
    // Defensive: nothing above should throw, but the contract is "never throws".
    issues = [
      issue(
        'CAL_SCHEMA',
        [],
        `The calendar could not be checked (${error instanceof Error ? error.message : String(error)}). Check that it is plain JSON.`,
      ),
    ];
  }
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  return { ok: true, calendar: json as CalendarSpec, issues };
}

function issue(code: CalendarIssueCode, path: Path | string, message: string): CalendarIssue {
  return {
    code,
    severity: calendarIssueCodes[code].severity,
    path: typeof path === 'string' ? path : toJsonPointer(path),
    message,
  };
}

function where(pointer: string): string {
  return pointer === '' ? 'the top level' : pointer;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ---------------------------------------------------------------------------------------------
// Schema pass

function schemaIssues(json: unknown): CalendarIssue[] {
  const validate = getSchemaValidator();
  if (validate(json)) return [];
  const out: CalendarIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const converted = fromAjvError(error);
    if (!converted) continue;
    const key = `${converted.code}|${converted.path}|${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(converted);
  }
  return out;
}

function fromAjvError(error: ErrorObject): CalendarIssue | undefined {
  const path = error.instancePath;
  const at = `At ${where(path)}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const hint = /\/workingHours$/.test(path) ? ' (use [] for a day off)' : '';
      return issue('CAL_MISSING_PROPERTY', path, `${at}: required property "${missing}" is missing. Add it${hint}.`);
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      return issue(
        'CAL_UNKNOWN_PROPERTY',
        `${path}/${escapeSegment(extra)}`,
        `${at}: property "${extra}" is not allowed here. Allowed: ${allowed.map((a) => `"${a}"`).join(', ')}. Remove it or correct its spelling.`,
      );
    }
    case 'type':
      return issue(
        'CAL_WRONG_TYPE',
        path,
        `${at}: expected ${String(params.type)}, got ${jsonType(error.data)}. Use a value of type ${String(params.type)}.`,
      );
    case 'propertyNames':
      // The failing inner keyword (a pattern) is reported on its own, with the property name.
      return undefined;
    case 'pattern': {
      const pattern = String(params.pattern);
      if (error.propertyName !== undefined) {
        return issue(
          'CAL_BAD_FORMAT',
          `${path}/${escapeSegment(error.propertyName)}`,
          `${at}: year key ${JSON.stringify(error.propertyName)} is not a four-digit year. Write it like "2025".`,
        );
      }
      const value = JSON.stringify(error.data);
      if (pattern === calendarSchema.$defs.timeOfDay.pattern) {
        return issue(
          'CAL_BAD_FORMAT',
          path,
          `${at}: ${value} is not a time of day. Write "HH:MM" with two-digit hours and minutes, e.g. "09:00".`,
        );
      }
      if (pattern === calendarSchema.$defs.date.pattern) {
        return issue('CAL_BAD_FORMAT', path, `${at}: ${value} is not a date. Write "YYYY-MM-DD", e.g. "2025-10-01".`);
      }
      if (pattern === calendarSchema.properties.id.pattern) {
        return issue(
          'CAL_BAD_FORMAT',
          path,
          `${at}: ${value} is not a valid calendar id. Use letters, digits, "_", "." and "-", starting with a letter or "_", at most 64 characters, e.g. "cn-mainland".`,
        );
      }
      return issue('CAL_BAD_FORMAT', path, `${at}: ${value} does not match the pattern ${pattern}.`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return issue(
        'CAL_BAD_VALUE',
        path,
        `${at}: ${JSON.stringify(error.data)} is not allowed. Use one of ${allowed}.`,
      );
    }
    case 'minItems':
    case 'items':
      if (/\/workingHours\/[a-z]{3}\/\d+$/.test(path)) {
        const count = Array.isArray(error.data) ? error.data.length : 0;
        return issue(
          'CAL_SCHEMA',
          path,
          `${at}: a working interval is a pair ["HH:MM", "HH:MM"], but this one has ${count} item(s). Write it like ["09:00", "12:00"].`,
        );
      }
      return issue('CAL_SCHEMA', path, `${at}: ${error.message ?? 'invalid'}.`);
    case 'minProperties':
      return issue('CAL_SCHEMA', path, `${at}: the text is empty. Give it in at least one language: "zh-CN" or "en".`);
    case 'minLength':
      return issue('CAL_SCHEMA', path, `${at}: must not be empty. Write a value.`);
    case 'maxLength':
      return issue('CAL_SCHEMA', path, `${at}: is longer than ${String(params.limit)} characters. Shorten it.`);
    default:
      return issue(
        'CAL_SCHEMA',
        path,
        `${at}: ${error.message ?? 'is invalid'}. Check it against schema/calendar.schema.json.`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Semantic pass: defensive over `unknown`; parts the schema pass rejected are skipped, so the
// two passes do not report the same problem twice.

function semanticIssues(json: unknown): CalendarIssue[] {
  const out: CalendarIssue[] = [];
  if (!isObject(json)) return out;

  if (typeof json.timeZone === 'string' && json.timeZone !== '' && !findZoneClock(json.timeZone)) {
    out.push(
      issue(
        'CAL_UNKNOWN_TIME_ZONE',
        ['timeZone'],
        `At /timeZone: time zone ${JSON.stringify(json.timeZone)} is unknown to this runtime. Use an IANA time zone name such as "Asia/Shanghai", "Europe/Berlin" or "UTC".`,
      ),
    );
  }

  // Per weekday index: the well-formed intervals (minutes), or undefined when the day is absent.
  const weekly: ([number, number][] | undefined)[] = weekdayKeys.map(() => undefined);
  const hours = json.workingHours;
  if (isObject(hours)) {
    weekdayKeys.forEach((key, index) => {
      const day = hours[key];
      if (Array.isArray(day)) weekly[index] = checkDay(day, ['workingHours', key], WEEKDAY_NAMES[index] ?? key, out);
    });
    if (weekdayKeys.every((key) => Array.isArray(hours[key]) && (hours[key] as unknown[]).length === 0)) {
      out.push(
        issue(
          'CAL_NO_WORKING_HOURS',
          ['workingHours'],
          'At /workingHours: no weekday has working hours, so no deadline could ever be reached. Give at least one day an interval, e.g. "mon": [["09:00", "17:00"]].',
        ),
      );
    }
  }

  const years = json.years;
  if (isObject(years)) {
    for (const [key, year] of Object.entries(years)) {
      if (YEAR_KEY.test(key) && isObject(year)) checkYear(Number(key), year, ['years', key], weekly, out);
    }
  }
  return out;
}

function checkDay(day: unknown[], path: Path, dayName: string, out: CalendarIssue[]): [number, number][] {
  const intervals: [number, number][] = [];
  let previousEnd = -1;
  day.forEach((interval, j) => {
    if (!Array.isArray(interval) || interval.length !== 2) return;
    const [startText, endText] = interval as unknown[];
    if (typeof startText !== 'string' || typeof endText !== 'string') return;
    if (!TIME_SHAPE.test(startText) || !TIME_SHAPE.test(endText)) return;
    const start = parseTimeOfDay(startText, false);
    const end = parseTimeOfDay(endText, true);
    if (start === undefined) {
      const why =
        startText === '24:00' ? '"24:00" can only end an interval; start at "00:00" instead' : 'use 00:00–23:59';
      out.push(
        issue(
          'CAL_BAD_TIME',
          [...path, j, 0],
          `At ${toJsonPointer([...path, j, 0])}: ${JSON.stringify(startText)} is not a time of day; ${why}.`,
        ),
      );
    }
    if (end === undefined) {
      out.push(
        issue(
          'CAL_BAD_TIME',
          [...path, j, 1],
          `At ${toJsonPointer([...path, j, 1])}: ${JSON.stringify(endText)} is not a time of day; use 00:00–23:59, or "24:00" for the end of the day.`,
        ),
      );
    }
    if (start === undefined || end === undefined) return;
    const at = `At ${toJsonPointer([...path, j])}`;
    if (start >= end) {
      out.push(
        issue(
          'CAL_BAD_INTERVAL',
          [...path, j],
          `${at}: ${dayName}'s interval [${JSON.stringify(startText)}, ${JSON.stringify(endText)}] does not start before it ends. Write [start, end] with start < end; split a night shift at midnight ("24:00" / "00:00").`,
        ),
      );
      return;
    }
    if (start < previousEnd) {
      out.push(
        issue(
          'CAL_OVERLAPPING_INTERVALS',
          [...path, j],
          `${at}: ${dayName}'s interval [${JSON.stringify(startText)}, ${JSON.stringify(endText)}] overlaps or comes before the previous one. List the intervals in time order without overlap.`,
        ),
      );
      return;
    }
    intervals.push([start, end]);
    previousEnd = end;
  });
  return intervals;
}

function checkYear(
  year: number,
  entry: Record<string, unknown>,
  path: Path,
  weekly: ([number, number][] | undefined)[],
  out: CalendarIssue[],
): void {
  const holidayOf = new Map<number, number>(); // day number → index of the first holiday range covering it

  const dateIn = (value: unknown, at: Path): number | undefined => {
    if (typeof value !== 'string' || !DATE_SHAPE.test(value)) return undefined; // the schema pass reports it
    const day = parseLocalDate(value);
    if (day === undefined) {
      out.push(
        issue(
          'CAL_BAD_DATE',
          at,
          `At ${toJsonPointer(at)}: ${JSON.stringify(value)} is not a real date. Correct it (YYYY-MM-DD, Gregorian calendar).`,
        ),
      );
      return undefined;
    }
    if (civilFromDays(day).year !== year) {
      out.push(
        issue(
          'CAL_DATE_OUTSIDE_YEAR',
          at,
          `At ${toJsonPointer(at)}: ${value} is filed under year ${year}. Move it under "${civilFromDays(day).year}"; split a holiday that spans New Year into one range per year.`,
        ),
      );
      return undefined;
    }
    return day;
  };

  const holidays = entry.holidays;
  if (Array.isArray(holidays)) {
    holidays.forEach((holiday: unknown, j) => {
      if (!isObject(holiday)) return;
      const at: Path = [...path, 'holidays', j];
      const from = dateIn(holiday.from, [...at, 'from']);
      const to = dateIn(holiday.to, [...at, 'to']);
      if (from === undefined || to === undefined) return;
      if (from > to) {
        out.push(
          issue(
            'CAL_BAD_HOLIDAY_RANGE',
            at,
            `At ${toJsonPointer(at)}: the range runs from ${String(holiday.from)} back to ${String(holiday.to)}. Swap "from" and "to"; for one day set both to the same date.`,
          ),
        );
        return;
      }
      let reported = false;
      for (let day = from; day <= to; day++) {
        const other = holidayOf.get(day);
        if (other !== undefined && !reported) {
          reported = true;
          out.push(
            issue(
              'CAL_OVERLAPPING_HOLIDAYS',
              at,
              `At ${toJsonPointer(at)}: this range shares ${formatLocalDate(day)} with ${toJsonPointer([...path, 'holidays', other])}. Check both against the official schedule and merge or correct them.`,
            ),
          );
        }
        if (other === undefined) holidayOf.set(day, j);
      }
    });
  }

  const workdays = entry.workdays;
  if (Array.isArray(workdays)) {
    const seen = new Map<number, number>();
    workdays.forEach((workday: unknown, j) => {
      if (!isObject(workday)) return;
      const at: Path = [...path, 'workdays', j];
      const day = dateIn(workday.date, [...at, 'date']);
      if (day === undefined) return;
      const text = formatLocalDate(day);
      const first = seen.get(day);
      if (first !== undefined) {
        out.push(
          issue(
            'CAL_DUPLICATE_WORKDAY',
            at,
            `At ${toJsonPointer(at)}: ${text} is already listed at ${toJsonPointer([...path, 'workdays', first])}. Remove one of the two entries.`,
          ),
        );
        return;
      }
      seen.set(day, j);
      const holiday = holidayOf.get(day);
      if (holiday !== undefined) {
        out.push(
          issue(
            'CAL_WORKDAY_IN_HOLIDAY',
            [...at, 'date'],
            `At ${toJsonPointer([...at, 'date'])}: ${text} is also a holiday (${toJsonPointer([...path, 'holidays', holiday])}). Remove it from one of the two lists.`,
          ),
        );
      }
      const weekday = weekdayIndex(day);
      if ((weekly[weekday]?.length ?? 0) > 0) {
        out.push(
          issue(
            'CAL_WORKDAY_NOT_DAY_OFF',
            [...at, 'date'],
            `At ${toJsonPointer([...at, 'date'])}: ${text} is a ${WEEKDAY_NAMES[weekday] ?? ''}, which already has working hours, so a make-up workday there changes nothing. Check the date against the official schedule; make-up workdays are normally a Saturday or Sunday.`,
          ),
        );
      }
      const explicit = workday.hoursOf !== undefined;
      const hoursOf = explicit ? workday.hoursOf : 'mon';
      const source = weekdayKeys.indexOf(hoursOf as (typeof weekdayKeys)[number]);
      if (source >= 0 && weekly[source] !== undefined && weekly[source].length === 0) {
        const target = explicit ? [...at, 'hoursOf'] : at;
        out.push(
          issue(
            'CAL_WORKDAY_WITHOUT_HOURS',
            target,
            `At ${toJsonPointer(target)}: ${text} takes the hours of ${WEEKDAY_NAMES[source] ?? String(hoursOf)}${explicit ? '' : ' (the default)'}, which has no working hours. Set "hoursOf" to a weekday with working hours.`,
          ),
        );
      }
    });
  }
}
