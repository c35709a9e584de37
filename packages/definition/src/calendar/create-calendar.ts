/**
 * `createCalendar`: working-time arithmetic on epoch milliseconds for a calendar document.
 *
 * @module
 */
import { CalendarError } from './calendar-error.ts';
import type { CalendarSpec } from './calendar-spec.ts';
import type { Duration } from './duration.ts';
import {
  DAY_MS,
  MINUTE_MS,
  civilFromDays,
  parseLocalDate,
  parseTimeOfDay,
  weekdayIndex,
  weekdayKeys,
} from './local-date.ts';
import { validateCalendar } from './validate-calendar.ts';
import { type ZoneClock, findZoneClock } from './zone-clock.ts';

/** How {@link BusinessCalendar.addDuration} counts: working time, or calendar/clock time. */
export type DurationMode = 'working' | 'clock';

/** A working interval as instants: `[start, end)` in epoch milliseconds. */
export interface InstantInterval {
  start: number;
  end: number;
}

/**
 * Working-time arithmetic for one calendar. Instants are epoch milliseconds (numbers); nothing
 * reads a clock. Working time is a union of half-open intervals `[start, end)`: the instant a
 * day's work ends is not working time.
 *
 * All methods are pure (results are cached internally) and throw a `CalendarError`
 * `CAL_BAD_ARGUMENT` only for impossible arguments (NaN, negative amounts, malformed dates).
 */
export interface BusinessCalendar {
  /** The calendar's id. */
  readonly id: string;
  /** The IANA time zone of its working hours. */
  readonly timeZone: string;
  /** The document the calendar was created from. */
  readonly spec: CalendarSpec;
  /** The years with a holiday schedule, ascending. Other years use the plain weekly hours. */
  readonly knownYears: readonly number[];
  /**
   * The last local date its holiday data covers (`YYYY-12-31` of the last known year), or `null`
   * for a calendar with no holiday schedule at all (weekly hours only: nothing runs out).
   */
  readonly coveredUntil: string | null;
  /**
   * Whether the holiday data covers every local year from instant `a` to instant `b` (always
   * true for a calendar without holiday schedules). Working time computed across an uncovered
   * year counts its public holidays as working days.
   */
  covers(a: number, b: number): boolean;
  /** Whether instant `t` is working time (inside `[start, end)` of a working interval). */
  isWorkingInstant(t: number): boolean;
  /** The first working instant at or after `t` (`t` itself when it is working time). */
  nextWorkingInstant(t: number): number;
  /**
   * Adds `ms` working milliseconds to `t`: the earliest instant `r ≥ t` with
   * `workingMillisBetween(t, r) === ms`. So `addWorkingTime(t, 0) === t`, and for `ms > 0`
   * the result lies inside working time or exactly at the end of a working interval
   * (the millisecond before it, `r - 1`, is working time): 8 working hours from Monday 09:00 in a
   * 09:00–18:00 calendar with a lunch hour is Monday 18:00, not Tuesday 09:00.
   */
  addWorkingTime(t: number, ms: number): number;
  /**
   * Adds `n` working days to `t` ("1 working day" is the next working day at the same working
   * hour, not 24 working hours). The rule:
   * 1. Start at `s = nextWorkingInstant(t)`; `n = 0` returns `s`.
   * 2. Take the local wall time of `s` (if the clock was turned back earlier that day, the latest
   *    wall time it has shown), and the `n`-th working day after the day of `s` (a working day has
   *    working time after holidays and make-up workdays).
   * 3. On that day, the same wall time is the result when it is working time. Otherwise the
   *    result is clamped into the day's working time: before the first interval → its start;
   *    in a break or after the last interval → the end of the interval before it (so a shorter
   *    day ends the count at its end of work).
   */
  addWorkingDays(t: number, n: number): number;
  /**
   * Adds a duration. `working`: `weeks * 5 + days` working days (see `addWorkingDays`), then the
   * hours, minutes and seconds as working time (see `addWorkingTime`). `clock`: `weeks * 7 + days`
   * local calendar days at the same wall time (daylight-saving aware, like `Temporal`'s
   * `ZonedDateTime.add`: a skipped wall time moves forward by the gap), then the hours, minutes
   * and seconds as elapsed time. A zero duration returns `t`.
   */
  addDuration(t: number, duration: Duration, mode: DurationMode): number;
  /** Working milliseconds in `[a, b)`; 0 when `b ≤ a`. */
  workingMillisBetween(a: number, b: number): number;
  /**
   * Whether a local date (`YYYY-MM-DD`) has working time: weekly hours, minus holidays, plus
   * make-up workdays.
   */
  isWorkingDay(localDate: string): boolean;
  /** The working intervals of a local date (`YYYY-MM-DD`) as instants, in order; `[]` for a day off. */
  workingIntervalsOn(localDate: string): InstantInterval[];
}

/** How many days without any working time the maths scans before giving up. */
const MAX_IDLE_DAYS = 3660;
const MAX_CACHED_DAYS = 50_000;

type Minutes = readonly (readonly [number, number])[];

/**
 * Creates the working-time arithmetic for a calendar document.
 *
 * The document is validated first; a {@link CalendarError} `CAL_INVALID_CALENDAR` (with
 * `error.issues`) is thrown when it has errors. Day schedules are computed lazily and cached, so
 * thousands of deadlines per second are cheap; the maths steps by working intervals, never by
 * minutes. Calling it again with the same document object returns the same calendar, so do not
 * mutate a document after creating its calendar.
 *
 * @example
 * const cn = createCalendar(builtinCalendars['cn-mainland']);
 * const due = cn.addDuration(Date.parse('2025-09-30T16:00:00+08:00'), { weeks: 0, days: 1, hours: 0, minutes: 0, seconds: 0 }, 'working');
 * // due === Date.parse('2025-10-09T16:00:00+08:00'): the National Day holiday is skipped
 */
export function createCalendar(spec: CalendarSpec): BusinessCalendar {
  let calendar = created.get(spec);
  if (!calendar) {
    calendar = buildCalendar(spec);
    created.set(spec, calendar);
  }
  return calendar;
}

// One calendar (and its cache of day schedules) per document object.
const created = new WeakMap<CalendarSpec, BusinessCalendar>();

function buildCalendar(spec: CalendarSpec): BusinessCalendar {
  const result = validateCalendar(spec);
  if (!result.ok) {
    const errors = result.issues.filter((i) => i.severity === 'error');
    const id = typeof (spec as { id?: unknown } | null)?.id === 'string' ? `"${spec.id}"` : '(no id)';
    const first = errors
      .slice(0, 3)
      .map((i) => i.message)
      .join(' ');
    throw new CalendarError(
      'CAL_INVALID_CALENDAR',
      `createCalendar: calendar ${id} is invalid (${errors.length} error(s)). ${first}${errors.length > 3 ? ' …' : ''} Fix the issues listed in error.issues.`,
      result.issues,
    );
  }
  const clock = findZoneClock(spec.timeZone) as ZoneClock; // validated above

  const toMinutes = (intervals: readonly (readonly [string, string])[]): Minutes =>
    intervals.map(([start, end]) => [parseTimeOfDay(start, false) ?? 0, parseTimeOfDay(end, true) ?? 0] as const);
  const weekly: Minutes[] = weekdayKeys.map((key) => toMinutes(spec.workingHours[key]));

  const holidays = new Set<number>();
  const makeUp = new Map<number, number>(); // day number → weekday index whose hours apply
  const knownYears: number[] = [];
  for (const [key, year] of Object.entries(spec.years ?? {})) {
    knownYears.push(Number(key));
    for (const holiday of year.holidays ?? []) {
      const from = parseLocalDate(holiday.from) ?? 0;
      const to = parseLocalDate(holiday.to) ?? -1;
      for (let day = from; day <= to; day++) holidays.add(day);
    }
    for (const workday of year.workdays ?? []) {
      const day = parseLocalDate(workday.date);
      if (day !== undefined) makeUp.set(day, weekdayKeys.indexOf(workday.hoursOf ?? 'mon'));
    }
  }
  knownYears.sort((a, b) => a - b);
  Object.freeze(knownYears);

  function localMinutes(day: number): Minutes {
    const hoursOf = makeUp.get(day);
    if (hoursOf !== undefined) return weekly[hoursOf] ?? [];
    if (holidays.has(day)) return [];
    return weekly[weekdayIndex(day)] ?? [];
  }

  // Day number → flat [start0, end0, start1, end1, …] instants. Intervals of consecutive days
  // never interleave: 'monotone' maps later wall times to later (or equal) instants.
  const schedules = new Map<number, readonly number[]>();
  function schedule(day: number): readonly number[] {
    const hit = schedules.get(day);
    if (hit) return hit;
    const out: number[] = [];
    let previousEnd = -Infinity;
    for (const [startMinute, endMinute] of localMinutes(day)) {
      const start = Math.max(previousEnd, clock.toInstant(day * DAY_MS + startMinute * MINUTE_MS, 'monotone'));
      const end = clock.toInstant(day * DAY_MS + endMinute * MINUTE_MS, 'monotone');
      // An interval wholly inside a skipped (DST) hour has no working time.
      if (end > start) {
        out.push(start, end);
        previousEnd = end;
      }
    }
    if (schedules.size >= MAX_CACHED_DAYS) schedules.clear();
    schedules.set(day, out);
    return out;
  }

  function noWorkingTime(from: number): never {
    throw new CalendarError(
      'CAL_NO_WORKING_TIME',
      `Calendar "${spec.id}": no working time in the ${MAX_IDLE_DAYS} days after ${new Date(from).toISOString()}. Check its holidays.`,
    );
  }

  function checkInstant(name: string, t: number): void {
    if (!Number.isFinite(t))
      throw new CalendarError(
        'CAL_BAD_ARGUMENT',
        `${name}: instant ${String(t)} is not a finite number of epoch milliseconds.`,
      );
  }

  function checkDate(name: string, localDate: string): number {
    const day = typeof localDate === 'string' ? parseLocalDate(localDate) : undefined;
    if (day === undefined)
      throw new CalendarError(
        'CAL_BAD_ARGUMENT',
        `${name}: ${JSON.stringify(localDate)} is not a local date; write "YYYY-MM-DD", e.g. "2025-10-01".`,
      );
    return day;
  }

  /** The first working interval that ends after `t`, with its day. */
  function firstIntervalEndingAfter(t: number): { day: number; start: number; end: number } {
    let idle = 0;
    for (let day = clock.localDay(t) - 1; ; day++) {
      const s = schedule(day);
      for (let i = 0; i < s.length; i += 2) {
        const end = s[i + 1] as number;
        if (end > t) return { day, start: s[i] as number, end };
      }
      idle = s.length === 0 ? idle + 1 : 0;
      if (idle > MAX_IDLE_DAYS) noWorkingTime(t);
    }
  }

  function isWorkingInstant(t: number): boolean {
    checkInstant('isWorkingInstant', t);
    const { start } = firstIntervalEndingAfter(t);
    return start <= t;
  }

  function nextWorkingInstant(t: number): number {
    checkInstant('nextWorkingInstant', t);
    return Math.max(t, firstIntervalEndingAfter(t).start);
  }

  function addWorkingTime(t: number, ms: number): number {
    checkInstant('addWorkingTime', t);
    if (!Number.isFinite(ms) || ms < 0)
      throw new CalendarError(
        'CAL_BAD_ARGUMENT',
        `addWorkingTime: amount ${String(ms)} must be a finite number of milliseconds ≥ 0.`,
      );
    if (ms === 0) return t;
    let remaining = ms;
    let cursor = t;
    let idle = 0;
    for (let day = clock.localDay(t) - 1; ; day++) {
      const s = schedule(day);
      for (let i = 0; i < s.length; i += 2) {
        const end = s[i + 1] as number;
        if (end <= cursor) continue;
        const from = Math.max(cursor, s[i] as number);
        const available = end - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
        cursor = end;
      }
      idle = s.length === 0 ? idle + 1 : 0;
      if (idle > MAX_IDLE_DAYS) noWorkingTime(cursor);
    }
  }

  function workingMillisBetween(a: number, b: number): number {
    checkInstant('workingMillisBetween', a);
    checkInstant('workingMillisBetween', b);
    if (b <= a) return 0;
    let total = 0;
    // Day D's intervals lie after every instant whose wall date is before D - 1, so the days
    // around the two ends bound the scan even across daylight-saving changes.
    const last = clock.localDay(b) + 1;
    for (let day = clock.localDay(a) - 1; day <= last; day++) {
      const s = schedule(day);
      for (let i = 0; i < s.length; i += 2) {
        const overlap = Math.min(s[i + 1] as number, b) - Math.max(s[i] as number, a);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  }

  /** The wall time the day's clock has reached by `t`: its highest reading since `dayStart`. */
  function wallHighWater(t: number, dayStart: number): number {
    const wall = clock.wallAt(t);
    const startOffset = clock.offsetAt(dayStart);
    if (startOffset <= clock.offsetAt(t)) return wall;
    // The clock was turned back between the start of the day and t; it had shown the wall
    // time just before the change.
    const change = clock.firstOffsetChange(dayStart, t);
    return Math.max(wall, change + startOffset);
  }

  function addWorkingDays(t: number, n: number): number {
    checkInstant('addWorkingDays', t);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new CalendarError('CAL_BAD_ARGUMENT', `addWorkingDays: ${String(n)} must be a whole number of days ≥ 0.`);
    const first = firstIntervalEndingAfter(t);
    const start = Math.max(t, first.start);
    if (n === 0) return start;
    const wallTime = wallHighWater(start, clock.toInstant(first.day * DAY_MS, 'monotone')) - first.day * DAY_MS;
    let day = first.day;
    let idle = 0;
    for (let count = 0; count < n;) {
      day++;
      if (schedule(day).length > 0) {
        count++;
        idle = 0;
      } else if (++idle > MAX_IDLE_DAYS) noWorkingTime(start);
    }
    const s = schedule(day);
    const x = clock.toInstant(day * DAY_MS + wallTime, 'monotone');
    if (x <= (s[0] as number)) return s[0] as number;
    let result = s[1] as number;
    for (let i = 0; i < s.length; i += 2) {
      if ((s[i] as number) > x) break;
      const end = s[i + 1] as number;
      result = x < end ? x : end;
    }
    return result;
  }

  function addDuration(t: number, duration: Duration, mode: DurationMode): number {
    checkInstant('addDuration', t);
    const { weeks, days, hours, minutes, seconds } = duration;
    for (const [key, value] of Object.entries({ weeks, days, hours, minutes, seconds })) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new CalendarError(
          'CAL_BAD_ARGUMENT',
          `addDuration: "${key}" is ${String(value)}; every field must be a whole number ≥ 0.`,
        );
    }
    const timeMs = ((hours * 60 + minutes) * 60 + seconds) * 1000;
    if (mode === 'working') {
      const dayCount = weeks * 5 + days;
      const afterDays = dayCount > 0 ? addWorkingDays(t, dayCount) : t;
      return addWorkingTime(afterDays, timeMs);
    }
    if (mode !== 'clock')
      throw new CalendarError(
        'CAL_BAD_ARGUMENT',
        `addDuration: mode ${JSON.stringify(mode)} must be "working" or "clock".`,
      );
    const dayCount = weeks * 7 + days;
    const afterDays = dayCount > 0 ? clock.toInstant(clock.wallAt(t) + dayCount * DAY_MS, 'compatible') : t;
    return afterDays + timeMs;
  }

  function isWorkingDay(localDate: string): boolean {
    return schedule(checkDate('isWorkingDay', localDate)).length > 0;
  }

  function workingIntervalsOn(localDate: string): InstantInterval[] {
    const s = schedule(checkDate('workingIntervalsOn', localDate));
    const out: InstantInterval[] = [];
    for (let i = 0; i < s.length; i += 2) out.push({ start: s[i] as number, end: s[i + 1] as number });
    return out;
  }

  const covers = (a: number, b: number): boolean => {
    if (knownYears.length === 0) return true;
    const from = civilFromDays(clock.localDay(Math.min(a, b))).year;
    const to = civilFromDays(clock.localDay(Math.max(a, b))).year;
    for (let year = from; year <= to; year++) if (!knownYears.includes(year)) return false;
    return true;
  };

  return {
    id: spec.id,
    timeZone: spec.timeZone,
    spec,
    knownYears,
    coveredUntil: knownYears.length === 0 ? null : `${Math.max(...knownYears)}-12-31`,
    covers,
    isWorkingInstant,
    nextWorkingInstant,
    addWorkingTime,
    addWorkingDays,
    addDuration,
    workingMillisBetween,
    isWorkingDay,
    workingIntervalsOn,
  };
}
