/**
 * Deployments: which published version new instances of a model get, per cohort
 * (`/api/models/:key/deployments…`).
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema, modelKeyPattern } from './common.ts';
import { freeObject, nullable, nullableInteger, nullableString, nullableTimestamp, timestamp } from './schema.ts';

const cohortAllSchema = Type.Object({ type: Type.Unsafe<'all'>({ const: 'all' }) }, { additionalProperties: false });
const cohortTeamsSchema = Type.Object(
  {
    type: Type.Unsafe<'teams'>({ const: 'teams' }),
    teams: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
  },
  { additionalProperties: false },
);
const cohortShareSchema = Type.Object(
  {
    type: Type.Unsafe<'share'>({ const: 'share' }),
    percent: Type.Integer({ minimum: 1, maximum: 100 }),
  },
  { additionalProperties: false },
);

/** Schema of {@link Cohort} in request bodies: exactly one of the three forms. */
export const cohortSchema = Type.Unsafe<
  Static<typeof cohortAllSchema> | Static<typeof cohortTeamsSchema> | Static<typeof cohortShareSchema>
>({
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [cohortAllSchema, cohortTeamsSchema, cohortShareSchema],
});
/** Which new instances a deployment applies to. */
export type Cohort = Static<typeof cohortSchema>;

/** Response schema of {@link Cohort} (serialisation keeps every field). */
const cohortResponseSchema = Type.Unsafe<Cohort>({
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['all', 'teams', 'share'] },
    teams: { type: 'array', items: { type: 'string' } },
    percent: { type: 'integer' },
  },
  required: ['type'],
});

/** Schema of {@link Deployment}. */
export const deploymentSchema = Type.Object({
  id: Type.Integer(),
  modelKey: Type.String(),
  versionId: Type.Integer(),
  version: Type.Integer(),
  cohort: cohortResponseSchema,
  createdBy: nullableInteger,
  startedAt: timestamp,
  endedAt: nullableTimestamp,
  active: Type.Boolean(),
});
/** A deployment: a published version offered to a cohort of new instances. */
export type Deployment = Static<typeof deploymentSchema>;

/** Schema of {@link CreateDeploymentBody}. */
export const createDeploymentBodySchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version number (not id) to deploy; it must be published.' }),
    cohort: cohortSchema,
  },
  { additionalProperties: false },
);
/** Body of `POST /api/models/:key/deployments`. */
export type CreateDeploymentBody = Static<typeof createDeploymentBodySchema>;

/** Path parameters `{ key, id }` of the deployment routes. */
export const deploymentParamsSchema = Type.Object({
  key: Type.String({ pattern: modelKeyPattern }),
  id: Type.Integer({ minimum: 1 }),
});
/** @see deploymentParamsSchema */
export type DeploymentParams = Static<typeof deploymentParamsSchema>;

/** Schema of the answer of `GET /api/models/:key/deployments`. */
export const deploymentListSchema = Type.Array(deploymentSchema);

/** Schema of {@link StartableProcess}. */
export const startableProcessSchema = Type.Object({
  key: Type.String({ description: 'The model key (start it with `POST /api/models/:key/instances`).' }),
  name: localizedTextResponseSchema,
  description: nullable(localizedTextResponseSchema),
  version: Type.Integer({
    description: 'The version number a new instance of yours runs on (without a business key).',
  }),
  form: freeObject({
    description:
      "The start form: the definition's data schema, limited to the start node's `inputs` when it names them.",
  }),
  businessKeyField: nullableString,
  byShare: Type.Boolean({
    description: 'True when a share cohort is deployed too: the version then also depends on the business key.',
  }),
});
/** A process the caller may start: a model with an active deployment whose cohort includes them. */
export type StartableProcess = Static<typeof startableProcessSchema>;

/** Schema of the answer of `GET /api/startable`. */
export const startableListSchema = Type.Array(startableProcessSchema);
