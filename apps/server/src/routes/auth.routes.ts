import type { FastifyInstance } from 'fastify';
import {
  type LoginBody,
  type LoginResult,
  type User,
  loginBodySchema,
  loginResultSchema,
  userSchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow } from '../auth/auth.plugin.ts';
import { verifyPassword } from '../auth/password.ts';
import { ApiError } from '../errors.ts';
import { findUserCredentials } from '../users/user-repository.ts';
import { errorResponses, publicSecurity } from '../http/route-schemas.ts';

/** `POST /api/auth/login` (public) and `GET /api/me`. */
export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in; returns a bearer token valid for 12 hours',
        security: publicSecurity,
        body: loginBodySchema,
        response: { 200: loginResultSchema, ...errorResponses },
      },
    },
    async (request): Promise<LoginResult> => {
      const found = await findUserCredentials(app.db, request.body.username);
      const ok = await verifyPassword(request.body.password, found?.passwordHash);
      if (!found || !ok) throw new ApiError('API_INVALID_CREDENTIALS');
      const token = app.jwt.sign({ sub: String(found.user.id), username: found.user.username });
      request.log.info({ userId: found.user.id }, 'user logged in');
      return { token, user: found.user };
    },
  );

  app.get(
    '/api/me',
    { schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userSchema, ...errorResponses } } },
    async (request): Promise<User> => getCurrentUserOrThrow(request),
  );
}
