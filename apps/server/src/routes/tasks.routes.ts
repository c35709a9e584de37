import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AddSignersBody,
  type ApiErrorBody,
  type BatchCompleteBody,
  type BatchCompleteResult,
  type WithdrawBody,
  addSignersBodySchema,
  batchCompleteBodySchema,
  batchCompleteResultSchema,
  withdrawBodySchema,
  type CompleteTaskBody,
  type ReturnTaskBody,
  type Task,
  type ListTasksQuery,
  type TaskDetail,
  type TaskParams,
  type TaskResult,
  type TransferTaskBody,
  completeTaskBodySchema,
  emptyBodySchema,
  idempotencyKeyHeadersSchema,
  listTasksQuerySchema,
  returnTaskBodySchema,
  taskDetailSchema,
  taskListSchema,
  taskParamsSchema,
  taskResultSchema,
  transferTaskBodySchema,
} from '@baton/client/contract';
import { type Actor, type Command, type InstanceSnapshot, isCandidate } from '@baton/engine';
import { getCurrentUserOrThrow, getViewerOrThrow } from '../auth/auth.plugin.ts';
import { ApiError } from '../errors.ts';
import {
  type StoredResponse,
  answerOptions,
  readIdempotencyScope,
  sendStored,
  toStoredError,
} from '../http/idempotency.ts';
import { canSeeInstance } from '../instances/instance-repository.ts';
import { toApiErrorFromEngine, toUnknownUserIssue } from '../http/engine-errors.ts';
import type { CommandContext, CommandOutcome } from '../runtime/runtime.ts';
import { judgeTaskActions } from '../tasks/task-actions.ts';
import { dbNow } from '../runtime/clock.ts';
import { type Viewer, toActor } from '../auth/viewer.ts';
import {
  findTaskInstanceId,
  findTaskWithInstanceData,
  findVisibleTaskIds,
  listInbox,
  nextTasksOf,
  taskDtoFromState,
  toTaskDetailDto,
} from '../tasks/task-repository.ts';
import { findUnknownUsernames, findUserIdByUsername } from '../users/user-repository.ts';
import { type WithPaging, errorResponses } from '../http/route-schemas.ts';

/**
 * The answer of a task command as stored for Idempotency-Key replays: 200 `{ task, next }`, or
 * the API error the engine's refusal comes to.
 */
function toTaskAnswer(outcome: CommandOutcome, key: string, id: number, viewer: Viewer): StoredResponse {
  if (outcome.ok) {
    const snapshot = outcome.instance.snapshot as InstanceSnapshot;
    const state = snapshot.tasks[key];
    if (!state) throw new Error(`Task ${key} is missing from the snapshot of instance ${outcome.instance.id}.`);
    const completed = outcome.effects.find((e) => e.type === 'task.completed' && e.task.id === key);
    const completion =
      completed?.type === 'task.completed'
        ? { output: completed.output, by: completed.by, at: outcome.now }
        : undefined;
    const cancelled = outcome.effects.find((e) => e.type === 'task.cancelled' && e.task.id === key);
    const task = taskDtoFromState({
      state,
      id,
      instance: outcome.instance,
      version: outcome.version,
      ...(completion ? { completion } : {}),
      ...(cancelled?.type === 'task.cancelled' ? { cancelReason: cancelled.reason } : {}),
    });
    return {
      statusCode: 200,
      body: {
        task,
        next: nextTasksOf({ instance: outcome.instance, taskIds: outcome.taskIds, version: outcome.version, viewer }),
      } satisfies TaskResult,
    };
  }
  let error = outcome.error;
  // A task closed by an instance that then ended is, for its user, a task no longer open.
  const state = (outcome.instance.snapshot as InstanceSnapshot).tasks[key];
  if (error.code === 'ENG_INSTANCE_ENDED' && state && (state.status === 'completed' || state.status === 'cancelled')) {
    error = {
      code: 'ENG_TASK_NOT_OPEN',
      message: `Task "${key}" is already ${state.status} and its instance has ended.`,
    };
  }
  // A form field that names no user for a later task's owner (issue 8): a form error.
  if (error.code === 'ENG_UNKNOWN_USER') {
    return toStoredError(
      new ApiError(
        'API_INVALID_FORM',
        { task: id, node: state?.node ?? '?', count: 1 },
        { issues: [toUnknownUserIssue(error)] },
      ),
    );
  }
  return toStoredError(toApiErrorFromEngine(error, { instanceId: outcome.instance.id, task: id }));
}

/** The body limit of task routes: 256 KiB (a form, not a file upload). */
export const taskBodyLimit = 256 * 1024;

type IdParams = TaskParams;

/**
 * The inbox and the task commands. Reading needs a logged-in user who may work on the task (or
 * sees everything: admin, owner, operator); commands go to the engine, which allows the
 * assignee, the candidates and privileged users (admin, operator) and refuses everyone else
 * with 403. A stale or second completion is 409. Every command accepts an `Idempotency-Key`.
 */
export async function taskRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: WithPaging<ListTasksQuery> }>(
    '/api/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Your inbox: open and claimed tasks assigned to you or offered to you (by username, position or team)',
        querystring: listTasksQuerySchema,
        response: { 200: taskListSchema, ...errorResponses },
      },
    },
    async (request): Promise<Task[]> => {
      const viewer = getViewerOrThrow(request);
      const { instance, ...rest } = request.query;
      return listInbox(app.db, viewer, {
        ...rest,
        ...(instance !== undefined ? { instance: instance.toLowerCase() } : {}),
      });
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'A task with its form (outputs schema), input values, and what you may do on it now (actions with reasons, return targets)',
        params: taskParamsSchema,
        response: { 200: taskDetailSchema, ...errorResponses },
      },
    },
    async (request): Promise<TaskDetail> => {
      const viewer = getViewerOrThrow(request);
      const id = request.params.id;
      let row = await findTaskWithInstanceData(app.db, { id, ...(viewer.seesAll ? {} : { visibleTo: viewer }) });
      if (!row && !viewer.seesAll) {
        // The initiator and other participants of the instance may look at its tasks too.
        const any = await findTaskWithInstanceData(app.db, { id });
        if (any && (await canSeeInstance(app.db, viewer, any.instance_id))) row = any;
      }
      if (!row) throw new ApiError('API_TASK_NOT_FOUND', { id });
      const version = await app.runtime.processes.get(app.db, row.version_id);
      const instance = await app.db
        .selectFrom('instances')
        .select('snapshot')
        .where('id', '=', row.instance_id)
        .executeTakeFirstOrThrow();
      const now = await dbNow(app.db, app.runtime.clock);
      // Round-robin owners need a locked directory; a dry run does without one.
      const directory =
        version.roundRobinKeys.length > 0
          ? undefined
          : (await app.runtime.directory.load(app.db, version, false, now)).directory;
      const judged = judgeTaskActions({
        process: version.process,
        snapshot: instance.snapshot as InstanceSnapshot,
        taskKey: row.key,
        actor: toActor(viewer),
        now,
        ...(directory ? { directory } : {}),
      });
      return toTaskDetailDto(row, version, row.instance_data, judged);
    },
  );

  /**
   * Runs a task command: finds the task, builds the engine command with the caller as actor,
   * and answers `{ task }` (or the error), stored for replay when an Idempotency-Key is sent.
   */
  async function taskCommand(
    request: FastifyRequest<{ Params: IdParams }>,
    reply: FastifyReply,
    build: (key: string, actor: Actor, context: CommandContext, viewer: Viewer) => Command,
  ): Promise<FastifyReply> {
    const user = getCurrentUserOrThrow(request);
    const viewer = getViewerOrThrow(request);
    const actor = toActor(viewer);
    const id = request.params.id;
    let key = '';
    const respond = (outcome: CommandOutcome): StoredResponse => toTaskAnswer(outcome, key, id, viewer);
    const result = await app.runtime.runCommand<StoredResponse>(
      { taskId: id },
      (context) => {
        key = context.taskKey!;
        return build(key, actor, context, viewer);
      },
      answerOptions(readIdempotencyScope(request, user.id), respond),
    );
    if (result.kind === 'missing') throw new ApiError('API_TASK_NOT_FOUND', { id });
    return sendStored(reply, result.value!, result.kind === 'skipped');
  }

  const commandSchema = (summary: string, body: object) => ({
    tags: ['tasks'],
    summary,
    params: taskParamsSchema,
    headers: idempotencyKeyHeadersSchema,
    body,
    response: { 200: taskResultSchema, ...errorResponses },
  });

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/claim',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema('Claim an offered task: it becomes yours (409 when someone else has it)', emptyBodySchema),
    },
    async (request, reply) => taskCommand(request, reply, (task, actor) => ({ type: 'claim', task, actor })),
  );

  app.post<{ Params: IdParams; Body: CompleteTaskBody | null }>(
    '/api/tasks/:id/complete',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema(
        'Complete a task with its form values (400 API_INVALID_FORM with a path per problem; 403 when it is not yours; 409 when already done)',
        completeTaskBodySchema,
      ),
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const output = body.output ?? {};
      const { decision, comment, cc } = body;
      if (cc !== undefined && cc.length > 0) await assertUsersExist(cc, '/cc', 'POST /api/tasks/:id/complete');
      // A rejection with an empty form is not judged against the form (a rejection needs no values).
      const judgeForm = !(decision === 'reject' && body.output === undefined);
      return taskCommand(request, reply, (task, actor, { snapshot, version }) => {
        const state = snapshot.tasks[task];
        // The form is judged only for someone allowed to submit it, and only while the task is
        // open: a stranger gets 403 and a stale completion 409 from the engine, not a form error.
        if (
          judgeForm &&
          state &&
          (state.status === 'open' || state.status === 'claimed') &&
          (actor.privileged || isCandidate(state, actor))
        ) {
          const issues = version.outputValidator(state.node)(output);
          if (issues.length > 0)
            throw new ApiError(
              'API_INVALID_FORM',
              { task: request.params.id, node: state.node, count: issues.length },
              { issues },
            );
        }
        return {
          type: 'complete',
          task,
          actor,
          output,
          ...(decision !== undefined ? { decision } : {}),
          ...(comment !== undefined ? { comment } : {}),
          ...(cc !== undefined && cc.length > 0 ? { cc } : {}),
        };
      });
    },
  );

  app.post<{ Params: IdParams; Body: TransferTaskBody }>(
    '/api/tasks/:id/transfer',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema(
        'Hand a task to another user (the assignee, a candidate, or an operator)',
        transferTaskBodySchema,
      ),
    },
    async (request, reply) => {
      const { to, comment } = request.body;
      if ((await findUserIdByUsername(app.db, to)) === undefined) {
        const message = `At /to: there is no user "${to}". Use a username from GET /api/users.`;
        throw new ApiError(
          'API_VALIDATION',
          { part: 'body', route: 'POST /api/tasks/:id/transfer', summary: message },
          { issues: [{ path: '/to', code: 'API_UNKNOWN_USER', message }] },
        );
      }
      return taskCommand(request, reply, (task, actor) => ({
        type: 'transfer',
        task,
        actor,
        to,
        ...(comment !== undefined ? { comment } : {}),
      }));
    },
  );

  app.post<{ Params: IdParams; Body: ReturnTaskBody }>(
    '/api/tasks/:id/return',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema(
        'Send the work back (退回) to an earlier step this instance has passed, or to `@previous` or `@initiator`',
        returnTaskBodySchema,
      ),
    },
    async (request, reply) => {
      const { to, reason } = request.body;
      return taskCommand(request, reply, (task, actor) => ({
        type: 'return',
        task,
        actor,
        to,
        ...(reason !== undefined ? { reason } : {}),
      }));
    },
  );

  app.post<{ Params: IdParams }>(
    '/api/tasks/:id/urge',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema('Remind whoever holds a task (anyone who may see its instance)', emptyBodySchema),
    },
    async (request, reply) => {
      const viewer = getViewerOrThrow(request);
      const instanceId = await findTaskInstanceId(app.db, request.params.id);
      if (instanceId === undefined || !(await canSeeInstance(app.db, viewer, instanceId)))
        throw new ApiError('API_TASK_NOT_FOUND', { id: request.params.id });
      return taskCommand(request, reply, (key, actor) => ({ type: 'urge', task: key, actor }));
    },
  );

  app.post<{ Params: IdParams; Body: AddSignersBody }>(
    '/api/tasks/:id/add-signers',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema(
        '加签: add signers before you (they decide first, then it comes back to you), after you, or beside you',
        addSignersBodySchema,
      ),
    },
    async (request, reply) => {
      const { users, position, comment } = request.body;
      await assertUsersExist(users, '/users', 'POST /api/tasks/:id/add-signers');
      return taskCommand(request, reply, (task, actor) => ({
        type: 'addSigners',
        task,
        actor,
        users,
        position,
        ...(comment !== undefined ? { comment } : {}),
      }));
    },
  );

  app.post<{ Params: IdParams; Body: WithdrawBody | null }>(
    '/api/tasks/:id/withdraw',
    {
      bodyLimit: taskBodyLimit,
      schema: commandSchema(
        '撤回: withdraw your completion of this task while the next task is untouched (409 API_WITHDRAW_REFUSED once it is not)',
        withdrawBodySchema,
      ),
    },
    async (request, reply) => {
      const comment = request.body?.comment;
      const viewer = getViewerOrThrow(request);
      const instanceId = await findTaskInstanceId(app.db, request.params.id);
      if (instanceId === undefined || !(await canSeeInstance(app.db, viewer, instanceId)))
        throw new ApiError('API_TASK_NOT_FOUND', { id: request.params.id });
      return taskCommand(request, reply, (task, actor) => ({
        type: 'withdraw',
        task,
        actor,
        ...(comment !== undefined ? { comment } : {}),
      }));
    },
  );

  app.post<{ Body: BatchCompleteBody }>(
    '/api/tasks/batch-complete',
    {
      bodyLimit: taskBodyLimit,
      schema: {
        tags: ['tasks'],
        summary:
          'Batch approval: complete several tasks that need no form input, each judged and recorded on its own (per-task results; 200 even when some fail)',
        body: batchCompleteBodySchema,
        response: { 200: batchCompleteResultSchema, ...errorResponses },
      },
    },
    async (request): Promise<BatchCompleteResult> => {
      const viewer = getViewerOrThrow(request);
      const actor = toActor(viewer);
      const { tasks: ids, comment } = request.body;
      const decision = request.body.decision ?? 'approve';
      // Tasks the caller may not see answer like unknown ones (ids reveal nothing).
      const visible = viewer.seesAll ? new Set(ids) : await findVisibleTaskIds(app.db, viewer, ids);
      const results: BatchCompleteResult['results'] = [];
      // One after another: each task is its own command, with its own transaction and outcome.
      for (const id of ids) {
        let answer: StoredResponse;
        try {
          if (!visible.has(id)) throw new ApiError('API_TASK_NOT_FOUND', { id });
          let key = '';
          const result = await app.runtime.runCommand<StoredResponse>(
            { taskId: id },
            ({ snapshot, version, taskKey }) => {
              key = taskKey!;
              const state = snapshot.tasks[key];
              if (
                state &&
                (state.status === 'open' || state.status === 'claimed') &&
                (actor.privileged || isCandidate(state, actor))
              ) {
                const issues = version.outputValidator(state.node)({});
                if (issues.length > 0)
                  throw new ApiError('API_FORM_REQUIRED', { id, node: state.node, count: issues.length });
              }
              return {
                type: 'complete',
                task: key,
                actor,
                output: {},
                decision,
                ...(comment !== undefined ? { comment } : {}),
              };
            },
            { respond: (outcome) => toTaskAnswer(outcome, key, id, viewer) },
          );
          if (result.kind === 'missing') throw new ApiError('API_TASK_NOT_FOUND', { id });
          answer = result.value!;
        } catch (error) {
          if (!(error instanceof ApiError)) {
            request.log.error({ err: error, task: id }, 'batch approval: one task failed unexpectedly');
            answer = toStoredError(new ApiError('API_INTERNAL', { requestId: request.id }));
          } else answer = toStoredError(error);
        }
        if (answer.statusCode === 200) {
          results.push({ id, ok: true, task: (answer.body as TaskResult).task });
        } else {
          const body = answer.body as ApiErrorBody;
          results.push({
            id,
            ok: false,
            error: { statusCode: body.statusCode, code: body.code, message: body.message },
          });
        }
      }
      const succeeded = results.filter((r) => r.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
  );

  /** 400 `API_VALIDATION` naming each username that is no user (path `<path>/<index>`). */
  async function assertUsersExist(usernames: readonly string[], path: string, route: string): Promise<void> {
    const unknown = await findUnknownUsernames(app.db, usernames);
    if (unknown.length === 0) return;
    const issues = unknown.map((name) => ({
      path: `${path}/${usernames.indexOf(name)}`,
      code: 'API_UNKNOWN_USER',
      message: `At ${path}/${usernames.indexOf(name)}: there is no user "${name}". Use a username from GET /api/users.`,
    }));
    throw new ApiError('API_VALIDATION', { part: 'body', route, summary: issues[0]!.message }, { issues });
  }
}
