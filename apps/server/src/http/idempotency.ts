import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { idempotencyKeyHeader, idempotencyKeyHeadersSchema } from '@baton/client/contract';
import { toJsonb } from '../db/json.ts';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../errors.ts';

/** An answer to send (and, with an Idempotency-Key, to store and replay). */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/** Which stored answer a request maps to: same key, same user, same route (method and path). */
export interface IdempotencyScope {
  key: string;
  userId: number;
  route: string;
  /** sha256 of the method, route and canonical JSON body: a replay must send the same request. */
  requestHash: string;
}

/** JSON with object keys sorted at every level, so that key order does not change the hash. */
function toCanonicalJson(value: unknown): string {
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toCanonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCanonicalJson(v)}`).join(',')}}`;
}

const keyPattern = /^[\x21-\x7e]{1,200}$/;

/**
 * Reads the `Idempotency-Key` header of a request: undefined when absent; 400 when it is not
 * 1–200 visible ASCII characters. The scope is the key, the user and the method plus path; the
 * scope also carries a hash of the method, path and body (keys sorted), compared on replay. The
 * route's schema must declare the header (`headers: idempotencyKeyHeadersSchema`), else this throws.
 */
export function readIdempotencyScope(request: FastifyRequest, userId: number): IdempotencyScope | undefined {
  // A route that reads the header must declare it, so that OpenAPI lists it (checked on every
  // call, key or not: a command's first test finds the omission).
  if (request.routeOptions.schema?.headers !== idempotencyKeyHeadersSchema) {
    throw new Error(
      `${request.method} ${request.routeOptions.url ?? request.url} reads Idempotency-Key: declare it with \`headers: idempotencyKeyHeadersSchema\` in the route schema.`,
    );
  }
  const raw = request.headers[idempotencyKeyHeader];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || !keyPattern.test(key)) {
    throw new ApiError('API_BAD_REQUEST', {
      reason:
        'the Idempotency-Key header must be 1 to 200 visible ASCII characters (e.g. a uuid); send one key per intended change',
    });
  }
  const route = `${request.method} ${request.url.split('?')[0]}`;
  const requestHash = createHash('sha256')
    .update(`${route}\n${toCanonicalJson(request.body)}`)
    .digest('hex');
  return { key, userId, route, requestHash };
}

/**
 * Inside a transaction: serialises requests with the same key (an advisory lock held until
 * commit) and returns the stored answer of an earlier one, if any.
 *
 * @throws ApiError `API_IDEMPOTENCY_KEY_REUSED` (422) when the earlier request had another body:
 *   replaying its answer would hide that the second change was never applied (as Stripe does).
 */
export async function findStoredResponse(
  trx: Kysely<Database>,
  scope: IdempotencyScope,
): Promise<StoredResponse | undefined> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${scope.userId}\n${scope.route}\n${scope.key}`}, 7))`.execute(
    trx,
  );
  const row = await trx
    .selectFrom('idempotency_keys')
    .select(['status_code', 'response', 'request_hash'])
    .where('user_id', '=', scope.userId)
    .where('route', '=', scope.route)
    .where('key', '=', scope.key)
    .executeTakeFirst();
  if (row && row.request_hash !== null && row.request_hash !== scope.requestHash) {
    throw new ApiError('API_IDEMPOTENCY_KEY_REUSED', { key: scope.key, route: scope.route });
  }
  return row && { statusCode: row.status_code, body: row.response };
}

/** Inside the same transaction as the change: stores the answer for later replays. */
export async function storeResponse(
  trx: Kysely<Database>,
  scope: IdempotencyScope,
  response: StoredResponse,
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      key: scope.key,
      user_id: scope.userId,
      route: scope.route,
      response: toJsonb(response.body),
      status_code: response.statusCode,
      request_hash: scope.requestHash,
    })
    .execute();
}

/** The stored form of an API error answer. */
export function toStoredError(error: ApiError): StoredResponse {
  return { statusCode: error.statusCode, body: error.toBody() };
}

/** Sends a stored (or fresh) answer; replays carry `Idempotent-Replayed: true`. */
export function sendStored(reply: FastifyReply, response: StoredResponse, replayed: boolean): FastifyReply {
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return reply.code(response.statusCode).send(response.body);
}

/**
 * The run-loop options of a command answered by `respond`: without an Idempotency-Key the
 * answer is computed from the outcome; with one, the command runs in a transaction that first
 * looks for the stored answer (replayed as is) and stores the new one with the change.
 */
export function answerOptions<O>(
  scope: IdempotencyScope | undefined,
  respond: (outcome: O) => StoredResponse,
): {
  before?: (trx: Kysely<Database>) => Promise<StoredResponse | undefined>;
  finish?: (trx: Kysely<Database>, outcome: O) => Promise<StoredResponse>;
  respond?: (outcome: O) => StoredResponse;
} {
  if (!scope) return { respond };
  return {
    before: (trx) => findStoredResponse(trx, scope),
    finish: async (trx, outcome) => {
      const response = respond(outcome);
      await storeResponse(trx, scope, response);
      return response;
    },
  };
}
