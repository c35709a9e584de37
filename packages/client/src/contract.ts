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
  /** A browser-session request refused as cross-site: a write without the session's `X-CSRF-Token`, or a foreign `Origin`. */
  API_CSRF_REJECTED: 403,
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
  /** No process instance with this id, or the caller may not see it. */
  API_INSTANCE_NOT_FOUND: 404,
  /** No task with this id, or the caller may not see it. */
  API_TASK_NOT_FOUND: 404,
  /** The instance has no open incident with this id. */
  API_INCIDENT_NOT_FOUND: 404,
  /** No notification with this id belongs to the caller (it does not exist or is someone else's). */
  API_NOTIFICATION_NOT_FOUND: 404,
  /** The model is not deployed for the caller's team (or business key): no version to start. */
  API_NO_DEPLOYMENT: 409,
  /** The task was already completed or cancelled: a stale or second completion. */
  API_TASK_NOT_OPEN: 409,
  /** Another user has claimed the task. */
  API_TASK_ALREADY_CLAIMED: 409,
  /** The instance has completed or was terminated and takes no more commands. */
  API_INSTANCE_ENDED: 409,
  /** The caller is neither the task's assignee nor one of its candidates. */
  API_NOT_ALLOWED: 403,
  /** A task's form (`output`) does not match the node's `outputs` schema; `issues` has a path per problem. */
  API_INVALID_FORM: 400,
  /** Instance `data` does not match the definition's `data` schema; `issues` has a path per problem. */
  API_INVALID_DATA: 400,
  /** A return names a node that is not an earlier, visited step of the same scope. */
  API_RETURN_TARGET_INVALID: 400,
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
/** The pattern of business positions (`sales-rep`, `legal-manager`). */
export const positionPattern = '^[a-z0-9][a-z0-9._-]{0,63}$';

// ---------------------------------------------------------------------------------------------
// DTO types
// ---------------------------------------------------------------------------------------------

/** A user as the API shows it (never the password hash). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  /** Business positions (`sales-rep`, `legal`, …) that process definitions name as owner roles. */
  positions: string[];
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
  /** Business positions, e.g. `["sales-rep"]`. */
  positions?: string[];
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
    positions: { type: 'array', items: { type: 'string' } },
    teamId: nullableInteger,
    teamKey: nullableString,
    managerId: nullableInteger,
    locale: { type: 'string', enum: locales },
    outOfOffice: { type: 'boolean' },
  },
  required: ['id', 'username', 'displayName', 'roles', 'positions', 'teamId', 'teamKey', 'managerId', 'locale', 'outOfOffice'],
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
    positions: { type: 'array', items: { type: 'string', pattern: positionPattern }, uniqueItems: true, maxItems: 50 },
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
// Instances, tasks, incidents, events (the run loop)
// ---------------------------------------------------------------------------------------------

/** The lifecycle of a process instance. */
export const instanceStatuses = ['running', 'completed', 'terminated'] as const;
/** @see instanceStatuses */
export type InstanceStatus = (typeof instanceStatuses)[number];

/** The lifecycle of a task. `claimed` means it has an assignee. */
export const taskStatuses = ['open', 'claimed', 'completed', 'cancelled'] as const;
/** @see taskStatuses */
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * Field names the engine supplies to expressions itself; instance data and task forms may not
 * write them (RELIABILITY G4). The same list as `builtinFieldNames` of `@baton/definition`.
 */
export const reservedFieldNames = ['now', 'initiator', 'businessKey', 'instance'] as const;

/** Who may claim or complete an unassigned task: usernames, business positions, team keys. */
export interface TaskCandidates {
  users: string[];
  /** Business positions, e.g. `legal`. */
  roles: string[];
  teams: string[];
}

/** A process instance. */
export interface Instance {
  /** A uuid. */
  id: string;
  modelKey: string;
  versionId: number;
  /** The version number the instance is pinned to. */
  version: number;
  status: InstanceStatus;
  businessKey: string | null;
  /** The instance data (the process's variables). */
  data: Record<string, unknown>;
  /** Username of whoever started it. */
  initiator: string | null;
  /** The optimistic-concurrency counter: +1 per applied command. */
  rev: number;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

/** A task as inboxes and instance views show it. */
export interface Task {
  id: number;
  /** The engine's task id inside its instance, e.g. `k3`. */
  key: string;
  instanceId: string;
  modelKey: string;
  businessKey: string | null;
  nodeId: string;
  nodeName: LocalizedText | null;
  status: TaskStatus;
  /** Username of the assignee; null while it waits for one of the candidates to claim it. */
  assignee: string | null;
  candidates: TaskCandidates;
  dueAt: string | null;
  /** How many escalation rungs have fired. */
  escalationLevel: number;
  output: Record<string, unknown> | null;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
}

/** A task with what its form needs: the node's `outputs` schema and the values of its `inputs`. */
export interface TaskDetail extends Task {
  /** JSON Schema of the form (`output`), or null when the task has no form. */
  form: Record<string, unknown> | null;
  /** The node's declared input fields with their current values. */
  inputs: Record<string, unknown>;
}

/** A failure waiting for an operator: retry or skip. */
export interface Incident {
  id: string;
  node: string;
  token: string;
  /** The engine error code, e.g. `ENG_SERVICE_FAILED`. */
  code: string;
  message: string;
  at: string;
}

/** One history record of an instance (append-only). */
export interface HistoryEntry {
  id: number;
  /** Dotted, past tense: `task.completed`, `escalation.fired`, … */
  type: string;
  /** Username, or null for the system (timers, services). */
  actor: string | null;
  nodeId: string | null;
  at: string;
  data: Record<string, unknown>;
}

/** The answer of `GET /api/instances/:id`. */
export interface InstanceDetail {
  instance: Instance;
  /** Nodes where tokens rest now (tasks, timers, events, waits), without repeats. */
  activeNodes: string[];
  /** Every task of the instance, open and closed, oldest first. */
  tasks: Task[];
  /** Open incidents. */
  incidents: Incident[];
  /** The history, oldest first. */
  history: HistoryEntry[];
}

/** The answer of starting an instance and of the instance commands. */
export interface InstanceResult {
  instance: Instance;
  /** The instance's open tasks in your inbox after the command, oldest first (what to do next). */
  next: Task[];
}

/** The answer of the task commands (claim, complete, transfer, return, urge). */
export interface TaskResult {
  task: Task;
  /** The instance's open tasks in your inbox after the command, oldest first (what to do next). */
  next: Task[];
}

/** The answer of `POST /api/events`. */
export interface SendEventResult {
  /** How many running instances received the event. */
  delivered: number;
}

/** Query of `GET /api/instances`. */
export interface ListInstancesQuery {
  model?: string;
  status?: InstanceStatus;
  businessKey?: string;
  /** @default 50 */
  limit?: number;
  offset?: number;
}

/** Query of `GET /api/tasks` (the caller's inbox). */
export interface ListTasksQuery {
  /** Default: open and claimed tasks. */
  status?: TaskStatus;
  /** Only tasks of this instance. */
  instance?: string;
  /** @default 100 */
  limit?: number;
  offset?: number;
}

/** Body of `POST /api/models/:key/instances`. */
export interface StartInstanceBody {
  /** Initial instance data; checked against the definition's `data` schema. */
  data?: Record<string, unknown>;
  /** Correlates business events; defaults to the data field named by the definition's `businessKeyField`. */
  businessKey?: string;
}

/** Body of `POST /api/tasks/:id/complete`. */
export interface CompleteTaskBody {
  /** The form values; checked against the node's `outputs` schema. Only declared fields are accepted. */
  output?: Record<string, unknown>;
}

/** Body of `POST /api/tasks/:id/transfer`. */
export interface TransferTaskBody {
  /** Username of the new assignee. */
  to: string;
}

/** Body of `POST /api/tasks/:id/return`. */
export interface ReturnTaskBody {
  /** Id of an earlier node of the same scope that this instance has passed. */
  to: string;
  reason?: string;
}

/** Body of `POST /api/instances/:id/terminate`. */
export interface TerminateInstanceBody {
  reason?: string;
}

/** Body of `POST /api/instances/:id/incidents/:incident/skip`. */
export interface SkipIncidentBody {
  /** Data to merge before moving on (e.g. the result a failed service should have returned). */
  output?: Record<string, unknown>;
}

/** Body of `POST /api/events`. */
export interface SendEventBody {
  /** The event name, e.g. `contract.signed`. */
  event: string;
  businessKey: string;
  /** Written to the waiting node's `resultField`. */
  payload?: unknown;
}

const freeObject = { type: 'object', additionalProperties: true } as const;
const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const nodeIdSchema = { type: 'string', minLength: 1, maxLength: 100 } as const;
const reasonSchema = { type: 'string', maxLength: 2000 } as const;
const businessKeySchema = { type: 'string', minLength: 1, maxLength: 200 } as const;
const nullableLocalizedText = {
  type: ['object', 'null'],
  properties: { 'zh-CN': { type: 'string' }, en: { type: 'string' } },
} as const;

/** Schema of {@link Instance}. */
export const instanceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    modelKey: { type: 'string' },
    versionId: { type: 'integer' },
    version: { type: 'integer' },
    status: { type: 'string', enum: instanceStatuses },
    businessKey: nullableString,
    data: freeObject,
    initiator: nullableString,
    rev: { type: 'integer' },
    createdAt: timestamp,
    updatedAt: timestamp,
    endedAt: nullableTimestamp,
  },
  required: ['id', 'modelKey', 'versionId', 'version', 'status', 'businessKey', 'data', 'initiator', 'rev', 'createdAt', 'updatedAt', 'endedAt'],
} as const;

const candidatesSchema = {
  type: 'object',
  properties: {
    users: { type: 'array', items: { type: 'string' } },
    roles: { type: 'array', items: { type: 'string' } },
    teams: { type: 'array', items: { type: 'string' } },
  },
  required: ['users', 'roles', 'teams'],
} as const;

const taskProperties = {
  id: { type: 'integer' },
  key: { type: 'string' },
  instanceId: { type: 'string' },
  modelKey: { type: 'string' },
  businessKey: nullableString,
  nodeId: { type: 'string' },
  nodeName: nullableLocalizedText,
  status: { type: 'string', enum: taskStatuses },
  assignee: nullableString,
  candidates: candidatesSchema,
  dueAt: nullableTimestamp,
  escalationLevel: { type: 'integer' },
  output: { type: ['object', 'null'], additionalProperties: true },
  createdAt: timestamp,
  completedAt: nullableTimestamp,
  completedBy: nullableString,
} as const;
const taskRequired = [
  'id',
  'key',
  'instanceId',
  'modelKey',
  'businessKey',
  'nodeId',
  'nodeName',
  'status',
  'assignee',
  'candidates',
  'dueAt',
  'escalationLevel',
  'output',
  'createdAt',
  'completedAt',
  'completedBy',
] as const;

/** Schema of {@link Task}. */
export const taskSchema = { type: 'object', properties: taskProperties, required: taskRequired } as const;

/** Schema of {@link TaskDetail}. */
export const taskDetailSchema = {
  type: 'object',
  properties: { ...taskProperties, form: { type: ['object', 'null'], additionalProperties: true }, inputs: freeObject },
  required: [...taskRequired, 'form', 'inputs'],
} as const;

/** Schema of {@link Incident}. */
export const incidentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    node: { type: 'string' },
    token: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
    at: timestamp,
  },
  required: ['id', 'node', 'token', 'code', 'message', 'at'],
} as const;

/** Schema of {@link HistoryEntry}. */
export const historyEntrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    type: { type: 'string' },
    actor: nullableString,
    nodeId: nullableString,
    at: timestamp,
    data: freeObject,
  },
  required: ['id', 'type', 'actor', 'nodeId', 'at', 'data'],
} as const;

/** Schema of {@link InstanceDetail}. */
export const instanceDetailSchema = {
  type: 'object',
  properties: {
    instance: instanceSchema,
    activeNodes: { type: 'array', items: { type: 'string' } },
    tasks: { type: 'array', items: taskSchema },
    incidents: { type: 'array', items: incidentSchema },
    history: { type: 'array', items: historyEntrySchema },
  },
  required: ['instance', 'activeNodes', 'tasks', 'incidents', 'history'],
} as const;

/** Schema of {@link InstanceResult}. */
export const instanceResultSchema = {
  type: 'object',
  properties: { instance: instanceSchema, next: { type: 'array', items: taskSchema } },
  required: ['instance', 'next'],
} as const;

/** Schema of {@link TaskResult}. */
export const taskResultSchema = {
  type: 'object',
  properties: { task: taskSchema, next: { type: 'array', items: taskSchema } },
  required: ['task', 'next'],
} as const;

/** Schema of {@link SendEventResult}. */
export const sendEventResultSchema = {
  type: 'object',
  properties: { delivered: { type: 'integer' } },
  required: ['delivered'],
} as const;

/**
 * Body schema of commands that take no fields (claim, urge, incident retry): no body, `null`
 * or `{}`; any field is refused (the server owns every other value).
 */
export const emptyBodySchema = {
  type: ['object', 'null'],
  properties: {},
  additionalProperties: false,
} as const;

/** Schema of {@link StartInstanceBody} (the body may be left out). */
export const startInstanceBodySchema = {
  type: ['object', 'null'],
  properties: {
    data: { type: 'object', description: "Initial instance data; checked against the definition's data schema." },
    businessKey: businessKeySchema,
  },
  additionalProperties: false,
} as const;

/** Schema of {@link CompleteTaskBody} (the body may be left out: no form values). */
export const completeTaskBodySchema = {
  type: ['object', 'null'],
  properties: {
    output: { type: 'object', description: "The form values; checked against the node's outputs schema." },
  },
  additionalProperties: false,
} as const;

/** Schema of {@link TransferTaskBody}. */
export const transferTaskBodySchema = {
  type: 'object',
  properties: { to: { type: 'string', pattern: usernamePattern } },
  required: ['to'],
  additionalProperties: false,
} as const;

/** Schema of {@link ReturnTaskBody}. */
export const returnTaskBodySchema = {
  type: 'object',
  properties: { to: nodeIdSchema, reason: reasonSchema },
  required: ['to'],
  additionalProperties: false,
} as const;

/** Schema of {@link TerminateInstanceBody} (the body may be left out). */
export const terminateInstanceBodySchema = {
  type: ['object', 'null'],
  properties: { reason: reasonSchema },
  additionalProperties: false,
} as const;

/** Schema of {@link SkipIncidentBody} (the body may be left out). */
export const skipIncidentBodySchema = {
  type: ['object', 'null'],
  properties: { output: { type: 'object' } },
  additionalProperties: false,
} as const;

/** Schema of {@link SendEventBody}. */
export const sendEventBodySchema = {
  type: 'object',
  properties: {
    event: { type: 'string', minLength: 1, maxLength: 200 },
    businessKey: businessKeySchema,
    payload: {},
  },
  required: ['event', 'businessKey'],
  additionalProperties: false,
} as const;

/** Path parameters `{ id }` of the instance routes. */
export const instanceParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', pattern: uuidPattern } },
  required: ['id'],
} as const;

/** Path parameters `{ id, incident }` of the incident routes. */
export const incidentParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', pattern: uuidPattern }, incident: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id', 'incident'],
} as const;

/** Path parameters `{ id }` of the task routes. */
export const taskParamsSchema = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
  required: ['id'],
} as const;

/** Query string of `GET /api/instances`. */
export const listInstancesQuerySchema = {
  type: 'object',
  properties: {
    model: { type: 'string', pattern: modelKeyPattern },
    status: { type: 'string', enum: instanceStatuses },
    businessKey: businessKeySchema,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
  additionalProperties: false,
} as const;

/** Query string of `GET /api/tasks`. */
export const listTasksQuerySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: taskStatuses },
    instance: { type: 'string', pattern: uuidPattern },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
  additionalProperties: false,
} as const;

/** The header that makes a write safe to repeat: same key, same user, same route → the stored answer. */
export const idempotencyKeyHeader = 'idempotency-key';

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

// ---------------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------------

/** Why the run loop told someone about a task: the engine's notify reasons. */
export const notificationKinds = ['reminder', 'escalation', 'urge', 'assigned'] as const;
/** @see notificationKinds */
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * One notification of the caller: a reminder, an escalation, an urge or an assignment written
 * by the run loop (the same event the websocket pushes as `notification.created`).
 */
export interface UserNotification {
  id: number;
  kind: NotificationKind;
  /** The instance it is about; null if it was not about one. */
  instanceId: string | null;
  /** The task row it is about (as in `GET /api/tasks/:id`); null if none. */
  taskId: number | null;
  /** The process model key of the instance; null without an instance. */
  modelKey: string | null;
  /** The business key of the instance; null when it has none. */
  businessKey: string | null;
  /** What the engine said: `reason`, `node`, and `task` (the engine's task key) / `action` when set. */
  payload: Record<string, unknown>;
  createdAt: string;
  /** When the caller marked it read; null while unread. */
  readAt: string | null;
}

/** Query of `GET /api/notifications` (the caller's own notifications, newest first). */
export interface ListNotificationsQuery {
  /** `true`: only unread; `false`: only read; left out: both. */
  unread?: boolean;
  /** @default 50 (at most 200) */
  limit?: number;
  /** @default 0 */
  offset?: number;
}

/** The answer of `POST /api/notifications/read-all`. */
export interface ReadAllNotificationsResult {
  /** How many unread notifications of the caller were marked read (0 when none were left). */
  updated: number;
}

/** Schema of {@link UserNotification}. */
export const userNotificationSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: notificationKinds },
    instanceId: nullableString,
    taskId: nullableInteger,
    modelKey: nullableString,
    businessKey: nullableString,
    payload: freeObject,
    createdAt: timestamp,
    readAt: nullableTimestamp,
  },
  required: ['id', 'kind', 'instanceId', 'taskId', 'modelKey', 'businessKey', 'payload', 'createdAt', 'readAt'],
  additionalProperties: false,
} as const;

/** Schema of {@link ReadAllNotificationsResult}. */
export const readAllNotificationsResultSchema = {
  type: 'object',
  properties: { updated: { type: 'integer', minimum: 0 } },
  required: ['updated'],
  additionalProperties: false,
} as const;

/** Query string of `GET /api/notifications`. */
export const listNotificationsQuerySchema = {
  type: 'object',
  properties: {
    unread: { type: 'boolean', description: 'true: only unread; false: only read; left out: both.' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
  additionalProperties: false,
} as const;

/** Path parameters `{ id }` of `POST /api/notifications/:id/read`. */
export const notificationParamsSchema = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
  required: ['id'],
  additionalProperties: false,
} as const;

/**
 * Body schema of `POST /api/notifications/:id/read` and `POST /api/notifications/read-all`:
 * no body, `null` or `{}` ({@link emptyBodySchema}); any field is refused with 400.
 */
export const markNotificationsReadBodySchema = emptyBodySchema;
