/**
 * Process models and their versions: `/api/models`, `/api/models/:key/versions…`,
 * `/api/models/:key/publish` and `/api/models/:key/diff`.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import {
  localizedTextResponseSchema,
  localizedTextSchema,
  modelKeyPattern,
  versionStates,
  versionStatuses,
} from './common.ts';
import { apiIssueSchema } from './errors.ts';
import { nullableInteger, nullableString, nullableTimestamp, stringEnum, timestamp } from './schema.ts';

/** Schema of {@link ProcessModel}. */
export const processModelSchema = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  name: localizedTextResponseSchema,
  createdBy: nullableInteger,
  createdAt: timestamp,
});
/** A process model: the stable identity (`key`) shared by all its versions. */
export type ProcessModel = Static<typeof processModelSchema>;

const versionSummaryProperties = {
  id: Type.Integer(),
  modelKey: Type.String(),
  number: Type.Integer(),
  state: stringEnum(versionStates),
  status: stringEnum(versionStatuses),
  contentHash: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'sha256 (hex) of the canonical definition JSON; null while a draft.',
  }),
  authorId: nullableInteger,
  notes: nullableString,
  createdAt: timestamp,
  updatedAt: timestamp,
  publishedAt: nullableTimestamp,
};

/** Schema of {@link VersionSummary}. */
export const versionSummarySchema = Type.Object(versionSummaryProperties);
/** A process version without its definition, as listed. */
export type VersionSummary = Static<typeof versionSummarySchema>;

/** Schema of {@link Version}. */
export const versionSchema = Type.Object({
  ...versionSummaryProperties,
  definition: Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    additionalProperties: true,
    description: 'The process definition (see `@baton/definition`); a draft may have errors.',
  }),
  issues: Type.Array(apiIssueSchema, {
    description:
      "What validateDefinition reports for `definition` now (errors first, then warnings; paths are JSON Pointers into the definition), computed with the server's calendars on each answer. A draft is stored even with errors; publishing refuses a definition with an error (400 API_INVALID_DEFINITION). Empty when it is valid without warnings.",
  }),
});
/**
 * A process version with its definition and its validation `issues` (a draft is stored even with
 * errors; only a definition without errors can be published).
 */
export type Version = Static<typeof versionSchema>;

/** Schema of {@link PublishResult}. */
export const publishResultSchema = Type.Object({
  version: versionSchema,
  created: Type.Boolean({
    description: 'False when identical content was already published: the existing version is returned.',
  }),
});
/** The answer to a publish: the published version and whether this call created it. */
export type PublishResult = Static<typeof publishResultSchema>;

/** Schema of {@link VersionDiff}. */
export const versionDiffSchema = Type.Object({
  modelKey: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  diff: Type.Unknown({ description: "`@baton/definition`'s `DefinitionDiff`." }),
});
/** The diff between two versions of a model. `diff` is `@baton/definition`'s `DefinitionDiff`. */
export type VersionDiff = Static<typeof versionDiffSchema>;

/** Schema of {@link CreateModelBody}. */
export const createModelBodySchema = Type.Object(
  {
    key: Type.String({ pattern: modelKeyPattern }),
    name: localizedTextSchema,
  },
  { additionalProperties: false },
);
/** Body of `POST /api/models`. */
export type CreateModelBody = Static<typeof createModelBodySchema>;

// The definition is checked by validateDefinition (every issue with its path), not by the body
// schema; its type stays `unknown` so that callers pass a parsed file as it is. A draft is stored
// with its issues; publishing refuses errors.
const definitionBodySchema = Type.Unsafe<unknown>({
  type: 'object',
  description:
    'A process definition whose `key` is the model key; checked by validateDefinition from @baton/definition (a draft is saved with its issues, publishing refuses errors).',
});
const notesSchema = Type.String({ maxLength: 10_000 });

/** Schema of {@link CreateVersionBody}. */
export const createVersionBodySchema = Type.Object(
  {
    definition: definitionBodySchema,
    state: stringEnum(versionStates),
    notes: Type.Optional(notesSchema),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/models/:key/versions` and `POST /api/models/:key/publish`. */
export type CreateVersionBody = Static<typeof createVersionBodySchema>;

/** Schema of {@link UpdateVersionBody}. */
export const updateVersionBodySchema = Type.Object(
  {
    definition: definitionBodySchema,
    state: Type.Optional(stringEnum(versionStates)),
    notes: Type.Optional(notesSchema),
  },
  { additionalProperties: false },
);
/** Body of `PUT /api/models/:key/versions/:number`. */
export type UpdateVersionBody = Static<typeof updateVersionBodySchema>;

/** Path parameters `{ key }` of the model routes. */
export const modelKeyParamsSchema = Type.Object({ key: Type.String({ pattern: modelKeyPattern }) });
/** @see modelKeyParamsSchema */
export type ModelKeyParams = Static<typeof modelKeyParamsSchema>;

/** Path parameters `{ key, number }` of the version routes. */
export const versionParamsSchema = Type.Object({
  key: Type.String({ pattern: modelKeyPattern }),
  number: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});
/** @see versionParamsSchema */
export type VersionParams = Static<typeof versionParamsSchema>;

/** Query string `{ from, to }` of `GET /api/models/:key/diff`. */
export const diffQuerySchema = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    to: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  },
  { additionalProperties: false },
);
/** @see diffQuerySchema */
export type DiffQuery = Static<typeof diffQuerySchema>;

/** Schema of the answer of `GET /api/models`. */
export const processModelListSchema = Type.Array(processModelSchema);
/** Schema of the answer of `GET /api/models/:key/versions`. */
export const versionSummaryListSchema = Type.Array(versionSummarySchema);
