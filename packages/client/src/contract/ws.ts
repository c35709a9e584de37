/**
 * The websocket protocol of `GET /api/ws`: path, subprotocol names, limits, close codes, the
 * messages a client may send (parsed strictly by {@link parseWsClientMessage}), the replies the
 * server sends back and every event it pushes ({@link WsPushMessage}). Each message has a JSON
 * Schema (what the drift test validates the server's messages against, and what `/docs`
 * shows) and the type derived from it. Pure: no I/O.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { instanceStatuses } from './instances.ts';
import { ccReasons } from './lists.ts';
import { notificationKinds } from './notifications.ts';
import { nullableInteger, stringEnum } from './schema.ts';
import { taskStatuses } from './tasks.ts';

/** The path of the websocket (a `GET` upgraded to a websocket). */
export const wsPath = '/api/ws';

/** The subprotocol the server selects; browsers offering a bearer subprotocol must offer it too. */
export const wsProtocol = 'baton.v1';

/** Prefix of the subprotocol that carries the session token from browsers: `baton.bearer.<jwt>`. */
export const wsBearerProtocolPrefix = 'baton.bearer.';

/** The largest frame a client may send: 64 KiB. A larger one closes the socket with 1009. */
export const wsMaxPayload = 64 * 1024;

/** The most instances one socket may watch at once. */
export const wsMaxInstanceSubscriptions = 500;

/**
 * Close codes the server uses. 4401/4403 follow the `graphql-ws` convention of HTTP status + 4000.
 */
export const wsCloseCodes = {
  /** The server is shutting down. */
  goingAway: 1001,
  /** A frame was larger than {@link wsMaxPayload} (sent by the `ws` library itself). */
  messageTooBig: 1009,
  /** The client reads too slowly: more than the hub's buffer limit is waiting to be sent. */
  tryAgainLater: 1013,
  /** The token expired or its user was deleted: log in again, then reconnect. */
  unauthenticated: 4401,
  /** The user's roles, team or positions changed while instance subscriptions were open: reconnect and subscribe again. */
  accessChanged: 4403,
} as const;

/** The `code` of an `error` reply. */
export const wsErrorCodes = [
  'API_BAD_MESSAGE',
  'API_FORBIDDEN',
  'API_NOT_FOUND',
  'API_LIMIT_EXCEEDED',
  'API_INTERNAL',
] as const;
/** @see wsErrorCodes */
export type WsErrorCode = (typeof wsErrorCodes)[number];

// ---------------------------------------------------------------------------------------------
// Topics and client → server messages
// ---------------------------------------------------------------------------------------------

const instanceIdSchema = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});

/** Schema of {@link WsTopic}. */
export const wsTopicSchema = Type.Union([
  Type.Object({ topic: Type.Literal('inbox') }, { additionalProperties: false }),
  Type.Object({ topic: Type.Literal('instance'), instanceId: instanceIdSchema }, { additionalProperties: false }),
]);
/** What a subscription is about: the caller's inbox, or one instance. */
export type WsTopic = Static<typeof wsTopicSchema>;

function topicMessages<const T extends string>(type: T) {
  return [
    Type.Object({ type: Type.Literal(type), topic: Type.Literal('inbox') }, { additionalProperties: false }),
    Type.Object(
      { type: Type.Literal(type), topic: Type.Literal('instance'), instanceId: instanceIdSchema },
      { additionalProperties: false },
    ),
  ] as const;
}

/** Schema of {@link WsClientMessage}: what {@link parseWsClientMessage} accepts. */
export const wsClientMessageSchema = Type.Union([
  ...topicMessages('subscribe'),
  ...topicMessages('unsubscribe'),
  Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false }),
]);
/** A message a client sends (a text frame of JSON). */
export type WsClientMessage = Static<typeof wsClientMessageSchema>;

// ---------------------------------------------------------------------------------------------
// Server → client replies
// ---------------------------------------------------------------------------------------------

/** Schema of {@link WsReply}: the server's answer to a client message. */
export const wsReplySchema = Type.Union([
  ...topicMessages('subscribed'),
  ...topicMessages('unsubscribed'),
  Type.Object({ type: Type.Literal('pong') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('error'),
      code: stringEnum(wsErrorCodes),
      message: Type.String(),
      topic: Type.Optional(stringEnum(['inbox', 'instance'] as const)),
      instanceId: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
]);
/** A reply the server sends to a client message (pushed events are {@link WsPushMessage}s). */
export type WsReply = Static<typeof wsReplySchema>;

// ---------------------------------------------------------------------------------------------
// Server → client pushed events
// ---------------------------------------------------------------------------------------------

/** The task events pushed to the task's assignee and candidates and to watchers of its instance. */
export const wsTaskMessageTypes = ['task.created', 'task.updated', 'task.completed', 'task.cancelled'] as const;

/** Schema of {@link WsTaskMessage}. */
export const wsTaskMessageSchema = Type.Object(
  {
    type: stringEnum(wsTaskMessageTypes),
    instanceId: Type.String(),
    taskId: Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      description: 'The task row (as in `GET /api/tasks/:id`).',
    }),
    taskKey: Type.String({ description: "The engine's task id inside its instance, e.g. `k3`." }),
    nodeId: Type.String(),
    status: stringEnum(taskStatuses),
    assignee: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
  },
  {
    additionalProperties: false,
    description:
      'A task was created, changed (claimed, transferred, escalated), completed or cancelled: fetch it again.',
  },
);
/** A task was created, changed, completed or cancelled. */
export type WsTaskMessage = Static<typeof wsTaskMessageSchema>;

/** Schema of {@link WsInstanceUpdatedMessage}. */
export const wsInstanceUpdatedMessageSchema = Type.Object(
  {
    type: Type.Literal('instance.updated'),
    instanceId: Type.String(),
    rev: Type.Integer({
      description: "The instance's new `rev`: skip the message when you already hold this revision.",
    }),
    status: stringEnum(instanceStatuses),
  },
  { additionalProperties: false, description: 'An instance changed (pushed to watchers of the instance).' },
);
/** An instance changed. */
export type WsInstanceUpdatedMessage = Static<typeof wsInstanceUpdatedMessageSchema>;

/** Schema of {@link WsIncidentRaisedMessage}. */
export const wsIncidentRaisedMessageSchema = Type.Object(
  {
    type: Type.Literal('incident.raised'),
    instanceId: Type.String(),
    incident: Type.Object(
      {
        id: Type.String(),
        token: Type.String(),
        node: Type.String(),
        code: Type.String({ description: 'The engine error code, e.g. `ENG_SERVICE_FAILED`.' }),
        message: Type.String(),
        at: Type.Integer({
          description: "Epoch milliseconds (the engine's instant, unlike the ISO timestamps of the REST answers).",
        }),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    description: 'A node failed and waits for an operator (pushed to watchers of the instance).',
  },
);
/** A node failed and waits for an operator. */
export type WsIncidentRaisedMessage = Static<typeof wsIncidentRaisedMessageSchema>;

/** Schema of {@link WsIncidentResolvedMessage}. */
export const wsIncidentResolvedMessageSchema = Type.Object(
  {
    type: Type.Literal('incident.resolved'),
    instanceId: Type.String(),
    incident: Type.String({ description: 'The incident id.' }),
    how: stringEnum(['retried', 'skipped'] as const),
  },
  {
    additionalProperties: false,
    description: 'An operator retried or skipped an incident (pushed to watchers of the instance).',
  },
);
/** An operator retried or skipped an incident. */
export type WsIncidentResolvedMessage = Static<typeof wsIncidentResolvedMessageSchema>;

/** Schema of {@link WsNotificationCreatedMessage}. */
export const wsNotificationCreatedMessageSchema = Type.Object(
  {
    type: Type.Literal('notification.created'),
    instanceId: Type.String(),
    taskId: nullableInteger,
    kind: stringEnum(notificationKinds),
    reason: stringEnum(notificationKinds, { description: 'The same as `kind`.' }),
    node: Type.String(),
    task: Type.Optional(Type.String({ description: "The engine's task key, when about a task." })),
    action: Type.Optional(
      stringEnum(['remind', 'notify', 'reassign', 'leave', 'complete'] as const, {
        description: 'The escalation action, for escalations.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A reminder, escalation, urge or assignment for the recipient (pushed to its users; also listed by `GET /api/notifications`).',
  },
);
/** A notification was written for the recipients. */
export type WsNotificationCreatedMessage = Static<typeof wsNotificationCreatedMessageSchema>;

/** Schema of {@link WsNotificationReadMessage}. */
export const wsNotificationReadMessageSchema = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('notification.read'),
        id: Type.Integer(),
        readAt: Type.String({ description: 'ISO 8601 timestamp' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { type: Type.Literal('notification.read'), all: Type.Literal(true), count: Type.Integer({ minimum: 1 }) },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "The user marked one notification (or all) read: pushed to the reader's own sockets so other tabs update their unread badge.",
  },
);
/** The user marked one notification, or all of them, read. */
export type WsNotificationReadMessage = Static<typeof wsNotificationReadMessageSchema>;

/** Schema of {@link WsCcCreatedMessage}. */
export const wsCcCreatedMessageSchema = Type.Object(
  {
    type: Type.Literal('cc.created'),
    instanceId: Type.String(),
    nodeId: Type.String({ description: 'The node whose rule or completer cc’d the recipient.' }),
    by: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'Who cc’d; null for a node rule.' }),
    reason: stringEnum(ccReasons),
  },
  {
    additionalProperties: false,
    description:
      'An instance was cc’d (抄送) to the recipient, or cc’d again (unread again): pushed to the recipients so their cc list and its unread count update.',
  },
);
/** An instance was cc'd to the recipient. */
export type WsCcCreatedMessage = Static<typeof wsCcCreatedMessageSchema>;

/** Schema of {@link WsPushMessage}: every event the server pushes. */
export const wsPushMessageSchema = Type.Union([
  wsTaskMessageSchema,
  wsInstanceUpdatedMessageSchema,
  wsIncidentRaisedMessageSchema,
  wsIncidentResolvedMessageSchema,
  wsNotificationCreatedMessageSchema,
  wsNotificationReadMessageSchema,
  wsCcCreatedMessageSchema,
]);
/** An event the server pushes (dotted, past tense, as in the history); what `Hub.publish` takes. */
export type WsPushMessage = Static<typeof wsPushMessageSchema>;

/** Every `type` of a {@link WsPushMessage}. */
export const wsPushMessageTypes = [
  ...wsTaskMessageTypes,
  'instance.updated',
  'incident.raised',
  'incident.resolved',
  'notification.created',
  'notification.read',
  'cc.created',
] as const satisfies readonly WsPushMessage['type'][];

/** Schema of {@link WsServerMessage}: anything the server sends. */
export const wsServerMessageSchema = Type.Union([wsPushMessageSchema, wsReplySchema]);
/** Anything the server sends over the websocket: a pushed event or a reply. */
export type WsServerMessage = WsPushMessage | WsReply;

// ---------------------------------------------------------------------------------------------
// Parsing client messages
// ---------------------------------------------------------------------------------------------

/** The result of {@link parseWsClientMessage}. */
export type ParseWsClientMessageResult = { ok: true; message: WsClientMessage } | { ok: false; message: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const usage =
  'Send {"type":"subscribe","topic":"inbox"}, {"type":"subscribe","topic":"instance","instanceId":"<uuid>"}, the same with "unsubscribe", or {"type":"ping"}.';

/**
 * Parses one text frame from a client into a {@link WsClientMessage}. Strict: the frame must be
 * a JSON object with exactly the fields of one message kind; anything else (bad JSON, unknown
 * types or fields, an `instanceId` that is not a uuid) gives a message saying what to send
 * instead. Never throws.
 *
 * @example
 * parseWsClientMessage('{"type":"subscribe","topic":"inbox"}'); // { ok: true, message: { type: 'subscribe', topic: 'inbox' } }
 */
export function parseWsClientMessage(text: string): ParseWsClientMessageResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `The message is not valid JSON. ${usage}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `The message must be a JSON object. ${usage}` };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (type === 'ping') {
    const extra = unknownKeys(record, ['type']);
    return extra
      ? { ok: false, message: `"ping" takes no other field (got ${extra}). ${usage}` }
      : { ok: true, message: { type: 'ping' } };
  }
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    const shown = typeof type === 'string' ? `"${type.slice(0, 40)}"` : 'missing';
    return { ok: false, message: `Unknown message type (${shown}). ${usage}` };
  }
  if (record.topic === 'inbox') {
    const extra = unknownKeys(record, ['type', 'topic']);
    if (extra) return { ok: false, message: `"${type}" to "inbox" takes no other field (got ${extra}). ${usage}` };
    return { ok: true, message: { type, topic: 'inbox' } };
  }
  if (record.topic === 'instance') {
    const extra = unknownKeys(record, ['type', 'topic', 'instanceId']);
    if (extra)
      return { ok: false, message: `"${type}" to "instance" takes only "instanceId" (got ${extra}). ${usage}` };
    if (typeof record.instanceId !== 'string' || !uuidPattern.test(record.instanceId)) {
      return { ok: false, message: `"instanceId" must be an instance id (a uuid such as "0b6f…-…"). ${usage}` };
    }
    return { ok: true, message: { type, topic: 'instance', instanceId: record.instanceId.toLowerCase() } };
  }
  return { ok: false, message: `Unknown topic; use "inbox" or "instance". ${usage}` };
}

function unknownKeys(record: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(record).filter((k) => !allowed.includes(k));
  return extra.length === 0
    ? undefined
    : extra
        .slice(0, 5)
        .map((k) => `"${k.slice(0, 40)}"`)
        .join(', ');
}
