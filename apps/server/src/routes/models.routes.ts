import type { FastifyInstance } from 'fastify';
import {
  type CreateModelBody,
  type CreateVersionBody,
  type DiffQuery,
  type ModelKeyParams,
  type ProcessModel,
  type PublishResult,
  type UpdateVersionBody,
  type Version,
  type VersionDiff,
  type VersionParams,
  type VersionSummary,
  createModelBodySchema,
  createVersionBodySchema,
  diffQuerySchema,
  emptyBodySchema,
  modelKeyParamsSchema,
  processModelListSchema,
  processModelSchema,
  publishResultSchema,
  updateVersionBodySchema,
  versionDiffSchema,
  versionParamsSchema,
  versionSchema,
  versionSummaryListSchema,
} from '@baton/client/contract';
import { diffDefinitions } from '@baton/definition';
import { getCurrentUserOrThrow, requireRole } from '../auth/auth.plugin.ts';
import {
  type CheckDefinitionOptions,
  checkDefinition,
  checkDraft,
  definitionIssues,
} from '../models/check-definition.ts';
import { diffableDefinition } from '../models/diffable-definition.ts';
import {
  createDraft,
  createModel,
  getModelOrThrow,
  getVersionOrThrow,
  listModels,
  listVersions,
  type StoredPublishResult,
  type StoredVersion,
  publishDefinition,
  publishDraft,
  toModelDto,
  toVersionDto,
  updateDraft,
} from '../models/model-repository.ts';
import { errorResponses } from '../http/route-schemas.ts';

type KeyParams = ModelKeyParams;

/**
 * Process models and versions. Reading needs any logged-in user; creating, editing and
 * publishing need the `owner` or `admin` role (checked before the body is read).
 */
export async function modelRoutes(app: FastifyInstance): Promise<void> {
  /** The server's calendars and today on its clock (UTC date), for the validator (issue 8). */
  const checkOptions = (): CheckDefinitionOptions => ({
    calendars: app.calendars,
    today: new Date(Date.now() + app.runtime.clock.offsetMs).toISOString().slice(0, 10),
  });

  const canEdit = requireRole('owner', 'admin');

  /** The version with the issues its definition has now (drafts may be stored with errors). */
  const withIssues = (version: StoredVersion): Version => ({
    ...version,
    issues: definitionIssues(version.modelKey, version.definition, checkOptions()),
  });
  const resultWithIssues = (result: StoredPublishResult): PublishResult => ({
    ...result,
    version: withIssues(result.version),
  });

  app.get(
    '/api/models',
    {
      schema: {
        tags: ['models'],
        summary: 'List process models',
        response: { 200: processModelListSchema, ...errorResponses },
      },
    },
    async (): Promise<ProcessModel[]> => listModels(app.db),
  );

  app.post<{ Body: CreateModelBody }>(
    '/api/models',
    {
      onRequest: canEdit,
      schema: {
        tags: ['models'],
        summary: 'Create a process model',
        body: createModelBodySchema,
        response: { 201: processModelSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      const model = await createModel(app.db, { key: request.body.key, name: request.body.name, createdBy: user.id });
      return reply.code(201).send(model);
    },
  );

  app.get<{ Params: KeyParams }>(
    '/api/models/:key',
    {
      schema: {
        tags: ['models'],
        summary: 'Get a process model',
        params: modelKeyParamsSchema,
        response: { 200: processModelSchema, ...errorResponses },
      },
    },
    async (request): Promise<ProcessModel> => toModelDto(await getModelOrThrow(app.db, request.params.key)),
  );

  app.get<{ Params: KeyParams }>(
    '/api/models/:key/versions',
    {
      schema: {
        tags: ['versions'],
        summary: "List a model's versions (newest first, without definitions)",
        params: modelKeyParamsSchema,
        response: { 200: versionSummaryListSchema, ...errorResponses },
      },
    },
    async (request): Promise<VersionSummary[]> =>
      listVersions(app.db, await getModelOrThrow(app.db, request.params.key)),
  );

  app.post<{ Params: KeyParams; Body: CreateVersionBody }>(
    '/api/models/:key/versions',
    {
      onRequest: canEdit,
      schema: {
        tags: ['versions'],
        summary:
          'Save a new draft version, even with validation errors: 201 with `issues` (errors first, then warnings). Only a definition whose `key` is not the model key is refused (400 API_INVALID_DEFINITION with the /key issue); publishing refuses errors',
        params: modelKeyParamsSchema,
        body: createVersionBodySchema,
        response: { 201: versionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      await getModelOrThrow(app.db, request.params.key);
      const issues = checkDraft(request.params.key, request.body.definition, checkOptions());
      const version = await createDraft(app.db, {
        modelKey: request.params.key,
        definition: request.body.definition,
        state: request.body.state,
        notes: request.body.notes ?? null,
        authorId: user.id,
      });
      return reply.code(201).send({ ...version, issues } satisfies Version);
    },
  );

  app.get<{ Params: VersionParams }>(
    '/api/models/:key/versions/:number',
    {
      schema: {
        tags: ['versions'],
        summary: 'Get a version with its definition and its current validation issues',
        params: versionParamsSchema,
        response: { 200: versionSchema, ...errorResponses },
      },
    },
    async (request): Promise<Version> => {
      const model = await getModelOrThrow(app.db, request.params.key);
      return withIssues(toVersionDto(model.key, await getVersionOrThrow(app.db, model, request.params.number)));
    },
  );

  app.put<{ Params: VersionParams; Body: UpdateVersionBody }>(
    '/api/models/:key/versions/:number',
    {
      onRequest: canEdit,
      schema: {
        tags: ['versions'],
        summary:
          "Replace a draft's definition, even with validation errors: 200 with `issues` (400 API_INVALID_DEFINITION only for a wrong `key`; 409 API_VERSION_NOT_DRAFT once published)",
        params: versionParamsSchema,
        body: updateVersionBodySchema,
        response: { 200: versionSchema, ...errorResponses },
      },
    },
    async (request): Promise<Version> => {
      const model = await getModelOrThrow(app.db, request.params.key);
      // A published version is reported as such before its new content is judged.
      const current = await getVersionOrThrow(app.db, model, request.params.number);
      const issues = current.status === 'draft' ? checkDraft(model.key, request.body.definition, checkOptions()) : [];
      const version = await updateDraft(app.db, {
        modelKey: model.key,
        number: request.params.number,
        definition: request.body.definition,
        ...(request.body.state !== undefined ? { state: request.body.state } : {}),
        ...(request.body.notes !== undefined ? { notes: request.body.notes } : {}),
      });
      return { ...version, issues };
    },
  );

  app.post<{ Params: VersionParams }>(
    '/api/models/:key/versions/:number/publish',
    {
      onRequest: canEdit,
      schema: {
        tags: ['versions'],
        summary:
          'Publish a draft: 400 API_INVALID_DEFINITION listing the issues when it has a validation error (it stays a draft); 201 {created: true}; 200 {created: false} with the existing version (the draft is deleted) when identical content is already published; 409 API_VERSION_STATE_MISMATCH when it is published under the other state label',
        params: versionParamsSchema,
        body: emptyBodySchema,
        response: { 200: publishResultSchema, 201: publishResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const key = request.params.key;
      const result = await publishDraft(app.db, {
        modelKey: key,
        number: request.params.number,
        validate: (d) => checkDefinition(key, d, checkOptions()),
      });
      return reply.code(result.created ? 201 : 200).send(resultWithIssues(result));
    },
  );

  app.post<{ Params: KeyParams; Body: CreateVersionBody }>(
    '/api/models/:key/publish',
    {
      onRequest: canEdit,
      schema: {
        tags: ['versions'],
        summary:
          'Create and publish a version in one step (400 API_INVALID_DEFINITION when it has a validation error, nothing saved; no-op with 200 when identical content is already published; 409 API_VERSION_STATE_MISMATCH under the other state label)',
        params: modelKeyParamsSchema,
        body: createVersionBodySchema,
        response: { 200: publishResultSchema, 201: publishResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = getCurrentUserOrThrow(request);
      await getModelOrThrow(app.db, request.params.key);
      checkDefinition(request.params.key, request.body.definition, checkOptions());
      const result = await publishDefinition(app.db, {
        modelKey: request.params.key,
        definition: request.body.definition,
        state: request.body.state,
        notes: request.body.notes ?? null,
        authorId: user.id,
      });
      return reply.code(result.created ? 201 : 200).send(resultWithIssues(result));
    },
  );

  app.get<{ Params: KeyParams; Querystring: DiffQuery }>(
    '/api/models/:key/diff',
    {
      schema: {
        tags: ['versions'],
        summary:
          'Diff two versions of a model (from → to); drafts with validation errors are diffed as far as they are readable',
        params: modelKeyParamsSchema,
        querystring: diffQuerySchema,
        response: { 200: versionDiffSchema, ...errorResponses },
      },
    },
    async (request): Promise<VersionDiff> => {
      const model = await getModelOrThrow(app.db, request.params.key);
      const from = await getVersionOrThrow(app.db, model, request.query.from);
      const to = await getVersionOrThrow(app.db, model, request.query.to);
      // A draft may be stored with errors (nodes missing, an edge without id…): diff what is readable.
      const diff = diffDefinitions(diffableDefinition(from.definition), diffableDefinition(to.definition));
      return { modelKey: model.key, from: from.number, to: to.number, diff };
    },
  );
}
