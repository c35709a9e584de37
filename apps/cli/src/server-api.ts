/**
 * How the server commands talk to Baton: an `@baton/client` over the io's `fetch`, a few typed
 * calls for routes the client has no method for yet, and one way to report failures.
 *
 * @module
 */
import {
  BatonApiError,
  createClient,
  type BatonClient,
  type FetchLike,
  type Instance,
  type InstanceStatus,
  type Task,
} from '@baton/client';
import type { CommandContext } from './commands/command.ts';
import { messagesFor, type Messages } from './i18n.ts';
import { resolveConnection } from './session.ts';

/**
 * Thrown when the server cannot be reached at all (refused, unknown host, reset). The `message`
 * is English; {@link reportFailure} words it in the user's language from `server` and `cause`.
 */
export class CliConnectionError extends Error {
  override readonly name = 'CliConnectionError';
  readonly server: string;

  constructor(server: string, cause: unknown) {
    super(describeConnectionError(server, cause, messagesFor('en')), { cause });
    this.server = server;
  }
}

/** A client bound to one server, plus calls for the instance and task routes. */
export interface CliApi {
  client: BatonClient;
  /** `GET /api/instances?model=&status=`. */
  listInstances(query: { model?: string; status?: InstanceStatus; limit?: number }): Promise<Instance[]>;
  /** `GET /api/tasks`: the caller's inbox (open and claimed tasks). */
  listTasks(): Promise<Task[]>;
}

/**
 * Creates a {@link CliApi} for `server`. Network failures become {@link CliConnectionError};
 * non-2xx answers become the client's `BatonApiError` (the CLI's own `CLIENT_BAD_RESPONSE`
 * messages in the context's language, the server's as it sent them).
 */
export function createCliApi({ io, messages }: Pick<CommandContext, 'io' | 'messages'>, server: string, token?: string): CliApi {
  const baseFetch: FetchLike = io.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const fetch: FetchLike = async (url, init) => {
    try {
      return await baseFetch(url, init);
    } catch (error) {
      throw new CliConnectionError(server, error);
    }
  };
  const client = createClient({ baseUrl: server, fetch, ...(token === undefined ? {} : { token }) });

  // The instance and task routes have no client method yet; these calls use the same fetch
  // and error shape. Replace them with the client's methods once they exist.
  async function get<T>(path: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (client.token !== undefined) headers.authorization = `Bearer ${client.token}`;
    const response = await fetch(`${server}${path}`, { method: 'GET', headers });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new BatonApiError(response.status, 'CLIENT_BAD_RESPONSE', messages.server.notJson(path, response.status, server));
    }
    if (response.status < 200 || response.status > 299) {
      const error = body as { code?: unknown; message?: unknown; issues?: unknown } | undefined;
      if (error && typeof error.code === 'string' && typeof error.message === 'string') {
        throw new BatonApiError(response.status, error.code as BatonApiError['code'], error.message, Array.isArray(error.issues) ? error.issues : []);
      }
      throw new BatonApiError(response.status, 'CLIENT_BAD_RESPONSE', messages.server.noErrorBody(path, response.status));
    }
    return body as T;
  }

  return {
    client,
    async listInstances(query) {
      const params = new URLSearchParams();
      if (query.model !== undefined) params.set('model', query.model);
      if (query.status !== undefined) params.set('status', query.status);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return toList<Instance>(await get(`/api/instances?${params.toString()}`), 'instances', messages);
    },
    async listTasks() {
      return toList<Task>(await get('/api/tasks'), 'tasks', messages);
    },
  };
}

/**
 * Creates a {@link CliApi} for the session's (or `BATON_SERVER`/`BATON_TOKEN`'s) server, or
 * reports that there is no session and returns exit code 1.
 */
export async function connectOrReport(context: Pick<CommandContext, 'io' | 'messages'>, command: string): Promise<CliApi | number> {
  const connection = await resolveConnection(context.io.env ?? {});
  if (!connection.ok) {
    context.io.stderr(`baton ${command}: ${context.messages.server.notLoggedIn(connection.server)}\n`);
    return 1;
  }
  return createCliApi(context, connection.server, connection.token);
}

/** Accepts a bare array or a page object (`{ items }`, `{ instances }`, `{ tasks }`). */
function toList<T>(body: unknown, name: 'instances' | 'tasks', messages: Messages): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const key of ['items', name, 'data']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  throw new BatonApiError(200, 'CLIENT_BAD_RESPONSE', messages.server.unexpectedList(name));
}

/**
 * Reports a failed server call on stderr and returns exit code 1: an API error prints
 * `CODE: message` and then each issue as `path  code  message` (the server's English messages
 * as sent: the code is the contract); a network failure says which server could not be reached;
 * anything else is rethrown (a bug, reported by `main`). The CLI's own words are in the
 * context's language.
 */
export function reportFailure({ io, messages }: Pick<CommandContext, 'io' | 'messages'>, command: string, error: unknown): number {
  if (error instanceof CliConnectionError) {
    io.stderr(`baton ${command}: ${describeConnectionError(error.server, error.cause, messages)}\n`);
    return 1;
  }
  if (error instanceof BatonApiError) {
    io.stderr(`${error.code}: ${error.message}\n`);
    for (const issue of error.issues) io.stderr(`${issue.path === '' ? '(root)' : issue.path}  ${issue.code}  ${issue.message}\n`);
    if (error.status === 401 && error.code === 'API_UNAUTHENTICATED') io.stderr(`${messages.server.sessionExpired}\n`);
    return 1;
  }
  throw error;
}

/** Says that the server at `server` cannot be reached, and why, in the language of `messages`. */
function describeConnectionError(server: string, cause: unknown, messages: Messages): string {
  return messages.server.cannotReach(server, describeNetworkError(cause, messages));
}

/** Turns a network error into a short phrase, e.g. `connection refused, ECONNREFUSED`; unknown codes are given as they are. */
function describeNetworkError(error: unknown, messages: Messages): string {
  // Node's fetch throws TypeError("fetch failed") with the socket error as `cause`.
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known: Readonly<Record<string, string>> = messages.server.networkErrors;
      return Object.hasOwn(known, code) ? messages.server.networkError(known[code]!, code) : code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}
