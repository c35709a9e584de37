import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartableProcess, TaskDetail } from '@baton/client';
import { type TestApp, backends, startTestApp } from './harness.ts';
import { seedExampleProcessIfEmpty } from '../src/seed/example-process.ts';
import { complete, openTaskAt, readExampleDefinition, startInstance } from './run-loop-helpers.ts';

const lead = (leadId: string) => ({
  data: { leadId, leadSource: 'website', territory: 'east', customer: { name: 'ACME 华东' }, amount: 120000 },
});

describe.each(backends)('task page support on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await seedExampleProcessIfEmpty(t.database.db, readExampleDefinition());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /api/startable lists the deployed process with its start form (the start node inputs)', async () => {
    const list = await t.client('rep1').listStartable();
    expect(list.map((p) => p.key)).toEqual(['lead-to-contract']);
    const [p] = list as [StartableProcess];
    expect(p).toMatchObject({
      version: 1,
      businessKeyField: 'leadId',
      byShare: false,
      name: { en: 'Lead to contract (target state)' },
    });
    // In the start node's order (the stored JSON does not keep key order).
    expect(Object.keys(p.form.properties as object)).toEqual([
      'leadId',
      'leadSource',
      'customer',
      'territory',
      'amount',
    ]);
    expect(p.form.required).toEqual(['leadId', 'territory', 'customer']);
    expect((await t.call(undefined, (c) => c.listStartable())).statusCode).toBe(401);
  });

  it('GET /api/tasks/:id says what each user may do, and why not', async () => {
    const id = await startInstance(t, 'rep1', 'lead-to-contract', lead('L-TP-1'));
    const assign = await openTaskAt(t, id, 'assign-lead');

    // The manager: offered by position, so claim, complete, transfer, add signers; no earlier step yet.
    const forManager = await t.client('manager').getTask(assign.id);
    expect(forManager.actions.claim).toEqual({ allowed: true, reason: null, message: null });
    expect(forManager.actions.complete.allowed).toBe(true);
    expect(forManager.actions.transfer.allowed).toBe(true);
    expect(forManager.actions.addSigners.allowed).toBe(true);
    expect(forManager.actions.return).toMatchObject({ allowed: false, reason: 'noReturnTarget' });
    expect(forManager.actions.withdraw).toMatchObject({ allowed: false, reason: 'notCompleted' });
    expect(forManager.actions.withdrawInstance).toMatchObject({ allowed: false, reason: 'notInitiator' });
    expect(forManager.returnTargets).toEqual([]);

    // The initiator sees the task but may not work on it; they may urge and withdraw the instance.
    const forRep = await t.client('rep1').getTask(assign.id);
    expect(forRep.actions.complete).toMatchObject({ allowed: false, reason: 'notCandidate' });
    expect(forRep.actions.transfer).toMatchObject({ allowed: false, reason: 'notCandidate' });
    expect(forRep.actions.urge.allowed).toBe(true);
    expect(forRep.actions.withdrawInstance.allowed).toBe(true);

    // After the manager completes it, rep1's qualify task may go back to assign-lead; the manager may withdraw.
    expect(
      (await complete(t, 'manager', assign.id, { assignedRep: 'rep1', firstContactNote: 'called' })).statusCode,
    ).toBe(200);
    const done = await t.client('manager').getTask(assign.id);
    expect(done.actions.complete).toMatchObject({ allowed: false, reason: 'taskClosed' });
    expect(done.actions.withdraw.allowed).toBe(true);
    const qualify = await openTaskAt(t, id, 'qualify');
    const forAssigned = await t.client('rep1').getTask(qualify.id);
    expect(forAssigned.actions.claim).toMatchObject({ allowed: false, reason: 'alreadyYours' });
    expect(forAssigned.actions.return.allowed).toBe(true);
    expect(forAssigned.returnTargets).toEqual(['assign-lead', '@previous', '@initiator']);
    // Once the next step is acted on, the manager's withdrawal is refused with that reason.
    expect((await t.call('rep1', (c) => c.claimTask(qualify.id))).statusCode).toBe(200);
    expect((await t.call('rep1', (c) => c.commentInstance(id, { text: 'on it', task: qualify.id }))).statusCode).toBe(
      200,
    );
    expect((await complete(t, 'rep1', qualify.id, { segment: 'B', budget: 1000 })).statusCode).toBe(200);
    const late = await t.client('manager').getTask(assign.id);
    expect(late.actions.withdraw).toMatchObject({ allowed: false, reason: 'nextStepActed' });
    expect(late.actions.withdraw.message).toMatch(/acted on/);
    const detail: TaskDetail = late;
    expect(detail.returnTargets).toEqual([]);
  });
});
