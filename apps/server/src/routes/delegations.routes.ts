import type { FastifyInstance } from 'fastify';
import {
  type CreateDelegationBody,
  type Delegation,
  type DelegationParams,
  type ListDelegationsQuery,
  createDelegationBodySchema,
  delegationListSchema,
  delegationParamsSchema,
  delegationSchema,
  endDelegationBodySchema,
  listDelegationsQuerySchema,
} from '@baton/client/contract';
import { getCurrentUserOrThrow } from '../auth/auth.plugin.ts';
import {
  endDelegation,
  findDelegation,
  insertDelegation,
  listDelegations,
} from '../delegations/delegation-repository.ts';
import { ApiError } from '../errors.ts';
import { parseQueryTime } from '../lists/list-repository.ts';
import { errorResponses } from '../http/route-schemas.ts';
import { nowSql } from '../runtime/clock.ts';
import { findUserIdByUsername } from '../users/user-repository.ts';

/**
 * Delegations (委托): set my agent for a period, list mine (as user or agent; admins may list
 * all), end one early (its user or an admin). New tasks that would reach the user reach the
 * agent while it is active (the run loop fills the engine directory's `delegateTo` at each
 * command's instant), so it starts and ends on its own.
 */
export async function delegationRoutes(app: FastifyInstance): Promise<void> {
  const isAdmin = (roles: readonly string[]) => roles.includes('admin');

  app.get<{ Querystring: ListDelegationsQuery }>(
    '/api/delegations',
    {
      schema: {
        tags: ['delegations'],
        summary: 'Your delegations (as the delegating user or the agent), newest first; all=true: everyone’s (admin)',
        querystring: listDelegationsQuerySchema,
        response: { 200: delegationListSchema, ...errorResponses },
      },
    },
    async (request): Promise<Delegation[]> => {
      const user = getCurrentUserOrThrow(request);
      const { all, state } = request.query;
      if (all && !isAdmin(user.roles))
        throw new ApiError('API_FORBIDDEN', {
          route: 'GET /api/delegations?all=true',
          roles: 'admin',
          actual: user.roles.join(', ') || 'none',
        });
      return listDelegations(app.db, {
        ...(all ? {} : { userId: user.id }),
        ...(state !== undefined ? { state } : {}),
        now: nowSql(app.runtime.clock),
      });
    },
  );

  app.post<{ Body: CreateDelegationBody }>(
    '/api/delegations',
    {
      schema: {
        tags: ['delegations'],
        summary: 'Set your agent for a period (out of office): new tasks for you reach them, marked on behalf of you',
        body: createDelegationBodySchema,
        response: { 201: delegationSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<Delegation> => {
      const user = getCurrentUserOrThrow(request);
      const body = request.body;
      const route = 'POST /api/delegations';
      const unknownUser = (path: string, name: string) => {
        const message = `At ${path}: there is no user "${name}". Use a username from GET /api/users.`;
        return new ApiError(
          'API_VALIDATION',
          { part: 'body', route, summary: message },
          { issues: [{ path, code: 'API_UNKNOWN_USER', message }] },
        );
      };
      let userId = user.id;
      let username = user.username;
      if (body.user !== undefined && body.user !== user.username) {
        if (!isAdmin(user.roles))
          throw new ApiError('API_FORBIDDEN', {
            route: 'POST /api/delegations for another user',
            roles: 'admin',
            actual: user.roles.join(', ') || 'none',
          });
        const id = await findUserIdByUsername(app.db, body.user);
        if (id === undefined) throw unknownUser('/user', body.user);
        userId = id;
        username = body.user;
      }
      const agentId = await findUserIdByUsername(app.db, body.agent);
      if (agentId === undefined) throw unknownUser('/agent', body.agent);
      if (agentId === userId) {
        const message = `At /agent: "${body.agent}" is the delegating user; pick someone else as agent.`;
        throw new ApiError(
          'API_VALIDATION',
          { part: 'body', route, summary: message },
          { issues: [{ path: '/agent', code: 'API_DELEGATE_TO_SELF', message }] },
        );
      }
      const startsAt = parseQueryTime(body.from, 'from', route) ?? null;
      const endsAt = parseQueryTime(body.until, 'until', route)!;
      const now = nowSql(app.runtime.clock);
      const result = await insertDelegation(app.db, {
        userId,
        agentId,
        startsAt,
        endsAt,
        note: body.note ?? null,
        createdBy: user.id,
        now,
      });
      if (!result.ok) {
        if (result.reason.startsWith('`until`')) {
          const message = `At /until: ${result.reason}; give an end after ${body.from ?? 'now'}.`;
          throw new ApiError(
            'API_VALIDATION',
            { part: 'body', route, summary: message },
            { issues: [{ path: '/until', code: 'SCHEMA_FORMAT', message }] },
          );
        }
        throw new ApiError('API_DELEGATION_CONFLICT', { reason: `${result.reason} (user ${username})` });
      }
      app.runtime.directory.invalidate();
      return reply.code(201).send(result.delegation);
    },
  );

  app.post<{ Params: DelegationParams }>(
    '/api/delegations/:id/end',
    {
      schema: {
        tags: ['delegations'],
        summary: 'End a delegation now (its user or an admin); ending an ended one changes nothing',
        params: delegationParamsSchema,
        body: endDelegationBodySchema,
        response: { 200: delegationSchema, ...errorResponses },
      },
    },
    async (request): Promise<Delegation> => {
      const user = getCurrentUserOrThrow(request);
      const id = request.params.id;
      const now = nowSql(app.runtime.clock);
      const found = await findDelegation(app.db, id, now);
      // Someone else's delegation answers like an unknown one (its agent may list it, not end it).
      if (!found || (found.userId !== user.id && !isAdmin(user.roles)))
        throw new ApiError('API_DELEGATION_NOT_FOUND', { id });
      const ended = await endDelegation(app.db, id, now);
      if (!ended) throw new ApiError('API_DELEGATION_NOT_FOUND', { id });
      app.runtime.directory.invalidate();
      return ended;
    },
  );
}
