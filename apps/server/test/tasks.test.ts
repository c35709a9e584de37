import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, InstanceResult, TaskResult } from '@baton/client';
import { type TestApp, backends, startTestApp } from './harness.ts';
import {
  advanceClock,
  complete,
  definition,
  inbox,
  instanceDetail,
  openTaskAt,
  publishAndDeploy,
  startInstance,
} from './run-loop-helpers.ts';

/** A two-step quote process: a rep drafts (form with an amount), a manager approves. */
const quote = definition(
  'quote',
  [
    { id: 'start', type: 'start' },
    {
      id: 'draft',
      type: 'userTask',
      name: { en: 'Draft quote' },
      owner: { type: 'role', role: 'sales-rep' },
      inputs: ['customer'],
      outputs: {
        type: 'object',
        properties: { amount: { type: 'number', minimum: 0 }, note: { type: 'string', maxLength: 20 } },
        required: ['amount'],
      },
    },
    {
      id: 'approve',
      type: 'userTask',
      owner: { type: 'team', team: 'sales' },
      outputs: { type: 'object', properties: { ok: { type: 'boolean' } } },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->draft', 'draft->approve', 'approve->end'],
  {
    data: {
      type: 'object',
      properties: {
        customer: { type: 'string', minLength: 1 },
        amount: { type: 'number' },
        tier: { type: 'string', enum: ['gold', 'silver'] },
      },
      required: ['customer'],
    },
  },
);

/** Two reviews in parallel, both offered to sales reps, joined before the end. */
const parallelReview = definition(
  'parallel-review',
  [
    { id: 'start', type: 'start' },
    { id: 'fork', type: 'parallelGateway' },
    { id: 'price', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'terms', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'join', type: 'parallelGateway' },
    { id: 'end', type: 'end' },
  ],
  ['start->fork', 'fork->price', 'fork->terms', 'price->join', 'terms->join', 'join->end'],
);

describe.each(backends)('tasks and instances on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await publishAndDeploy(t, 'quote', quote);
    await publishAndDeploy(t, 'parallel-review', parallelReview);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses start data that does not match the data schema (400 with /data paths) and starts nothing', async () => {
    const before = await t.count('instances');
    const res = await t.call('rep1', (c) =>
      c.startInstance('quote', { data: { amount: 'ten', tier: 'bronze', now: 'x' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().code).toBe('API_INVALID_DATA');
    expect(
      res
        .json<ApiErrorBody>()
        .issues!.map((i) => i.path)
        .sort(),
    ).toEqual(['/data/amount', '/data/customer', '/data/now', '/data/tier']);
    // Raw request: an unknown body field, which the typed client cannot send.
    const extra = await t.request({
      method: 'POST',
      url: '/api/models/quote/instances',
      as: 'rep1',
      body: { data: { customer: 'A' }, status: 'completed' },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<ApiErrorBody>().issues![0]!.path).toBe('/status');
    const unknownModel = await t.call('rep1', (c) => c.startInstance('nope', {}));
    expect(unknownModel.statusCode).toBe(404);
    expect(await t.count('instances')).toBe(before);
  });

  it('answers 409 API_NO_DEPLOYMENT for a model deployed to another team only', async () => {
    await t.client('owner').createModel({ key: 'legal-only', name: { en: 'L' } });
    const def = definition(
      'legal-only',
      [
        { id: 'start', type: 'start' },
        { id: 'end', type: 'end' },
      ],
      ['start->end'],
    );
    await t.client('owner').publish('legal-only', { definition: def, state: 'current' });
    await t.client('ops').deploy('legal-only', { version: 1, cohort: { type: 'teams', teams: ['legal'] } });
    const res = await t.call('rep1', (c) => c.startInstance('legal-only'));
    expect(res.statusCode).toBe(409);
    expect(res.json<ApiErrorBody>().code).toBe('API_NO_DEPLOYMENT');
    // A start without a body; the instance ends at once. (Raw: the typed client always sends a body.)
    const ok = await t.request({ method: 'POST', url: '/api/models/legal-only/instances', as: 'legal' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json<InstanceResult>().instance).toMatchObject({ status: 'completed', initiator: 'legal' });
  });

  it('validates forms: 400 API_INVALID_FORM with /output paths, reserved and undeclared names refused (G4), nothing written', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'ACME' } });
    const task = await openTaskAt(t, id, 'draft');
    const events = await t.count('events');
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['/output/amount']],
      [{ amount: -1, note: 'x'.repeat(21) }, ['/output/amount', '/output/note']],
      [{ amount: 5, initiator: 'boss' }, ['/output/initiator']],
      [
        { amount: 5, now: '2030-01-01', businessKey: 'X', instance: 1 },
        ['/output/businessKey', '/output/instance', '/output/now'],
      ],
      [{ amount: 5, customer: 'Hijacked' }, ['/output/customer']],
    ];
    for (const [output, paths] of cases) {
      const res = await complete(t, 'rep1', task.id, output);
      expect(res.statusCode, JSON.stringify(output)).toBe(400);
      expect(res.json<ApiErrorBody>().code).toBe('API_INVALID_FORM');
      expect(
        res
          .json<ApiErrorBody>()
          .issues!.map((i) => i.path)
          .sort(),
        JSON.stringify(output),
      ).toEqual(paths);
    }
    const reserved = await complete(t, 'rep1', task.id, { amount: 5, initiator: 'boss' });
    expect(reserved.json<ApiErrorBody>().issues![0]!.code).toBe('API_RESERVED_FIELD');
    // Server-owned fields next to the form are refused by the body schema (G3).
    // Raw request: unknown body fields, which the typed client cannot send.
    const g3 = await t.request({
      method: 'POST',
      url: `/api/tasks/${task.id}/complete`,
      as: 'rep1',
      body: { output: { amount: 1 }, assignee: 'rep1', status: 'completed' },
    });
    expect(g3.statusCode).toBe(400);
    expect(
      g3
        .json<ApiErrorBody>()
        .issues!.map((i) => i.path)
        .sort(),
    ).toEqual(['/assignee', '/status']);
    expect(await t.count('events')).toBe(events);
    expect((await instanceDetail(t, id)).instance.rev).toBe(1);
    expect((await complete(t, 'rep1', task.id, { amount: 5 })).statusCode).toBe(200);
  });

  it('403 for a non-candidate (form not even judged), 409 for a second completion, 404 for an unknown task', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'B' } });
    const task = await openTaskAt(t, id, 'draft');
    const stranger = await complete(t, 'legal', task.id, {});
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json<ApiErrorBody>().code).toBe('API_NOT_ALLOWED');
    const first = await complete(t, 'rep2', task.id, { amount: 10 });
    expect(first.statusCode).toBe(200);
    expect(first.json<TaskResult>().task).toMatchObject({ status: 'completed', completedBy: 'rep2', assignee: 'rep2' });
    const second = await complete(t, 'rep2', task.id, { amount: 11 });
    expect(second.statusCode).toBe(409);
    expect(second.json<ApiErrorBody>().code).toBe('API_TASK_NOT_OPEN');
    // Even an invalid form gets 409 once the task is closed: the conflict is the news.
    expect((await complete(t, 'rep1', task.id, {})).statusCode).toBe(409);
    expect((await complete(t, 'rep1', 987654, { amount: 1 })).statusCode).toBe(404);
    // The team task: a rep of sales-east is in team "sales" through the team tree.
    const approve = await openTaskAt(t, id, 'approve');
    expect((await inbox(t, 'rep1')).map((x) => x.id)).toContain(approve.id);
    expect((await inbox(t, 'legal')).map((x) => x.id)).not.toContain(approve.id);
  });

  it('replays an Idempotency-Key: same key, user and route → the stored answer, the command applied once (B4)', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'C' } });
    const task = await openTaskAt(t, id, 'draft');
    const key = `complete-${task.id}`;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await complete(t, 'rep1', task.id, { amount: 7 }, key));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.headers['idempotent-replayed']).toBeUndefined();
    expect(answers[4]!.headers['idempotent-replayed']).toBe('true');
    const detail = await instanceDetail(t, id);
    expect(detail.history.filter((h) => h.type === 'task.completed')).toHaveLength(1);
    expect(detail.instance.rev).toBe(2);
    // Concurrent repeats too (B4 across requests in flight).
    const task2 = await openTaskAt(t, id, 'approve');
    const parallel = await Promise.all(
      Array.from({ length: 6 }, () => complete(t, 'rep1', task2.id, { ok: true }, 'approve-once')),
    );
    expect(parallel.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(parallel.map((a) => a.body)).size).toBe(1);
    expect((await instanceDetail(t, id)).history.filter((h) => h.type === 'task.completed')).toHaveLength(2);
    // Another user with the same key is a different request: it gets its own (409) answer.
    const other = await complete(t, 'rep2', task.id, { amount: 7 }, key);
    expect(other.statusCode).toBe(409);
    // Starting with a key starts once.
    const starts = [];
    for (let i = 0; i < 3; i++)
      starts.push(
        await t.call('rep2', (c) =>
          c.startInstance('quote', { data: { customer: 'D' } }, { idempotencyKey: 'start-D' }),
        ),
      );
    expect(starts.map((s) => s.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(starts.map((s) => s.json<InstanceResult>().instance.id)).size).toBe(1);
    const bad = await complete(t, 'rep1', task.id, {}, 'x'.repeat(201));
    expect(bad.statusCode).toBe(400);
  });

  it('forgets stored Idempotency-Key answers after 24 hours (the housekeeper), and only those', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'Old key' } });
    const task = await openTaskAt(t, id, 'draft');
    const key = `expiring-${task.id}`;
    expect((await complete(t, 'rep1', task.id, { amount: 1 }, key)).statusCode).toBe(200);
    const stored = () => t.database.db.selectFrom('idempotency_keys').select('key').where('key', '=', key).execute();
    const offset = t.app.runtime.clock.offsetMs;
    try {
      advanceClock(t, 23 * 3_600_000);
      await t.app.runtime.housekeeper.runOnce();
      expect(await stored()).toHaveLength(1);
      expect((await complete(t, 'rep1', task.id, { amount: 1 }, key)).headers['idempotent-replayed']).toBe('true');
      advanceClock(t, 3_600_000 + 60_000);
      await t.app.runtime.housekeeper.runOnce();
      expect(await stored()).toHaveLength(0);
      // The same key is now a new request: the task is done, so 409 rather than the old answer.
      const late = await complete(t, 'rep1', task.id, { amount: 1 }, key);
      expect(late.statusCode).toBe(409);
      expect(late.headers['idempotent-replayed']).toBeUndefined();
    } finally {
      t.app.runtime.setClockOffset(offset);
    }
  });

  it('limits task bodies to 256 KiB (413) while other routes keep 1 MiB', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'Big' } });
    const task = await openTaskAt(t, id, 'draft');
    const big = await complete(t, 'rep1', task.id, { amount: 1, note: 'x'.repeat(300 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json<ApiErrorBody>().code).toBe('API_PAYLOAD_TOO_LARGE');
    const start = await t.call('rep1', (c) => c.startInstance('quote', { data: { customer: 'x'.repeat(300 * 1024) } }));
    expect(start.statusCode).toBe(201);
  });

  it('B1: 20 concurrent completions of one task → exactly one 200, the rest 409, no 5xx, one history event', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'E' } });
    const task = await openTaskAt(t, id, 'draft');
    const users = ['rep1', 'rep2'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => complete(t, users[i % 2]!, task.id, { amount: i })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    const detail = await instanceDetail(t, id);
    expect(detail.history.filter((h) => h.type === 'task.completed')).toHaveLength(1);
    expect(detail.tasks.filter((x) => x.nodeId === 'approve')).toHaveLength(1);
    expect(detail.instance.rev).toBe(2);
  });

  it("answers start and completion with the next tasks in the caller's inbox (same fields as the inbox)", async () => {
    const started = await t.call('rep1', (c) => c.startInstance('quote', { data: { customer: 'Next Co' } }));
    expect(started.statusCode).toBe(201);
    const next = started.json<InstanceResult>().next;
    expect(next.map((x) => x.nodeId)).toEqual(['draft']);
    const fromInbox = (await inbox(t, 'rep1', { instance: started.json<InstanceResult>().instance.id })).find(
      (x) => x.id === next[0]!.id,
    );
    expect(next[0]).toEqual(fromInbox);
    // rep1 is in team sales-east (under sales), so the team task "approve" is theirs too.
    const done = await complete(t, 'rep1', next[0]!.id, { amount: 5 });
    expect(done.statusCode).toBe(200);
    const body = done.json<TaskResult>();
    expect(body.task).toMatchObject({
      id: next[0]!.id,
      status: 'completed',
      output: { amount: 5 },
      completedBy: 'rep1',
    });
    expect(body.task).toEqual(
      (await instanceDetail(t, started.json<InstanceResult>().instance.id)).tasks.find((x) => x.id === next[0]!.id),
    );
    expect(body.next.map((x) => x.nodeId)).toEqual(['approve']);
    // Someone outside the approving team gets the completion but no next task.
    const legal = await complete(t, 'admin', body.next[0]!.id, { ok: true });
    expect(legal.statusCode).toBe(200);
    expect(legal.json<TaskResult>().next).toEqual([]);
  });

  it('applies concurrent completions of two parallel tasks of one instance both (the loser of the race steps again, no 409)', async () => {
    for (let round = 0; round < 5; round++) {
      const started = await t.call('rep1', (c) => c.startInstance('parallel-review', {}));
      const [a, b] = started.json<InstanceResult>().next;
      const results = await Promise.all([complete(t, 'rep1', a!.id), complete(t, 'rep2', b!.id)]);
      expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
      const detail = await instanceDetail(t, started.json<InstanceResult>().instance.id);
      expect(detail.instance.status).toBe('completed');
      expect(detail.instance.rev).toBe(3);
      expect(detail.history.filter((h) => h.type === 'task.completed')).toHaveLength(2);
      // The second answer already saw the first completion: nothing is left to do.
      const last = results.map((r) => r.json<TaskResult>()).find((x) => x.next.length === 0);
      expect(last).toBeDefined();
    }
  });

  it('applies a command once even when the instance changed behind the server (PGlite keeps a copy: the rev guard sends it back to the database)', async () => {
    const started = await t.call('rep1', (c) => c.startInstance('quote', { data: { customer: 'Behind' } }));
    const id = started.json<InstanceResult>().instance.id;
    const task = started.json<InstanceResult>().next[0]!;
    // Another writer moves the row on (same snapshot, new rev): any copy the server holds is now stale.
    await t.database.db
      .updateTable('instances')
      .set((eb) => ({ rev: eb('rev', '+', 5) }))
      .where('id', '=', id)
      .execute();
    const done = await complete(t, 'rep1', task.id, { amount: 3 });
    expect(done.statusCode, done.body).toBe(200);
    const detail = await instanceDetail(t, id);
    expect(detail.instance.rev).toBe(7);
    expect(detail.history.filter((h) => h.type === 'task.completed')).toHaveLength(1);
    // A refusal is never decided on a stale copy either: completing again is a 409 from the database's state.
    expect((await complete(t, 'rep1', task.id, { amount: 3 })).statusCode).toBe(409);
  });

  it('claims, transfers, returns and urges through the engine', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'F' } });
    const draft = await openTaskAt(t, id, 'draft');
    const claimed = await t.call('rep2', (c) => c.claimTask(draft.id));
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json<TaskResult>().task).toMatchObject({ assignee: 'rep2', status: 'claimed' });
    const taken = await t.call('rep1', (c) => c.claimTask(draft.id));
    expect(taken.statusCode).toBe(409);
    expect(taken.json<ApiErrorBody>().code).toBe('API_TASK_ALREADY_CLAIMED');
    // Raw request: a body on a route that takes none, which the typed client cannot send.
    expect(
      (await t.request({ method: 'POST', url: `/api/tasks/${draft.id}/claim`, as: 'rep2', body: { assignee: 'rep1' } }))
        .statusCode,
    ).toBe(400);
    expect((await inbox(t, 'rep1')).map((x) => x.id)).not.toContain(draft.id);

    const unknown = await t.call('rep2', (c) => c.transferTask(draft.id, { to: 'nobody' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ApiErrorBody>().issues![0]!.path).toBe('/to');
    const moved = await t.call('rep2', (c) => c.transferTask(draft.id, { to: 'rep1' }));
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<TaskResult>().task.assignee).toBe('rep1');
    const notified = await t.database.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['users.username', 'kind'])
      .where('instance_id', '=', id)
      .execute();
    expect(notified).toEqual([{ username: 'rep1', kind: 'assigned' }]);
    expect((await complete(t, 'rep1', draft.id, { amount: 3 })).statusCode).toBe(200);

    const approve = await openTaskAt(t, id, 'approve');
    const badReturn = await t.call('manager', (c) => c.returnTask(approve.id, { to: 'end' }));
    expect(badReturn.statusCode).toBe(400);
    expect(badReturn.json<ApiErrorBody>().code).toBe('API_RETURN_TARGET_INVALID');
    const returned = await t.call('manager', (c) =>
      c.returnTask(approve.id, { to: 'draft', reason: 'amount too low' }),
    );
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json<TaskResult>().task.status).toBe('cancelled');
    const redo = await openTaskAt(t, id, 'draft');
    expect(redo.id).not.toBe(draft.id);

    // Urge: the initiator may, a stranger may not see the task at all.
    expect((await t.call('rep1', (c) => c.urgeTask(redo.id))).statusCode).toBe(200);
    expect((await t.call('finance', (c) => c.urgeTask(redo.id))).statusCode).toBe(404);
    const urged = await t.database.db
      .selectFrom('notifications')
      .select('kind')
      .where('instance_id', '=', id)
      .where('kind', '=', 'urge')
      .execute();
    expect(urged.length).toBeGreaterThanOrEqual(2); // both sales reps (the task is offered to the position)
  });

  it('shows participants only their instances; admins, owners and operators see all (404 for strangers)', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'G' } });
    const stranger = await t.call('finance', (c) => c.getInstance(id));
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json<ApiErrorBody>().code).toBe('API_INSTANCE_NOT_FOUND');
    expect((await t.call('finance', (c) => c.listInstances({ model: 'quote' }))).json()).toEqual([]);
    // rep2 is a candidate of the draft task (position sales-rep): a participant.
    expect((await t.call('rep2', (c) => c.getInstance(id))).statusCode).toBe(200);
    for (const who of ['admin', 'owner', 'ops', 'rep1']) {
      const res = await t.call(who, (c) => c.getInstance(id));
      expect(res.statusCode, who).toBe(200);
    }
    const task = await openTaskAt(t, id, 'draft');
    expect((await t.call('finance', (c) => c.getTask(task.id))).statusCode).toBe(404);
    const mine = (await t.call('rep1', (c) => c.listInstances({ model: 'quote', status: 'running' }))).json<
      Array<{ id: string; initiator: string }>
    >();
    expect(mine.map((i) => i.id)).toContain(id);
    expect((await t.call('admin', (c) => c.getInstance('00000000-0000-4000-8000-000000000000'))).statusCode).toBe(404);
    expect((await t.call('admin', (c) => c.getInstance('not-a-uuid'))).statusCode).toBe(400);
    const filtered = (await t.call('rep2', (c) => c.listTasks({ instance: id }))).json<Array<{ instanceId: string }>>();
    expect(filtered.map((x) => x.instanceId)).toEqual([id]);
  });

  it('terminates (operator or admin only): tasks cancelled, no further commands', async () => {
    const id = await startInstance(t, 'rep1', 'quote', { data: { customer: 'H' } });
    const task = await openTaskAt(t, id, 'draft');
    expect((await t.call('rep1', (c) => c.terminateInstance(id, {}))).statusCode).toBe(403);
    const res = await t.call('ops', (c) => c.terminateInstance(id, { reason: 'duplicate lead' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<InstanceResult>().instance).toMatchObject({ status: 'terminated' });
    expect(res.json<InstanceResult>().instance.endedAt).not.toBeNull();
    const late = await complete(t, 'rep1', task.id, { amount: 1 });
    expect(late.statusCode).toBe(409);
    expect(late.json<ApiErrorBody>().code).toBe('API_TASK_NOT_OPEN');
    const again = await t.call('admin', (c) => c.terminateInstance(id));
    expect(again.statusCode).toBe(409);
    expect(again.json<ApiErrorBody>().code).toBe('API_INSTANCE_ENDED');
  });
});
