/**
 * The OpenAPI document served at `/docs` (JSON at `/docs/json`): the route schemas come from the
 * contract (`@baton/client/contract`) as they are; this module adds what routes cannot say for
 * themselves: the bearer security scheme and the websocket (`x-websocket` plus a section of the
 * description), both built from the contract's websocket module.
 *
 * @module
 */
import type { SwaggerOptions } from '@fastify/swagger';
import {
  apiErrorBodySchema,
  wsBearerProtocolPrefix,
  wsClientMessageSchema,
  wsCloseCodes,
  wsErrorCodes,
  wsMaxInstanceSubscriptions,
  wsMaxPayload,
  wsPath,
  wsProtocol,
  wsPushMessageSchema,
  wsPushMessageTypes,
  wsReplySchema,
} from '@baton/client/contract';

/** What each close code means, for the document. */
const closeCodeMeanings: Record<keyof typeof wsCloseCodes, string> = {
  goingAway: 'the server is shutting down: reconnect',
  messageTooBig: `a frame was larger than ${wsMaxPayload} bytes`,
  tryAgainLater: 'the client read too slowly: reconnect',
  unauthenticated: 'the token expired or its user was deleted: log in again, then reconnect',
  accessChanged: "the user's roles, team or positions changed while watching instances: reconnect and subscribe again",
};

/**
 * The `x-websocket` extension of the OpenAPI document: path, subprotocols, limits, close codes
 * and the JSON Schemas of every message each way (the contract's, as they are).
 */
export function websocketDescription() {
  return {
    path: wsPath,
    subprotocol: wsProtocol,
    bearerSubprotocolPrefix: wsBearerProtocolPrefix,
    authentication: `Authorization: Bearer <token> on the handshake, or (browsers) the subprotocols ["${wsProtocol}", "${wsBearerProtocolPrefix}<token>"]; ?token= is refused.`,
    maxPayloadBytes: wsMaxPayload,
    maxInstanceSubscriptions: wsMaxInstanceSubscriptions,
    closeCodes: Object.fromEntries(
      Object.entries(wsCloseCodes).map(([name, code]) => [
        String(code),
        `${name}: ${closeCodeMeanings[name as keyof typeof wsCloseCodes]}`,
      ]),
    ),
    errorCodes: wsErrorCodes,
    clientMessages: wsClientMessageSchema,
    serverMessages: { replies: wsReplySchema, pushed: wsPushMessageSchema },
  };
}

const description = `Workflow engine API. Log in with POST /api/auth/login and send "Authorization: Bearer <token>" on every other route (the lock icon). Errors answer { statusCode, code, error, message, issues? }.

Commands that list an Idempotency-Key header are safe to repeat: the same key from the same user on the same route answers the stored first answer (with Idempotent-Replayed: true) and applies the change once.

## Websocket: GET ${wsPath}

Live updates. Authenticate the handshake with "Authorization: Bearer <token>", or from a browser with the subprotocols ["${wsProtocol}", "${wsBearerProtocolPrefix}<token>"]; the server answers "${wsProtocol}". Frames are JSON text, at most ${wsMaxPayload} bytes.

- Client → server: {"type":"subscribe","topic":"inbox"}, {"type":"subscribe","topic":"instance","instanceId":"<uuid>"}, the same with "unsubscribe", {"type":"ping"}. At most ${wsMaxInstanceSubscriptions} instances per socket.
- Replies: subscribed, unsubscribed, pong, error (code one of ${wsErrorCodes.join(', ')}).
- Pushed events: ${wsPushMessageTypes.join(', ')}.
- Close codes: ${Object.entries(wsCloseCodes)
  .map(([name, code]) => `${code} (${closeCodeMeanings[name as keyof typeof wsCloseCodes]})`)
  .join('; ')}.

The JSON Schema of every message is in this document's "x-websocket" extension.`;

/**
 * The OpenAPI operation of `GET /api/ws` (@fastify/websocket hides websocket routes from
 * @fastify/swagger, so it is written here): the handshake, its answers and the messages.
 */
function websocketOperation() {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: apiErrorBodySchema } },
  });
  return {
    tags: ['websocket'],
    summary: 'Live updates: upgrade to a websocket (subprotocol baton.v1); messages in x-websocket',
    description: `See "Websocket" in the API description. Client messages: ${JSON.stringify(wsClientMessageSchema)}. Server messages: replies ${JSON.stringify(wsReplySchema)}; pushed events ${JSON.stringify(wsPushMessageSchema)}.`,
    parameters: [
      {
        in: 'header',
        name: 'Sec-WebSocket-Protocol',
        required: false,
        description: `"${wsProtocol}", and from browsers (which cannot set Authorization) "${wsProtocol}, ${wsBearerProtocolPrefix}<token>".`,
        schema: { type: 'string' },
      },
    ],
    responses: {
      '101': { description: `Switching Protocols: the socket speaks ${wsProtocol}.` },
      '401': error('No token, a bad or expired token, or its user is gone (API_UNAUTHENTICATED).'),
      '403': error('The Origin is not allowed (API_FORBIDDEN).'),
      '426': error('A plain GET without an upgrade.'),
    },
    'x-websocket': websocketDescription(),
  };
}

/** The `@fastify/swagger` options of the app. */
export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Baton API', version: '0.1.0', description },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearerAuth: [] }],
      // A fresh object per app: @fastify/swagger adds the routes' paths into it.
      paths: { [wsPath]: { get: websocketOperation() } },
      'x-websocket': websocketDescription(),
    } as NonNullable<Extract<SwaggerOptions, { openapi?: unknown }>['openapi']>,
  };
}
