/**
 * Business calendars: `GET /api/calendars` lists each calendar and the years its holiday data
 * covers, so that operators see when next year's schedule must be added.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema, localizedTextSchema } from './common.ts';
import { nullableString, stringEnum } from './schema.ts';

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

const datePattern = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Schema of {@link CalendarYearBody}: one year's holiday schedule, as in the calendar schema
 * (`packages/definition/schema/calendar.schema.json`, `$defs/year`). The server checks the rest
 * with `validateCalendar` (real dates, every date in that year, make-up workdays on days off).
 */
export const calendarYearBodySchema = Type.Object(
  {
    source: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'Where the schedule comes from (the official notice).',
      }),
    ),
    holidays: Type.Optional(
      Type.Array(
        Type.Object(
          {
            from: Type.String({ pattern: datePattern }),
            to: Type.String({ pattern: datePattern }),
            name: Type.Optional(localizedTextSchema),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100, description: 'Public holidays, `from` to `to` included.' },
      ),
    ),
    workdays: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: Type.String({ pattern: datePattern }),
            name: Type.Optional(localizedTextSchema),
            hoursOf: Type.Optional(stringEnum(weekdays)),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100, description: 'Make-up workdays (调休上班) on days that are normally off.' },
      ),
    ),
  },
  { additionalProperties: false },
);
/** Body of `PUT /api/calendars/:key/years/:year`: the year's holidays and make-up workdays. */
export type CalendarYearBody = Static<typeof calendarYearBodySchema>;

/** Schema of {@link CalendarDetail}. */
export const calendarDetailSchema = Type.Object({
  key: Type.String(),
  name: localizedTextResponseSchema,
  timeZone: Type.String(),
  workingHours: Type.Unsafe<Record<(typeof weekdays)[number], [string, string][]>>({
    type: 'object',
    additionalProperties: true,
    description: 'Working intervals per weekday (`mon` … `sun`), local wall time.',
  }),
  years: Type.Array(Type.Integer()),
  coveredUntil: calendarInfoSchema.properties.coveredUntil,
  /** Days before the end of coverage from which clients warn. */
  warningDays: Type.Integer(),
  schedules: Type.Unsafe<Record<string, CalendarYearBody>>({
    type: 'object',
    additionalProperties: true,
    description: 'Each year\'s schedule by four-digit year ("2026"): holidays and make-up workdays.',
  }),
  storedYears: Type.Array(Type.Integer(), {
    description: 'The years added or corrected through the API (kept in the database), ascending.',
  }),
});
/** One business calendar with every year's schedule. */
export type CalendarDetail = Static<typeof calendarDetailSchema>;

/** Path parameters of `GET /api/calendars/:key`. */
export const calendarParamsSchema = Type.Object({
  key: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$' }),
});
/** @see calendarParamsSchema */
export type CalendarParams = Static<typeof calendarParamsSchema>;

/** Path parameters of `PUT /api/calendars/:key/years/:year`. */
export const calendarYearParamsSchema = Type.Object({
  key: calendarParamsSchema.properties.key,
  year: Type.Integer({ minimum: 1970, maximum: 2200 }),
});
/** @see calendarYearParamsSchema */
export type CalendarYearParams = Static<typeof calendarYearParamsSchema>;
