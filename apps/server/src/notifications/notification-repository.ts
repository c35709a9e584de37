import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { LocalizedText, NotificationKind, UserNotification } from '@baton/client/contract';
import type { Database, NotificationRow } from '../db/schema.ts';
import { nodeNameSql } from '../models/node-name-sql.ts';

/** A notification row with the model key and business key of its instance (null without one) and its node's name. */
type NotificationQueryRow = NotificationRow & {
  model_key: string | null;
  business_key: string | null;
  node_name: LocalizedText | null;
};

/** The columns joined to every notification: its instance's keys and the name of the node it is about. */
const joinedColumns = [
  'process_models.key as model_key',
  'instances.business_key as business_key',
  nodeNameSql(sql.ref('instances.version_id'), sql`notifications.payload->>'node'`).as('node_name'),
] as const;

/**
 * The notifications of one user, each joined with its instance's model key and business key
 * and the name of its node.
 * Every read here starts from it, so no caller can reach another user's rows.
 */
function notificationsOf(db: Kysely<Database>, userId: number) {
  return db
    .selectFrom('notifications')
    .leftJoin('instances', 'instances.id', 'notifications.instance_id')
    .leftJoin('process_models', 'process_models.id', 'instances.model_id')
    .selectAll('notifications')
    .select(joinedColumns)
    .where('notifications.user_id', '=', userId);
}

/** Converts a row of {@link notificationsOf} to the API shape. Pure. */
export function toNotificationDto(row: NotificationQueryRow): UserNotification {
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    instanceId: row.instance_id,
    taskId: row.task_id,
    modelKey: row.model_key,
    businessKey: row.business_key,
    nodeName: row.node_name,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** What {@link listNotifications} lists. */
export interface ListNotificationsOptions {
  /** Whose notifications. */
  userId: number;
  /** true: only unread; false: only read; undefined: both. */
  unread?: boolean;
  limit: number;
  offset: number;
}

/**
 * One user's notifications, newest first (by id), with their instances' model and business
 * keys. Served by `notifications (user_id, id)` (and its partial twin for unread ones).
 *
 * @example
 * const page = await listNotifications(db, { userId: 7, unread: true, limit: 50, offset: 0 });
 */
export async function listNotifications(
  db: Kysely<Database>,
  options: ListNotificationsOptions,
): Promise<UserNotification[]> {
  let query = notificationsOf(db, options.userId);
  if (options.unread !== undefined)
    query = query.where('notifications.read_at', options.unread ? 'is' : 'is not', null);
  const rows = await query.orderBy('notifications.id', 'desc').limit(options.limit).offset(options.offset).execute();
  return rows.map(toNotificationDto);
}

/** Which notification {@link markNotificationRead} marks, for whom, at what instant. */
export interface MarkNotificationReadOptions {
  id: number;
  /** The caller: someone else's notification is left alone and answers undefined. */
  userId: number;
  /** The read time as SQL (the run loop's clock, `nowSql(clock)`). */
  now: RawBuilder<Date>;
}

/**
 * Marks one of a user's notifications read and returns it, in one statement (the update scoped
 * to the user and the joined read of the row it returns). Idempotent: `coalesce` keeps the first
 * read time. Undefined when the id is unknown or not the user's.
 */
export async function markNotificationRead(
  db: Kysely<Database>,
  options: MarkNotificationReadOptions,
): Promise<UserNotification | undefined> {
  const row = await db
    .with('marked', (q) =>
      q
        .updateTable('notifications')
        .set({ read_at: sql<Date>`coalesce(read_at, ${options.now})` })
        .where('id', '=', options.id)
        .where('user_id', '=', options.userId)
        .returningAll(),
    )
    .selectFrom('marked as notifications')
    .leftJoin('instances', 'instances.id', 'notifications.instance_id')
    .leftJoin('process_models', 'process_models.id', 'instances.model_id')
    .selectAll('notifications')
    .select(joinedColumns)
    .executeTakeFirst();
  return row && toNotificationDto(row);
}

/** Whose notifications {@link markAllNotificationsRead} marks, at what instant. */
export interface MarkAllNotificationsReadOptions {
  userId: number;
  /** The read time as SQL (the run loop's clock, `nowSql(clock)`). */
  now: RawBuilder<Date>;
}

/** Marks every unread notification of a user read; returns how many were. */
export async function markAllNotificationsRead(
  db: Kysely<Database>,
  options: MarkAllNotificationsReadOptions,
): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: options.now })
    .where('user_id', '=', options.userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
