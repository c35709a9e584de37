import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CcPage, Task } from '@baton/client';
import type { Effect, InstanceSnapshot } from '@baton/engine';
import { writeStep } from '../src/runtime/write-step.ts';
import { type TestApp, apiError, backends, startTestApp } from './harness.ts';
import {
  advanceClock,
  complete,
  definition,
  openTaskAt,
  publishAndDeploy,
  runLoopNow,
  startInstance,
} from './run-loop-helpers.ts';

// Issue 9: the four lists (to do, done, started, cc'd), their counts, filters and keyset cursors;
// cc entries written from the engine's cc effect; delegations; batch approval; request checks of
// the new commands. Scenarios that need the engine's several-signer behaviour live in
// issue9-approvals.test.ts.

/** A review offered to sales reps, due in 8 hours; then a sign-off by the sales manager with a required form. */
const review = definition(
  'review',
  [
    { id: 'start', type: 'start' },
    {
      id: 'check',
      type: 'userTask',
      owner: { type: 'role', role: 'sales-rep' },
      deadline: { duration: 'PT8H', time: 'clock' },
    },
    {
      id: 'signoff',
      type: 'userTask',
      owner: { type: 'role', role: 'sales-manager' },
      outputs: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->check', 'check->signoff', 'signoff->end'],
);

/** A quick check for the east team, due in 10 minutes: arrives with an earlier deadline than every review. */
const quick = definition(
  'quick',
  [
    { id: 'start', type: 'start' },
    {
      id: 'look',
      type: 'userTask',
      owner: { type: 'team', team: 'sales-east' },
      deadline: { duration: 'PT10M', time: 'clock' },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->look', 'look->end'],
);

const ids = (tasks: Task[]) => tasks.map((x) => x.id);

describe.each(backends)('issue 9 lists, cc, delegations and batch approval on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await publishAndDeploy(t, 'review', review);
    await publishAndDeploy(t, 'quick', quick);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pages the to-do list by deadline with a cursor that stays correct while new tasks arrive', async () => {
    // Five reviews, one minute apart: deadlines ascend in start order.
    const started: string[] = [];
    for (let i = 0; i < 5; i++) {
      started.push(await startInstance(t, 'rep2', 'review'));
      advanceClock(t, 60_000);
    }
    const rep1 = t.client('rep1');
    const first = await rep1.listTodo({ limit: 2, process: 'review' });
    expect(first.count).toBe(5);
    expect(first.items.map((x) => x.instanceId)).toEqual(started.slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    // New work arrives between pages, due sooner than everything listed so far.
    await startInstance(t, 'rep2', 'review');
    await startInstance(t, 'rep2', 'quick');
    const second = await rep1.listTodo({ limit: 2, process: 'review', cursor: first.nextCursor! });
    const third = await rep1.listTodo({ limit: 2, process: 'review', cursor: second.nextCursor! });
    const seen = [...first.items, ...second.items, ...third.items].map((x) => x.instanceId);
    // Every review that was there at the first page comes exactly once, in deadline order; the later one last.
    expect(seen.slice(0, 5)).toEqual(started);
    expect(new Set(seen).size).toBe(seen.length);
    expect(third.nextCursor).toBeNull();
    // Deadline order across processes: the quick look (10 min) comes first without a filter.
    const all = await rep1.listTodo({ limit: 50 });
    expect(all.items[0]!.modelKey).toBe('quick');
    const dues = all.items.map((x) => Date.parse(x.dueAt!));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    // rep2 is a sales rep in the west: the reviews, not the east team's quick look.
    const rep2 = await t.client('rep2').listTodo({});
    expect(rep2.items.map((x) => x.modelKey).sort()).toEqual(Array(6).fill('review'));
  });

  it('filters the to-do list by step, overdue and period, and sorts by arrival on request', async () => {
    const rep1 = t.client('rep1');
    expect((await rep1.listTodo({ step: 'look' })).items.map((x) => x.nodeId)).toEqual(['look']);
    expect((await rep1.listTodo({ step: 'nope' })).count).toBe(0);
    expect((await rep1.listTodo({ overdue: true })).count).toBe(0);
    const recent = await rep1.listTodo({ sort: 'recent' });
    const created = recent.items.map((x) => Date.parse(x.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // Twenty minutes on, the quick look is overdue.
    advanceClock(t, 20 * 60_000);
    const overdue = await rep1.listTodo({ overdue: true });
    expect(overdue.items.map((x) => x.modelKey)).toEqual(['quick']);
    expect((await rep1.listCounts()).todoOverdue).toBe(1);
    const future = new Date((await runLoopNow(t)) + 3_600_000).toISOString();
    expect((await rep1.listTodo({ from: future })).count).toBe(0);
    expect((await rep1.listTodo({ to: future })).count).toBe(7);
  });

  it('refuses a cursor it did not give and an unknown filter with 400 and a path', async () => {
    const bad = await apiError(t.client('rep1').listTodo({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(bad).toMatchObject({ status: 400, code: 'API_VALIDATION' });
    expect(bad.issues[0]).toMatchObject({ path: '/cursor', code: 'API_INVALID_CURSOR' });
    const res = await t.request({ method: 'GET', url: '/api/lists/todo?mine=1', as: 'rep1' });
    expect(res.statusCode).toBe(400);
    const date = await t.request({ method: 'GET', url: '/api/lists/done?from=yesterday', as: 'rep1' });
    expect(date.statusCode).toBe(400);
  });

  it('lists done tasks by completion (newest first) and started instances, with counts', async () => {
    const rep1 = t.client('rep1');
    const todo = await rep1.listTodo({ process: 'review', limit: 3 });
    for (const task of todo.items) {
      await complete(t, 'rep1', task.id);
      advanceClock(t, 1000);
    }
    const done = await rep1.listDone({});
    expect(ids(done.items)).toEqual(ids(todo.items).reverse());
    expect(done.items.every((x) => x.completedBy === 'rep1' && x.status === 'completed')).toBe(true);
    const page1 = await rep1.listDone({ limit: 2 });
    const page2 = await rep1.listDone({ limit: 2, cursor: page1.nextCursor! });
    expect([...ids(page1.items), ...ids(page2.items)]).toEqual(ids(done.items));
    expect((await t.client('rep2').listDone({})).count).toBe(0);

    const started = await t.client('rep2').listStarted({ process: 'review' });
    expect(started.count).toBe(6);
    const createdAt = started.items.map((x) => Date.parse(x.createdAt));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));
    // Three of them wait at the sign-off now.
    expect((await t.client('rep2').listStarted({ step: 'signoff' })).count).toBe(3);
    const p1 = await t.client('rep2').listStarted({ limit: 4 });
    const p2 = await t.client('rep2').listStarted({ limit: 4, cursor: p1.nextCursor! });
    expect(p1.items.length + p2.items.length).toBe(7);
    expect(p2.nextCursor).toBeNull();
    expect((await rep1.listStarted({})).count).toBe(0);
    const counts = await t.client('rep2').listCounts();
    expect(counts).toMatchObject({ started: 7, done: 0, cc: 0, ccUnread: 0 });
    expect((await rep1.listCounts()).done).toBe(3);
  });

  it('writes one cc entry per user from a cc effect (roles expanded, never the actor), lets them read the instance, and marks it read or unread', async () => {
    const instanceId = await startInstance(t, 'rep1', 'quick');
    // Until cc'd, legal may not see the instance.
    expect((await apiError(t.client('legal').getInstance(instanceId))).status).toBe(404);
    const row = await t.database.db
      .selectFrom('instances')
      .selectAll()
      .where('id', '=', instanceId)
      .executeTakeFirstOrThrow();
    const version = await t.app.runtime.processes.get(t.database.db, row.version_id);
    const now = await runLoopNow(t);
    const { directory, userIds } = await t.app.runtime.directory.load(t.database.db, version, false, now);
    const snapshot = row.snapshot as InstanceSnapshot;
    // The engine's cc effect, as a completion with a node rule and a chosen user would emit it.
    const effects: Effect[] = [
      {
        type: 'cc',
        node: 'look',
        to: { users: ['rep1'], roles: ['legal'], teams: [] },
        by: 'rep1',
        reason: 'completed',
      },
      { type: 'cc', node: 'look', to: { users: ['finance'], roles: [], teams: [] }, by: 'rep1', reason: 'chosen' },
    ];
    const written = await writeStep(
      t.database.db,
      {
        instanceId,
        instance: { kind: 'update', rev: row.rev },
        before: snapshot,
        snapshot,
        effects,
        now,
        directory,
        userIds,
      },
      t.app.runtime.writeContext,
    );
    expect(written).toBeDefined();
    const entries = await t.database.db.selectFrom('cc_entries').select(['user_id', 'reason']).execute();
    // legal (position), legalmanager is not in the legal position; finance chosen; rep1 (the actor) never.
    expect(entries.length).toBe(2);
    const legal = t.client('legal');
    const page: CcPage = await legal.listCc({});
    expect(page).toMatchObject({ count: 1, unread: 1 });
    expect(page.items[0]).toMatchObject({
      instanceId,
      modelKey: 'quick',
      by: 'rep1',
      reason: 'completed',
      readAt: null,
    });
    expect((await legal.getInstance(instanceId)).instance.id).toBe(instanceId);
    const read = await legal.markCcRead(page.items[0]!.id);
    expect(read.readAt).not.toBeNull();
    expect(await legal.listCc({ unread: true })).toMatchObject({ count: 0, unread: 0 });
    expect((await legal.markCcUnread(read.id)).readAt).toBeNull();
    expect(await legal.listCounts()).toMatchObject({ cc: 1, ccUnread: 1 });
    // Someone else's entry answers like an unknown one.
    expect(await apiError(t.client('finance').markCcRead(read.id))).toMatchObject({
      status: 404,
      code: 'API_CC_NOT_FOUND',
    });
    expect((await t.client('finance').listCc({ step: 'look' })).items[0]).toMatchObject({ reason: 'chosen' });
  });

  it('keeps delegations per user: sets one, refuses overlaps, loops, self and strangers, lists, ends early, and feeds the directory at the instant', async () => {
    const now = await runLoopNow(t);
    const until = new Date(now + 3 * 86_400_000).toISOString();
    const rep2 = t.client('rep2');
    const d = await rep2.createDelegation({ agent: 'rep1', until, note: '出差' });
    expect(rep2.lastResponse!.statusCode).toBe(201);
    expect(d).toMatchObject({ user: 'rep2', agent: 'rep1', state: 'active', note: '出差', endedEarlyAt: null });
    expect(await apiError(rep2.createDelegation({ agent: 'manager', until }))).toMatchObject({
      status: 409,
      code: 'API_DELEGATION_CONFLICT',
    });
    expect(await apiError(t.client('rep1').createDelegation({ agent: 'rep2', until }))).toMatchObject({
      status: 409,
      code: 'API_DELEGATION_CONFLICT',
    });
    expect((await apiError(rep2.createDelegation({ agent: 'rep2', until }))).issues[0]).toMatchObject({
      path: '/agent',
    });
    expect((await apiError(rep2.createDelegation({ agent: 'nobody', until }))).issues[0]).toMatchObject({
      path: '/agent',
      code: 'API_UNKNOWN_USER',
    });
    expect((await apiError(rep2.createDelegation({ agent: 'manager', until: '2020-01-01' }))).status).toBe(400);
    expect((await apiError(rep2.createDelegation({ agent: 'manager', until, user: 'rep1' }))).status).toBe(403);
    expect((await apiError(rep2.listDelegations({ all: true }))).status).toBe(403);
    expect((await t.client('rep1').listDelegations({})).map((x) => x.id)).toEqual([d.id]);
    expect((await t.client('admin').listDelegations({ all: true, state: 'active' })).map((x) => x.id)).toEqual([d.id]);
    expect(await t.client('legal').listDelegations({})).toEqual([]);

    // The directory carries delegateTo while the delegation is in force, and not after it.
    const version = await t.app.runtime.processes.get(
      t.database.db,
      (await t.database.db.selectFrom('process_versions').select('id').executeTakeFirstOrThrow()).id,
    );
    t.app.runtime.directory.invalidate();
    const during = await t.app.runtime.directory.load(t.database.db, version, false, now + 60_000);
    expect(during.directory.users.rep2?.delegateTo).toBe('rep1');
    expect(during.directory.users.rep1?.delegateTo).toBeUndefined();
    const after = await t.app.runtime.directory.load(t.database.db, version, false, now + 4 * 86_400_000);
    expect(after.directory.users.rep2?.delegateTo).toBeUndefined();

    // The agent may not end it; the user may; ending twice changes nothing.
    expect(await apiError(t.client('rep1').endDelegation(d.id))).toMatchObject({ status: 404 });
    const ended = await rep2.endDelegation(d.id);
    expect(ended).toMatchObject({ state: 'ended' });
    expect(ended.endedEarlyAt).not.toBeNull();
    expect((await rep2.endDelegation(d.id)).endedEarlyAt).toBe(ended.endedEarlyAt);
    const gone = await t.app.runtime.directory.load(t.database.db, version, false, (await runLoopNow(t)) + 1000);
    expect(gone.directory.users.rep2?.delegateTo).toBeUndefined();
    // A new period may follow once the first has ended; an admin may set one for a user.
    const next = await t
      .client('admin')
      .createDelegation({ agent: 'manager', user: 'rep2', from: new Date(now + 86_400_000).toISOString(), until });
    expect(next).toMatchObject({ user: 'rep2', agent: 'manager', state: 'scheduled' });
  });

  it('approves a batch task by task: done ones, one needing a form, one not visible, one already done; nothing else changes', async () => {
    const a = await openTaskAt(t, await startInstance(t, 'rep2', 'quick'), 'look');
    const b = await openTaskAt(t, await startInstance(t, 'rep2', 'quick'), 'look');
    const signoff = (await t.client('manager').listTodo({ step: 'signoff', limit: 1 })).items[0]!;
    const rep1 = t.client('rep1');
    const eventsBefore = await t.count('events');
    const result = await rep1.batchCompleteTasks({ tasks: [a.id, signoff.id, b.id, 999_999], comment: '同意' });
    expect(rep1.lastResponse!.statusCode).toBe(200);
    expect(result.succeeded).toBe(2);
    expect(result.failed).toBe(2);
    expect(result.results.map((r) => [r.id, r.ok, r.error?.code ?? r.task?.status])).toEqual([
      [a.id, true, 'completed'],
      [signoff.id, false, 'API_TASK_NOT_FOUND'],
      [b.id, true, 'completed'],
      [999_999, false, 'API_TASK_NOT_FOUND'],
    ]);
    expect(await t.count('events')).toBeGreaterThan(eventsBefore);
    const stored = await t.client('admin').getTask(a.id);
    expect(stored).toMatchObject({ status: 'completed', completedBy: 'rep1' });
    // The manager's sign-off needs its form: refused on its own, left open.
    const manager = t.client('manager');
    const again = await manager.batchCompleteTasks({ tasks: [signoff.id, a.id] });
    expect(again.results.map((r) => [r.ok, r.error?.code, r.error?.statusCode])).toEqual([
      [false, 'API_FORM_REQUIRED', 422],
      [false, 'API_TASK_NOT_FOUND', 404],
    ]);
    expect((await manager.getTask(signoff.id)).status).toBe('open');
    const repeat = await rep1.batchCompleteTasks({ tasks: [a.id] });
    expect(repeat.results[0]).toMatchObject({ ok: false, error: { statusCode: 409, code: 'API_TASK_NOT_OPEN' } });
    const tooMany = await t.request({
      method: 'POST',
      url: '/api/tasks/batch-complete',
      as: 'rep1',
      body: { tasks: [] },
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('checks the new commands’ users before the engine: unknown cc and signers answer 400 with their paths and change nothing', async () => {
    const task = await openTaskAt(t, await startInstance(t, 'rep2', 'quick'), 'look');
    const before = [await t.count('events'), await t.count('cc_entries')];
    const rep1 = t.client('rep1');
    const cc = await apiError(rep1.completeTask(task.id, { decision: 'approve', cc: ['finance', 'ghost1'] }));
    expect(cc).toMatchObject({ status: 400, code: 'API_VALIDATION' });
    expect(cc.issues.map((i) => [i.path, i.code])).toEqual([['/cc/1', 'API_UNKNOWN_USER']]);
    const add = await apiError(rep1.addSigners(task.id, { users: ['nobody'], position: 'before' }));
    expect(add.issues.map((i) => i.path)).toEqual(['/users/0']);
    const raw = await t.request({
      method: 'POST',
      url: `/api/tasks/${task.id}/add-signers`,
      as: 'rep1',
      body: { users: ['legal'], position: 'beside' },
    });
    expect(raw.statusCode).toBe(400);
    const stranger = await apiError(t.client('legal').withdrawTask(task.id));
    expect(stranger.status).toBe(404);
    const notMine = await apiError(t.client('legal').withdrawInstance(task.instanceId));
    expect(notMine).toMatchObject({ status: 404, code: 'API_INSTANCE_NOT_FOUND' });
    expect([await t.count('events'), await t.count('cc_entries')]).toEqual(before);
    // A task carries the approval fields, empty for a plain task.
    expect(await rep1.getTask(task.id)).toMatchObject({
      decision: null,
      comment: null,
      onBehalfOf: null,
      cancelReason: null,
      group: null,
      addedBy: null,
      auto: null,
    });
  });
});
