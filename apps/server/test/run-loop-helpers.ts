import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { InstanceDetail, Task } from '@baton/client/contract';
import { dbNow } from '../src/runtime/clock.ts';
import type { TestApp } from './harness.ts';

/** The lead-to-contract example definition (repository root `examples/`). */
export function readExampleDefinition(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../../examples/lead-to-contract/definition.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** Creates model `key` if needed (as owner), publishes `definition` and deploys it to everyone (as ops). Returns the version number. */
export async function publishAndDeploy(t: TestApp, key: string, definition: unknown): Promise<number> {
  const model = await t.request({ method: 'GET', url: `/api/models/${key}`, as: 'owner' });
  if (model.statusCode === 404) {
    const created = await t.request({ method: 'POST', url: '/api/models', as: 'owner', body: { key, name: { en: key } } });
    expect(created.statusCode, created.body).toBe(201);
  }
  const published = await t.request({ method: 'POST', url: `/api/models/${key}/publish`, as: 'owner', body: { definition, state: 'current' } });
  expect([200, 201], published.body).toContain(published.statusCode);
  const version = published.json().version.number as number;
  const deployed = await t.request({ method: 'POST', url: `/api/models/${key}/deployments`, as: 'ops', body: { version, cohort: { type: 'all' } } });
  expect(deployed.statusCode, deployed.body).toBe(201);
  return version;
}

/** Starts an instance of `key` as `as`; expects 201 and returns the instance id. */
export async function startInstance(t: TestApp, as: string, key: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request({ method: 'POST', url: `/api/models/${key}/instances`, as, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().instance.id as string;
}

/** `GET /api/tasks` as `as`. */
export async function inbox(t: TestApp, as: string, query = ''): Promise<Task[]> {
  const res = await t.request({ method: 'GET', url: `/api/tasks${query}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Task[];
}

/** `GET /api/instances/:id` as `as` (default admin). */
export async function instanceDetail(t: TestApp, id: string, as = 'admin'): Promise<InstanceDetail> {
  const res = await t.request({ method: 'GET', url: `/api/instances/${id}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as InstanceDetail;
}

/** The open task of an instance at `node` (from the instance detail). */
export async function openTaskAt(t: TestApp, instanceId: string, node: string): Promise<Task> {
  const detail = await instanceDetail(t, instanceId);
  const task = detail.tasks.find((x) => x.nodeId === node && (x.status === 'open' || x.status === 'claimed'));
  if (!task) throw new Error(`no open task at ${node}; tasks: ${JSON.stringify(detail.tasks.map((x) => [x.nodeId, x.status]))}`);
  return task;
}

/** Completes task `id` as `as` with `output`; returns the response. */
export async function complete(t: TestApp, as: string, id: number, output: Record<string, unknown> = {}, headers?: Record<string, string>) {
  return t.request({ method: 'POST', url: `/api/tasks/${id}/complete`, as, body: { output }, ...(headers ? { headers } : {}) });
}

/** The run loop's "now" (database clock plus the offset), epoch ms. */
export async function runLoopNow(t: TestApp): Promise<number> {
  return dbNow(t.database.db, t.app.runtime.clock);
}

/** Moves the run loop's clock forward by `ms`. */
export function advanceClock(t: TestApp, ms: number): void {
  t.app.runtime.setClockOffset(t.app.runtime.clock.offsetMs + ms);
}

/** Moves the run loop's clock to just after `instantMs` (plus `marginMs`). */
export async function advanceClockPast(t: TestApp, instantMs: number, marginMs = 1000): Promise<void> {
  const now = await runLoopNow(t);
  if (instantMs + marginMs > now) advanceClock(t, instantMs + marginMs - now);
}

/** A minimal definition builder: nodes and edges given as short specs. */
export function definition(key: string, nodes: unknown[], edges: Array<string | Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: { en: key },
    nodes,
    edges: edges.map((e, i) => {
      if (typeof e !== 'string') return e;
      const [from, to] = e.split('->');
      return { id: `e${i}`, from, to };
    }),
    ...extra,
  };
}
