/**
 * The Baton HTTP API contract: route body/response JSON Schemas (used by the server for
 * validation and OpenAPI), the matching TypeScript types, the error codes and the websocket
 * message union.
 *
 * Pure and side-effect free: no I/O, no clock. Request body schemas are strict
 * (`additionalProperties: false`), so unknown and server-owned fields are rejected with 400.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * Every `API_*` error code the server returns, with its HTTP status. A retired code is never
 * reused. The server's `errors.ts` adds a message template per code.
 */
export const apiErrorCodes = {
  /** The request body, query string or path parameters do not match the route's schema. */
  API_VALIDATION: 400,
  /** The body is not valid JSON (malformed, truncated, empty, too deeply nested, `__proto__` keys). */
  API_MALFORMED_BODY: 400,
  /** Any other client mistake the server could not classify more precisely. */
  API_BAD_REQUEST: 400,
  /** A process definition failed `validateDefinition`; `issues` lists every problem with its path. */
  API_INVALID_DEFINITION: 400,
  /** No bearer token, or the token is invalid or expired, or its user no longer exists. */
  API_UNAUTHENTICATED: 401,
  /** Login with an unknown username or a wrong password. */
  API_INVALID_CREDENTIALS: 401,
  /** The caller is logged in but lacks the role the route requires. */
  API_FORBIDDEN: 403,
  /** No route or object at this address. */
  API_NOT_FOUND: 404,
  API_MODEL_NOT_FOUND: 404,
  API_VERSION_NOT_FOUND: 404,
  API_DEPLOYMENT_NOT_FOUND: 404,
  /** The write conflicts with the current state (unique key taken, concurrent update). */
  API_CONFLICT: 409,
  API_MODEL_EXISTS: 409,
  API_USER_EXISTS: 409,
  /** The version is published or retired and can no longer be edited. */
  API_VERSION_NOT_DRAFT: 409,
  /** Only published versions can be deployed. */
  API_VERSION_NOT_PUBLISHED: 409,
  API_PAYLOAD_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_INTERNAL: 500,
  /** The database is unreachable or the server is shutting down; retry after `Retry-After`. */
  API_UNAVAILABLE: 503,
} as const satisfies Record<`API_${string}`, number>;

/** One of {@link apiErrorCodes}. */
export type ApiErrorCode = keyof typeof apiErrorCodes;

/**
 * One problem with a request: a JSON Pointer `path` into the request body (for `API_VALIDATION`
 * on query or path parameters: into that object), a stable `code` (`SCHEMA_*` for schema
 * violations, `DEF_*` for definition issues) and a message that says where, what and how to fix.
 */
export interface ApiIssue {
  path: string;
  code: string;
  message: string;
  severity?: 'error' | 'warning';
}

/** The JSON body of every non-2xx response. */
export interface ApiErrorBody {
  statusCode: number;
  code: ApiErrorCode;
  /** The HTTP reason phrase, e.g. `Bad Request`. */
  error: string;
  message: string;
  issues?: ApiIssue[];
}

// ---------------------------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------------------------

/** The roles a user can hold. */
export const roles = ['admin', 'owner', 'operator', 'participant'] as const;
/** @see roles */
export type Role = (typeof roles)[number];

/** The UI languages. */
export const locales = ['zh-CN', 'en'] as const;
/** @see locales */
export type Locale = (typeof locales)[number];

/** Whether a version draws the process as it runs today or as it should run. */
export const versionStates = ['current', 'target'] as const;
/** @see versionStates */
export type VersionState = (typeof versionStates)[number];

/** The lifecycle of a process version. */
export const versionStatuses = ['draft', 'published', 'retired'] as const;
/** @see versionStatuses */
export type VersionStatus = (typeof versionStatuses)[number];

/** A label in both UI languages; at least one is required. */
export interface LocalizedText {
  'zh-CN'?: string;
  en?: string;
}

/** Which new instances a deployment applies to. */
export type Cohort =
  | { type: 'all' }
  | { type: 'teams'; teams: string[] }
  | { type: 'share'; percent: number };

/** The pattern of process-model keys; the same as a definition's `key`. */
export const modelKeyPattern = '^[a-z0-9][a-z0-9-]{0,62}$';
/** The pattern of usernames. */
export const usernamePattern = '^[a-z0-9][a-z0-9._-]{0,63}$';

// ---------------------------------------------------------------------------------------------
// DTO types
// ---------------------------------------------------------------------------------------------

/** A user as the API shows it (never the password hash). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  teamId: number | null;
  teamKey: string | null;
  managerId: number | null;
  locale: Locale;
  outOfOffice: boolean;
}

/** A team in the team tree. */
export interface Team {
  id: number;
  key: string;
  name: LocalizedText;
  parentId: number | null;
  managerId: number | null;
}

/** A process model: the stable identity (`key`) shared by all its versions. */
export interface ProcessModel {
  id: number;
  key: string;
  name: LocalizedText;
  createdBy: number | null;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A process version without its definition, as listed. */
export interface VersionSummary {
  id: number;
  modelKey: string;
  number: number;
  state: VersionState;
  status: VersionStatus;
  /** sha256 (hex) of the canonical definition JSON; null while a draft. */
  contentHash: string | null;
  authorId: number | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** A process version with its definition. */
export interface Version extends VersionSummary {
  /** The process definition (see `@baton/definition`). */
  definition: Record<string, unknown>;
}

/** The answer to a publish: the published version and whether this call created it. */
export interface PublishResult {
  version: Version;
  /** False when identical content was already published: the existing version is returned. */
  created: boolean;
}

/** The diff between two versions of a model. `diff` is `@baton/definition`'s `DefinitionDiff`. */
export interface VersionDiff {
  modelKey: string;
  from: number;
  to: number;
  diff: unknown;
}

/** A deployment: a published version offered to a cohort of new instances. */
export interface Deployment {
  id: number;
  modelKey: string;
  versionId: number;
  version: number;
  cohort: Cohort;
  createdBy: number | null;
  startedAt: string;
  endedAt: string | null;
  active: boolean;
}

/** The answer of `GET /api/health`. */
export interface Health {
  status: 'ok';
  database: 'pglite' | 'postgres';
}

/** The answer of `POST /api/auth/login`. */
export interface LoginResult {
  /** A JWT to send as `Authorization: Bearer <token>`; valid for 12 hours. */
  token: string;
  user: User;
}

// Request bodies

/** Body of `POST /api/auth/login`. */
export interface LoginBody {
  username: string;
  password: string;
}

/** Body of `POST /api/users` (admin only). */
export interface CreateUserBody {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  teamKey?: string;
  managerUsername?: string;
  locale?: Locale;
  outOfOffice?: boolean;
}

/** Body of `POST /api/models`. */
export interface CreateModelBody {
  key: string;
  name: LocalizedText;
}

/** Body of `POST /api/models/:key/versions` and `POST /api/models/:key/publish`. */
export interface CreateVersionBody {
  definition: unknown;
  state: VersionState;
  notes?: string;
}

/** Body of `PUT /api/models/:key/versions/:number`. */
export interface UpdateVersionBody {
  definition: unknown;
  state?: VersionState;
  notes?: string;
}

/** Body of `POST /api/models/:key/deployments`. */
export interface CreateDeploymentBody {
  /** The version number (not id) to deploy; it must be published. */
  version: number;
  cohort: Cohort;
}

// ---------------------------------------------------------------------------------------------
// JSON Schemas
// ---------------------------------------------------------------------------------------------

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const timestamp = { type: 'string', description: 'ISO 8601 timestamp' } as const;
const nullableTimestamp = { type: ['string', 'null'], description: 'ISO 8601 timestamp' } as const;

/** Schema of {@link LocalizedText}. */
export const localizedTextSchema = {
  type: 'object',
  properties: {
    'zh-CN': { type: 'string', minLength: 1, maxLength: 200 },
    en: { type: 'string', minLength: 1, maxLength: 200 },
  },
  additionalProperties: false,
  minProperties: 1,
} as const;

/** Schema of {@link Cohort}. */
export const cohortSchema = {
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'all' } },
      required: ['type'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'teams' },
        teams: {
          type: 'array',
          items: { type: 'string', minLength: 1, maxLength: 100 },
          minItems: 1,
          maxItems: 100,
          uniqueItems: true,
        },
      },
      required: ['type', 'teams'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'share' },
        percent: { type: 'integer', minimum: 1, maximum: 100 },
      },
      required: ['type', 'percent'],
      additionalProperties: false,
    },
  ],
} as const;

/** Response schema of {@link Cohort} (serialisation keeps every field). */
const cohortResponseSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['all', 'teams', 'share'] },
    teams: { type: 'array', items: { type: 'string' } },
    percent: { type: 'integer' },
  },
  required: ['type'],
} as const;

/** Schema of {@link ApiErrorBody}. */
export const apiErrorBodySchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
          severity: { type: 'string', enum: ['error', 'warning'] },
        },
        required: ['path', 'code', 'message'],
      },
    },
  },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

/** Schema of {@link User}. */
export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: roles } },
    teamId: nullableInteger,
    teamKey: nullableString,
    managerId: nullableInteger,
    locale: { type: 'string', enum: locales },
    outOfOffice: { type: 'boolean' },
  },
  required: ['id', 'username', 'displayName', 'roles', 'teamId', 'teamKey', 'managerId', 'locale', 'outOfOffice'],
} as const;

/** Schema of {@link Team}. */
export const teamSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    key: { type: 'string' },
    name: { type: 'object', properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } } },
    parentId: nullableInteger,
    managerId: nullableInteger,
  },
  required: ['id', 'key', 'name', 'parentId', 'managerId'],
} as const;

/** Schema of {@link ProcessModel}. */
export const processModelSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    key: { type: 'string' },
    name: { type: 'object', properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } } },
    createdBy: nullableInteger,
    createdAt: timestamp,
  },
  required: ['id', 'key', 'name', 'createdBy', 'createdAt'],
} as const;

const versionSummaryProperties = {
  id: { type: 'integer' },
  modelKey: { type: 'string' },
  number: { type: 'integer' },
  state: { type: 'string', enum: versionStates },
  status: { type: 'string', enum: versionStatuses },
  contentHash: nullableString,
  authorId: nullableInteger,
  notes: nullableString,
  createdAt: timestamp,
  updatedAt: timestamp,
  publishedAt: nullableTimestamp,
} as const;
const versionSummaryRequired = [
  'id',
  'modelKey',
  'number',
  'state',
  'status',
  'contentHash',
  'authorId',
  'notes',
  'createdAt',
  'updatedAt',
  'publishedAt',
] as const;

/** Schema of {@link VersionSummary}. */
export const versionSummarySchema = {
  type: 'object',
  properties: versionSummaryProperties,
  required: versionSummaryRequired,
} as const;

/** Schema of {@link Version}. */
export const versionSchema = {
  type: 'object',
  properties: {
    ...versionSummaryProperties,
    definition: { type: 'object', additionalProperties: true },
  },
  required: [...versionSummaryRequired, 'definition'],
} as const;

/** Schema of {@link PublishResult}. */
export const publishResultSchema = {
  type: 'object',
  properties: { version: versionSchema, created: { type: 'boolean' } },
  required: ['version', 'created'],
} as const;

/** Schema of {@link VersionDiff}. */
export const versionDiffSchema = {
  type: 'object',
  properties: {
    modelKey: { type: 'string' },
    from: { type: 'integer' },
    to: { type: 'integer' },
    diff: {},
  },
  required: ['modelKey', 'from', 'to', 'diff'],
} as const;

/** Schema of {@link Deployment}. */
export const deploymentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    modelKey: { type: 'string' },
    versionId: { type: 'integer' },
    version: { type: 'integer' },
    cohort: cohortResponseSchema,
    createdBy: nullableInteger,
    startedAt: timestamp,
    endedAt: nullableTimestamp,
    active: { type: 'boolean' },
  },
  required: ['id', 'modelKey', 'versionId', 'version', 'cohort', 'createdBy', 'startedAt', 'endedAt', 'active'],
} as const;

/** Schema of {@link Health}. */
export const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok'] },
    database: { type: 'string', enum: ['pglite', 'postgres'] },
  },
  required: ['status', 'database'],
} as const;

/** Schema of {@link LoginBody}. */
export const loginBodySchema = {
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['username', 'password'],
  additionalProperties: false,
} as const;

/** Schema of {@link LoginResult}. */
export const loginResultSchema = {
  type: 'object',
  properties: { token: { type: 'string' }, user: userSchema },
  required: ['token', 'user'],
} as const;

/** Schema of {@link CreateUserBody}. */
export const createUserBodySchema = {
  type: 'object',
  properties: {
    username: { type: 'string', pattern: usernamePattern },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    password: { type: 'string', minLength: 8, maxLength: 1024 },
    roles: { type: 'array', items: { type: 'string', enum: roles }, uniqueItems: true, maxItems: roles.length },
    teamKey: { type: 'string', minLength: 1, maxLength: 100 },
    managerUsername: { type: 'string', pattern: usernamePattern },
    locale: { type: 'string', enum: locales },
    outOfOffice: { type: 'boolean' },
  },
  required: ['username', 'displayName', 'password', 'roles'],
  additionalProperties: false,
} as const;

/** Schema of {@link CreateModelBody}. */
export const createModelBodySchema = {
  type: 'object',
  properties: {
    key: { type: 'string', pattern: modelKeyPattern },
    name: localizedTextSchema,
  },
  required: ['key', 'name'],
  additionalProperties: false,
} as const;

const definitionBodySchema = {
  type: 'object',
  description: 'A process definition; checked by validateDefinition from @baton/definition.',
} as const;
const notesSchema = { type: 'string', maxLength: 10_000 } as const;

/** Schema of {@link CreateVersionBody}. */
export const createVersionBodySchema = {
  type: 'object',
  properties: {
    definition: definitionBodySchema,
    state: { type: 'string', enum: versionStates },
    notes: notesSchema,
  },
  required: ['definition', 'state'],
  additionalProperties: false,
} as const;

/** Schema of {@link UpdateVersionBody}. */
export const updateVersionBodySchema = {
  type: 'object',
  properties: {
    definition: definitionBodySchema,
    state: { type: 'string', enum: versionStates },
    notes: notesSchema,
  },
  required: ['definition'],
  additionalProperties: false,
} as const;

/** Schema of {@link CreateDeploymentBody}. */
export const createDeploymentBodySchema = {
  type: 'object',
  properties: {
    version: { type: 'integer', minimum: 1 },
    cohort: cohortSchema,
  },
  required: ['version', 'cohort'],
  additionalProperties: false,
} as const;

/** Path parameters `{ key }` of the model routes. */
export const modelKeyParamsSchema = {
  type: 'object',
  properties: { key: { type: 'string', pattern: modelKeyPattern } },
  required: ['key'],
} as const;

/** Path parameters `{ key, number }` of the version routes. */
export const versionParamsSchema = {
  type: 'object',
  properties: {
    key: { type: 'string', pattern: modelKeyPattern },
    number: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
  },
  required: ['key', 'number'],
} as const;

/** Path parameters `{ key, id }` of the deployment routes. */
export const deploymentParamsSchema = {
  type: 'object',
  properties: {
    key: { type: 'string', pattern: modelKeyPattern },
    id: { type: 'integer', minimum: 1 },
  },
  required: ['key', 'id'],
} as const;

/** Query string `{ from, to }` of `GET /api/models/:key/diff`. */
export const diffQuerySchema = {
  type: 'object',
  properties: {
    from: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    to: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
  },
  required: ['from', 'to'],
  additionalProperties: false,
} as const;

// ---------------------------------------------------------------------------------------------
// Websocket
// ---------------------------------------------------------------------------------------------

/**
 * Messages the server pushes over the websocket. A placeholder until the run loop lands: the
 * names reuse the dotted, past-tense domain events.
 */
export type WsServerMessage =
  | { type: 'instance.updated'; instanceId: string; rev: number; status: string }
  | { type: 'task.created'; instanceId: string; taskId: number }
  | { type: 'task.completed'; instanceId: string; taskId: number }
  | { type: 'error'; code: ApiErrorCode; message: string };

/** Messages a client sends over the websocket. A placeholder until the run loop lands. */
export type WsClientMessage =
  | { type: 'subscribe'; instanceId: string }
  | { type: 'unsubscribe'; instanceId: string };
