import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Role, User } from '@baton/client/contract';
import { ApiError } from '../errors.ts';
import type { Viewer } from './viewer.ts';
import { SessionCache } from './session-cache.ts';
import { csrfHeaderName, csrfTokenMatches, readSessionCookie, safeMethods } from './session-cookie.ts';
import { isOriginAllowed, type OriginPolicy, originPolicyFromEnv } from '../ws/ws-origin.ts';

/** How long a session token is valid. */
export const tokenLifetime = '12h';

/** The claims inside a Baton session token. */
export interface SessionClaims {
  /** The user id, as a string (JWT convention). */
  sub: string;
  username: string;
  /** Only in browser sessions (the cookie): the CSRF token writes must echo (see `session-cookie.ts`). */
  csrf?: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: SessionClaims;
    user: SessionClaims;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user (see {@link SessionCache}); null on public routes. */
    currentUser: User | null;
    /** The logged-in user as visibility rules see them; null on public routes. */
    currentViewer: Viewer | null;
  }
  interface FastifyInstance {
    /** Users behind session tokens; `invalidate()` after changing users or teams. */
    sessions: SessionCache;
  }
  interface FastifyContextConfig {
    /** True for routes that need no bearer token (login, health). */
    public?: boolean;
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  secret: string;
  /** How long a session's user is reused between requests (ms). @default 1000 */
  sessionTtlMs?: number;
  /** The session cache's monotonic millisecond clock. @default performance.now */
  sessionClock?: () => number;
  /** Which browser origins may send cookie-authenticated writes. @default originPolicyFromEnv(process.env) */
  originPolicy?: OriginPolicy;
}

/**
 * The authentication plugin: registers @fastify/jwt (HS256, 12 h tokens) and an `onRequest`
 * hook that requires a session on every `/api` route not marked `config: { public: true }`,
 * loading the user through the {@link SessionCache} (so a deleted user's token stops working
 * within a second). The session is `Authorization: Bearer <token>` or, without that header, the
 * browser's `baton_session` cookie; a cookie-authenticated write must come from an allowed
 * `Origin` (when sent) and echo the session's CSRF token in `X-CSRF-Token` (see
 * `session-cookie.ts`). Failures answer 401 `API_UNAUTHENTICATED` or 403 `API_CSRF_REJECTED`.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, options) => {
    await app.register(fastifyJwt, {
      secret: options.secret,
      sign: { expiresIn: tokenLifetime, algorithm: 'HS256' },
      verify: { algorithms: ['HS256'] },
    });
    const originPolicy = options.originPolicy ?? originPolicyFromEnv(process.env);
    app.decorate('sessions', new SessionCache(options.sessionTtlMs ?? 1000, options.sessionClock));
    app.decorateRequest('currentUser', null);
    app.decorateRequest('currentViewer', null);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.public === true) return;
      if (!isApiPath(request.url)) return;
      const header = request.headers.authorization;
      let claims: SessionClaims;
      if (header === undefined && readSessionCookie(request.headers.cookie) !== undefined) {
        claims = verifyCookieSession(request);
      } else {
        if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) {
          throw new ApiError('API_UNAUTHENTICATED', {
            reason: 'The request has no "Authorization: Bearer <token>" header.',
          });
        }
        try {
          claims = await request.jwtVerify<SessionClaims>();
        } catch (error) {
          const expired = (error as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
          throw new ApiError('API_UNAUTHENTICATED', {
            reason: expired ? 'The token has expired.' : 'The token is invalid.',
          });
        }
      }
      const id = Number(claims.sub);
      const session = Number.isSafeInteger(id) ? await app.sessions.get(app.db, id) : undefined;
      if (!session) throw new ApiError('API_UNAUTHENTICATED', { reason: "The token's user no longer exists." });
      request.currentUser = session.user;
      request.currentViewer = session.viewer;
    });

    /** The claims of the request's session cookie, after the origin and CSRF checks of a write. */
    function verifyCookieSession(request: FastifyRequest): SessionClaims {
      const token = readSessionCookie(request.headers.cookie)!;
      let claims: SessionClaims;
      try {
        claims = app.jwt.verify<SessionClaims>(token);
      } catch (error) {
        const code = (error as { code?: string }).code;
        const expired = code === 'FAST_JWT_EXPIRED' || code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
        throw new ApiError('API_UNAUTHENTICATED', {
          reason: expired ? 'The session has expired.' : 'The session cookie is invalid.',
        });
      }
      // Only tokens issued by POST /api/auth/session carry a CSRF claim; a bearer token copied into the cookie is refused.
      if (typeof claims.csrf !== 'string')
        throw new ApiError('API_UNAUTHENTICATED', { reason: 'The session cookie is invalid.' });
      if (!safeMethods.has(request.method)) {
        assertAllowedOrigin(request, originPolicy);
        if (!csrfTokenMatches(request.headers[csrfHeaderName], claims.csrf)) {
          throw new ApiError('API_CSRF_REJECTED', {
            reason: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} was sent with the session cookie but without a matching "X-CSRF-Token" header (the value of the "baton_csrf" cookie).`,
          });
        }
      }
      return claims;
    }
  },
  { name: 'baton-auth', dependencies: ['baton-db'] },
);

/**
 * Refuses (403 `API_CSRF_REJECTED`) a browser request whose `Origin` header is neither this
 * server nor allowed by `policy` (the websocket's rule, `ws-origin.ts`). No `Origin`: allowed.
 */
export function assertAllowedOrigin(request: FastifyRequest, policy: OriginPolicy): void {
  const origin = request.headers.origin;
  if (!isOriginAllowed(origin, request.headers.host, policy)) {
    throw new ApiError('API_CSRF_REJECTED', {
      reason: `${request.method} ${request.url.split('?')[0]?.slice(0, 200)} refuses Origin "${String(origin).slice(0, 200)}" (add it to ALLOWED_ORIGINS if it is yours).`,
    });
  }
}

function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/** Returns the logged-in user, or throws 401 (for handlers on authenticated routes). */
export function getCurrentUserOrThrow(request: FastifyRequest): User {
  if (!request.currentUser) throw new ApiError('API_UNAUTHENTICATED', { reason: 'This route needs a logged-in user.' });
  return request.currentUser;
}

/** Returns the logged-in user as visibility rules see them, or throws 401. */
export function getViewerOrThrow(request: FastifyRequest): Viewer {
  if (!request.currentViewer)
    throw new ApiError('API_UNAUTHENTICATED', { reason: 'This route needs a logged-in user.' });
  return request.currentViewer;
}

/**
 * A route-level `onRequest` guard: lets the request through when the user holds at least one of
 * `roles`, else answers 403 `API_FORBIDDEN`. It runs before the body is read or validated, so an
 * unauthorised caller learns nothing from validation errors and nothing is written.
 *
 * @example
 * app.post('/api/models', { onRequest: requireRole('owner', 'admin') }, handler);
 */
export function requireRole(...roles: Role[]): onRequestAsyncHookHandler {
  return async function requireRoleHook(request) {
    const user = getCurrentUserOrThrow(request);
    if (!user.roles.some((role) => roles.includes(role))) {
      throw new ApiError('API_FORBIDDEN', {
        route: `${request.method} ${request.routeOptions.url ?? request.url}`,
        roles: roles.map((r) => `"${r}"`).join(' or '),
        actual: user.roles.length > 0 ? user.roles.map((r) => `"${r}"`).join(', ') : 'no role',
      });
    }
  };
}
