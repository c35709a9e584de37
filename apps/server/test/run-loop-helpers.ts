import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  BatonApiError,
  type InstanceDetail,
  type ListTasksQuery,
  type StartInstanceBody,
  type Task,
} from '@baton/client';
import { dbNow } from '../src/runtime/clock.ts';
import type { TestApp } from './harness.ts';

/** The lead-to-contract example definition (repository root `examples/`). */
export function readExampleDefinition(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL('../../../examples/lead-to-contract/definition.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

/** Creates model `key` if needed (as owner), publishes `definition` and deploys it to everyone (as ops). Returns the version number. */
export async function publishAndDeploy(t: TestApp, key: string, definition: unknown): Promise<number> {
  const owner = t.client('owner');
  const model = await owner.getModel(key).catch((error: unknown) => error);
  if (model instanceof BatonApiError) {
    expect(model.code).toBe('API_MODEL_NOT_FOUND');
    await owner.createModel({ key, name: { en: key } });
    expect(owner.lastResponse!.statusCode, owner.lastResponse!.body).toBe(201);
  }
  const published = await owner.publish(key, { definition, state: 'current' });
  expect([200, 201], owner.lastResponse!.body).toContain(owner.lastResponse!.statusCode);
  const version = published.version.number;
  const ops = t.client('ops');
  await ops.deploy(key, { version, cohort: { type: 'all' } });
  expect(ops.lastResponse!.statusCode, ops.lastResponse!.body).toBe(201);
  return version;
}

/** Starts an instance of `key` as `as`; expects 201 and returns the instance id. */
export async function startInstance(
  t: TestApp,
  as: string,
  key: string,
  body: StartInstanceBody = {},
): Promise<string> {
  const client = t.client(as);
  const result = await client.startInstance(key, body);
  expect(client.lastResponse!.statusCode, client.lastResponse!.body).toBe(201);
  return result.instance.id;
}

/** `GET /api/tasks` as `as`. */
export async function inbox(t: TestApp, as: string, query: ListTasksQuery = {}): Promise<Task[]> {
  return t.client(as).listTasks(query);
}

/** `GET /api/instances/:id` as `as` (default admin). */
export async function instanceDetail(t: TestApp, id: string, as = 'admin'): Promise<InstanceDetail> {
  return t.client(as).getInstance(id);
}

/** The open task of an instance at `node` (from the instance detail). */
export async function openTaskAt(t: TestApp, instanceId: string, node: string): Promise<Task> {
  const detail = await instanceDetail(t, instanceId);
  const task = detail.tasks.find((x) => x.nodeId === node && (x.status === 'open' || x.status === 'claimed'));
  if (!task)
    throw new Error(`no open task at ${node}; tasks: ${JSON.stringify(detail.tasks.map((x) => [x.nodeId, x.status]))}`);
  return task;
}

/**
 * Completes task `id` as `as` with `output` through the client; returns the raw answer (success
 * or failure). `idempotencyKey` is sent as `Idempotency-Key`.
 */
export async function complete(
  t: TestApp,
  as: string,
  id: number,
  output: Record<string, unknown> = {},
  idempotencyKey?: string,
) {
  return t.call(as, (c) => c.completeTask(id, { output }, idempotencyKey === undefined ? {} : { idempotencyKey }));
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
export function definition(
  key: string,
  nodes: unknown[],
  edges: Array<string | Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
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
