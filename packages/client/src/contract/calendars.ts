/**
 * Business calendars: `GET /api/calendars` lists each calendar and the years its holiday data
 * covers, so that operators see when next year's schedule must be added.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema } from './common.ts';
import { nullableString } from './schema.ts';

/** Schema of {@link CalendarInfo}. */
export const calendarInfoSchema = Type.Object({
  key: Type.String({ description: 'The calendar id definitions name (`cn-mainland`).' }),
  name: localizedTextResponseSchema,
  years: Type.Array(Type.Integer(), {
    description: 'The years with a holiday schedule, ascending; other years use the plain weekly hours.',
  }),
  coveredUntil: Type.Unsafe<string | null>({
    ...nullableString,
    description: 'The last local date covered (`2026-12-31`), or null when the calendar has no holiday schedule.',
  }),
});
/** A business calendar as `GET /api/calendars` lists it: which years its holiday data covers. */
export type CalendarInfo = Static<typeof calendarInfoSchema>;

/** Schema of the answer of `GET /api/calendars`. */
export const calendarListSchema = Type.Array(calendarInfoSchema);
