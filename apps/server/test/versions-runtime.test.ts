import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, startTestApp } from './harness.ts';
import {
  complete,
  definition,
  instanceDetail,
  openTaskAt,
  publishAndDeploy,
  startInstance,
} from './run-loop-helpers.ts';

const reviewNode = (id: string) => ({
  id,
  type: 'userTask',
  owner: { type: 'role', role: 'sales-rep' },
  deadline: { duration: 'PT8H', time: 'working', escalations: [{ at: 0.5, action: { type: 'remind' } }] },
});
const v1 = definition(
  'contract',
  [{ id: 'start', type: 'start' }, reviewNode('review'), { id: 'end', type: 'end' }],
  ['start->review', 'review->end'],
);
const v2 = definition(
  'contract',
  [{ id: 'start', type: 'start' }, reviewNode('review'), reviewNode('second-look'), { id: 'end', type: 'end' }],
  ['start->review', 'review->second-look', 'second-look->end'],
);

describe.each(backends)('versions and the run loop on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  const timerSnapshot = async () =>
    t.database.db
      .selectFrom('timers')
      .select(['id', 'key', 'instance_id', 'due_at', 'fired_at', 'attempt', 'locked_by'])
      .orderBy('id')
      .execute();

  it('D1/D2: deploying v2 leaves running v1 instances and their timers untouched; new instances pick v2; identical re-publish changes nothing', async () => {
    expect(await publishAndDeploy(t, 'contract', v1)).toBe(1);
    const running = [];
    for (let i = 0; i < 3; i++) running.push(await startInstance(t, 'rep1', 'contract'));
    const timersBefore = await timerSnapshot();
    expect(timersBefore).toHaveLength(6);

    expect(await publishAndDeploy(t, 'contract', v2)).toBe(2);
    expect(await timerSnapshot()).toEqual(timersBefore);
    for (const id of running) expect((await instanceDetail(t, id)).instance.version).toBe(1);

    const fresh = await startInstance(t, 'rep1', 'contract');
    expect((await instanceDetail(t, fresh)).instance.version).toBe(2);

    // Byte-identical content (in another key order) ten times: no new version, no timer change.
    const versions = await t.count('process_versions');
    const timersWithFresh = await timerSnapshot();
    for (let i = 0; i < 10; i++) {
      const reordered = Object.fromEntries(Object.entries(v2).reverse());
      const res = await t.call('owner', (c) => c.publish('contract', { definition: reordered, state: 'current' }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ created: false, version: { number: 2 } });
    }
    expect(await t.count('process_versions')).toBe(versions);
    expect(await timerSnapshot()).toEqual(timersWithFresh);

    // A v1 instance still runs on v1: completing its review ends it (v2 would add a second look).
    const task = await openTaskAt(t, running[0]!, 'review');
    expect((await complete(t, 'rep1', task.id)).statusCode).toBe(200);
    expect((await instanceDetail(t, running[0]!)).instance.status).toBe('completed');
    const freshTask = await openTaskAt(t, fresh, 'review');
    expect((await complete(t, 'rep1', freshTask.id)).statusCode).toBe(200);
    expect((await instanceDetail(t, fresh)).activeNodes).toEqual(['second-look']);
  });
});
