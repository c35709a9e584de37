import type { FastifyInstance } from 'fastify';
import { type CalendarInfo, calendarListSchema } from '@baton/client/contract';
import { errorResponses } from '../http/route-schemas.ts';

/** `GET /api/calendars` (any logged-in user): the business calendars and the years their holiday data covers. */
export async function calendarRoutes(app: FastifyInstance): Promise<void> {
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
}
