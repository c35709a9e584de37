import type { FastifyInstance } from 'fastify';
import {
  type CalendarDetail,
  type CalendarInfo,
  type CalendarParams,
  type CalendarYearBody,
  type CalendarYearParams,
  calendarDetailSchema,
  calendarListSchema,
  calendarParamsSchema,
  calendarYearBodySchema,
  calendarYearParamsSchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow, requireRole } from '../auth/auth.plugin.ts';
import type { LiveCalendarRegistry } from '../calendars/calendar-registry.ts';
import { reloadCalendars, storeCalendarYear, toCalendarDetail } from '../calendars/calendar-years.ts';
import { errorResponses } from '../http/route-schemas.ts';

/**
 * Business calendars: `GET /api/calendars` (any logged-in user) lists them with the years their
 * holiday data covers; `GET /api/calendars/:key` gives one with every year's schedule;
 * `PUT /api/calendars/:key/years/:year` (operator, admin) adds or corrects a year without a code
 * change: stored in the database, and the run loop counts new deadlines with it at once.
 */
export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  const registry = app.calendars as LiveCalendarRegistry;

  app.get(
    '/api/calendars',
    {
      schema: {
        tags: ['calendars'],
        summary:
          'List the business calendars with the years their holiday data covers (coveredUntil: the last covered date)',
        response: { 200: calendarListSchema, ...errorResponses },
      },
    },
    async (): Promise<CalendarInfo[]> =>
      app.calendars.entries.map((e) => ({
        key: e.key,
        name: e.name,
        years: [...e.years],
        coveredUntil: e.coveredUntil,
      })),
  );

  app.get<{ Params: CalendarParams }>(
    '/api/calendars/:key',
    {
      schema: {
        tags: ['calendars'],
        summary: "One business calendar with its working hours and every year's holidays and make-up workdays",
        params: calendarParamsSchema,
        response: { 200: calendarDetailSchema, ...errorResponses },
      },
    },
    async (request): Promise<CalendarDetail> => toCalendarDetail(registry, request.params.key),
  );

  app.put<{ Params: CalendarYearParams; Body: CalendarYearBody }>(
    '/api/calendars/:key/years/:year',
    {
      onRequest: requireRole('operator', 'admin'),
      schema: {
        tags: ['calendars'],
        summary:
          "Add or correct a year's holidays and make-up workdays (validated by the calendar schema); new deadlines honour it at once",
        params: calendarYearParamsSchema,
        body: calendarYearBodySchema,
        response: { 200: calendarDetailSchema, ...errorResponses },
      },
    },
    async (request): Promise<CalendarDetail> => {
      const user = getCurrentUserOrThrow(request);
      const { key, year } = request.params;
      await storeCalendarYear(app.db, registry, {
        key,
        year,
        schedule: request.body,
        userId: user.id,
      });
      await reloadCalendars(app, registry);
      return toCalendarDetail(registry, key);
    },
  );
}
