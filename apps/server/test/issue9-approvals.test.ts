import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '@baton/client';
import { type TestApp, apiError, backends, startTestApp } from './harness.ts';
import { definition, instanceDetail, openTaskAt, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

// Issue 9 through the service with the real engine: several signers, decisions and comments on
// task rows, cc entries from node rules and chosen users, 撤回, 加签, 退回 to @previous,
// delegation at command time, instance comments, and the error mapping of the new engine codes
// (a refused command changes nothing).

/** 会签: manager, finance and legal must all approve; after-sales is cc'd when the step completes. */
const countersign = definition(
  'countersign',
  [
    { id: 'start', type: 'start' },
    {
      id: 'sign',
      type: 'userTask',
      name: { 'zh-CN': '会签', en: 'Countersign' },
      signers: { from: [{ type: 'users', users: ['manager', 'finance', 'legal'] }], policy: 'all' },
      cc: [{ when: 'completed', roles: ['after-sales'] }],
    },
    { id: 'end', type: 'end' },
  ],
  ['start->sign', 'sign->end'],
);

/** 或签: any one of rep1, rep2 and manager decides. */
const orsign = definition(
  'orsign',
  [
    { id: 'start', type: 'start' },
    {
      id: 'sign',
      type: 'userTask',
      signers: { from: [{ type: 'users', users: ['rep1', 'rep2', 'manager'] }], policy: 'any' },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->sign', 'sign->end'],
);

/** rep1 drafts, the manager approves, finance closes. */
const chain = definition(
  'chain',
  [
    { id: 'start', type: 'start' },
    { id: 'draft', type: 'userTask', owner: { type: 'user', user: 'rep1' } },
    { id: 'approve', type: 'userTask', owner: { type: 'user', user: 'manager' } },
    { id: 'close', type: 'userTask', owner: { type: 'user', user: 'finance' } },
    { id: 'end', type: 'end' },
  ],
  ['start->draft', 'draft->approve', 'approve->close', 'close->end'],
);

/** The open tasks of an instance. */
async function openTasks(t: TestApp, instanceId: string): Promise<Task[]> {
  return (await instanceDetail(t, instanceId)).tasks.filter((x) => x.status === 'open' || x.status === 'claimed');
}

describe.each(backends)('issue 9 approvals through the service on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await publishAndDeploy(t, 'countersign', countersign);
    await publishAndDeploy(t, 'orsign', orsign);
    await publishAndDeploy(t, 'chain', chain);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('会签: every signer decides with a comment; the step completes once, the cc rule reaches after-sales', async () => {
    const id = await startInstance(t, 'rep1', 'countersign');
    const tasks = await openTasks(t, id);
    expect(tasks.map((x) => x.assignee).sort()).toEqual(['finance', 'legal', 'manager']);
    expect(new Set(tasks.map((x) => x.group)).size).toBe(1);
    expect(tasks[0]!.group).not.toBeNull();
    const byUser = new Map(tasks.map((x) => [x.assignee!, x]));
    // No decision on a several-signer step: 422, nothing written.
    const events = await t.count('events');
    const missing = await apiError(t.client('manager').completeTask(byUser.get('manager')!.id, {}));
    expect(missing).toMatchObject({ status: 422, code: 'API_COMMAND_INVALID' });
    expect(missing.message).toContain('ENG_DECISION_REQUIRED');
    expect(await t.count('events')).toBe(events);
    for (const user of ['manager', 'finance', 'legal']) {
      const result = await t
        .client(user)
        .completeTask(byUser.get(user)!.id, { decision: 'approve', comment: `${user} 同意` });
      expect(result.task).toMatchObject({ status: 'completed', decision: 'approve', comment: `${user} 同意` });
    }
    const detail = await instanceDetail(t, id);
    expect(detail.instance.status).toBe('completed');
    expect(detail.tasks.map((x) => [x.assignee, x.decision, x.comment]).sort()).toEqual([
      ['finance', 'approve', 'finance 同意'],
      ['legal', 'approve', 'legal 同意'],
      ['manager', 'approve', 'manager 同意'],
    ]);
    expect(detail.history.filter((h) => h.type === 'signers.decided')).toHaveLength(1);
    const cc = await t.client('aftersales').listCc({});
    expect(cc.items.map((e) => [e.instanceId, e.reason, e.nodeId])).toEqual([[id, 'completed', 'sign']]);
    // The entry names its step as the definition does, in both languages, for the list to show.
    expect(cc.items[0]!.nodeName).toEqual({ 'zh-CN': '会签', en: 'Countersign' });
    expect((await t.client('aftersales').getInstance(id)).instance.id).toBe(id);
    expect((await t.client('legal').listDone({ process: 'countersign' })).count).toBe(1);
  });

  it('或签: the first decision decides; the other signers’ tasks are cancelled as decided and leave their to-do lists', async () => {
    const id = await startInstance(t, 'director', 'orsign');
    const tasks = await openTasks(t, id);
    expect(tasks).toHaveLength(3);
    const rep2Task = tasks.find((x) => x.assignee === 'rep2')!;
    await t.client('rep2').completeTask(rep2Task.id, { decision: 'approve' });
    const detail = await instanceDetail(t, id);
    expect(detail.instance.status).toBe('completed');
    const others = detail.tasks.filter((x) => x.id !== rep2Task.id);
    expect(others.map((x) => [x.status, x.cancelReason])).toEqual([
      ['cancelled', 'decided'],
      ['cancelled', 'decided'],
    ]);
    expect((await t.client('rep1').listTodo({ process: 'orsign' })).count).toBe(0);
    // A cancelled signer's late approval is refused as stale (409), not a 5xx.
    const late = await apiError(t.client('rep1').completeTask(others[0]!.id, { decision: 'approve' }));
    expect(late.status).toBe(409);
  });

  it('撤回 by the completer: the task comes back while the next is untouched, leaves the done list, and is refused once the next approver acted', async () => {
    const id = await startInstance(t, 'rep1', 'chain');
    const draft = await openTaskAt(t, id, 'draft');
    await t.client('rep1').completeTask(draft.id, { comment: '草稿完成', cc: ['legal'] });
    expect((await t.client('legal').listCc({})).items.find((e) => e.instanceId === id)).toMatchObject({
      reason: 'chosen',
      by: 'rep1',
      // `draft` has no name in the definition: the list falls back to the id.
      nodeId: 'draft',
      nodeName: null,
    });
    const withdrawn = await t.client('rep1').withdrawTask(draft.id, { comment: '还要改' });
    expect(withdrawn.task.withdrawnAt).not.toBeNull();
    expect(withdrawn.next.map((x) => x.nodeId)).toEqual(['draft']);
    expect((await t.client('rep1').listDone({ process: 'chain' })).items.map((x) => x.id)).not.toContain(draft.id);
    const approveGone = (await instanceDetail(t, id)).tasks.find((x) => x.nodeId === 'approve')!;
    expect(approveGone.status).toBe('cancelled');
    // Again, then the manager acts: a second withdrawal is too late (409) and changes nothing.
    const redraft = await openTaskAt(t, id, 'draft');
    await t.client('rep1').completeTask(redraft.id, {});
    const approve = await openTaskAt(t, id, 'approve');
    await t.client('manager').completeTask(approve.id, { decision: 'approve' });
    const events = await t.count('events');
    const late = await apiError(t.client('rep1').withdrawTask(redraft.id));
    expect(late).toMatchObject({ status: 409, code: 'API_WITHDRAW_REFUSED' });
    // Someone else's completion: 403.
    expect((await apiError(t.client('finance').withdrawTask(approve.id))).status).toBe(403);
    expect(await t.count('events')).toBe(events);
  });

  it('加签 before: the added signer decides first, marked addedBy, then the work comes back; 退回 @previous reopens the draft', async () => {
    const id = await startInstance(t, 'rep1', 'chain');
    await t.client('rep1').completeTask((await openTaskAt(t, id, 'draft')).id, {});
    const approve = await openTaskAt(t, id, 'approve');
    const self = await apiError(t.client('manager').addSigners(approve.id, { users: ['manager'], position: 'before' }));
    expect(self).toMatchObject({ status: 422, code: 'API_COMMAND_INVALID' });
    const added = await t.client('manager').addSigners(approve.id, { users: ['director'], position: 'before' });
    expect(added.task.nodeId).toBe('approve');
    const directorTask = (await openTasks(t, id)).find((x) => x.assignee === 'director')!;
    expect(directorTask.addedBy).toEqual({ user: 'manager', position: 'before' });
    await t.client('director').completeTask(directorTask.id, { decision: 'approve', comment: '可以' });
    const back = (await openTasks(t, id)).find((x) => x.assignee === 'manager')!;
    expect(back.nodeId).toBe('approve');
    const returned = await t.client('manager').returnTask(back.id, { to: '@previous', reason: '补充材料' });
    expect(returned.task).toMatchObject({ status: 'cancelled', cancelReason: 'returned' });
    expect((await openTaskAt(t, id, 'draft')).assignee).toBe('rep1');
  });

  it('撤回 by the initiator ends the instance while nobody else acted; anyone else is refused', async () => {
    const id = await startInstance(t, 'rep1', 'chain');
    await t.client('rep1').completeTask((await openTaskAt(t, id, 'draft')).id, {});
    // The manager may see the instance (their task) but is not its initiator: 403, nothing changed.
    const notInitiator = await apiError(t.client('manager').withdrawInstance(id));
    expect(notInitiator.status).toBe(403);
    const result = await t.client('rep1').withdrawInstance(id, { comment: '不需要了' });
    expect(result.instance.status).toBe('terminated');
    const detail = await instanceDetail(t, id);
    expect(detail.history.find((h) => h.type === 'instance.withdrawn')).toMatchObject({ actor: 'rep1' });
    expect(detail.tasks.find((x) => x.nodeId === 'approve')).toMatchObject({ status: 'cancelled' });
  });

  it('委托: a new task for a delegating user reaches the agent, marked on behalf of them, until the delegation ends', async () => {
    const now = Date.now();
    const d = await t
      .client('manager')
      .createDelegation({ agent: 'director', until: new Date(now + 86_400_000).toISOString() });
    const id = await startInstance(t, 'rep1', 'chain');
    await t.client('rep1').completeTask((await openTaskAt(t, id, 'draft')).id, {});
    const approve = await openTaskAt(t, id, 'approve');
    expect(approve).toMatchObject({ assignee: 'director', onBehalfOf: 'manager' });
    expect((await t.client('director').listTodo({ process: 'chain' })).items.map((x) => x.id)).toContain(approve.id);
    await t.client('manager').endDelegation(d.id);
    const id2 = await startInstance(t, 'rep1', 'chain');
    await t.client('rep1').completeTask((await openTaskAt(t, id2, 'draft')).id, {});
    expect(await openTaskAt(t, id2, 'approve')).toMatchObject({ assignee: 'manager', onBehalfOf: null });
  });

  it('keeps instance comments in the history; an empty or foreign comment changes nothing', async () => {
    const id = await startInstance(t, 'rep1', 'chain');
    const draft = await openTaskAt(t, id, 'draft');
    await t.client('rep1').commentInstance(id, { text: '客户要求加急', task: draft.id });
    const detail = await instanceDetail(t, id);
    expect(detail.history.find((h) => h.type === 'comment.added')).toMatchObject({
      actor: 'rep1',
      data: { text: '客户要求加急' },
    });
    const events = await t.count('events');
    const empty = await t.request({
      method: 'POST',
      url: `/api/instances/${id}/comments`,
      as: 'rep1',
      body: { text: '' },
    });
    expect(empty.statusCode).toBe(400);
    expect((await apiError(t.client('legal').commentInstance(id, { text: 'x' }))).status).toBe(404);
    expect(await t.count('events')).toBe(events);
  });
});
