/**
 * The caller's notifications: `GET /api/notifications`, `POST /api/notifications/:id/read` and
 * `POST /api/notifications/read-all`.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { emptyBodySchema, localizedTextResponseSchema } from './common.ts';
import { freeObject, nullable, stringEnum, timestamp } from './schema.ts';

/** Why the run loop told someone about a task: the engine's notify reasons. */
export const notificationKinds = ['reminder', 'escalation', 'urge', 'assigned'] as const;
/** @see notificationKinds */
export type NotificationKind = (typeof notificationKinds)[number];

/** Schema of {@link UserNotification}. */
export const userNotificationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: stringEnum(notificationKinds),
    instanceId: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'The instance it is about; null if it was not about one.',
    }),
    taskId: Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      description: 'The task row it is about (as in `GET /api/tasks/:id`); null if none.',
    }),
    modelKey: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'The process model key of the instance; null without an instance.',
    }),
    businessKey: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'The business key of the instance; null when it has none.',
    }),
    /** The name of the node it is about (the task's step); null when it has none (show `payload.node`). */
    nodeName: nullable(localizedTextResponseSchema),
    payload: freeObject({
      description: "What the engine said: `reason`, `node`, and `task` (the engine's task key) / `action` when set.",
    }),
    createdAt: timestamp,
    readAt: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: 'When the caller marked it read; null while unread.',
    }),
  },
  { additionalProperties: false },
);
/**
 * One notification of the caller: a reminder, an escalation, an urge or an assignment written
 * by the run loop (the same event the websocket pushes as `notification.created`).
 */
export type UserNotification = Static<typeof userNotificationSchema>;

/** Schema of {@link ReadAllNotificationsResult}. */
export const readAllNotificationsResultSchema = Type.Object(
  {
    updated: Type.Integer({
      minimum: 0,
      description: 'How many unread notifications of the caller were marked read (0 when none were left).',
    }),
  },
  { additionalProperties: false },
);
/** The answer of `POST /api/notifications/read-all`. */
export type ReadAllNotificationsResult = Static<typeof readAllNotificationsResultSchema>;

/** Query string of `GET /api/notifications`. */
export const listNotificationsQuerySchema = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'true: only unread; false: only read; left out: both.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/notifications` (the caller's own notifications, newest first). */
export type ListNotificationsQuery = Static<typeof listNotificationsQuerySchema>;

/** Path parameters `{ id }` of `POST /api/notifications/:id/read`. */
export const notificationParamsSchema = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
/** @see notificationParamsSchema */
export type NotificationParams = Static<typeof notificationParamsSchema>;

/**
 * Body schema of `POST /api/notifications/:id/read` and `POST /api/notifications/read-all`:
 * no body, `null` or `{}` ({@link emptyBodySchema}); any field is refused with 400.
 */
export const markNotificationsReadBodySchema = emptyBodySchema;

/** Schema of the answer of `GET /api/notifications`. */
export const userNotificationListSchema = Type.Array(userNotificationSchema);
