import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, apiError, backends, startTestApp } from './harness.ts';
import { definition, instanceDetail, openTaskAt, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

/** A service call that fails at once (no retry), then a review by rep2, with a 30-minute timer before it. */
const flaky = definition(
  'flaky',
  [
    { id: 'start', type: 'start' },
    { id: 'push', type: 'automaticTask', action: { kind: 'action', name: 'pushToErp' }, retry: { maxAttempts: 1 } },
    { id: 'review', type: 'userTask', owner: { type: 'user', user: 'rep2' } },
    { id: 'end', type: 'end' },
  ],
  ['start->push', 'push->review', 'review->end'],
);
const waiting = definition(
  'waiting',
  [
    { id: 'start', type: 'start' },
    { id: 'pause', type: 'timer', timer: { duration: 'PT30M', time: 'clock' } },
    { id: 'end', type: 'end' },
  ],
  ['start->pause', 'pause->end'],
);

describe.each(backends)('the ops console API on $name', (backend) => {
  let t: TestApp;
  let erpUp = false;
  beforeAll(async () => {
    t = await startTestApp(backend, {
      actions: {
        async pushToErp() {
          if (!erpUp) throw new Error('ERP is down');
          return { order: 'SO-1' };
        },
      },
    });
    await publishAndDeploy(t, 'flaky', flaky);
    await publishAndDeploy(t, 'waiting', waiting);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('filters instances by version, team (with the teams below it), period and business key; refuses unknown teams and dates', async () => {
    const east = await startInstance(t, 'rep1', 'waiting', { businessKey: 'W-EAST' });
    const other = await startInstance(t, 'legal', 'waiting', { businessKey: 'W-LEGAL' });
    const ops = t.client('ops');
    const me = await t.client('rep1').me();
    expect(me.teamKey).toBe('sales-east');
    const ids = (list: Array<{ id: string }>) => list.map((i) => i.id);
    // rep1 is in sales-east, below sales: both team filters find the instance, legal's is not there.
    expect(ids(await ops.listInstances({ model: 'waiting', team: 'sales' }))).toEqual([east]);
    expect(ids(await ops.listInstances({ model: 'waiting', team: 'sales-east' }))).toEqual([east]);
    expect(ids(await ops.listInstances({ model: 'waiting', team: 'legal' }))).toEqual([other]);
    expect(ids(await ops.listInstances({ model: 'waiting', version: 1 }))).toEqual([other, east]);
    expect(await ops.listInstances({ model: 'waiting', version: 2 })).toEqual([]);
    expect(ids(await ops.listInstances({ businessKey: 'W-LEGAL' }))).toEqual([other]);
    expect(ids(await ops.listInstances({ model: 'waiting', from: '2000-01-01', to: '2999-01-01' }))).toHaveLength(2);
    expect(await ops.listInstances({ model: 'waiting', to: '2000-01-01' })).toEqual([]);
    // Paging: one per page, newest first.
    expect(ids(await ops.listInstances({ model: 'waiting', limit: 1, offset: 1 }))).toEqual([east]);

    const unknown = await apiError(ops.listInstances({ team: 'moon' }));
    expect(unknown).toMatchObject({ status: 400, code: 'API_VALIDATION' });
    expect(unknown.issues.map((i) => i.path)).toEqual(['/team']);
    const badDate = await apiError(ops.listInstances({ from: '2026-13-01' }));
    expect(badDate.status).toBe(400);
    const badQuery = await t.request({ method: 'GET', url: '/api/instances?version=zero', as: 'ops' });
    expect(badQuery.statusCode).toBe(400);
  });

  it('is for operators and admins only (403 for others, 401 without a token)', async () => {
    expect((await apiError(t.client('rep1').getStuckWork())).status).toBe(403);
    expect((await apiError(t.client('owner').releaseTimer(1))).status).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/ops/stuck' })).statusCode).toBe(401);
    await t.client('admin').getStuckWork();
    const unknownField = await t.request({
      method: 'POST',
      url: '/api/ops/timers/1/release',
      as: 'ops',
      body: { x: 1 },
    });
    expect(unknownField.statusCode).toBe(400);
  });

  it('lists a failed service call with its incident; retrying the incident unsticks it', async () => {
    const id = await startInstance(t, 'rep1', 'flaky', { businessKey: 'F-1' });
    await t.app.runtime.outbox.runOnce();
    const ops = t.client('ops');
    const stuck = await ops.getStuckWork();
    const delivery = stuck.deliveries.find((d) => d.instanceId === id);
    expect(delivery).toMatchObject({
      modelKey: 'flaky',
      version: 1,
      businessKey: 'F-1',
      node: 'push',
      lastError: 'ERP is down',
      incident: { node: 'push', code: 'ENG_SERVICE_FAILED' },
    });
    erpUp = true;
    await ops.retryIncident(id, delivery!.incident.id);
    await t.app.runtime.outbox.runOnce();
    expect((await ops.getStuckWork()).deliveries.find((d) => d.instanceId === id)).toBeUndefined();
    expect((await instanceDetail(t, id)).activeNodes).toEqual(['review']);
  });

  it('lists an open task whose only candidate is out of office; a transfer by ops unsticks it', async () => {
    erpUp = true;
    const id = await startInstance(t, 'rep1', 'flaky', { businessKey: 'F-2' });
    await t.app.runtime.outbox.runOnce();
    const task = await openTaskAt(t, id, 'review');
    const ops = t.client('ops');
    expect((await ops.getStuckWork()).unattended.find((u) => u.taskId === task.id)).toBeUndefined();
    await sql`update users set out_of_office = true where username = 'rep2'`.execute(t.database.db);
    try {
      const listed = (await ops.getStuckWork()).unattended.find((u) => u.taskId === task.id);
      expect(listed).toMatchObject({ instanceId: id, businessKey: 'F-2', nodeId: 'review', modelKey: 'flaky' });
      await ops.transferTask(task.id, { to: 'rep1' });
      expect((await ops.getStuckWork()).unattended.find((u) => u.instanceId === id)).toBeUndefined();
    } finally {
      await sql`update users set out_of_office = false where username = 'rep2'`.execute(t.database.db);
    }
  });

  it('lists a due timer claimed again and again; releasing it lets the next poll fire it', async () => {
    const id = await startInstance(t, 'rep1', 'waiting', { businessKey: 'W-STUCK' });
    // Claimed four times by a worker that never fired it, and held by it for an hour more.
    await sql`update timers set attempt = 4, locked_by = 'worker-gone', due_at = now() - interval '1 hour',
              lease_until = now() + interval '1 hour' where instance_id = ${id}`.execute(t.database.db);
    const ops = t.client('ops');
    const timer = (await ops.getStuckWork()).timers.find((x) => x.instanceId === id);
    expect(timer).toMatchObject({ businessKey: 'W-STUCK', kind: 'timer', attempts: 4, lockedBy: 'worker-gone' });

    const released = await ops.releaseTimer(timer!.id);
    expect(released.id).toBe(timer!.id);
    const row = await t.database.db
      .selectFrom('timers')
      .selectAll()
      .where('id', '=', timer!.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ locked_by: null, lease_until: null });
    await t.app.runtime.timers.runOnce();
    expect((await instanceDetail(t, id)).instance.status).toBe('completed');
    expect((await ops.getStuckWork()).timers.find((x) => x.instanceId === id)).toBeUndefined();
    // A fired timer is not pending any more.
    expect(await apiError(ops.releaseTimer(timer!.id))).toMatchObject({ status: 404, code: 'API_TIMER_NOT_FOUND' });
  });
});
