import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@baton/client';
import { Runtime } from '../src/runtime/runtime.ts';
import { createNullHub } from '../src/ws/hub.ts';
import { type TestApp, backends, startTestApp } from './harness.ts';
import {
  advanceClock,
  complete,
  definition,
  instanceDetail,
  openTaskAt,
  publishAndDeploy,
  runLoopNow,
  startInstance,
} from './run-loop-helpers.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A rep drafts (amount required), a rep reviews. */
const draftAndReview = definition(
  'draft-review',
  [
    { id: 'start', type: 'start' },
    {
      id: 'draft',
      type: 'userTask',
      owner: { type: 'role', role: 'sales-rep' },
      outputs: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
    },
    { id: 'review', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'end', type: 'end' },
  ],
  ['start->draft', 'draft->review', 'review->end'],
);

/**
 * A command on an instance this process wrote last skips its read and steps the cached row at
 * the estimated database clock. These tests make the copy stale (another process changes the
 * instance) or the estimate wrong, and check that the outcome is what a fresh read would give.
 */
describe.each(backends)('commands on a cached instance on $name', (backend) => {
  let t: TestApp;
  let other: Runtime;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await publishAndDeploy(t, 'draft-review', draftAndReview);
    // Another server process on the same database (its own cache and clock estimate).
    other = new Runtime({
      database: t.database,
      hub: createNullHub(),
      logger: silent,
      clockOffsetMs: t.app.runtime.clock.offsetMs,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Completes the draft through the other process. */
  async function completeElsewhere(taskId: number): Promise<void> {
    const result = await other.runCommand({ taskId }, (context) => ({
      type: 'complete',
      task: context.taskKey!,
      actor: { id: 'rep2', roles: ['sales-rep'] },
      output: { amount: 7 },
    }));
    expect(result.kind === 'done' && result.outcome.ok).toBe(true);
  }

  it('steps again on the current row when another process changed the instance (read back by the failed write): a completion made elsewhere gets 409', async () => {
    const id = await startInstance(t, 'rep1', 'draft-review'); // this process now holds the row
    const draft = await openTaskAt(t, id, 'draft');
    await completeElsewhere(draft.id);

    // Count the command's own reads: the failed write brings the current row back, so none.
    const runtime = t.app.runtime;
    const load = Reflect.get(runtime, 'load') as (...args: unknown[]) => Promise<unknown>;
    let reads = 0;
    Reflect.set(runtime, 'load', (...args: unknown[]) => {
      reads += 1;
      return load.apply(runtime, args);
    });
    try {
      const again = await complete(t, 'rep1', draft.id, { amount: 3 });
      expect(again.statusCode).toBe(409);
      expect(again.json<ApiErrorBody>().code).toBe('API_TASK_NOT_OPEN');
    } finally {
      Reflect.set(runtime, 'load', load);
    }
    expect(reads).toBe(0);
    const detail = await instanceDetail(t, id);
    expect(detail.history.filter((h) => h.type === 'task.completed')).toHaveLength(1);
    expect(detail.activeNodes).toEqual(['review']);
    // The next command applies on top of the other process's change.
    const review = await openTaskAt(t, id, 'review');
    expect((await complete(t, 'rep1', review.id)).statusCode).toBe(200);
    expect((await instanceDetail(t, id)).instance.status).toBe('completed');
  });

  it('judges a form on the current task, not a stale copy: an invalid form for a task closed elsewhere gets 409, not 400', async () => {
    const id = await startInstance(t, 'rep1', 'draft-review');
    const draft = await openTaskAt(t, id, 'draft');
    await completeElsewhere(draft.id);
    const response = await complete(t, 'rep1', draft.id, { amount: 'not a number' });
    expect(response.statusCode).toBe(409);
    expect(response.json<ApiErrorBody>().code).toBe('API_TASK_NOT_OPEN');
  });

  it('stamps a command with the database clock even when its estimate of that clock is 5 s ahead or 10 s behind', async () => {
    const estimate = t.app.runtime.databaseClock;
    const shift = (ms: number) =>
      Reflect.set(
        estimate,
        'samples',
        (Reflect.get(estimate, 'samples') as number[]).map((sample) => sample + ms),
      );
    const id = await startInstance(t, 'rep1', 'draft-review');

    for (const [node, ms] of [
      ['draft', 5_000],
      ['review', -10_000],
    ] as const) {
      const task = await openTaskAt(t, id, node);
      // An hour passes, so the instance's last change is not a plausible instant either.
      advanceClock(t, 3_600_000);
      shift(ms);
      const before = await runLoopNow(t);
      expect((await complete(t, 'rep1', task.id, node === 'draft' ? { amount: 1 } : {})).statusCode).toBe(200);
      const after = await runLoopNow(t);
      const at = Date.parse(
        (await instanceDetail(t, id)).history.find((h) => h.type === 'task.completed' && h.nodeId === node)!.at,
      );
      // The write refused the estimated instant; the command was read again and stepped at the database's.
      expect(at).toBeGreaterThanOrEqual(before - 1);
      expect(at).toBeLessThanOrEqual(after);
    }
    expect((await instanceDetail(t, id)).instance.status).toBe('completed');
  });
});
