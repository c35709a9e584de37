import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCalendars, createCalendar, parseDuration } from '@baton/definition';
import type { MigrationOperation } from '@baton/client';
import { type TestApp, apiError, backends, minimalDefinition, startTestApp } from './harness.ts';

/** A clock offset that puts the server's "now" at `iso`. */
const offsetTo = (iso: string): number => Date.parse(iso) - Date.now();

const cn = createCalendar(builtinCalendars['cn-mainland']);
/** `duration` of working time in the Mainland China calendar after `from` (ISO). */
const workingAfter = (from: string, duration: string): string => {
  const parsed = parseDuration(duration);
  if (!parsed.ok) throw new Error(parsed.message);
  return new Date(cn.addDuration(Date.parse(from), parsed.duration, 'working')).toISOString();
};

const task = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'userTask',
  name: { en: id, 'zh-CN': id },
  owner: { type: 'initiator' },
  ...extra,
});

// v1: start → qualify → review → end. v2 drops review (its work moves to "check", with a
// one-working-day deadline in the Mainland China calendar) and requires `amount`.
const v1 = minimalDefinition('upgrade', {
  nodes: [{ id: 'start', type: 'start' }, task('qualify'), task('review'), { id: 'end', type: 'end' }],
  edges: [
    { id: 'e1', from: 'start', to: 'qualify' },
    { id: 'e2', from: 'qualify', to: 'review' },
    { id: 'e3', from: 'review', to: 'end' },
  ],
});
const v2 = minimalDefinition('upgrade', {
  calendar: 'cn-mainland',
  data: { type: 'object', properties: { amount: { type: 'number' } } },
  nodes: [
    { id: 'start', type: 'start' },
    task('qualify', { deadline: { duration: 'PT2H' } }),
    task('check', { deadline: { duration: 'P1D' } }),
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'qualify' },
    { id: 'e2', from: 'qualify', to: 'check' },
    { id: 'e3', from: 'check', to: 'end' },
  ],
});

async function waitForOperation(t: TestApp, id: number): Promise<MigrationOperation> {
  const ops = t.client('ops');
  for (let i = 0; i < 300; i++) {
    const op = await ops.getMigration(id);
    if (op.status !== 'running') return op;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`migration ${id} still running`);
}

describe.each(backends)('process instance migration on $name', (backend) => {
  let t: TestApp;
  const started: { id: string; on: string }[] = [];
  beforeAll(async () => {
    t = await startTestApp(backend, { clockOffsetMs: offsetTo('2025-09-30T02:00:00Z') });
    const owner = t.client('owner');
    const ops = t.client('ops');
    await owner.createModel({ key: 'upgrade', name: { en: 'Upgrade' } });
    await owner.publish('upgrade', { definition: v1, state: 'current' });
    await ops.deploy('upgrade', { version: 1, cohort: { type: 'all' } });
    const rep = t.client('rep1');
    for (const [i, on] of (['qualify', 'qualify', 'review'] as const).entries()) {
      const r = await rep.startInstance('upgrade', { businessKey: `UP-${i}` });
      if (on === 'review') await rep.completeTask(r.next[0]!.id, {});
      started.push({ id: r.instance.id, on });
    }
    await owner.publish('upgrade', { definition: v2, state: 'current' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('proposes a mapping: same ids mapped, review left to choose, with the running instances per node', async () => {
    const plan = await t.client('ops').getMigrationPlan('upgrade', 1, 2);
    expect(plan).toMatchObject({ modelKey: 'upgrade', from: 1, to: 2, running: 3 });
    expect(plan.rows.map((r) => [r.source, r.target, r.instances, r.candidates.map((c) => c.id)])).toEqual([
      ['qualify', 'qualify', 2, ['qualify', 'check']],
      ['review', null, 1, ['qualify', 'check']],
    ]);
  });

  it('is for operators and admins only', async () => {
    expect((await apiError(t.client('rep1').getMigrationPlan('upgrade', 1, 2))).status).toBe(403);
    expect((await apiError(t.client('owner').dryRunMigration('upgrade', { from: 1, to: 2, mapping: {} }))).status).toBe(
      403,
    );
    expect((await apiError(t.client().getMigration(1))).status).toBe(401);
  });

  it('refuses a bad request with a clear code: same version, unknown nodes, unknown fields, unknown version', async () => {
    const ops = t.client('ops');
    expect(await apiError(ops.getMigrationPlan('upgrade', 2, 2))).toMatchObject({
      status: 422,
      code: 'API_MIGRATION_INVALID',
    });
    expect(
      await apiError(ops.dryRunMigration('upgrade', { from: 1, to: 2, mapping: { review: 'nowhere' } })),
    ).toMatchObject({
      status: 422,
      code: 'API_MIGRATION_INVALID',
    });
    expect((await apiError(ops.getMigrationPlan('upgrade', 1, 9))).status).toBe(404);
    const extra = await t.request({
      method: 'POST',
      url: '/api/models/upgrade/migrations/dry-run',
      as: 'ops',
      body: { from: 1, to: 2, mapping: {}, force: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<{ issues: { path: string }[] }>().issues[0]!.path).toBe('/force');
  });

  it('dry run lists the instance on a node v2 lacks with the reason, and changes nothing', async () => {
    const before = await t.count('events');
    const dry = await t.client('ops').dryRunMigration('upgrade', { from: 1, to: 2, mapping: {} });
    expect(dry.total).toBe(3);
    expect(dry.movable.sort()).toEqual(
      started
        .filter((s) => s.on === 'qualify')
        .map((s) => s.id)
        .sort(),
    );
    expect(dry.blocked).toEqual([
      {
        instanceId: started[2]!.id,
        businessKey: 'UP-2',
        nodes: ['review'],
        problems: [expect.objectContaining({ code: 'ENG_MIGRATION_UNMAPPED', node: 'review' })],
      },
    ]);
    expect(await t.count('events')).toBe(before);
  });

  it('dry run by business key prefix chooses only the instances whose key starts with it (LIKE wildcards taken literally)', async () => {
    const ops = t.client('ops');
    const one = await ops.dryRunMigration('upgrade', { from: 1, to: 2, mapping: {}, businessKeyPrefix: 'UP-1' });
    expect(one).toMatchObject({ total: 1, movable: [started[1]!.id], blocked: [] });
    const blocked = await ops.dryRunMigration('upgrade', { from: 1, to: 2, mapping: {}, businessKeyPrefix: 'UP-2' });
    expect(blocked).toMatchObject({ total: 1, movable: [] });
    expect(blocked.blocked.map((b) => b.businessKey)).toEqual(['UP-2']);
    // `_` and `%` are no wildcards: "UP_" matches no key.
    for (const businessKeyPrefix of ['UP_', 'UP%'])
      expect(
        await ops.dryRunMigration('upgrade', { from: 1, to: 2, mapping: {}, businessKeyPrefix }),
        businessKeyPrefix,
      ).toMatchObject({ total: 0, movable: [], blocked: [] });
  });

  it('migrates in the background: the movable instances land on v2 with recomputed deadlines and history, the other stays on v1', async () => {
    const ops = t.client('ops');
    const op = await ops.startMigration('upgrade', { from: 1, to: 2, mapping: {} });
    expect(ops.lastResponse!.statusCode).toBe(202);
    expect(op).toMatchObject({ modelKey: 'upgrade', from: 1, to: 2, total: 3, createdBy: 'ops' });
    const done = await waitForOperation(t, op.id);
    expect(done).toMatchObject({ status: 'completed', migrated: 2, failed: 1 });
    expect(done.failures).toEqual([
      expect.objectContaining({
        instanceId: started[2]!.id,
        problems: [expect.objectContaining({ code: 'ENG_MIGRATION_UNMAPPED' })],
      }),
    ]);
    for (const s of started) {
      const detail = await ops.getInstance(s.id);
      expect(detail.instance.version, s.on).toBe(s.on === 'qualify' ? 2 : 1);
      if (s.on !== 'qualify') continue;
      expect(detail.history.map((h) => h.type)).toEqual(
        expect.arrayContaining(['token.migrated', 'instance.migrated']),
      );
      // PT2H of working time from when the task began (10:00 Beijing time, so past the lunch break).
      const [only] = detail.tasks;
      expect(only).toMatchObject({ nodeId: 'qualify', dueAt: workingAfter(only!.createdAt, 'PT2H') });
      expect(only!.dueAt! > '2025-09-30T05:00:00.000Z').toBe(true);
    }
    // The migrated instance runs on v2: completing qualify leads to "check", which v1 lacks.
    const moved = started[0]!.id;
    const qualify = (await ops.getInstance(moved)).tasks[0]!;
    const next = await t.client('rep1').completeTask(qualify.id, {});
    expect(next.next.map((n) => n.nodeId)).toEqual(['check']);
  });

  it('maps review by hand to check: the last instance moves, its task on check with the new deadline', async () => {
    const ops = t.client('ops');
    const last = started[2]!.id;
    const dry = await ops.dryRunMigration('upgrade', {
      from: 1,
      to: 2,
      mapping: { review: 'check' },
      instances: [last],
    });
    expect(dry).toMatchObject({ total: 1, movable: [last], blocked: [] });
    const op = await ops.startMigration('upgrade', { from: 1, to: 2, mapping: { review: 'check' }, instances: [last] });
    expect(await waitForOperation(t, op.id)).toMatchObject({ status: 'completed', migrated: 1, failed: 0 });
    const { tasks } = await ops.getInstance(last);
    // P1D working from Tue 2025-09-30 10:00: the National Day holiday (Oct 1–8) is skipped.
    const live = tasks.filter((x) => x.status === 'open' || x.status === 'claimed');
    expect(live.map((x) => [x.nodeId, x.dueAt])).toEqual([['check', workingAfter(live[0]!.createdAt, 'P1D')]]);
    expect(live[0]!.dueAt! > '2025-10-09T00:00:00.000Z').toBe(true);
    // Asking again finds nothing left on v1.
    const again = await ops.dryRunMigration('upgrade', { from: 1, to: 2, mapping: {} });
    expect(again.total).toBe(0);
  });

  it('answers 404 for an unknown migration', async () => {
    expect(await apiError(t.client('ops').getMigration(999))).toMatchObject({
      status: 404,
      code: 'API_MIGRATION_NOT_FOUND',
    });
  });
});
