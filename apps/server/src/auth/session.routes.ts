import type { FastifyInstance } from 'fastify';
import { type LoginBody, type User, loginBodySchema, noContentSchema, userSchema } from '@baton/client/contract';
import { ApiError } from '../errors.ts';
import { errorResponses, publicSecurity } from '../http/route-schemas.ts';
import { findUserCredentials } from '../users/user-repository.ts';
import { type OriginPolicy, originPolicyFromEnv } from '../ws/ws-origin.ts';
import { assertAllowedOrigin } from './auth.plugin.ts';
import { verifyPassword } from './password.ts';
import { clearSessionCookies, newCsrfToken, setSessionCookies } from './session-cookie.ts';

/** How long a browser session lasts, in seconds (the token's lifetime, 12 h). */
export const sessionMaxAgeSeconds = 12 * 3600;

/** Options of {@link sessionRoutes}. */
export interface SessionRoutesOptions {
  /** Which browser origins may log in and out. @default originPolicyFromEnv(process.env) */
  originPolicy?: OriginPolicy;
}

/**
 * The browser's login and logout (public routes):
 * - `POST /api/auth/session` checks the password like `POST /api/auth/login`, but answers the
 *   user only and puts the token in the `HttpOnly` cookie `baton_session`, with the CSRF token
 *   in the readable cookie `baton_csrf` (see `session-cookie.ts`);
 * - `DELETE /api/auth/session` deletes both cookies (204), whether or not they were still valid.
 *
 * Both refuse a foreign `Origin` (403 `API_CSRF_REJECTED`): a cross-site page must not log a victim into the
 * attacker's account (login CSRF) nor out of their own.
 */
export async function sessionRoutes(app: FastifyInstance, options: SessionRoutesOptions = {}): Promise<void> {
  const originPolicy = options.originPolicy ?? originPolicyFromEnv(process.env);

  app.post<{ Body: LoginBody }>(
    '/api/auth/session',
    {
      config: { public: true },
      onRequest: async (request) => assertAllowedOrigin(request, originPolicy),
      schema: {
        tags: ['auth'],
        summary: 'Log in from a browser: sets the HttpOnly session cookie (12 h) and the CSRF cookie; answers the user',
        security: publicSecurity,
        body: loginBodySchema,
        response: { 200: userSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<User> => {
      const found = await findUserCredentials(app.db, request.body.username);
      const ok = await verifyPassword(request.body.password, found?.passwordHash);
      if (!found || !ok) throw new ApiError('API_INVALID_CREDENTIALS');
      const csrf = newCsrfToken();
      const token = app.jwt.sign({ sub: String(found.user.id), username: found.user.username, csrf });
      setSessionCookies(request, reply, { token, csrf, maxAgeSeconds: sessionMaxAgeSeconds });
      void reply.header('cache-control', 'no-store');
      request.log.info({ userId: found.user.id }, 'user logged in (browser session)');
      return found.user;
    },
  );

  app.delete(
    '/api/auth/session',
    {
      config: { public: true },
      onRequest: async (request) => assertAllowedOrigin(request, originPolicy),
      schema: {
        tags: ['auth'],
        summary: 'Log out from a browser: deletes the session cookies',
        security: publicSecurity,
        response: { 204: noContentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      clearSessionCookies(request, reply);
      return reply.code(204).send();
    },
  );
}
