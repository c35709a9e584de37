/**
 * Process instance migration: moving running instances of a model from one published version to
 * another (`/api/models/:key/migration-plan`, `/api/models/:key/migrations…`,
 * `/api/migrations/:id`). Operators and admins only.
 *
 * The flow: read the proposed mapping of the two versions (nodes with the same id are mapped
 * automatically, the rest are chosen by hand), dry-run it over the chosen instances to see which
 * cannot move and why, then start the migration: an operation record the client polls, while the
 * server moves the instances in batches, each instance in a transaction of its own.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema, uuidPattern } from './common.ts';
import { nullableString, nullableTimestamp, stringEnum, timestamp } from './schema.ts';

/** The most instances one dry run or migration may cover. */
export const maxMigrationInstances = 10_000;

const nodeIdSchema = Type.String({ minLength: 1, maxLength: 200 });
const versionNumber = (description: string) => Type.Integer({ minimum: 1, description });

/** Query of `GET /api/models/:key/migration-plan`. */
export const migrationPlanQuerySchema = Type.Object(
  {
    from: versionNumber('The version number the instances run on now.'),
    to: versionNumber('The published version number they should move to.'),
  },
  { additionalProperties: false },
);
/** @see migrationPlanQuerySchema */
export type MigrationPlanQuery = Static<typeof migrationPlanQuerySchema>;

/** A target node the user may choose. */
export const migrationCandidateSchema = Type.Object({
  id: Type.String(),
  name: Type.Unsafe<Static<typeof localizedTextResponseSchema> | null>({
    anyOf: [localizedTextResponseSchema, { type: 'null' }],
  }),
});

/** Schema of {@link MigrationPlanRow}. */
export const migrationPlanRowSchema = Type.Object({
  source: Type.String({ description: 'A node of the source version where an instance can rest.' }),
  sourceType: Type.String({ description: 'Its kind (`userTask`, `timer`, …).' }),
  sourceName: Type.Unsafe<Static<typeof localizedTextResponseSchema> | null>({
    anyOf: [localizedTextResponseSchema, { type: 'null' }],
  }),
  target: Type.Unsafe<string | null>({
    ...nullableString,
    description: 'The proposed target node: the node with the same id when its kind fits; null when it must be chosen.',
  }),
  candidates: Type.Array(migrationCandidateSchema, { description: 'Target nodes of the same kind it may go to.' }),
  instances: Type.Integer({ description: 'Running instances of the source version with a token on this node now.' }),
});
/** One source node of a migration plan with its proposed target. */
export type MigrationPlanRow = Static<typeof migrationPlanRowSchema>;

/** Schema of {@link MigrationPlan}. */
export const migrationPlanSchema = Type.Object({
  modelKey: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  /** Running instances on the source version. */
  running: Type.Integer(),
  rows: Type.Array(migrationPlanRowSchema),
});
/** The proposed mapping of two versions of a model. */
export type MigrationPlan = Static<typeof migrationPlanSchema>;

/** Schema of {@link MigrationBody}. */
export const migrationBodySchema = Type.Object(
  {
    from: versionNumber('The version number the instances run on now.'),
    to: versionNumber('The published version number to move them to.'),
    mapping: Type.Unsafe<Record<string, string>>({
      type: 'object',
      additionalProperties: nodeIdSchema,
      propertyNames: { minLength: 1, maxLength: 200 },
      maxProperties: 1000,
      description:
        'Source node id → target node id. Source nodes left out go to the target node with the same id, when there is one.',
    }),
    instances: Type.Optional(
      Type.Array(Type.String({ pattern: uuidPattern }), {
        minItems: 1,
        maxItems: maxMigrationInstances,
        uniqueItems: true,
        description: 'The instances to move; omitted: every running instance of the source version (filtered below).',
      }),
    ),
    businessKeyPrefix: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Only instances whose business key starts with this.' }),
    ),
  },
  { additionalProperties: false },
);
/** Body of the dry run and of the migration. */
export type MigrationBody = Static<typeof migrationBodySchema>;

/** Schema of {@link MigrationProblemInfo}. */
export const migrationProblemSchema = Type.Object({
  code: Type.String({
    description: 'An `ENG_MIGRATION_*` code (docs/errors.md), `ENG_INSTANCE_ENDED` or `API_CONFLICT`.',
  }),
  message: Type.String(),
  node: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
});
/** One reason an instance cannot move. */
export type MigrationProblemInfo = Static<typeof migrationProblemSchema>;

/** Schema of {@link MigrationBlocked}. */
export const migrationBlockedSchema = Type.Object({
  instanceId: Type.String(),
  businessKey: nullableString,
  /** The nodes the instance is on now. */
  nodes: Type.Array(Type.String()),
  problems: Type.Array(migrationProblemSchema),
});
/** An instance that cannot move, and every reason why. */
export type MigrationBlocked = Static<typeof migrationBlockedSchema>;

/** Schema of {@link MigrationDryRun}. */
export const migrationDryRunSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  total: Type.Integer({ description: 'Instances selected.' }),
  movable: Type.Array(Type.String(), { description: 'Ids of the instances that would move.' }),
  blocked: Type.Array(migrationBlockedSchema),
});
/** What a migration would do: which selected instances move and which cannot, with the reasons. Nothing is changed. */
export type MigrationDryRun = Static<typeof migrationDryRunSchema>;

/** The states of a migration operation. */
export const migrationStatuses = ['running', 'completed', 'failed'] as const;

/** Schema of {@link MigrationOperation}. */
export const migrationOperationSchema = Type.Object({
  id: Type.Integer(),
  modelKey: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  status: stringEnum(migrationStatuses, {
    description:
      '`running` while batches are moved; `completed` once every instance was tried; `failed` when the run stopped on a server error.',
  }),
  total: Type.Integer(),
  migrated: Type.Integer(),
  failed: Type.Integer(),
  failures: Type.Array(migrationBlockedSchema, {
    description: 'The instances that could not move (left unchanged), with the reasons.',
  }),
  createdBy: nullableString,
  createdAt: timestamp,
  updatedAt: timestamp,
  finishedAt: nullableTimestamp,
});
/** A migration of running instances and its progress. */
export type MigrationOperation = Static<typeof migrationOperationSchema>;

/** Path parameters of `GET /api/migrations/:id`. */
export const migrationParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1 }) });
/** @see migrationParamsSchema */
export type MigrationParams = Static<typeof migrationParamsSchema>;
