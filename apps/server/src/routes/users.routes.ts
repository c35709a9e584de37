import type { FastifyInstance } from 'fastify';
import {
  type ApiIssue,
  type CreateUserBody,
  type Team,
  type User,
  createUserBodySchema,
  teamListSchema,
  userListSchema,
  userSchema,
} from '@baton/client/contract';
import { requireRole } from '../auth/auth.plugin.ts';
import { hashPassword } from '../auth/password.ts';
import { ApiError } from '../errors.ts';
import { findTeamByKey, findUserIdByUsername, insertUser, listTeams, listUsers } from '../users/user-repository.ts';
import { errorResponses } from '../http/route-schemas.ts';

/** `GET /api/users`, `GET /api/teams` (any logged-in user) and `POST /api/users` (admin). */
export async function userRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/users',
    { schema: { tags: ['users'], summary: 'List users', response: { 200: userListSchema, ...errorResponses } } },
    async (): Promise<User[]> => listUsers(app.db),
  );

  app.get(
    '/api/teams',
    {
      schema: {
        tags: ['users'],
        summary: 'List teams (a tree via parentId)',
        response: { 200: teamListSchema, ...errorResponses },
      },
    },
    async (): Promise<Team[]> => listTeams(app.db),
  );

  app.post<{ Body: CreateUserBody }>(
    '/api/users',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Create a user (admin only)',
        body: createUserBodySchema,
        response: { 201: userSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const issues: ApiIssue[] = [];
      let teamId: number | null = null;
      let managerId: number | null = null;
      if (body.teamKey !== undefined) {
        const team = await findTeamByKey(app.db, body.teamKey);
        if (team) teamId = team.id;
        else
          issues.push({
            path: '/teamKey',
            code: 'API_UNKNOWN_TEAM',
            message: `At /teamKey: there is no team "${body.teamKey}". Use a key from GET /api/teams.`,
          });
      }
      if (body.managerUsername !== undefined) {
        const manager = await findUserIdByUsername(app.db, body.managerUsername);
        if (manager !== undefined) managerId = manager;
        else
          issues.push({
            path: '/managerUsername',
            code: 'API_UNKNOWN_USER',
            message: `At /managerUsername: there is no user "${body.managerUsername}". Use a username from GET /api/users.`,
          });
      }
      if (issues.length > 0) {
        throw new ApiError(
          'API_VALIDATION',
          { part: 'body', route: 'POST /api/users', summary: issues[0]!.message },
          { issues },
        );
      }
      const user = await insertUser(app.db, {
        username: body.username,
        displayName: body.displayName,
        passwordHash: await hashPassword(body.password),
        roles: body.roles,
        positions: body.positions ?? [],
        teamId,
        managerId,
        locale: body.locale ?? 'en',
        outOfOffice: body.outOfOffice ?? false,
      });
      if (!user) throw new ApiError('API_USER_EXISTS', { username: body.username });
      app.runtime.directory.invalidate();
      app.sessions.invalidate();
      return reply.code(201).send(user);
    },
  );
}
