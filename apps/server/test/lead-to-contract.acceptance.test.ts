import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, TaskDetail, TaskResult } from '@baton/client';
import { type TestApp, backends, startTestApp } from './harness.ts';
import { seedExampleProcessIfEmpty } from '../src/seed/example-process.ts';
import { createNullHub } from '../src/ws/hub.ts';
import {
  advanceClockPast,
  complete,
  inbox,
  instanceDetail,
  openTaskAt,
  readExampleDefinition,
  startInstance,
} from './run-loop-helpers.ts';

describe.each(backends)('acceptance on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    // A recording hub: the test checks what the run loop published after each commit.
    t = await startTestApp(backend, { hub: createNullHub() });
    // What `npm start` does on an empty database: publish the example and deploy it to everyone.
    expect(await seedExampleProcessIfEmpty(t.database.db, readExampleDefinition())).toBe(true);
    expect(await seedExampleProcessIfEmpty(t.database.db, readExampleDefinition())).toBe(false);
    const deployments = await t.call('rep1', (c) => c.listDeployments('lead-to-contract'));
    expect(deployments.json()).toMatchObject([{ version: 1, cohort: { type: 'all' }, active: true }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lead to contract: rep1 starts a lead, the manager assigns it, forms are checked, legal escalates to the legal manager after 48 working hours, and the deal runs to after-sales', async () => {
    // rep1 records a lead; the business key comes from the definition's businessKeyField (leadId).
    const instanceId = await startInstance(t, 'rep1', 'lead-to-contract', {
      data: {
        leadId: 'L-2026-001',
        leadSource: 'website',
        territory: 'east',
        customer: { name: 'ACME 华东' },
        amount: 120000,
      },
    });
    let detail = await instanceDetail(t, instanceId, 'rep1');
    expect(detail.instance).toMatchObject({
      status: 'running',
      businessKey: 'L-2026-001',
      initiator: 'rep1',
      version: 1,
      rev: 1,
    });
    expect(detail.activeNodes).toEqual(['assign-lead']);

    // The sales manager's inbox gets the assign-lead task; the rep's does not.
    const managerInbox = await inbox(t, 'manager');
    const assign = managerInbox.find((x) => x.instanceId === instanceId)!;
    expect(assign).toMatchObject({
      nodeId: 'assign-lead',
      status: 'open',
      assignee: null,
      candidates: { roles: ['sales-manager'] },
      businessKey: 'L-2026-001',
      modelKey: 'lead-to-contract',
    });
    expect((await inbox(t, 'rep1')).map((x) => x.id)).not.toContain(assign.id);
    const form = await t.call('manager', (c) => c.getTask(assign.id));
    expect(form.statusCode).toBe(200);
    expect(form.json<TaskDetail>().form!.required).toEqual(['assignedRep', 'firstContactNote']);
    expect(form.json<TaskDetail>().inputs).toMatchObject({
      territory: 'east',
      amount: 120000,
      customer: { name: 'ACME 华东' },
    });

    // An invalid form: assignedRep missing, firstContactNote of the wrong type → 400 with paths, nothing changes.
    const invalid = await complete(t, 'manager', assign.id, { firstContactNote: 42 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<ApiErrorBody>().code).toBe('API_INVALID_FORM');
    expect(
      invalid
        .json<ApiErrorBody>()
        .issues!.map((i) => i.path)
        .sort(),
    ).toEqual(['/output/assignedRep', '/output/firstContactNote']);
    expect((await instanceDetail(t, instanceId)).instance.rev).toBe(1);

    // A valid completion moves on: rep1 (the assigned rep) gets the qualification.
    const done = await complete(t, 'manager', assign.id, {
      assignedRep: 'rep1',
      firstContactNote: 'Called, interested',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<TaskResult>().task).toMatchObject({
      status: 'completed',
      completedBy: 'manager',
      output: { assignedRep: 'rep1' },
    });
    const qualify = (await inbox(t, 'rep1')).find((x) => x.instanceId === instanceId)!;
    expect(qualify).toMatchObject({ nodeId: 'qualify', assignee: 'rep1', status: 'claimed' });
    expect((await complete(t, 'rep1', qualify.id, { segment: 'B', budget: 100000 })).statusCode).toBe(200);
    const quote = await openTaskAt(t, instanceId, 'standard-quote');
    expect(quote.assignee).toBe('rep1');
    expect((await complete(t, 'rep1', quote.id, { quoteAmount: 98000 })).statusCode).toBe(200);

    // Legal review: legal sees it, with a due instant 48 working hours away; the legal manager does not.
    const legalTask = (await inbox(t, 'legal')).find((x) => x.instanceId === instanceId)!;
    expect(legalTask).toMatchObject({
      nodeId: 'legal-review',
      status: 'open',
      candidates: { roles: ['legal'] },
      escalationLevel: 0,
    });
    expect(legalTask.dueAt).not.toBeNull();
    expect((await inbox(t, 'legalmanager')).map((x) => x.id)).not.toContain(legalTask.id);
    const dueAt = Date.parse(legalTask.dueAt!);
    const timers = await t.database.db
      .selectFrom('timers')
      .select(['key', 'kind', 'due_at'])
      .where('instance_id', '=', instanceId)
      .where('fired_at', 'is', null)
      .orderBy('due_at')
      .execute();
    expect(timers.map((r) => r.kind)).toEqual(['escalation', 'deadline', 'escalation']);
    expect(timers[1]!.due_at.getTime()).toBe(dueAt);
    // At least 48 clock hours away (working time skips nights and weekends).
    expect(dueAt - Date.parse(legalTask.createdAt)).toBeGreaterThanOrEqual(48 * 3600_000);

    // 48 working hours later the poller fires the reminder, the deadline and the reassignment.
    await advanceClockPast(t, dueAt);
    await t.app.runtime.timers.runOnce();
    expect(await t.count('timers')).toBe(timers.length);
    const firedCount = await t.database.db
      .selectFrom('timers')
      .select('id')
      .where('instance_id', '=', instanceId)
      .where('fired_at', 'is not', null)
      .execute();
    expect(firedCount).toHaveLength(3);

    const escalated = (await inbox(t, 'legalmanager')).find((x) => x.instanceId === instanceId)!;
    expect(escalated).toMatchObject({
      id: legalTask.id,
      nodeId: 'legal-review',
      status: 'open',
      candidates: { roles: ['legal-manager'] },
      escalationLevel: 2,
    });
    expect((await inbox(t, 'legal')).map((x) => x.id)).not.toContain(legalTask.id);
    const refused = await complete(t, 'legal', legalTask.id, { legalOpinion: 'ok', riskLevel: 'low' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ApiErrorBody>().code).toBe('API_NOT_ALLOWED');

    // History: every step, in order, with actors.
    detail = await instanceDetail(t, instanceId);
    const types = detail.history.map((h) => h.type);
    expect(types.filter((x) => x === 'task.completed')).toHaveLength(3);
    expect(types.filter((x) => x === 'escalation.fired')).toHaveLength(2);
    expect(types).toContain('deadline.reached');
    expect(types).toContain('task.reassigned');
    expect(types[0]).toBe('instance.started');
    expect(detail.history[0]!.actor).toBe('rep1');
    expect(detail.history.find((h) => h.type === 'task.completed')).toMatchObject({
      actor: 'manager',
      nodeId: 'assign-lead',
      data: { task: assign.key },
    });
    const reassigned = detail.history.find((h) => h.type === 'task.reassigned')!;
    expect(reassigned).toMatchObject({
      actor: null,
      nodeId: 'legal-review',
      data: { candidates: { roles: ['legal-manager'] } },
    });
    // History instants come from the run loop's clock: the reassignment happened at the deadline or later.
    expect(Date.parse(reassigned.at)).toBeGreaterThanOrEqual(dueAt);

    // Notifications: legal was reminded half-way, the legal manager told of the escalation.
    const notifications = await t.database.db
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select(['users.username', 'notifications.kind', 'notifications.task_id', 'notifications.payload'])
      .where('notifications.instance_id', '=', instanceId)
      .orderBy('notifications.id')
      .execute();
    expect(notifications.map((n) => [n.username, n.kind])).toEqual([
      ['legal', 'reminder'],
      ['legalmanager', 'escalation'],
    ]);
    expect(notifications.every((n) => n.task_id === legalTask.id)).toBe(true);
    expect(notifications[1]!.payload).toMatchObject({ action: 'reassign', node: 'legal-review', task: legalTask.key });

    // The legal manager answers; finance and signing run in parallel.
    expect(
      (
        await complete(t, 'legalmanager', legalTask.id, {
          legalOpinion: 'Acceptable with clause 7 changed',
          riskLevel: 'medium',
        })
      ).statusCode,
    ).toBe(200);
    detail = await instanceDetail(t, instanceId);
    expect(detail.activeNodes.sort()).toEqual(['contract-signing', 'finance-check']);

    // The e-signature system reports the signature (an operator account integrates it).
    const forbidden = await t.call('rep1', (c) => c.sendEvent({ event: 'contract.signed', businessKey: 'L-2026-001' }));
    expect(forbidden.statusCode).toBe(403);
    const signed = await t.call('ops', (c) =>
      c.sendEvent({
        event: 'contract.signed',
        businessKey: 'L-2026-001',
        payload: { id: 'C-77', status: 'signed', signedAt: '2026-12-01T10:00:00Z' },
      }),
    );
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toEqual({ delivered: 1 });
    const again = await t.call('ops', (c) => c.sendEvent({ event: 'contract.signed', businessKey: 'L-2026-001' }));
    expect(again.json()).toEqual({ delivered: 0 });

    const finance = await openTaskAt(t, instanceId, 'finance-check');
    expect((await inbox(t, 'finance')).map((x) => x.id)).toContain(finance.id);
    expect((await complete(t, 'finance', finance.id, { creditOk: true, paymentTerms: '30 days' })).statusCode).toBe(
      200,
    );

    // The join fires once; deal attribution is an automatic action delivered through the outbox.
    detail = await instanceDetail(t, instanceId);
    expect(detail.activeNodes).toEqual(['deal-attribution']);
    const outbox = await t.database.db.selectFrom('outbox').selectAll().where('instance_id', '=', instanceId).execute();
    expect(outbox).toHaveLength(1);
    await t.app.runtime.outbox.runOnce();
    detail = await instanceDetail(t, instanceId);
    expect(detail.instance.data.attribution).toEqual({ rep: 'rep1', team: 'east', amount: 98000 });
    expect(detail.activeNodes).toEqual(['after-sales-start']);

    // The trigger (contract.status = "signed") holds; after-sales gets the task and closes the instance.
    const afterSales = (await inbox(t, 'aftersales')).find((x) => x.instanceId === instanceId)!;
    expect(afterSales.nodeId).toBe('after-sales-start');
    expect((await complete(t, 'aftersales', afterSales.id, { onboardingPlan: 'Kick-off on Monday' })).statusCode).toBe(
      200,
    );
    detail = await instanceDetail(t, instanceId);
    expect(detail.instance.status).toBe('completed');
    expect(detail.instance.endedAt).not.toBeNull();
    expect(detail.activeNodes).toEqual([]);
    expect(
      await t.database.db
        .selectFrom('timers')
        .select('id')
        .where('instance_id', '=', instanceId)
        .where('fired_at', 'is', null)
        .execute(),
    ).toEqual([]);
    expect(detail.tasks.map((x) => [x.nodeId, x.status])).toEqual([
      ['assign-lead', 'completed'],
      ['qualify', 'completed'],
      ['standard-quote', 'completed'],
      ['legal-review', 'completed'],
      ['finance-check', 'completed'],
      ['after-sales-start', 'completed'],
    ]);
    // The websocket hub heard about every task change after commit.
    const published = (t.app.hub as unknown as { published: Array<{ message: { type: string; instanceId?: string } }> })
      .published;
    expect(
      published.filter((p) => p.message.instanceId === instanceId && p.message.type === 'task.completed'),
    ).toHaveLength(6);
  });
});
