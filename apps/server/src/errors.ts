import { STATUS_CODES } from 'node:http';
import { type ApiErrorBody, type ApiErrorCode, type ApiIssue, apiErrorCodes } from '@baton/client/contract';

/**
 * The registry of every `API_*` error: HTTP status (from the contract's `apiErrorCodes`) and a
 * message template. `{name}` placeholders are filled from the params given to {@link ApiError}.
 * Messages say where, what and how to fix.
 */
export const apiErrors: { [C in ApiErrorCode]: { status: (typeof apiErrorCodes)[C]; message: string } } = {
  API_VALIDATION: {
    status: 400,
    message:
      'The request {part} does not match the schema of {route}. {summary} See `issues` for every problem and its path.',
  },
  API_MALFORMED_BODY: {
    status: 400,
    message:
      'The request body is not acceptable JSON: {reason}. Send one JSON document with Content-Type: application/json.',
  },
  API_BAD_REQUEST: { status: 400, message: 'The request was rejected: {reason}.' },
  API_INVALID_DEFINITION: {
    status: 400,
    message:
      'The process definition has {count} error(s); nothing was saved. Fix every entry of `issues` (each has a JSON Pointer path) and send it again.',
  },
  API_UNAUTHENTICATED: {
    status: 401,
    message: '{reason} Log in with POST /api/auth/login and send the token as "Authorization: Bearer <token>".',
  },
  API_INVALID_CREDENTIALS: {
    status: 401,
    message: 'Unknown username or wrong password. Check both and try again.',
  },
  API_FORBIDDEN: {
    status: 403,
    message: '{route} needs the role {roles}; you have {actual}. Ask an admin to grant the role.',
  },
  API_CSRF_REJECTED: {
    status: 403,
    message:
      '{reason} Use the web app served by this server (it sends the token), or send "Authorization: Bearer <token>" from scripts.',
  },
  API_NOT_FOUND: { status: 404, message: 'There is no {what}. Check the address; the API is described at /docs.' },
  API_MODEL_NOT_FOUND: {
    status: 404,
    message:
      'Process model "{key}" does not exist. List models with GET /api/models or create it with POST /api/models.',
  },
  API_VERSION_NOT_FOUND: {
    status: 404,
    message: 'Process model "{key}" has no version {number}. List its versions with GET /api/models/{key}/versions.',
  },
  API_DEPLOYMENT_NOT_FOUND: {
    status: 404,
    message: 'Process model "{key}" has no deployment {id}. List them with GET /api/models/{key}/deployments.',
  },
  API_CALENDAR_NOT_FOUND: {
    status: 404,
    message: 'There is no business calendar "{key}". List them with GET /api/calendars.',
  },
  API_INVALID_CALENDAR: {
    status: 400,
    message:
      'The schedule of {year} for calendar "{key}" has {count} problem(s); nothing was saved. Fix every entry of `issues` (paths into the body) and send it again.',
  },
  API_MIGRATION_NOT_FOUND: {
    status: 404,
    message: 'There is no migration {id}. Start one with POST /api/models/<key>/migrations.',
  },
  API_MIGRATION_INVALID: {
    status: 422,
    message: 'The migration cannot run as asked: {reason}.',
  },
  API_CONFLICT: {
    status: 409,
    message: 'The change conflicts with the current state: {reason}. Reload and try again.',
  },
  API_MODEL_EXISTS: {
    status: 409,
    message:
      'A process model with key "{key}" already exists. Pick another key or add a version to the existing model.',
  },
  API_USER_EXISTS: { status: 409, message: 'The username "{username}" is taken. Pick another one.' },
  API_VERSION_NOT_DRAFT: {
    status: 409,
    message:
      'Version {number} of "{key}" is {status} and can no longer be changed. Create a new version with POST /api/models/{key}/versions.',
  },
  API_VERSION_STATE_MISMATCH: {
    status: 409,
    message:
      'Version {number} of "{key}" already has this content, labelled "{existing}"; one content has one state label, so it cannot also be published as "{state}". Change the definition, or publish it as "{existing}" to get version {number}.',
  },
  API_VERSION_NOT_PUBLISHED: {
    status: 409,
    message:
      'Version {number} of "{key}" is {status}; only published versions can be deployed. Publish it first with POST /api/models/{key}/versions/{number}/publish.',
  },
  API_INSTANCE_NOT_FOUND: {
    status: 404,
    message:
      'There is no process instance {id} you may see. Check the id; GET /api/instances lists the instances visible to you.',
  },
  API_TASK_NOT_FOUND: {
    status: 404,
    message: 'There is no task {id} you may see. Check the id; GET /api/tasks lists your inbox.',
  },
  API_INCIDENT_NOT_FOUND: {
    status: 404,
    message: 'Instance {id} has no open incident "{incident}". GET /api/instances/{id} lists its incidents.',
  },
  API_TIMER_NOT_FOUND: {
    status: 404,
    message:
      'There is no pending timer {id}: it has fired or never existed. GET /api/ops/stuck lists the stuck timers.',
  },
  API_NOTIFICATION_NOT_FOUND: {
    status: 404,
    message: 'You have no notification {id}. Check the id; GET /api/notifications lists yours.',
  },
  API_NO_DEPLOYMENT: {
    status: 409,
    message:
      'Process model "{key}" is not deployed for you{detail}, so no instance can start. Ask an operator to deploy a published version (POST /api/models/{key}/deployments).',
  },
  API_TASK_NOT_OPEN: { status: 409, message: '{reason} Reload the task or the inbox.' },
  API_TASK_ALREADY_CLAIMED: { status: 409, message: '{reason} Ask the assignee to transfer it, or pick another task.' },
  API_INSTANCE_ENDED: { status: 409, message: '{reason} Start a new instance instead.' },
  API_NOT_ALLOWED: {
    status: 403,
    message:
      '{reason} Only the assignee or a candidate (by username, position or team) may act on it; ask for a transfer.',
  },
  API_INVALID_FORM: {
    status: 400,
    message:
      'The form of task {task} ("{node}") has {count} problem(s); nothing was saved. Fix every entry of `issues` (each has a path such as /output/amount) and send it again.',
  },
  API_INVALID_DATA: {
    status: 400,
    message:
      'The instance data has {count} problem(s) against the data schema of "{key}" version {version}; nothing was started. Fix every entry of `issues` (paths such as /data/amount).',
  },
  API_RETURN_TARGET_INVALID: { status: 400, message: 'The return was refused: {reason}' },
  API_DELEGATION_NOT_FOUND: {
    status: 404,
    message: 'There is no delegation {id} you may see. GET /api/delegations lists yours.',
  },
  API_DELEGATION_CONFLICT: {
    status: 409,
    message:
      'The delegation was not saved: {reason}. End the other delegation first (POST /api/delegations/:id/end) or pick another period.',
  },
  API_CC_NOT_FOUND: {
    status: 404,
    message: 'You have no cc entry {id}. Check the id; GET /api/lists/cc lists yours.',
  },
  API_WITHDRAW_REFUSED: {
    status: 409,
    message:
      'The withdrawal was refused: {reason} Only the initiator (of the instance) or the completer (of a task) may withdraw, and only until the next approver acts.',
  },
  API_COMMAND_INVALID: {
    status: 422,
    message: 'The command was refused: {reason} Nothing was changed; fix the request as the message says.',
  },
  API_FORM_REQUIRED: {
    status: 422,
    message:
      'Task {id} ("{node}") needs form input ({count} problem(s) with an empty form), so it cannot be approved in a batch. Open it and complete it with its form.',
  },
  API_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message:
      'The Idempotency-Key "{key}" was already used for {route} with a different request body; the first answer is not replayed and nothing was changed. Use a new key for a different change, or resend exactly the first body to get its answer.',
  },
  API_PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than the limit of {limit} bytes for this route. Send less data.',
  },
  API_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Content-Type "{contentType}" is not accepted. Send the body as JSON with Content-Type: application/json.',
  },
  API_INTERNAL: {
    status: 500,
    message:
      'An unexpected error occurred on the server (request id {requestId}). It has been logged; retry, and report the request id if it persists.',
  },
  API_UNAVAILABLE: {
    status: 503,
    message: 'The service is temporarily unavailable: {reason}. Retry after a few seconds.',
  },
};

/** Fills `{name}` placeholders in a message template; unknown names stay as they are. */
export function formatMessage(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * An error a route throws to answer with a given `API_*` code. The error handler turns it into
 * the JSON body `{ statusCode, code, error, message, issues? }`.
 *
 * @example
 * throw new ApiError('API_MODEL_NOT_FOUND', { key });
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly issues: ApiIssue[] | undefined;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ApiErrorCode,
    params: Record<string, unknown> = {},
    extras: { issues?: ApiIssue[]; cause?: unknown; headers?: Record<string, string>; statusCode?: number } = {},
  ) {
    super(formatMessage(apiErrors[code].message, params), { cause: extras.cause });
    this.code = code;
    this.statusCode = extras.statusCode ?? apiErrors[code].status;
    this.issues = extras.issues;
    this.headers = extras.headers;
  }

  /** The HTTP body of this error. */
  toBody(): ApiErrorBody {
    const body: ApiErrorBody = {
      statusCode: this.statusCode,
      code: this.code,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
    };
    if (this.issues !== undefined) body.issues = this.issues;
    return body;
  }
}
