import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import {
  type ListNotificationsQuery,
  type NotificationKind,
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
import type { Database, NotificationRow } from '../db/schema.ts';
import { ApiError } from '../errors.ts';
import { nowSql } from '../runtime/clock.ts';
import { type WithPaging, errorResponses } from './common.ts';

/** A notification row with the model key and business key of its instance (null without one). */
type NotificationQueryRow = NotificationRow & { model_key: string | null; business_key: string | null };

/**
 * The notifications of one user, newest first, each joined with its instance's model key and
 * business key. Every query here starts from it, so no route can reach another user's rows.
 */
function notificationsOf(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('notifications')
    .leftJoin('instances', 'instances.id', 'notifications.instance_id')
    .leftJoin('process_models', 'process_models.id', 'instances.model_id')
    .selectAll('notifications')
    .select(['process_models.key as model_key', 'instances.business_key as business_key'])
    .where('notifications.user_id', '=', userId);
}

/** Converts a row of {@link notificationsOf} to the API shape. */
function toNotificationDto(row: NotificationQueryRow): UserNotification {
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    instanceId: row.instance_id,
    taskId: row.task_id,
    modelKey: row.model_key,
    businessKey: row.business_key,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

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
      let query = notificationsOf(app.db, user.id);
      if (unread !== undefined) query = query.where('notifications.read_at', unread ? 'is' : 'is not', null);
      const rows = await query.orderBy('notifications.id', 'desc').limit(limit).offset(offset).execute();
      return rows.map(toNotificationDto);
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
      // One statement: the update (scoped to the caller) and the joined read of the row it
      // returns. coalesce keeps the first read time, so repeating the call changes nothing.
      const row = await app.db
        .with('marked', (db) =>
          db
            .updateTable('notifications')
            .set({ read_at: sql<Date>`coalesce(read_at, ${nowSql(app.runtime.clock)})` })
            .where('id', '=', id)
            .where('user_id', '=', user.id)
            .returningAll(),
        )
        .selectFrom('marked as notifications')
        .leftJoin('instances', 'instances.id', 'notifications.instance_id')
        .leftJoin('process_models', 'process_models.id', 'instances.model_id')
        .selectAll('notifications')
        .select(['process_models.key as model_key', 'instances.business_key as business_key'])
        .executeTakeFirst();
      if (!row) throw new ApiError('API_NOTIFICATION_NOT_FOUND', { id });
      const dto = toNotificationDto(row);
      // The caller's other sessions (another tab, the phone) mark it read too.
      // (read_at is set by the update above; the check only narrows the type.)
      if (dto.readAt !== null) app.runtime.hub.publish({ type: 'notification.read', id, readAt: dto.readAt }, { users: [user.username] });
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
      const result = await app.db
        .updateTable('notifications')
        .set({ read_at: nowSql(app.runtime.clock) })
        .where('user_id', '=', user.id)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      const updated = Number(result.numUpdatedRows);
      if (updated > 0) app.runtime.hub.publish({ type: 'notification.read', all: true, count: updated }, { users: [user.username] });
      return { updated };
    },
  );
}
