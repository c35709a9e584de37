import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RawData, WebSocket } from 'ws';
import type { SessionClaims } from '../auth/auth.plugin.ts';
import { ApiError } from '../errors.ts';
import { findWsToken } from './find-ws-token.ts';
import { findInstanceAccess, loadWsPrincipal, loadWsPrincipals } from './ws-access.ts';
import { createReplicaFanOut, type ReplicaFanOut } from './replica-fan-out.ts';
import { createWsHub, type WsConnection, type WsHub, type WsPrincipal } from './ws-hub.ts';
import {
  parseWsClientMessage,
  wsCloseCodes,
  wsMaxPayload,
  wsPath,
  wsProtocol,
  type WsClientMessage,
  type WsReply,
} from '@baton/client/contract';
import { isOriginAllowed, originPolicyFromEnv, type OriginPolicy } from './ws-origin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The websocket hub of `GET /api/ws`; the run loop publishes to it after each commit. */
    wsHub: WsHub;
  }
}

/** Options of {@link wsPlugin}. */
export interface WsPluginOptions {
  /** Which browser origins may connect. @default originPolicyFromEnv(process.env): `ALLOWED_ORIGINS`, plus localhost unless NODE_ENV=production */
  originPolicy?: OriginPolicy;
  /** How often expired tokens, deleted users and dead peers are checked, in ms. @default 30000 */
  maintenanceIntervalMs?: number;
}

/** How many client messages of one socket may wait for processing before more are refused. */
const maxPendingMessages = 32;

/**
 * The websocket plugin: `GET /api/ws`, decorating `app.wsHub`.
 *
 * Before the upgrade (an `onRequest` hook, so a refused handshake never becomes a socket):
 * the `Origin` must be allowed (else 403 `API_FORBIDDEN`), and the handshake must carry a
 * valid session token whose user exists (else 401 `API_UNAUTHENTICATED`), sent as
 * `Authorization: Bearer <token>` or, from browsers, as the subprotocols
 * `['baton.v1', 'baton.bearer.<token>']` (see `find-ws-token.ts`; `?token=` is refused).
 *
 * After it: frames over 64 KiB close the socket with 1009; client messages are parsed strictly
 * (`parseWsClientMessage` of the contract) and answered (`subscribed`, `unsubscribed`, `pong`, `error`); instance
 * subscriptions are authorised against the database at subscribe time. Every 30 s sockets
 * whose token expired or whose user was deleted close with 4401, sockets whose user's access
 * changed while watching instances close with 4403, and dead peers are terminated
 * (docs/reliability.md G5: closed within 60 s).
 *
 * On PostgreSQL, pushes also travel to and from the other server processes on the database
 * (`replica-fan-out.ts`: NOTIFY/LISTEN on `baton_ws`), so a user's socket may be on any replica.
 */
export const wsPlugin = fp<WsPluginOptions>(
  async (app: FastifyInstance, options) => {
    const originPolicy = options.originPolicy ?? originPolicyFromEnv(process.env);
    // On PostgreSQL other replicas may hold the audience's sockets: forward every push to them.
    let fanOut: ReplicaFanOut | undefined;
    const hub = createWsHub({
      refreshPrincipals: (ids) => loadWsPrincipals(app.db, ids),
      onError: (error, context) => app.log.warn({ err: error }, `websocket hub: ${context}`),
      ...(app.database.kind === 'postgres'
        ? { forward: (message, audience) => fanOut?.forward(message, audience) }
        : {}),
    });
    if (app.database.kind === 'postgres') {
      const started = createReplicaFanOut({
        database: app.database,
        deliver: (message, audience) => hub.deliver(message, audience),
        logger: app.log,
      });
      fanOut = started;
      app.addHook('onReady', async () => {
        await started.start();
      });
      // Runs after the run loop's own onClose (hooks close in reverse order), so its last pushes go out.
      app.addHook('onClose', async () => {
        await started.stop();
      });
    }
    app.decorate('wsHub', hub);
    const upgrades = new WeakMap<FastifyRequest, { principal: WsPrincipal; expiresAt: number }>();

    // Registered before @fastify/websocket's own preClose, so clients get 1001 rather than 1005.
    app.addHook('preClose', async () => {
      hub.closeAll(wsCloseCodes.goingAway, 'server shutting down');
    });
    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: wsMaxPayload,
        // Compression costs hundreds of KiB per socket (zlib contexts); idle sockets must stay small (docs/reliability.md I3).
        perMessageDeflate: false,
        // Select baton.v1 so a bearer subprotocol is never echoed back in the handshake answer.
        handleProtocols: (protocols) => (protocols.has(wsProtocol) ? wsProtocol : false),
      },
      errorHandler(error, socket, request) {
        // Protocol errors from the peer (oversized frame, bad opcode): `ws` already sent the
        // matching close frame (1009, 1002, …); terminating now could drop it before it is sent.
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
          request.log.info({ err: error }, 'websocket protocol error from the client');
          return;
        }
        request.log.error({ err: error }, 'websocket handler failed');
        socket.terminate();
      },
    });

    async function authenticateUpgrade(request: FastifyRequest): Promise<void> {
      const origin = request.headers.origin;
      if (!isOriginAllowed(origin, request.headers.host, originPolicy)) {
        const error = new ApiError('API_FORBIDDEN');
        // The registry's API_FORBIDDEN text is about roles; this refusal is about the origin.
        error.message = `GET /api/ws refuses Origin "${String(origin).slice(0, 200)}". Serve the app from this server, or add the origin to ALLOWED_ORIGINS.`;
        throw error;
      }
      const found = findWsToken(request.headers, request.url);
      if (!found.ok) throw new ApiError('API_UNAUTHENTICATED', { reason: found.reason });
      let claims: SessionClaims & { exp?: number };
      try {
        claims = app.jwt.verify<SessionClaims & { exp?: number }>(found.token);
      } catch (error) {
        const code = (error as { code?: string }).code;
        const expired = code === 'FAST_JWT_EXPIRED' || code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
        throw new ApiError('API_UNAUTHENTICATED', {
          reason: expired ? 'The token has expired.' : 'The token is invalid.',
        });
      }
      const id = Number(claims.sub);
      const principal = Number.isSafeInteger(id) ? await loadWsPrincipal(app.db, id) : undefined;
      if (!principal) throw new ApiError('API_UNAUTHENTICATED', { reason: "The token's user no longer exists." });
      if (!request.ws) {
        throw new ApiError(
          'API_BAD_REQUEST',
          { reason: 'GET /api/ws is a websocket endpoint; connect with a websocket client' },
          { statusCode: 426 },
        );
      }
      const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 12 * 3600_000;
      upgrades.set(request, { principal, expiresAt });
    }

    app.get(
      wsPath,
      {
        websocket: true,
        // Authenticated by `authenticateUpgrade` (header or subprotocol), not by the auth plugin.
        config: { public: true },
        onRequest: authenticateUpgrade,
        // @fastify/websocket hides the route from @fastify/swagger; `http/openapi.ts` documents it.
      },
      (socket, request) => {
        const auth = upgrades.get(request);
        if (!auth) {
          socket.close(wsCloseCodes.unauthenticated, 'not authenticated');
          return;
        }
        const connection = hub.connect(socket, auth.principal, auth.expiresAt);
        let queue: Promise<void> = Promise.resolve();
        let pending = 0;
        socket.on('pong', () => {
          connection.alive = true;
        });
        socket.on('close', () => hub.disconnect(connection));
        socket.on('message', (data: RawData, isBinary: boolean) => {
          if (pending >= maxPendingMessages) {
            send(socket, {
              type: 'error',
              code: 'API_LIMIT_EXCEEDED',
              message: `More than ${maxPendingMessages} messages are waiting; wait for the answers before sending more.`,
            });
            return;
          }
          pending++;
          queue = queue
            .then(() => handleMessage(connection, socket, data, isBinary))
            .catch((error: unknown) => {
              request.log.error({ err: error }, 'websocket message failed');
              send(socket, {
                type: 'error',
                code: 'API_INTERNAL',
                message: `The server could not handle the message (request id ${request.id}); retry.`,
              });
            })
            .finally(() => {
              pending--;
            });
        });
      },
    );

    async function handleMessage(
      connection: WsConnection,
      socket: WebSocket,
      data: RawData,
      isBinary: boolean,
    ): Promise<void> {
      if (isBinary) {
        send(socket, {
          type: 'error',
          code: 'API_BAD_MESSAGE',
          message: 'Binary frames are not accepted; send JSON as text frames.',
        });
        return;
      }
      const parsed = parseWsClientMessage(rawDataToString(data));
      if (!parsed.ok) {
        send(socket, { type: 'error', code: 'API_BAD_MESSAGE', message: parsed.message });
        return;
      }
      const message: WsClientMessage = parsed.message;
      if (message.type === 'ping') {
        send(socket, { type: 'pong' });
        return;
      }
      if (message.topic === 'inbox') {
        if (message.type === 'subscribe') hub.subscribeInbox(connection);
        else hub.unsubscribeInbox(connection);
        send(socket, { type: message.type === 'subscribe' ? 'subscribed' : 'unsubscribed', topic: 'inbox' });
        return;
      }
      const { instanceId } = message;
      if (message.type === 'unsubscribe') {
        hub.unsubscribeInstance(connection, instanceId);
        send(socket, { type: 'unsubscribed', topic: 'instance', instanceId });
        return;
      }
      const access = await findInstanceAccess(app.db, connection.principal, instanceId);
      if (access === 'forbidden') {
        send(socket, {
          type: 'error',
          code: 'API_FORBIDDEN',
          topic: 'instance',
          instanceId,
          message: `You may not watch instance ${instanceId}: only admins, owners, operators, its initiator and people with a task in it may.`,
        });
        return;
      }
      if (access === 'not-found') {
        send(socket, {
          type: 'error',
          code: 'API_NOT_FOUND',
          topic: 'instance',
          instanceId,
          message: `There is no instance ${instanceId}. Check the id.`,
        });
        return;
      }
      if (!hub.subscribeInstance(connection, instanceId)) {
        send(socket, {
          type: 'error',
          code: 'API_LIMIT_EXCEEDED',
          topic: 'instance',
          instanceId,
          message: `This socket already watches the most instances allowed (${connection.instances.size}); unsubscribe from some first.`,
        });
        return;
      }
      send(socket, { type: 'subscribed', topic: 'instance', instanceId });
    }

    let running = false;
    async function maintain(): Promise<void> {
      if (running) return;
      running = true;
      try {
        hub.closeExpired(Date.now());
        hub.heartbeat();
        await hub.refresh();
      } catch (error) {
        app.log.warn({ err: error }, 'websocket maintenance failed; retrying at the next interval');
      } finally {
        running = false;
      }
    }
    const timer = setInterval(() => void maintain(), options.maintenanceIntervalMs ?? 30_000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
    });
  },
  { name: 'baton-ws', dependencies: ['baton-db', 'baton-auth'] },
);

function send(socket: WebSocket, reply: WsReply): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
