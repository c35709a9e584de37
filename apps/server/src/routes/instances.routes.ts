import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type InstanceCommentBody,
  type WithdrawBody,
  instanceCommentBodySchema,
  withdrawBodySchema,
  type IncidentParams,
  type Instance,
  type InstanceDetail,
  type InstanceParams,
  type InstanceResult,
  type ListInstancesQuery,
  type ModelKeyParams,
  type SkipIncidentBody,
  type StartInstanceBody,
  type TerminateInstanceBody,
  emptyBodySchema,
  idempotencyKeyHeadersSchema,
  incidentParamsSchema,
  instanceDetailSchema,
  instanceListSchema,
  instanceParamsSchema,
  instanceResultSchema,
  listInstancesQuerySchema,
  modelKeyParamsSchema,
  skipIncidentBodySchema,
  startInstanceBodySchema,
  terminateInstanceBodySchema,
} from '@baton/client/contract';
import type { Command } from '@baton/engine';
import { getCurrentUserOrThrow, getViewerOrThrow, requireRole } from '../auth/auth.plugin.ts';
import { findStartContext } from '../deployments/deployment-repository.ts';
import { resolveVersionForStart } from '../deployments/resolve-version.ts';
import { ApiError } from '../errors.ts';
import {
  type IdempotencyScope,
  type StoredResponse,
  answerOptions,
  readIdempotencyScope,
  sendStored,
  toStoredError,
} from '../http/idempotency.ts';
import { canSeeInstance, getInstanceDetail, instanceDtoOf, listInstances } from '../instances/instance-repository.ts';
import { toApiErrorFromEngine } from '../http/engine-errors.ts';
import { compileFormValidator } from '../http/form-validator.ts';
import { parseQueryTime } from '../lists/list-repository.ts';
import { nowSql } from '../runtime/clock.ts';
import type { LoadedVersion } from '../runtime/process-cache.ts';
import type { CommandOutcome, StartedInstance } from '../runtime/runtime.ts';
import { nextTasksOf } from '../tasks/task-repository.ts';
import { toActor } from '../auth/viewer.ts';
import { type WithPaging, errorResponses } from '../http/route-schemas.ts';

type IdParams = InstanceParams;

/** Skip output may merge any fields except the reserved ones. */
const validateSkipOutput = compileFormValidator(null, '/output', false);

/**
 * Process instances: start (any logged-in user the model is deployed to), list and read
 * (admins, owners and operators see all; participants what they started or have or had tasks
 * in), terminate and incident retry/skip (operators and admins).
 */
export async function instanceRoutes(app: FastifyInstance): Promise<void> {
  const canOperate = requireRole('operator', 'admin');

  app.post<{ Params: ModelKeyParams; Body: StartInstanceBody | null }>(
    '/api/models/:key/instances',
    {
      schema: {
        tags: ['instances'],
        summary: 'Start an instance of the version deployed to you (Idempotency-Key supported)',
        params: modelKeyParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: startInstanceBodySchema,
        response: { 201: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      const viewer = getViewerOrThrow(request);
      // The model, its active deployments and the database clock: one statement.
      const context = await findStartContext(app.db, request.params.key, nowSql(app.runtime.clock));
      if (!context) throw new ApiError('API_MODEL_NOT_FOUND', { key: request.params.key });
      const { model, deployments } = context;
      const body = request.body ?? {};
      const data = body.data ?? {};
      const pick = async (businessKey: string | null): Promise<LoadedVersion | undefined> => {
        const chosen = resolveVersionForStart(deployments, { teamKeys: viewer.teamKeys, businessKey });
        return chosen && app.runtime.processes.get(app.db, chosen.versionId);
      };
      let businessKey = body.businessKey ?? null;
      let version = await pick(businessKey);
      if (version && businessKey === null) {
        // Without an explicit business key, the definition's businessKeyField supplies it; a
        // share cohort decides by that key, so resolve once more with it.
        businessKey = businessKeyFrom(version, data);
        if (businessKey !== null) {
          const again = await pick(businessKey);
          if (again && again.versionId !== version.versionId) {
            version = again;
            businessKey = businessKeyFrom(version, data) ?? businessKey;
          }
        }
      }
      if (!version) {
        throw new ApiError('API_NO_DEPLOYMENT', {
          key: model.key,
          detail: ` (team ${viewer.teamKeys[0] ?? 'none'}${businessKey ? `, business key "${businessKey}"` : ''})`,
        });
      }
      const issues = version.validateData(data);
      if (issues.length > 0) {
        throw new ApiError(
          'API_INVALID_DATA',
          { count: issues.length, key: model.key, version: version.versionNumber },
          { issues },
        );
      }
      const respond = ({ instance, version: v, taskIds }: StartedInstance): StoredResponse => ({
        statusCode: 201,
        body: {
          instance: instanceDtoOf(instance, v),
          next: nextTasksOf({ instance, taskIds, version: v, viewer }),
        } satisfies InstanceResult,
      });
      const started = await app.runtime.startInstance<StoredResponse>(
        {
          version,
          initiator: { id: user.id, username: user.username, teamId: user.teamId },
          data,
          businessKey,
          now: context.now,
        },
        answerOptions(readIdempotencyScope(request, user.id), respond),
      );
      if ('replay' in started) return sendStored(reply, started.replay, true);
      return sendStored(reply, started.value!, false);
    },
  );

  app.get<{ Querystring: WithPaging<ListInstancesQuery> }>(
    '/api/instances',
    {
      schema: {
        tags: ['instances'],
        summary:
          'List the instances you may see, newest first; by model, version, status, business key, team (and the teams below it) and start period',
        querystring: listInstancesQuerySchema,
        response: { 200: instanceListSchema, ...errorResponses },
      },
    },
    async (request): Promise<Instance[]> => {
      const viewer = getViewerOrThrow(request);
      const route = 'GET /api/instances';
      const { from, to, ...rest } = request.query;
      return listInstances(app.db, viewer, {
        ...rest,
        from: parseQueryTime(from, 'from', route),
        to: parseQueryTime(to, 'to', route),
      });
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/instances/:id',
    {
      schema: {
        tags: ['instances'],
        summary: 'An instance with its active nodes, tasks, incidents and history',
        params: instanceParamsSchema,
        response: { 200: instanceDetailSchema, ...errorResponses },
      },
    },
    async (request): Promise<InstanceDetail> => {
      const viewer = getViewerOrThrow(request);
      const id = request.params.id.toLowerCase();
      if (!(await canSeeInstance(app.db, viewer, id))) throw new ApiError('API_INSTANCE_NOT_FOUND', { id });
      const detail = await getInstanceDetail(app.db, id);
      if (!detail) throw new ApiError('API_INSTANCE_NOT_FOUND', { id });
      return detail;
    },
  );

  /** Runs an operator command on an instance and answers `{ instance }` (Idempotency-Key supported). */
  async function operate(
    request: FastifyRequest<{ Params: IdParams | IncidentParams }>,
    reply: FastifyReply,
    build: (actor: ReturnType<typeof toActor>) => Command,
  ) {
    const user = getCurrentUserOrThrow(request);
    const id = request.params.id.toLowerCase();
    const viewer = getViewerOrThrow(request);
    const actor = toActor(viewer);
    const scope: IdempotencyScope | undefined = readIdempotencyScope(request, user.id);
    const incident = 'incident' in request.params ? request.params.incident : undefined;
    const respond = (outcome: CommandOutcome): StoredResponse =>
      outcome.ok
        ? {
            statusCode: 200,
            body: {
              instance: instanceDtoOf(outcome.instance, outcome.version),
              next: nextTasksOf({
                instance: outcome.instance,
                taskIds: outcome.taskIds,
                version: outcome.version,
                viewer,
              }),
            } satisfies InstanceResult,
          }
        : toStoredError(
            toApiErrorFromEngine(outcome.error, { instanceId: id, ...(incident !== undefined ? { incident } : {}) }),
          );
    const result = await app.runtime.runCommand<StoredResponse>(id, build(actor), answerOptions(scope, respond));
    if (result.kind === 'missing') throw new ApiError('API_INSTANCE_NOT_FOUND', { id });
    return sendStored(reply, result.value!, result.kind === 'skipped');
  }

  app.post<{ Params: IdParams; Body: TerminateInstanceBody | null }>(
    '/api/instances/:id/terminate',
    {
      onRequest: canOperate,
      schema: {
        tags: ['instances'],
        summary: 'Terminate a running instance: cancels its tasks and timers (operator, admin)',
        params: instanceParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: terminateInstanceBodySchema,
        response: { 200: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const reason = request.body?.reason;
      return operate(request, reply, (actor) => ({
        type: 'terminate',
        actor,
        ...(reason !== undefined ? { reason } : {}),
      }));
    },
  );

  app.post<{ Params: IncidentParams }>(
    '/api/instances/:id/incidents/:incident/retry',
    {
      onRequest: canOperate,
      schema: {
        tags: ['instances'],
        summary: 'Retry the node of an open incident with the current data (operator, admin)',
        params: incidentParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: emptyBodySchema,
        response: { 200: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      operate(request, reply, (actor) => ({ type: 'retryIncident', incident: request.params.incident, actor })),
  );

  app.post<{ Params: IncidentParams; Body: SkipIncidentBody | null }>(
    '/api/instances/:id/incidents/:incident/skip',
    {
      onRequest: canOperate,
      schema: {
        tags: ['instances'],
        summary: 'Skip the node of an open incident, merging `output` into the data first (operator, admin)',
        params: incidentParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: skipIncidentBodySchema,
        response: { 200: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const output = request.body?.output;
      if (output !== undefined) {
        const issues = validateSkipOutput(output);
        if (issues.length > 0) {
          throw new ApiError(
            'API_VALIDATION',
            { part: 'body', route: 'POST /api/instances/:id/incidents/:incident/skip', summary: issues[0]!.message },
            { issues },
          );
        }
      }
      return operate(request, reply, (actor) => ({
        type: 'skipIncident',
        incident: request.params.incident,
        actor,
        ...(output !== undefined ? { output } : {}),
      }));
    },
  );

  /** The instance commands any participant may send (the engine judges who may): 404 for an instance the caller may not see. */
  async function participate(
    request: FastifyRequest<{ Params: IdParams }>,
    reply: FastifyReply,
    build: (actor: ReturnType<typeof toActor>) => Command,
  ) {
    const viewer = getViewerOrThrow(request);
    const id = request.params.id.toLowerCase();
    if (!(await canSeeInstance(app.db, viewer, id))) throw new ApiError('API_INSTANCE_NOT_FOUND', { id });
    return operate(request, reply, build);
  }

  app.post<{ Params: IdParams; Body: WithdrawBody | null }>(
    '/api/instances/:id/withdraw',
    {
      schema: {
        tags: ['instances'],
        summary:
          '撤回: the initiator withdraws the instance while no later approver has acted (409 API_WITHDRAW_REFUSED once one has)',
        params: instanceParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: withdrawBodySchema,
        response: { 200: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const comment = request.body?.comment;
      return participate(request, reply, (actor) => ({
        type: 'withdraw',
        actor,
        ...(comment !== undefined ? { comment } : {}),
      }));
    },
  );

  app.post<{ Params: IdParams; Body: InstanceCommentBody }>(
    '/api/instances/:id/comments',
    {
      schema: {
        tags: ['instances'],
        summary: 'Comment on the instance (or one of its tasks); kept in its history (anyone who may see it)',
        params: instanceParamsSchema,
        headers: idempotencyKeyHeadersSchema,
        body: instanceCommentBodySchema,
        response: { 200: instanceResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { text, task } = request.body;
      let taskKey: string | undefined;
      if (task !== undefined) {
        const row = await app.db
          .selectFrom('tasks')
          .select('key')
          .where('id', '=', task)
          .where('instance_id', '=', request.params.id.toLowerCase())
          .executeTakeFirst();
        if (!row) throw new ApiError('API_TASK_NOT_FOUND', { id: task });
        taskKey = row.key;
      }
      return participate(request, reply, (actor) => ({
        type: 'comment',
        actor,
        text,
        ...(taskKey !== undefined ? { task: taskKey } : {}),
      }));
    },
  );
}

function businessKeyFrom(version: LoadedVersion, data: Record<string, unknown>): string | null {
  const field = version.definition.businessKeyField;
  if (!field) return null;
  let value: unknown = data;
  for (const segment of field.split('.')) {
    value =
      value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, segment)
        ? (value as Record<string, unknown>)[segment]
        : undefined;
  }
  if (typeof value === 'string' && value !== '') return value.slice(0, 200);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
