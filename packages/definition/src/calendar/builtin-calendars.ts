/**
 * The calendars shipped with Baton, bundled as data so callers need no I/O.
 *
 * @module
 */
import cnMainland from '../../calendars/cn-mainland.json' with { type: 'json' };
import standard from '../../calendars/standard.json' with { type: 'json' };
import type { CalendarSpec } from './calendar-spec.ts';

/** The id of a shipped calendar. @see builtinCalendars */
export type BuiltinCalendarId = 'cn-mainland' | 'standard';

/**
 * The calendars shipped with Baton, by id (the documents in `calendars/`):
 * - `standard`: Monday–Friday 09:00–17:00 UTC, no holidays (the default calendar);
 * - `cn-mainland`: Monday–Friday 09:00–12:00 and 13:00–18:00 Asia/Shanghai, with the State
 *   Council's public holidays and make-up workdays (调休) for 2025 and 2026.
 *
 * @example
 * const cn = createCalendar(builtinCalendars['cn-mainland']);
 */
export const builtinCalendars: Readonly<Record<BuiltinCalendarId, CalendarSpec>> = {
  // JSON imports type intervals as string[] rather than [start, end] pairs; a test validates
  // both documents against the schema, which is what makes this cast safe.
  'cn-mainland': cnMainland as unknown as CalendarSpec,
  standard: standard as unknown as CalendarSpec,
};
