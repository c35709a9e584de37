import { Agent, request as httpRequest } from 'node:http';
import { type FetchLike, createClient } from '@baton/client';

/** One HTTP answer. `status` is 0 when the request failed without an answer (see `error`). */
export interface HttpResponse<Body = unknown> {
  status: number;
  /** The parsed JSON body, or `undefined` when the body is empty or not JSON. */
  body: Body;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  /** The network error (ECONNRESET, ECONNREFUSED, timeout) when `status` is 0. */
  error?: Error;
}

/** Options of {@link HttpClient.request}. */
export interface HttpRequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `http://127.0.0.1:<port>` of one server. */
  baseUrl: string;
  /** Path with query, e.g. `/api/tasks?status=open`. */
  path: string;
  /** Bearer token. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (already serialised), instead of `body`. */
  payload?: string;
  headers?: Record<string, string>;
  /** @default 60000 */
  timeoutMs?: number;
}

/**
 * The keep-alive connections of the rig (see {@link createHttpClient}). API calls go through
 * `@baton/client` over {@link HttpClient.fetch} (see `baton-api.ts`); `request` is the transport
 * underneath.
 */
export interface HttpClient {
  /** @internal The transport under {@link HttpClient.fetch}. */
  request<Body = unknown>(options: HttpRequestOptions): Promise<HttpResponse<Body>>;
  /**
   * A `fetch` for `createClient` over the keep-alive agent. A request without an answer
   * rejects with the network error, like the global `fetch`.
   */
  fetch: FetchLike;
  /** Logs a demo user in on `baseUrl` and returns the bearer token; throws unless 200. */
  login(baseUrl: string, username: string, password: string): Promise<string>;
  /** Closes the kept-alive sockets. */
  close(): void;
}

/**
 * Creates an HTTP client on `node:http` with a keep-alive agent. Unlike global `fetch` it lets
 * the rig bound the sockets per server (`maxSockets`), so 1,000 concurrent requests queue on
 * a few hundred connections instead of opening 1,000. Never throws for a non-2xx status or a
 * network error: the answer says `status` (0 for no answer).
 *
 * @example
 * const http = createHttpClient();
 * const token = await http.login(server.baseUrl, 'admin', rigPassword);
 * const res = await http.request({ method: 'GET', baseUrl: server.baseUrl, path: '/api/me', token });
 */
export function createHttpClient(options: { maxSockets?: number } = {}): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 });

  function request<Body>(opts: HttpRequestOptions): Promise<HttpResponse<Body>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined;
    if (opts.payload !== undefined || opts.body !== undefined) {
      payload = opts.payload ?? JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve) => {
      const req = httpRequest(
        `${opts.baseUrl}${opts.path}`,
        { method: opts.method, headers, agent, timeout: opts.timeoutMs ?? 60_000 },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let body: unknown;
            try {
              body = text.length > 0 ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: body as Body, text, headers: res.headers });
          });
          res.on('error', (error) =>
            resolve({ status: 0, body: undefined as Body, text, headers: res.headers, error }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 60_000} ms`)));
      req.on('error', (error) => resolve({ status: 0, body: undefined as Body, text: '', headers: {}, error }));
      req.end(payload);
    });
  }

  const fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const res = await request({
      method: init.method as HttpRequestOptions['method'],
      baseUrl: u.origin,
      path: u.pathname + u.search,
      headers: init.headers,
      ...(init.body === undefined ? {} : { payload: init.body }),
    });
    if (res.status === 0) throw res.error ?? new Error(`no answer from ${u.origin}`);
    return { status: res.status, text: async () => res.text };
  };

  return {
    request,
    fetch,
    async login(baseUrl, username, password) {
      try {
        return (await createClient({ baseUrl, fetch }).login(username, password)).token;
      } catch (error) {
        throw new Error(
          `rig: login as ${username} on ${baseUrl} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    },
    close: () => agent.destroy(),
  };
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight; results keep the input order.
 *
 * @example
 * const created = await mapConcurrent(ids, 64, (id) => http.request({ … }));
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Counts answers by status: `{ 200: 1, 409: 999 }` (status 0 = no answer). */
export function countStatuses(responses: readonly HttpResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
