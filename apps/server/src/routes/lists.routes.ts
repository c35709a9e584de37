import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type CcEntry,
  type CcListQuery,
  type CcPage,
  type CcParams,
  type DoneListQuery,
  type ListCounts,
  type StartedListQuery,
  type StartedPage,
  type TaskPage,
  type TodoListQuery,
  type TodoPage,
  ccEntrySchema,
  ccListQuerySchema,
  ccPageSchema,
  ccParamsSchema,
  doneListQuerySchema,
  listCountsSchema,
  markCcBodySchema,
  startedListQuerySchema,
  startedPageSchema,
  taskPageSchema,
  todoListQuerySchema,
  todoPageSchema,
} from '@baton/client/contract';
import { getViewerOrThrow } from '../auth/auth.plugin.ts';
import { ApiError } from '../errors.ts';
import { errorResponses } from '../http/route-schemas.ts';
import {
  type ListContext,
  countLists,
  listCc,
  listDone,
  listStarted,
  listTodo,
  markCc,
} from '../lists/list-repository.ts';
import { dbNow, nowSql } from '../runtime/clock.ts';

/**
 * The four lists of the inbox — to do (待办), done by me (已办), started by me (我发起的), cc'd to
 * me (抄送我的) — with their counts, plus marking a cc entry read or unread. Every list is the
 * caller's own: no route takes a user. Pages use keyset cursors (`nextCursor`).
 */
export async function listRoutes(app: FastifyInstance): Promise<void> {
  const context = (request: FastifyRequest, route: string): ListContext => ({
    viewer: getViewerOrThrow(request),
    now: nowSql(app.runtime.clock),
    route,
  });
  const limitOf = (q: { limit?: number }) => q.limit ?? 50;

  app.get<{ Querystring: TodoListQuery }>(
    '/api/lists/todo',
    {
      schema: {
        tags: ['lists'],
        summary:
          'To do (待办): tasks assigned or offered to you (or reaching you as an agent), soonest deadline first, each with the working time left to its deadline',
        querystring: todoListQuerySchema,
        response: { 200: todoPageSchema, ...errorResponses },
      },
    },
    async (request): Promise<TodoPage> =>
      listTodo(
        app.db,
        {
          ...context(request, 'GET /api/lists/todo'),
          processes: app.runtime.processes,
          nowMs: await dbNow(app.db, app.runtime.clock),
        },
        { ...request.query, limit: limitOf(request.query) },
      ),
  );

  app.get<{ Querystring: DoneListQuery }>(
    '/api/lists/done',
    {
      schema: {
        tags: ['lists'],
        summary: 'Done by me (已办): tasks you completed, newest first',
        querystring: doneListQuerySchema,
        response: { 200: taskPageSchema, ...errorResponses },
      },
    },
    async (request): Promise<TaskPage> =>
      listDone(app.db, context(request, 'GET /api/lists/done'), { ...request.query, limit: limitOf(request.query) }),
  );

  app.get<{ Querystring: StartedListQuery }>(
    '/api/lists/started',
    {
      schema: {
        tags: ['lists'],
        summary: 'Started by me (我发起的): instances you started, newest first',
        querystring: startedListQuerySchema,
        response: { 200: startedPageSchema, ...errorResponses },
      },
    },
    async (request): Promise<StartedPage> =>
      listStarted(app.db, context(request, 'GET /api/lists/started'), {
        ...request.query,
        limit: limitOf(request.query),
      }),
  );

  app.get<{ Querystring: CcListQuery }>(
    '/api/lists/cc',
    {
      schema: {
        tags: ['lists'],
        summary: "Cc'd to me (抄送我的): instances cc'd to you, newest first, with read state",
        querystring: ccListQuerySchema,
        response: { 200: ccPageSchema, ...errorResponses },
      },
    },
    async (request): Promise<CcPage> =>
      listCc(app.db, context(request, 'GET /api/lists/cc'), { ...request.query, limit: limitOf(request.query) }),
  );

  app.get(
    '/api/lists/counts',
    {
      schema: {
        tags: ['lists'],
        summary: 'The badge counts of the four lists',
        response: { 200: listCountsSchema, ...errorResponses },
      },
    },
    async (request): Promise<ListCounts> => countLists(app.db, context(request, 'GET /api/lists/counts')),
  );

  for (const read of [true, false]) {
    app.post<{ Params: CcParams }>(
      `/api/cc/:id/${read ? 'read' : 'unread'}`,
      {
        schema: {
          tags: ['lists'],
          summary: read
            ? 'Mark one of your cc entries read (a second call keeps the first read time)'
            : 'Mark one of your cc entries unread again',
          params: ccParamsSchema,
          body: markCcBodySchema,
          response: { 200: ccEntrySchema, ...errorResponses },
        },
      },
      async (request): Promise<CcEntry> => {
        const viewer = getViewerOrThrow(request);
        const id = request.params.id;
        const entry = await markCc(app.db, { id, userId: viewer.user.id, read, now: nowSql(app.runtime.clock) });
        if (!entry) throw new ApiError('API_CC_NOT_FOUND', { id });
        return entry;
      },
    );
  }
}
