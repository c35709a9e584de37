/**
 * The rig's API calls, all through `@baton/client` over the rig's keep-alive `fetch`.
 *
 * @module
 */
import { BatonApiError, type BatonClient, createClient } from '@baton/client';
import type { HttpClient, HttpResponse } from './http-client.ts';
import { mapConcurrent } from './http-client.ts';

/** A typed client for one server of the rig, over its keep-alive connections. */
export function rigClient(http: HttpClient, baseUrl: string, token?: string): BatonClient {
  return createClient({ baseUrl, fetch: http.fetch, ...(token === undefined ? {} : { token }) });
}

/**
 * Runs one client call against `baseUrl` and returns its answer whatever it was: the status and
 * body of a 2xx or an error answer, or status 0 with the network error when there was none (a
 * killed process). For tests that count statuses of many racing calls.
 *
 * @example
 * const res = await answerOf(http, baseUrl, token, (c) => c.completeTask(id, { output: {} }));
 */
export async function answerOf(
  http: HttpClient,
  baseUrl: string,
  token: string | undefined,
  run: (client: BatonClient) => Promise<unknown>,
): Promise<HttpResponse> {
  let last: HttpResponse | undefined;
  const client = createClient({
    baseUrl,
    ...(token === undefined ? {} : { token }),
    fetch: async (url, init) => {
      const u = new URL(url);
      const res = await http.request({
        method: init.method as 'POST',
        baseUrl: u.origin,
        path: u.pathname + u.search,
        headers: init.headers,
        ...(init.body === undefined ? {} : { payload: init.body }),
      });
      last = res;
      if (res.status === 0) throw res.error ?? new Error(`no answer from ${u.origin}`);
      return { status: res.status, text: async () => res.text };
    },
  });
  try {
    await run(client);
  } catch (error) {
    if (!(error instanceof BatonApiError) && last?.status !== 0) throw error;
  }
  if (!last) throw new Error('answerOf: the callback made no request');
  return last;
}

/** What {@link publishAndDeploy} did. */
export interface Deployed {
  /** The published version number. */
  version: number;
  versionId: number;
  /** False when identical content was already published (no new version). */
  created: boolean;
}

/**
 * Publishes `definition` under its `key` (creating the model when it does not exist yet) and
 * deploys the version to everyone. `token` must belong to an admin (owners may publish but not
 * deploy). Throws the client's `BatonApiError` on any failure (a model that exists already is fine).
 *
 * @example
 * const { version } = await publishAndDeploy(http, server.baseUrl, adminToken, singleTaskDefinition('b1'));
 */
export async function publishAndDeploy(
  http: HttpClient,
  baseUrl: string,
  token: string,
  definition: Record<string, unknown>,
): Promise<Deployed> {
  const key = definition.key as string;
  const client = rigClient(http, baseUrl, token);
  try {
    await client.createModel({ key, name: definition.name as Record<string, string> });
  } catch (error) {
    if (!(error instanceof BatonApiError && error.code === 'API_MODEL_EXISTS')) throw error;
  }
  const published = await publish(http, baseUrl, token, definition);
  await client.deploy(key, { version: published.version, cohort: { type: 'all' } });
  return published;
}

/** Publishes `definition` (the model must exist); `created: false` when the content was already published. */
export async function publish(
  http: HttpClient,
  baseUrl: string,
  token: string,
  definition: Record<string, unknown>,
): Promise<Deployed> {
  const key = definition.key as string;
  const res = await rigClient(http, baseUrl, token).publish(key, { definition, state: 'current' });
  return { version: res.version.number, versionId: res.version.id, created: res.created };
}

/** Options of {@link startInstances}. */
export interface StartInstancesOptions {
  /** Base URLs to spread the starts over (round robin). */
  baseUrls: readonly string[];
  token: string;
  modelKey: string;
  count: number;
  /** Requests in flight at once. @default 32 */
  concurrency?: number;
  /** Instance data of the i-th instance. */
  data?: (index: number) => Record<string, unknown>;
}

/**
 * Starts `count` instances of a deployed model through `POST /api/models/:key/instances`,
 * spread over the given servers, and returns their ids in start order. Throws on the first
 * failure, with the server's code and message.
 */
export async function startInstances(http: HttpClient, options: StartInstancesOptions): Promise<string[]> {
  const clients = options.baseUrls.map((baseUrl) => rigClient(http, baseUrl, options.token));
  const indexes = Array.from({ length: options.count }, (_, i) => i);
  return mapConcurrent(indexes, options.concurrency ?? 32, async (i) => {
    const body = options.data ? { data: options.data(i) } : {};
    try {
      return (await clients[i % clients.length]!.startInstance(options.modelKey, body)).instance.id;
    } catch (error) {
      throw new Error(
        `rig: start instance #${i} of model "${options.modelKey}" failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  });
}
