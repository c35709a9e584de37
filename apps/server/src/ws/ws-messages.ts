/**
 * The websocket protocol of `GET /api/ws`: subprotocol names, limits, close codes, the messages a
 * client may send (parsed strictly by {@link parseWsClientMessage}) and the replies the server
 * sends back. Pure: no I/O.
 *
 * @module
 */

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
export const wsErrorCodes = ['API_BAD_MESSAGE', 'API_FORBIDDEN', 'API_NOT_FOUND', 'API_LIMIT_EXCEEDED', 'API_INTERNAL'] as const;
/** @see wsErrorCodes */
export type WsErrorCode = (typeof wsErrorCodes)[number];

/** What a subscription is about: the caller's inbox, or one instance. */
export type WsTopic = { topic: 'inbox' } | { topic: 'instance'; instanceId: string };

/** A message a client sends. */
export type WsClientMessage =
  | ({ type: 'subscribe' } & WsTopic)
  | ({ type: 'unsubscribe' } & WsTopic)
  | { type: 'ping' };

/** A reply the server sends to a client message (pushed events are `HubMessage`s). */
export type WsReply =
  | ({ type: 'subscribed' } & WsTopic)
  | ({ type: 'unsubscribed' } & WsTopic)
  | { type: 'pong' }
  | { type: 'error'; code: WsErrorCode; message: string; topic?: WsTopic['topic']; instanceId?: string };

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
    return extra ? { ok: false, message: `"ping" takes no other field (got ${extra}). ${usage}` } : { ok: true, message: { type: 'ping' } };
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
    if (extra) return { ok: false, message: `"${type}" to "instance" takes only "instanceId" (got ${extra}). ${usage}` };
    if (typeof record.instanceId !== 'string' || !uuidPattern.test(record.instanceId)) {
      return { ok: false, message: `"instanceId" must be an instance id (a uuid such as "0b6f…-…"). ${usage}` };
    }
    return { ok: true, message: { type, topic: 'instance', instanceId: record.instanceId.toLowerCase() } };
  }
  return { ok: false, message: `Unknown topic; use "inbox" or "instance". ${usage}` };
}

function unknownKeys(record: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(record).filter((k) => !allowed.includes(k));
  return extra.length === 0 ? undefined : extra.slice(0, 5).map((k) => `"${k.slice(0, 40)}"`).join(', ');
}
