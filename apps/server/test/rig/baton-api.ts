import type { HttpClient, HttpResponse } from './http-client.ts';
import { mapConcurrent } from './http-client.ts';

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
 * deploy). Throws with the server's answer on any unexpected status.
 *
 * @example
 * const { version } = await publishAndDeploy(http, server.baseUrl, adminToken, singleTaskDefinition('b1'));
 */
export async function publishAndDeploy(http: HttpClient, baseUrl: string, token: string, definition: Record<string, unknown>): Promise<Deployed> {
  const key = definition.key as string;
  const model = await http.request({ method: 'POST', baseUrl, path: '/api/models', token, body: { key, name: definition.name } });
  if (model.status !== 201 && model.status !== 200 && model.body?.code !== 'API_MODEL_EXISTS') fail('create model', key, model);
  const published = await publish(http, baseUrl, token, definition);
  const deployed = await http.request({
    method: 'POST',
    baseUrl,
    path: `/api/models/${key}/deployments`,
    token,
    body: { version: published.version, cohort: { type: 'all' } },
  });
  if (deployed.status !== 201 && deployed.status !== 200) fail('deploy', key, deployed);
  return published;
}

/** Publishes `definition` (the model must exist); `created: false` when the content was already published. */
export async function publish(http: HttpClient, baseUrl: string, token: string, definition: Record<string, unknown>): Promise<Deployed> {
  const key = definition.key as string;
  const res = await http.request({ method: 'POST', baseUrl, path: `/api/models/${key}/publish`, token, body: { definition, state: 'current' } });
  if (res.status !== 201 && res.status !== 200) fail('publish', key, res);
  return { version: res.body.version.number, versionId: res.body.version.id, created: res.body.created };
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
 * answer that is not 201, with the server's body.
 */
export async function startInstances(http: HttpClient, options: StartInstancesOptions): Promise<string[]> {
  const indexes = Array.from({ length: options.count }, (_, i) => i);
  return mapConcurrent(indexes, options.concurrency ?? 32, async (i) => {
    const baseUrl = options.baseUrls[i % options.baseUrls.length]!;
    const body = options.data ? { data: options.data(i) } : {};
    const res = await http.request({ method: 'POST', baseUrl, path: `/api/models/${options.modelKey}/instances`, token: options.token, body });
    if (res.status !== 201) fail(`start instance #${i}`, options.modelKey, res);
    return res.body.instance.id as string;
  });
}

function fail(what: string, key: string, res: HttpResponse): never {
  throw new Error(`rig: ${what} of model "${key}" answered ${res.status}: ${res.error?.message ?? res.text.slice(0, 500)}`);
}
