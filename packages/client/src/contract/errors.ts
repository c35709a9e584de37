/**
 * The error side of the contract: every `API_*` code with its HTTP status, and the JSON body of
 * every non-2xx answer.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { stringEnum } from './schema.ts';

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
  /** The content is already published under the other state label (`current`/`target`). */
  API_VERSION_STATE_MISMATCH: 409,
  /** No process instance with this id, or the caller may not see it. */
  API_INSTANCE_NOT_FOUND: 404,
  /** No task with this id, or the caller may not see it. */
  API_TASK_NOT_FOUND: 404,
  /** The instance has no open incident with this id. */
  API_INCIDENT_NOT_FOUND: 404,
  /** No pending timer with this id (it fired, or never existed). */
  API_TIMER_NOT_FOUND: 404,
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
  /** No delegation with this id that the caller may see or end. */
  API_DELEGATION_NOT_FOUND: 404,
  /** The delegation overlaps another of the same user, or its agent delegates back to the user in that period. */
  API_DELEGATION_CONFLICT: 409,
  /** No cc entry with this id belongs to the caller. */
  API_CC_NOT_FOUND: 404,
  /** A withdraw (撤回) came too late: the next approver has acted, or the caller is not the initiator or the completer. */
  API_WITHDRAW_REFUSED: 409,
  /** The engine refused a well-formed command as meaningless here (no decision on a several-signer step, a bad 加签, …). */
  API_COMMAND_INVALID: 422,
  /** A task in a batch approval needs form input: complete it on its own with its form. */
  API_FORM_REQUIRED: 422,
  /** An `Idempotency-Key` sent again (same user, same route) with a different body: nothing is replayed or changed. */
  API_IDEMPOTENCY_KEY_REUSED: 422,
  /** No business calendar with this id. */
  API_CALENDAR_NOT_FOUND: 404,
  /** A calendar year's schedule fails the calendar checks (see `issues`, paths into the body). */
  API_INVALID_CALENDAR: 400,
  /** No migration operation with this id. */
  API_MIGRATION_NOT_FOUND: 404,
  /** A migration that cannot run as asked: the same version twice, a target that is not published, too many instances. */
  API_MIGRATION_INVALID: 422,
  API_PAYLOAD_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_INTERNAL: 500,
  /** The database is unreachable or the server is shutting down; retry after `Retry-After`. */
  API_UNAVAILABLE: 503,
} as const satisfies Record<`API_${string}`, number>;

/** One of {@link apiErrorCodes}. */
export type ApiErrorCode = keyof typeof apiErrorCodes;

/**
 * Schema of {@link ApiIssue}: one problem with a request: a JSON Pointer `path` into the request
 * body (for `API_VALIDATION` on query or path parameters: into that object), a stable `code`
 * (`SCHEMA_*` for schema violations, `DEF_*` for definition issues) and a message that says where,
 * what and how to fix.
 */
export const apiIssueSchema = Type.Object({
  path: Type.String(),
  code: Type.String(),
  message: Type.String(),
  severity: Type.Optional(stringEnum(['error', 'warning'] as const)),
});
/** @see apiIssueSchema */
export type ApiIssue = Static<typeof apiIssueSchema>;

/** Schema of {@link ApiErrorBody}: the JSON body of every non-2xx response. */
export const apiErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  code: stringEnum(Object.keys(apiErrorCodes) as ApiErrorCode[]),
  error: Type.String({ description: 'The HTTP reason phrase, e.g. `Bad Request`.' }),
  message: Type.String(),
  issues: Type.Optional(Type.Array(apiIssueSchema)),
});
/** @see apiErrorBodySchema */
export type ApiErrorBody = Static<typeof apiErrorBodySchema>;
