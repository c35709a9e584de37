/**
 * The TypeScript shape of a calendar document (schema/calendar.schema.json).
 *
 * @module
 */
import type { LocalizedText } from '../types.ts';
import type { WeekdayKey } from './local-date.ts';

/** A time of day, `HH:MM` in 24-hour form; `24:00` only as the end of an interval. */
export type TimeOfDay = string;

/** A working interval `[start, end)` in local wall time, e.g. `["09:00", "12:00"]`. */
export type WorkingInterval = [start: TimeOfDay, end: TimeOfDay];

/** Working intervals for each weekday, in ascending order without overlap; `[]` is a day off. */
export type WeeklyHours = Record<WeekdayKey, WorkingInterval[]>;

/** Public holidays `from`..`to` (local dates `YYYY-MM-DD`, both included): no working time. */
export interface HolidayRange {
  from: string;
  to: string;
  name?: LocalizedText;
}

/**
 * A make-up workday (调休上班): a day that is normally off (a weekend) but is worked, with the
 * hours of weekday `hoursOf` (default `mon`).
 */
export interface MakeUpWorkday {
  date: string;
  name?: LocalizedText;
  hoursOf?: WeekdayKey;
}

/** The holiday schedule of one year. Every date in it belongs to that year. */
export interface CalendarYear {
  /** Where the schedule comes from (e.g. the official notice). */
  source?: string;
  holidays?: HolidayRange[];
  workdays?: MakeUpWorkday[];
}

/**
 * A business calendar document: weekly working hours in a time zone, plus per-year public
 * holidays and make-up workdays. A year missing from `years` has no known holidays: the plain
 * weekly hours apply.
 */
export interface CalendarSpec {
  /** Optional link to the JSON Schema, for editors; ignored. */
  $schema?: string;
  /** Stable id that process definitions reference, e.g. `cn-mainland`. */
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  /** IANA time zone of the working hours, e.g. `Asia/Shanghai`. */
  timeZone: string;
  workingHours: WeeklyHours;
  /** Holiday schedules keyed by four-digit year (`"2025"`). */
  years?: Record<string, CalendarYear>;
}
