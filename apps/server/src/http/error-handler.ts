import { STATUS_CODES } from 'node:http';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorCode } from '@baton/client/contract';
import { ApiError } from '../errors.ts';
import { toSchemaIssues } from './validator.ts';

/** PostgreSQL SQLSTATEs that mean "the database is unreachable or going away"; class 08 is matched by prefix. */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * Turns any error thrown while handling a request into an {@link ApiError}: `API_*` errors
 * pass through; Fastify's schema, body-parser and size errors become 400/413/415; database
 * conflicts become 409 and connection failures 503. Anything else is a 500 `API_INTERNAL`
 * (logged with the request id). Client mistakes never become a 500.
 */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  const e = (error ?? {}) as Partial<FastifyError> & {
    validation?: ErrorObject[];
    validationContext?: string;
    code?: string;
    errno?: string;
  };

  if (Array.isArray(e.validation)) {
    const part = e.validationContext ?? 'body';
    const issues = toSchemaIssues(e.validation, part);
    return new ApiError(
      'API_VALIDATION',
      {
        part,
        route: `${request.method} ${request.routeOptions.url ?? request.url}`,
        summary: issues[0]?.message ?? 'invalid',
      },
      { issues },
    );
  }

  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('API_PAYLOAD_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 'the' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('API_UNSUPPORTED_MEDIA_TYPE', {
        contentType: String(request.headers['content-type'] ?? '').slice(0, 100),
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('API_MALFORMED_BODY', {
        reason: 'the body is empty although Content-Type is application/json',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('API_MALFORMED_BODY', {
        reason: 'it does not parse (malformed or truncated JSON, or a forbidden "__proto__"/"constructor" key)',
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('API_MALFORMED_BODY', { reason: 'the body length does not match the Content-Length header' });
    case '23505':
      return new ApiError(
        'API_CONFLICT',
        { reason: 'a row with the same unique key already exists' },
        { cause: error },
      );
    case '23503':
      return new ApiError('API_CONFLICT', { reason: 'a referenced row does not exist (anymore)' }, { cause: error });
    case '40001':
    case '40P01':
      return new ApiError(
        'API_CONFLICT',
        { reason: 'a concurrent transaction changed the same data' },
        { cause: error },
      );
    default:
      break;
  }
  if (
    (typeof e.code === 'string' && (e.code.startsWith('08') || unavailableSqlStates.has(e.code))) ||
    (e.code && unavailableErrnos.has(e.code))
  ) {
    return new ApiError(
      'API_UNAVAILABLE',
      { reason: 'the database cannot be reached' },
      { cause: error, headers: { 'retry-after': '5' } },
    );
  }

  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const byStatus: Partial<Record<number, ApiErrorCode>> = {
      401: 'API_UNAUTHENTICATED',
      403: 'API_FORBIDDEN',
      404: 'API_NOT_FOUND',
      413: 'API_PAYLOAD_TOO_LARGE',
      415: 'API_UNSUPPORTED_MEDIA_TYPE',
    };
    const code = byStatus[status];
    if (code === 'API_NOT_FOUND')
      return new ApiError(code, { what: `resource at ${request.method} ${request.url.slice(0, 200)}` });
    if (code !== undefined && code !== 'API_UNAUTHENTICATED' && code !== 'API_FORBIDDEN') {
      return new ApiError(code, {
        limit: request.routeOptions.bodyLimit ?? 'the',
        contentType: String(request.headers['content-type'] ?? ''),
      });
    }
    // Other client errors from Fastify or a plugin keep their status, under a generic code.
    return new ApiError(
      'API_BAD_REQUEST',
      { reason: e.message ?? STATUS_CODES[status] ?? 'bad request' },
      { statusCode: status, cause: error },
    );
  }
  return new ApiError('API_INTERNAL', { requestId: request.id }, { cause: error });
}

/** How much of an oversized body is read and discarded before the 413, as a multiple of the route's limit. */
export const oversizedBodyDrainFactor = 8;

/**
 * Whether the error is the request stream failing because the client went away mid-body
 * (Node's `aborted` ECONNRESET), not the database: nobody is left to answer, so it is no error.
 */
function isClientAbort(error: unknown, request: FastifyRequest): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') &&
    (request.raw.destroyed || request.raw.readableAborted)
  );
}

/**
 * Reads and discards the rest of a refused body, up to `bound` bytes, and resolves with whether
 * the connection must close (the body was longer, or is still unread). Answering while the
 * client is still sending makes it fail with EPIPE/ECONNRESET before it reads the answer
 * (issue 8); reading up to a bound keeps a huge upload from tying the server up.
 */
function discardBody(request: FastifyRequest, bound: number): Promise<boolean> {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded) return Promise.resolve(false);
  if (raw.destroyed) return Promise.resolve(true);
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > bound) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (close: boolean): void => {
      raw.removeListener('data', onData);
      raw.removeListener('end', onEnd);
      raw.removeListener('error', onError);
      raw.removeListener('close', onError);
      if (close) raw.pause();
      resolve(close);
    };
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.length;
      if (seen > bound) finish(true);
    };
    const onEnd = (): void => finish(false);
    const onError = (): void => finish(true);
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('close', onError);
    raw.resume();
  });
}

/** Installs the app's error and not-found handlers; every error answers `{ statusCode, code, error, message, issues? }`. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (isClientAbort(error, request)) {
      // The client closed the connection while sending: no one reads an answer (issue 8).
      request.log.debug(
        { errCode: (error as { code?: string }).code },
        'client aborted the request before its body was complete',
      );
      return reply.code(400).send(
        new ApiError('API_MALFORMED_BODY', {
          reason: 'the client closed the connection before the body was complete',
        }).toBody(),
      );
    }
    const apiError = toApiError(error, request);
    if (apiError.statusCode >= 500) request.log.error({ err: error, code: apiError.code }, 'request failed');
    else request.log.info({ code: apiError.code, statusCode: apiError.statusCode }, apiError.message);
    if (apiError.headers) void reply.headers(apiError.headers);
    if (apiError.code === 'API_PAYLOAD_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1024 * 1024;
      if (await discardBody(request, limit * oversizedBodyDrainFactor)) void reply.header('connection', 'close');
    }
    return reply.code(apiError.statusCode).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const apiError = new ApiError('API_NOT_FOUND', {
      what: `route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
    });
    return reply.code(404).send(apiError.toBody());
  });
}
