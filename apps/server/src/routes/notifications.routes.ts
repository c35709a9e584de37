import type { FastifyInstance } from 'fastify';
import {
  type ListNotificationsQuery,
  type NotificationParams,
  type ReadAllNotificationsResult,
  type UserNotification,
  listNotificationsQuerySchema,
  markNotificationsReadBodySchema,
  notificationParamsSchema,
  readAllNotificationsResultSchema,
  userNotificationListSchema,
  userNotificationSchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow } from '../auth/auth.plugin.ts';
import { ApiError } from '../errors.ts';
import { type WithPaging, errorResponses } from '../http/route-schemas.ts';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../notifications/notification-repository.ts';
import { nowSql } from '../runtime/clock.ts';

/**
 * The caller's notifications (reminders, escalations, urges, assignments the run loop wrote):
 * list them newest first, mark one read, mark all read. Every route reads and writes only the
 * logged-in user's rows; someone else's notification id answers 404 like an unknown one, so ids
 * reveal nothing. Read times come from the run loop's clock, like the rows' `created_at`.
 */
export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: WithPaging<ListNotificationsQuery> }>(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first (unread=true: only unread; unread=false: only read)',
        querystring: listNotificationsQuerySchema,
        response: { 200: userNotificationListSchema, ...errorResponses },
      },
    },
    async (request): Promise<UserNotification[]> => {
      const user = getCurrentUserOrThrow(request);
      const { unread, limit, offset } = request.query;
      return listNotifications(app.db, { userId: user.id, ...(unread !== undefined ? { unread } : {}), limit, offset });
    },
  );

  app.post<{ Params: NotificationParams }>(
    '/api/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of your notifications read (idempotent: a second call keeps the first read time)',
        params: notificationParamsSchema,
        body: markNotificationsReadBodySchema,
        response: { 200: userNotificationSchema, ...errorResponses },
      },
    },
    async (request): Promise<UserNotification> => {
      const user = getCurrentUserOrThrow(request);
      const id = request.params.id;
      const dto = await markNotificationRead(app.db, { id, userId: user.id, now: nowSql(app.runtime.clock) });
      if (!dto) throw new ApiError('API_NOTIFICATION_NOT_FOUND', { id });
      // The caller's other sessions (another tab, the phone) mark it read too.
      // (read_at is set by the update above; the check only narrows the type.)
      if (dto.readAt !== null)
        app.runtime.hub.publish({ type: 'notification.read', id, readAt: dto.readAt }, { users: [user.username] });
      return dto;
    },
  );

  app.post(
    '/api/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark all your unread notifications read; answers how many were',
        body: markNotificationsReadBodySchema,
        response: { 200: readAllNotificationsResultSchema, ...errorResponses },
      },
    },
    async (request): Promise<ReadAllNotificationsResult> => {
      const user = getCurrentUserOrThrow(request);
      const updated = await markAllNotificationsRead(app.db, { userId: user.id, now: nowSql(app.runtime.clock) });
      if (updated > 0)
        app.runtime.hub.publish({ type: 'notification.read', all: true, count: updated }, { users: [user.username] });
      return { updated };
    },
  );
}
