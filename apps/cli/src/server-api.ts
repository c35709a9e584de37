/**
 * How the server commands talk to Baton: an `@baton/client` over the io's `fetch` (no request
 * is built by hand here), and one way to report failures.
 *
 * @module
 */
import {
  BatonApiError,
  createClient,
  type BatonClient,
  type FetchLike,
  type Instance,
  type ListInstancesQuery,
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

/** A client bound to one server. Every call goes through `@baton/client`; nothing is built by hand. */
export interface CliApi {
  client: BatonClient;
  /** The instances of a model (`client.listInstances`), checked to be a list. */
  listInstances(query: ListInstancesQuery): Promise<Instance[]>;
  /** The caller's inbox, open and claimed tasks (`client.listTasks`), checked to be a list. */
  listTasks(): Promise<Task[]>;
}

/**
 * Creates a {@link CliApi} for `server`. Network failures become {@link CliConnectionError};
 * non-2xx answers become the client's `BatonApiError` ({@link reportFailure} words the client's
 * own `CLIENT_BAD_RESPONSE` in the context's language; the server's messages stay as sent).
 */
export function createCliApi(
  { io, messages }: Pick<CommandContext, 'io' | 'messages'>,
  server: string,
  token?: string,
): CliApi {
  const baseFetch: FetchLike = io.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const fetch: FetchLike = async (url, init) => {
    try {
      return await baseFetch(url, init);
    } catch (error) {
      throw new CliConnectionError(server, error);
    }
  };
  const client = createClient({ baseUrl: server, fetch, ...(token === undefined ? {} : { token }) });
  return {
    client,
    async listInstances(query) {
      return toList<Instance>(await client.listInstances(query), 'instances', messages);
    },
    async listTasks() {
      return toList<Task>(await client.listTasks(), 'tasks', messages);
    },
  };
}

/**
 * Creates a {@link CliApi} for the session's (or `BATON_SERVER`/`BATON_TOKEN`'s) server, or
 * reports that there is no session and returns exit code 1.
 */
export async function connectOrReport(
  context: Pick<CommandContext, 'io' | 'messages'>,
  command: string,
): Promise<CliApi | number> {
  const connection = await resolveConnection(context.io.env ?? {});
  if (!connection.ok) {
    context.io.stderr(`baton ${command}: ${context.messages.server.notLoggedIn(connection.server)}\n`);
    return 1;
  }
  return createCliApi(context, connection.server, connection.token);
}

/** Checks that a list answer is a list (a server of another version might answer a page object). */
function toList<T>(body: unknown, name: 'instances' | 'tasks', messages: Messages): T[] {
  if (Array.isArray(body)) return body as T[];
  throw new BatonApiError(200, 'CLIENT_BAD_RESPONSE', messages.server.unexpectedList(name));
}

/**
 * Reports a failed server call on stderr and returns exit code 1: an API error prints
 * `CODE: message` and then each issue as `path  code  message` (the server's English messages
 * as sent: the code is the contract); a network failure says which server could not be reached;
 * anything else is rethrown (a bug, reported by `main`). The CLI's own words are in the
 * context's language.
 */
export function reportFailure(
  { io, messages }: Pick<CommandContext, 'io' | 'messages'>,
  command: string,
  error: unknown,
): number {
  if (error instanceof CliConnectionError) {
    io.stderr(`baton ${command}: ${describeConnectionError(error.server, error.cause, messages)}\n`);
    return 1;
  }
  if (error instanceof BatonApiError) {
    io.stderr(`${error.code}: ${describeApiError(error, messages)}\n`);
    for (const issue of error.issues)
      io.stderr(`${issue.path === '' ? '(root)' : issue.path}  ${issue.code}  ${issue.message}\n`);
    if (error.status === 401 && error.code === 'API_UNAUTHENTICATED') io.stderr(`${messages.server.sessionExpired}\n`);
    return 1;
  }
  throw error;
}

/** The message of an API error: the server's as sent; the client's own `CLIENT_BAD_RESPONSE` in the language of `messages`. */
function describeApiError(error: BatonApiError, messages: Messages): string {
  const bad = error.badResponse;
  if (error.code !== 'CLIENT_BAD_RESPONSE' || bad === undefined) return error.message;
  const request = `${bad.method} ${bad.path}`;
  return bad.reason === 'not-json'
    ? messages.server.notJson(request, error.status, bad.baseUrl)
    : messages.server.noErrorBody(request, error.status);
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
