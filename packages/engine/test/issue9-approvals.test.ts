import { readFileSync } from 'node:fs';
import type { ProcessDefinition, ProcessNode, Signers } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import type { Directory, Effect, TaskState } from '../src/index.ts';
import { Driver, cst, definition, user } from './driver.ts';

// Issue 9 in the pure engine: several signers (会签 / 或签 / 依次 / threshold), 加签, 撤回, 退回 to
// named targets, 抄送, 委托, comments, 去重 and multi-instance. Time is simulated.
const start: ProcessNode = { id: 'start', type: 'start' };
const end: ProcessNode = { id: 'end', type: 'end' };
const rejected: ProcessNode = { id: 'rejectedEnd', type: 'end' };

const directory = (extra: Partial<Record<string, Partial<Directory['users'][string]>>> = {}): Directory => ({
  users: Object.fromEntries(
    [
      user('rep1', ['sales-rep'], ['east']),
      user('rep2', ['sales-rep'], ['east']),
      user('mgr', ['sales-manager'], ['east']),
      user('vp', ['sales-vp'], ['sales']),
      user('fin1', ['finance'], ['finance']),
      user('fin2', ['finance'], ['finance']),
      user('fin3', ['finance'], ['finance']),
      user('legal', ['legal'], ['legal']),
      user('aftersales', ['after-sales'], ['service']),
      user('agent', ['sales-manager'], ['east']),
    ].map(([id, u]) => [id, { ...u, ...(extra[id] ?? {}) }]),
  ),
  teams: {
    sales: { manager: 'ceo', parent: null },
    east: { manager: 'mgr', parent: 'sales' },
    finance: { manager: 'cfo', parent: null },
    legal: { parent: null },
    service: { parent: null },
  },
});

/** A process: submit (initiator) → approve (signers) → gateway on the outcome → done / rejected. */
function approval(signers: Signers, extra: Partial<ProcessDefinition> = {}, node: Partial<ProcessNode> = {}) {
  return definition(
    [
      start,
      { id: 'submit', type: 'userTask', owner: { type: 'initiator' } },
      { id: 'approve', type: 'userTask', signers, resultField: 'approval', ...node } as ProcessNode,
      { id: 'gw', type: 'exclusiveGateway' },
      { id: 'after', type: 'userTask', owner: { type: 'user', user: 'legal' } },
      end,
      rejected,
    ],
    [
      'start->submit',
      'submit->approve',
      'approve->gw',
      { id: 'ok', from: 'gw', to: 'after', condition: 'approval.outcome = "approved"' },
      { id: 'no', from: 'gw', to: 'rejectedEnd', default: true },
      'after->end',
    ],
    { data: { type: 'object', properties: { amount: { type: 'number' }, signers: {} } }, ...extra },
  );
}

const openAt = (d: Driver, node: string): TaskState[] => d.openTasks().filter((t) => t.node === node);
const taskOf = (d: Driver, node: string, who: string): TaskState => {
  const t = openAt(d, node).find((x) => x.assignee === who);
  if (!t)
    throw new Error(
      `no open ${node} task for ${who}; open: ${openAt(d, node)
        .map((x) => x.assignee)
        .join(', ')}`,
    );
  return t;
};
const decide = (d: Driver, who: string, decision: 'approve' | 'reject', comment?: string, node = 'approve') =>
  d.ok({
    type: 'complete',
    task: taskOf(d, node, who).id,
    actor: { id: who },
    decision,
    ...(comment !== undefined ? { comment } : {}),
  });
const submit = (d: Driver) => d.ok({ type: 'complete', task: d.task('submit').id, actor: { id: 'rep1' } });
const users = (...u: string[]) => ({ type: 'users' as const, users: u });

function begin(def: ProcessDefinition, dir = directory()): Driver {
  const d = new Driver(def, cst('2025-03-03T09:00:00'), dir).start({ amount: 100 }, 'rep1');
  submit(d);
  return d;
}

describe('several signers on one step', () => {
  it('会签 (all): every signer gets a task; the step completes once all approved, with each decision and comment', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1', 'vp')], policy: 'all' }));
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr', 'fin1', 'vp']);
    expect(new Set(openAt(d, 'approve').map((t) => t.group)).size).toBe(1);
    decide(d, 'mgr', 'approve', '同意');
    decide(d, 'fin1', 'approve');
    expect(d.waitingAt()).toEqual(['approve']);
    decide(d, 'vp', 'approve', 'ok');
    expect(d.waitingAt()).toEqual(['after']);
    expect(d.snap.data.approval).toMatchObject({
      outcome: 'approved',
      approvals: 3,
      rejections: 0,
      needed: 3,
      signers: [
        { user: 'mgr', decision: 'approve', comment: '同意' },
        { user: 'fin1', decision: 'approve', comment: null },
        { user: 'vp', decision: 'approve', comment: 'ok' },
      ],
    });
    expect(d.history().filter((h) => h.type === 'signers.decided')[0]?.data).toMatchObject({ outcome: 'approved' });
    expect(d.snap.groups).toEqual({});
  });

  it('会签 (all), veto: one rejection rejects the step and cancels the other signers’ tasks (reason decided)', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1', 'vp')] }));
    decide(d, 'mgr', 'approve');
    const fin1 = taskOf(d, 'approve', 'fin1').id;
    const effects = decide(d, 'vp', 'reject', '价格太低');
    expect(d.snap.tasks[fin1]).toMatchObject({ status: 'cancelled' });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'task.cancelled', reason: 'decided' }));
    expect(d.snap.status).toBe('completed');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'rejected', approvals: 1, rejections: 1 });
  });

  it('requires a decision on a signer’s task and leaves the snapshot alone when it is missing', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    const before = JSON.stringify(d.snap);
    const r = d.send({ type: 'complete', task: taskOf(d, 'approve', 'mgr').id, actor: { id: 'mgr' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'ENG_DECISION_REQUIRED', path: '/decision' } });
    expect(JSON.stringify(d.snap)).toBe(before);
  });

  it('或签 (any): the first approval decides; the others are cancelled', () => {
    const d = begin(approval({ from: [{ type: 'role', role: 'finance' }], policy: 'any' }));
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['fin1', 'fin2', 'fin3']);
    const effects = decide(d, 'fin2', 'approve');
    expect(effects.filter((e) => e.type === 'task.cancelled' && e.reason === 'decided')).toHaveLength(2);
    expect(d.waitingAt()).toEqual(['after']);
    expect(d.snap.data.approval).toMatchObject({ outcome: 'approved', approvals: 1, needed: 1 });
  });

  it('或签 (any), veto: the first decision decides, a rejection too', () => {
    const d = begin(approval({ from: [{ type: 'role', role: 'finance' }], policy: 'any' }));
    decide(d, 'fin3', 'reject');
    expect(d.snap.status).toBe('completed');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'rejected' });
  });

  it('或签 (any), counted rejections: rejected only once every signer rejected', () => {
    const d = begin(approval({ from: [{ type: 'role', role: 'finance' }], policy: 'any', rejection: 'count' }));
    decide(d, 'fin1', 'reject');
    decide(d, 'fin2', 'reject');
    expect(d.waitingAt()).toEqual(['approve']);
    decide(d, 'fin3', 'approve');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'approved', approvals: 1, rejections: 2 });
  });

  it('依次 (sequence): one signer at a time, in order; a rejection stops the chain', () => {
    const d = begin(approval({ from: [{ type: 'managers', of: 'initiator', levels: 3 }], policy: 'sequence' }));
    // rep1 → mgr (own team's manager) → ceo (parent team's manager) → no further.
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr']);
    decide(d, 'mgr', 'approve');
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['ceo']);
    decide(d, 'ceo', 'approve');
    expect(d.waitingAt()).toEqual(['after']);

    const e = begin(approval({ from: [users('mgr', 'vp', 'fin1')], policy: 'sequence' }));
    decide(e, 'mgr', 'approve');
    decide(e, 'vp', 'reject');
    expect(e.snap.data.approval).toMatchObject({
      outcome: 'rejected',
      signers: [
        { user: 'mgr', decision: 'approve' },
        { user: 'vp', decision: 'reject' },
        { user: 'fin1', decision: null },
      ],
    });
    expect(Object.values(e.snap.tasks).some((t) => t.assignee === 'fin1')).toBe(false);
  });

  it('threshold: 2 of 3 approve; with counted rejections one "no" does not decide', () => {
    const d = begin(
      approval({
        from: [{ type: 'role', role: 'finance' }],
        policy: 'threshold',
        threshold: { count: 2 },
        rejection: 'count',
      }),
    );
    decide(d, 'fin1', 'reject');
    expect(d.waitingAt()).toEqual(['approve']);
    decide(d, 'fin2', 'approve');
    decide(d, 'fin3', 'approve');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'approved', approvals: 2, rejections: 1, needed: 2 });
  });

  it('threshold: more than half of 3 needs 2; two rejections make it unreachable', () => {
    const d = begin(
      approval({
        from: [{ type: 'role', role: 'finance' }],
        policy: 'threshold',
        threshold: { moreThan: 0.5 },
        rejection: 'count',
      }),
    );
    expect(d.history().find((h) => h.type === 'signers.resolved')?.data).toMatchObject({ needed: 2 });
    decide(d, 'fin1', 'reject');
    const effects = decide(d, 'fin2', 'reject');
    expect(effects).toContainEqual(expect.objectContaining({ type: 'task.cancelled', reason: 'decided' }));
    expect(d.snap.data.approval).toMatchObject({ outcome: 'rejected', approvals: 0, rejections: 2 });
  });

  it('reads signers from a form field holding a list of users, and a team from the directory', () => {
    const def = approval({
      from: [
        { type: 'field', field: 'signers' },
        { type: 'team', team: 'legal' },
      ],
    });
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({ signers: ['vp', 'fin1', 'nobody'] });
    submit(d);
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['vp', 'fin1', 'legal']);
  });
});

describe('an empty signer set', () => {
  const none = { type: 'field' as const, field: 'signers' };

  it('skip: the step passes with outcome skipped and a note in the history', () => {
    const d = begin(approval({ from: [none], whenEmpty: { action: 'skip' } }));
    expect(d.snap.data.approval).toMatchObject({ outcome: 'skipped', signers: [] });
    expect(d.history().find((h) => h.type === 'signers.resolved')?.data).toMatchObject({
      signers: [],
      whenEmpty: 'skip',
    });
    expect(d.snap.status).toBe('completed'); // the gateway sends "skipped" down the default edge
  });

  it('fallback: one task for the fallback owner decides the step', () => {
    const d = begin(approval({ from: [none], whenEmpty: { action: 'fallback', owner: { type: 'user', user: 'vp' } } }));
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['vp']);
    decide(d, 'vp', 'approve');
    expect(d.waitingAt()).toEqual(['after']);
  });

  it('incident (the default): ENG_NO_SIGNERS; retry resolves again once the data names someone, skip passes', () => {
    const d = begin(approval({ from: [none] }));
    const incident = Object.values(d.snap.incidents)[0]!;
    expect(incident.code).toBe('ENG_NO_SIGNERS');
    d.ok({ type: 'retryIncident', incident: incident.id, actor: { id: 'ops' } });
    const again = Object.values(d.snap.incidents)[0]!;
    expect(again.code).toBe('ENG_NO_SIGNERS');
    d.ok({ type: 'skipIncident', incident: again.id, actor: { id: 'ops' }, output: { signers: [] } });
    expect(d.snap.status).toBe('completed');
  });
});

describe('去重: a signer who approved the step before is approved at once', () => {
  const def = definition(
    [
      start,
      { id: 'first', type: 'userTask', owner: { type: 'user', user: 'mgr' } },
      {
        id: 'approve',
        type: 'userTask',
        signers: { from: [users('mgr', 'fin1')], dedupe: true },
        resultField: 'approval',
      },
      end,
    ],
    ['start->first', 'first->approve', 'approve->end'],
  );

  it('records the automatic approval with auto: dedupe, and only fin1 decides', () => {
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({}, 'rep1');
    d.ok({ type: 'complete', task: d.task('first').id, actor: { id: 'mgr' }, decision: 'approve' });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['fin1']);
    const auto = Object.values(d.snap.tasks).find((t) => t.auto === 'dedupe')!;
    expect(auto).toMatchObject({ assignee: 'mgr', status: 'completed', decision: 'approve', node: 'approve' });
    expect(d.history().find((h) => h.type === 'task.autoApproved')?.data).toEqual({ user: 'mgr', reason: 'dedupe' });
    decide(d, 'fin1', 'approve');
    expect(d.snap.data.approval).toMatchObject({
      outcome: 'approved',
      signers: [
        { user: 'mgr', decision: 'approve', auto: 'dedupe' },
        { user: 'fin1', decision: 'approve' },
      ],
    });
  });

  it('does not auto-approve when the previous step was rejected by that person', () => {
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({}, 'rep1');
    d.ok({ type: 'complete', task: d.task('first').id, actor: { id: 'mgr' }, decision: 'reject' });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr', 'fin1']);
  });
});

describe('加签: adding signers', () => {
  it('before me on a 会签 step: they decide first, then my part comes back to me', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    const mine = taskOf(d, 'approve', 'mgr');
    d.ok({ type: 'addSigners', task: mine.id, actor: { id: 'mgr' }, users: ['vp', 'legal'], position: 'before' });
    expect(d.snap.tasks[mine.id]).toMatchObject({ status: 'cancelled' });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['fin1', 'vp', 'legal']);
    expect(taskOf(d, 'approve', 'vp').addedBy).toEqual({ user: 'mgr', position: 'before' });
    decide(d, 'fin1', 'approve');
    decide(d, 'vp', 'approve');
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['legal']);
    decide(d, 'legal', 'approve');
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr']);
    decide(d, 'mgr', 'approve');
    expect(d.waitingAt()).toEqual(['after']);
    const added = d.history().find((h) => h.type === 'task.signersAdded')!;
    expect(added).toMatchObject({ actor: 'mgr', data: { users: ['vp', 'legal'], position: 'before' } });
  });

  it('after me on a 会签 step: they decide after I approve, before the process moves on', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    d.ok({
      type: 'addSigners',
      task: taskOf(d, 'approve', 'mgr').id,
      actor: { id: 'mgr' },
      users: ['vp'],
      position: 'after',
    });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr', 'fin1']);
    decide(d, 'mgr', 'approve');
    decide(d, 'fin1', 'approve');
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['vp']);
    decide(d, 'vp', 'approve');
    expect(d.waitingAt()).toEqual(['after']);
    expect(d.snap.data.approval).toMatchObject({
      signers: [
        { user: 'mgr', decision: 'approve' },
        { user: 'vp', decision: 'approve', addedBy: { user: 'mgr', position: 'after' } },
        { user: 'fin1', decision: 'approve' },
      ],
    });
  });

  it('in parallel on a 会签 step, several people at once, nested: each must approve; a rejection rejects', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    d.ok({
      type: 'addSigners',
      task: taskOf(d, 'approve', 'mgr').id,
      actor: { id: 'mgr' },
      users: ['vp', 'legal'],
      position: 'parallel',
      comment: '请一起看',
    });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['mgr', 'fin1', 'vp', 'legal']);
    // Nested: an added signer adds another.
    d.ok({
      type: 'addSigners',
      task: taskOf(d, 'approve', 'vp').id,
      actor: { id: 'vp' },
      users: ['fin2'],
      position: 'after',
    });
    decide(d, 'mgr', 'approve');
    decide(d, 'fin1', 'approve');
    decide(d, 'legal', 'approve');
    decide(d, 'vp', 'approve');
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['fin2']);
    decide(d, 'fin2', 'reject', '风险');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'rejected' });
    expect(d.history().filter((h) => h.type === 'task.signersAdded')).toHaveLength(2);
  });

  it('on a plain task: it becomes a group of one vote with the added signers', () => {
    const def = definition(
      [start, { id: 'a', type: 'userTask', owner: { type: 'user', user: 'mgr' }, resultField: 'r' }, end],
      ['start->a', 'a->end'],
    );
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start();
    d.ok({ type: 'addSigners', task: d.task('a').id, actor: { id: 'mgr' }, users: ['vp'], position: 'after' });
    d.ok({ type: 'complete', task: d.task('a').id, actor: { id: 'mgr' } }); // no decision needed on a plain task
    expect(openAt(d, 'a').map((t) => t.assignee)).toEqual(['vp']);
    decide(d, 'vp', 'approve', undefined, 'a');
    expect(d.snap.status).toBe('completed');
    expect(d.snap.data.r).toMatchObject({ outcome: 'approved' });
  });

  it('refuses no users, yourself, a duplicate, and a stranger adding to someone else’s task', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    const id = taskOf(d, 'approve', 'mgr').id;
    const before = JSON.stringify(d.snap);
    for (const bad of [[], ['mgr'], ['vp', 'vp']])
      expect(
        d.send({ type: 'addSigners', task: id, actor: { id: 'mgr' }, users: bad, position: 'after' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'ENG_ADD_SIGNERS_INVALID' },
      });
    expect(
      d.send({ type: 'addSigners', task: id, actor: { id: 'fin1' }, users: ['vp'], position: 'after' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
    expect(JSON.stringify(d.snap)).toBe(before);
  });
});

describe('撤回: withdraw', () => {
  const withDeadline = (policy?: ProcessDefinition['withdraw']) =>
    approval({ from: [users('mgr', 'fin1')] }, policy ? { withdraw: policy } : {}, {
      deadline: {
        duration: 'PT8H',
        escalations: [
          { at: 0.5, action: { type: 'remind' } },
          { at: 1, action: { type: 'reassign', to: { type: 'user', user: 'vp' } } },
        ],
      },
    });

  it('the initiator cancels the instance after a deadline rung fired, while no approver has acted', () => {
    const d = begin(withDeadline());
    d.advanceTo(cst('2025-03-04T10:00:00'));
    expect(d.history().filter((h) => h.type === 'escalation.fired')).toHaveLength(2);
    const effects = d.ok({ type: 'withdraw', actor: { id: 'rep1' }, comment: '信息填错了' });
    expect(d.snap.status).toBe('terminated');
    expect(effects.filter((e) => e.type === 'task.cancelled' && e.reason === 'withdrawn')).toHaveLength(2);
    expect(effects).toContainEqual({ type: 'instance.finished', status: 'terminated' });
    expect(d.history().find((h) => h.type === 'instance.withdrawn')).toMatchObject({
      actor: 'rep1',
      data: { then: 'cancel', comment: '信息填错了' },
    });
    expect(d.timers.size).toBe(0);
  });

  it('restart: the instance goes back to the start and the initiator’s first step opens again', () => {
    const d = begin(withDeadline({ initiator: 'restart' }));
    d.ok({ type: 'withdraw', actor: { id: 'rep1' } });
    expect(d.snap.status).toBe('running');
    expect(d.waitingAt()).toEqual(['submit']);
    expect(d.task('submit').assignee).toBe('rep1');
  });

  it('is refused once an approver acted (even a claim), to anyone but the initiator, and when the definition says never', () => {
    const d = begin(withDeadline());
    expect(d.send({ type: 'withdraw', actor: { id: 'mgr' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
    decide(d, 'mgr', 'approve');
    const before = JSON.stringify(d.snap);
    expect(d.send({ type: 'withdraw', actor: { id: 'rep1' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_WITHDRAW_NOT_ALLOWED' },
    });
    expect(JSON.stringify(d.snap)).toBe(before);
    const n = begin(withDeadline({ initiator: 'never' }));
    expect(n.send({ type: 'withdraw', actor: { id: 'rep1' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_WITHDRAW_NOT_ALLOWED' },
    });
  });

  it('the last completer takes back a completion while the next task is untouched, not after', () => {
    const def = definition(
      [
        start,
        { id: 'a', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
        { id: 'b', type: 'userTask', owner: { type: 'user', user: 'mgr' } },
        end,
      ],
      ['start->a', 'a->b', 'b->end'],
    );
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start();
    const a = d.task('a').id;
    d.ok({ type: 'complete', task: a, actor: { id: 'rep2', roles: ['sales-rep'] }, comment: '已联系' });
    const b = d.task('b').id;
    expect(d.send({ type: 'withdraw', task: a, actor: { id: 'rep1' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
    d.ok({ type: 'withdraw', task: a, actor: { id: 'rep2' } });
    expect(d.snap.tasks[b]).toMatchObject({ status: 'cancelled' });
    expect(d.snap.tasks[a]!.withdrawnAt).toBe(d.now);
    expect(d.task('a').assignee).toBe('rep2');
    d.complete('a', {}, 'rep2');
    d.ok({ type: 'claim', task: d.task('b').id, actor: { id: 'mgr' } });
    const again = Object.values(d.snap.tasks).find(
      (t) => t.node === 'a' && t.status === 'completed' && !t.withdrawnAt,
    )!;
    expect(d.send({ type: 'withdraw', task: again.id, actor: { id: 'rep2' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_WITHDRAW_NOT_ALLOWED' },
    });
  });

  it('a signer of an undecided 会签 takes back their approval; the task opens again for them', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    const mine = taskOf(d, 'approve', 'mgr').id;
    decide(d, 'mgr', 'approve');
    d.ok({ type: 'withdraw', task: mine, actor: { id: 'mgr' } });
    expect(openAt(d, 'approve').map((t) => t.assignee)).toEqual(['fin1', 'mgr']);
    decide(d, 'mgr', 'reject');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'rejected', approvals: 0, rejections: 1 });
  });

  it('a signer may not take back an approval that a parallel signer they added has since rejected (seed 1150644076)', () => {
    // 或签: one approval decides; mgr's part is mgr with vp added beside them.
    const d = begin(approval({ from: [users('mgr', 'fin1')], policy: 'any', rejection: 'count' }));
    const mine = taskOf(d, 'approve', 'mgr').id;
    d.ok({ type: 'addSigners', task: mine, actor: { id: 'mgr' }, users: ['vp'], position: 'parallel' });
    decide(d, 'mgr', 'approve');
    decide(d, 'vp', 'reject');
    // Taking it back would reopen a part vp's rejection already decided: refused, nothing changes.
    const before = JSON.stringify(d.snap);
    expect(d.send({ type: 'withdraw', task: mine, actor: { id: 'mgr' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_WITHDRAW_NOT_ALLOWED' },
    });
    expect(JSON.stringify(d.snap)).toBe(before);
    // The step is still decided by the other part.
    decide(d, 'fin1', 'approve');
    expect(d.snap.data.approval).toMatchObject({ outcome: 'approved' });
  });

  it('the completer may not withdraw when the definition forbids it', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }, { withdraw: { completer: false } }));
    const submitted = Object.values(d.snap.tasks).find((t) => t.node === 'submit')!;
    expect(d.send({ type: 'withdraw', task: submitted.id, actor: { id: 'rep1' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_WITHDRAW_NOT_ALLOWED' },
    });
  });
});

describe('退回 to named targets', () => {
  const def = definition(
    [
      start,
      { id: 'submit', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
      { id: 'check', type: 'userTask', owner: { type: 'user', user: 'mgr' } },
      { id: 'approve', type: 'userTask', owner: { type: 'user', user: 'vp' } },
      end,
    ],
    ['start->submit', 'submit->check', 'check->approve', 'approve->end'],
  );

  it('@previous goes to the step before; @initiator to the first step, assigned to the initiator', () => {
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({}, 'rep1');
    d.complete('submit', {}, 'rep2');
    d.complete('check');
    d.ok({ type: 'return', task: d.task('approve').id, actor: { id: 'vp' }, to: '@previous', reason: '补充材料' });
    expect(d.waitingAt()).toEqual(['check']);
    d.complete('check');
    d.ok({ type: 'return', task: d.task('approve').id, actor: { id: 'vp' }, to: '@initiator' });
    expect(d.waitingAt()).toEqual(['submit']);
    expect(d.task('submit').assignee).toBe('rep1');
    expect(
      d
        .history()
        .filter((h) => h.type === 'task.returned')
        .map((h) => h.data),
    ).toEqual([
      { to: 'check', via: '@previous', reason: '补充材料' },
      { to: 'submit', via: '@initiator', reason: null },
    ]);
  });

  it('refuses @previous on the first step, with a path', () => {
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({}, 'rep1');
    expect(
      d.send({
        type: 'return',
        task: d.task('submit').id,
        actor: { id: 'rep1', roles: ['sales-rep'] },
        to: '@previous',
      }),
    ).toMatchObject({ ok: false, error: { code: 'ENG_RETURN_TARGET_INVALID', path: '/to' } });
  });

  it('returning from a 会签 step cancels every signer’s open task', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    const effects = d.ok({
      type: 'return',
      task: taskOf(d, 'approve', 'mgr').id,
      actor: { id: 'mgr' },
      to: '@previous',
    });
    expect(effects.filter((e) => e.type === 'task.cancelled' && e.reason === 'returned')).toHaveLength(2);
    expect(d.waitingAt()).toEqual(['submit']);
    expect(d.snap.groups).toEqual({});
  });
});

describe('委托: delegation', () => {
  it('a task for a delegating user goes to the agent, on behalf of them; when the delegation ends mid-task the task stays with the agent (and the user may act too), new tasks go to the user', () => {
    const def = definition(
      [
        start,
        { id: 'a', type: 'userTask', owner: { type: 'user', user: 'mgr' } },
        { id: 'b', type: 'userTask', owner: { type: 'user', user: 'mgr' } },
        end,
      ],
      ['start->a', 'a->b', 'b->end'],
    );
    const dir = directory({ mgr: { delegateTo: 'agent', outOfOffice: true } });
    const d = new Driver(def, cst('2025-03-03T09:00:00'), dir).start();
    expect(d.task('a')).toMatchObject({ assignee: 'agent', onBehalfOf: 'mgr' });
    expect(d.history().find((h) => h.type === 'task.created')?.data).toMatchObject({ onBehalfOf: 'mgr' });
    // The delegation ends (the server stops sending delegateTo): the open task stays with the agent.
    d.directory = directory();
    d.now += 3_600_000;
    d.ok({ type: 'urge', task: d.task('a').id, actor: { id: 'rep1' } });
    expect(d.task('a')).toMatchObject({ assignee: 'agent', onBehalfOf: 'mgr' });
    d.ok({ type: 'complete', task: d.task('a').id, actor: { id: 'agent' }, decision: 'approve' });
    expect(d.task('b')).toMatchObject({ assignee: 'mgr' });
    expect(d.task('b').onBehalfOf).toBeUndefined();
  });

  it('the delegating user may still complete a task their agent holds; signers are delegated one by one', () => {
    const dir = directory({ fin1: { delegateTo: 'fin3' } });
    const d = begin(approval({ from: [users('mgr', 'fin1')] }), dir);
    const t = taskOf(d, 'approve', 'fin3');
    expect(t.onBehalfOf).toBe('fin1');
    decide(d, 'mgr', 'approve');
    d.ok({ type: 'complete', task: t.id, actor: { id: 'fin1' }, decision: 'approve' });
    expect(d.snap.data.approval).toMatchObject({ signers: [{ user: 'mgr' }, { user: 'fin1', decision: 'approve' }] });
    // Completed by the agent, the signer's line names both.
    const e = begin(approval({ from: [users('mgr', 'fin1')] }), dir);
    e.ok({ type: 'complete', task: taskOf(e, 'approve', 'fin3').id, actor: { id: 'fin3' }, decision: 'approve' });
    decide(e, 'mgr', 'approve');
    expect(e.snap.data.approval).toMatchObject({ signers: [{ user: 'mgr' }, { user: 'fin1', by: 'fin3' }] });
  });
});

describe('抄送 and comments', () => {
  it('a node cc rule fires on activation and on completion; a completer chooses more people', () => {
    const def = definition(
      [
        start,
        {
          id: 'a',
          type: 'userTask',
          owner: { type: 'user', user: 'mgr' },
          cc: [
            { when: 'activated', initiator: true },
            { when: 'completed', roles: ['after-sales'], users: ['vp'] },
          ],
        },
        end,
      ],
      ['start->a', 'a->end'],
    );
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start({}, 'rep1');
    const activated = d.effects.filter((e): e is Extract<Effect, { type: 'cc' }> => e.type === 'cc');
    expect(activated).toEqual([
      { type: 'cc', node: 'a', to: { users: ['rep1'], roles: [], teams: [] }, by: null, reason: 'activated' },
    ]);
    const effects = d.ok({
      type: 'complete',
      task: d.task('a').id,
      actor: { id: 'mgr' },
      cc: ['legal', 'legal'],
      comment: '已阅',
    });
    const cc = effects.filter((e) => e.type === 'cc');
    expect(cc).toEqual([
      {
        type: 'cc',
        node: 'a',
        to: { users: ['vp'], roles: ['after-sales'], teams: [] },
        by: null,
        reason: 'completed',
      },
      expect.objectContaining({ reason: 'chosen', by: 'mgr', to: { users: ['legal'], roles: [], teams: [] } }),
    ]);
    expect(d.history().filter((h) => h.type === 'cc.sent')).toHaveLength(3);
    expect(d.history().find((h) => h.type === 'task.completed')?.data).toMatchObject({ comment: '已阅' });
  });

  it('comments on the instance and on a task land in the history; empty ones are refused with a path', () => {
    const d = begin(approval({ from: [users('mgr', 'fin1')] }));
    d.ok({ type: 'comment', actor: { id: 'vp' }, text: '请尽快' });
    d.ok({ type: 'comment', actor: { id: 'mgr' }, text: '在看', task: taskOf(d, 'approve', 'mgr').id });
    expect(
      d
        .history()
        .filter((h) => h.type === 'comment.added')
        .map((h) => [h.actor, h.data?.text, h.node]),
    ).toEqual([
      ['vp', '请尽快', undefined],
      ['mgr', '在看', 'approve'],
    ]);
    expect(d.send({ type: 'comment', actor: { id: 'vp' }, text: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'ENG_COMMENT_INVALID', path: '/text' },
    });
  });
});

describe('multi-instance over a collection', () => {
  const def = (sequential: boolean, completionCondition?: string) =>
    definition(
      [
        start,
        {
          id: 'follow',
          type: 'userTask',
          owner: { type: 'fromField', field: 'item.owner' },
          multiInstance: {
            collection: 'contacts',
            sequential,
            resultField: 'followUps',
            ...(completionCondition ? { completionCondition } : {}),
          },
        },
        end,
      ],
      ['start->follow', 'follow->end'],
      { data: { type: 'object', properties: { contacts: { type: 'array' } } } },
    );
  const contacts = [
    { name: 'A', owner: 'rep1' },
    { name: 'B', owner: 'rep2' },
    { name: 'C', owner: 'rep1' },
  ];

  it('parallel: one task per element at once, each with its item; the result list keeps list order', () => {
    const d = new Driver(def(false), cst('2025-03-03T09:00:00'), directory()).start({ contacts });
    const open = openAt(d, 'follow');
    expect(open.map((t) => [t.assignee, (t.item as { name: string }).name])).toEqual([
      ['rep1', 'A'],
      ['rep2', 'B'],
      ['rep1', 'C'],
    ]);
    d.ok({ type: 'complete', task: open[1]!.id, actor: { id: 'rep2' }, output: { reached: true } });
    d.ok({ type: 'complete', task: open[0]!.id, actor: { id: 'rep1' }, output: { reached: false } });
    d.ok({ type: 'complete', task: open[2]!.id, actor: { id: 'rep1' }, output: { reached: true } });
    expect(d.snap.status).toBe('completed');
    expect(d.snap.data.followUps).toMatchObject([
      { item: { name: 'A' }, status: 'completed', user: 'rep1', output: { reached: false } },
      { item: { name: 'B' }, status: 'completed', user: 'rep2', output: { reached: true } },
      { item: { name: 'C' }, status: 'completed', output: { reached: true } },
    ]);
    expect(d.snap.data.reached).toBeUndefined();
  });

  it('sequential: one after another, in list order', () => {
    const d = new Driver(def(true), cst('2025-03-03T09:00:00'), directory()).start({ contacts });
    expect(openAt(d, 'follow').map((t) => (t.item as { name: string }).name)).toEqual(['A']);
    d.complete('follow', {}, 'rep1');
    expect(openAt(d, 'follow').map((t) => (t.item as { name: string }).name)).toEqual(['B']);
  });

  it('a completion condition over the counters ends the step early and cancels the rest (reason decided)', () => {
    const d = new Driver(def(false, 'nrOfCompletedInstances >= 2'), cst('2025-03-03T09:00:00'), directory()).start({
      contacts,
    });
    d.complete('follow', {}, 'rep1');
    expect(d.waitingAt()).toEqual(['follow']);
    const effects = d.complete('follow', {}, 'rep2');
    expect(effects.filter((e) => e.type === 'task.cancelled' && e.reason === 'decided')).toHaveLength(1);
    expect(d.snap.status).toBe('completed');
    expect((d.snap.data.followUps as { status: string }[]).map((r) => r.status)).toEqual([
      'completed',
      'completed',
      'cancelled',
    ]);
  });

  it('sequential with a condition on active instances: stops after the first', () => {
    const d = new Driver(
      def(true, 'nrOfActiveInstances = 0 and nrOfInstances = 3'),
      cst('2025-03-03T09:00:00'),
      directory(),
    ).start({ contacts });
    d.complete('follow', {}, 'rep1');
    expect(d.snap.status).toBe('completed');
    expect((d.snap.data.followUps as { status: string }[]).map((r) => r.status)).toEqual([
      'completed',
      'notStarted',
      'notStarted',
    ]);
  });

  it('an empty list completes at once; a missing one is an ENG_NOT_A_LIST incident', () => {
    const d = new Driver(def(false), cst('2025-03-03T09:00:00'), directory()).start({ contacts: [] });
    expect(d.snap.status).toBe('completed');
    const e = new Driver(def(false), cst('2025-03-03T09:00:00'), directory()).start({});
    expect(Object.values(e.snap.incidents)[0]?.code).toBe('ENG_NOT_A_LIST');
  });
});

describe('old snapshots', () => {
  it('a snapshot written before issue 9 (no groups, no lastApprovers, no task fields) still steps', () => {
    const d = new Driver(
      definition(
        [start, { id: 'a', type: 'userTask', owner: { type: 'user', user: 'mgr' } }, end],
        ['start->a', 'a->end'],
      ),
    ).start();
    const old = JSON.parse(JSON.stringify(d.snap)) as Record<string, unknown>;
    delete old.groups;
    delete old.lastApprovers;
    d.snapshot = old as never;
    d.ok({ type: 'comment', actor: { id: 'mgr' }, text: 'x' });
    d.ok({ type: 'complete', task: d.task('a').id, actor: { id: 'mgr' }, decision: 'approve', comment: 'ok' });
    expect(d.snap.status).toBe('completed');
  });
});

describe('the lead-to-contract example', () => {
  const example = JSON.parse(
    readFileSync(new URL('../../../examples/lead-to-contract/definition.json', import.meta.url), 'utf8'),
  ) as ProcessDefinition;
  const dir = (): Directory => ({
    users: Object.fromEntries([
      user('rep1', ['sales-rep'], ['sales-east']),
      user('mgr', ['sales-manager'], ['sales-east']),
      user('fin1', ['finance'], ['finance']),
      user('fin2', ['finance'], ['finance']),
      user('legal1', ['legal'], ['legal']),
      user('as1', ['after-sales'], ['service']),
    ]),
    teams: { 'sales-east': { manager: 'mgr', parent: null }, finance: { parent: null } },
  });
  const toLargeDeal = () => {
    const d = new Driver(example, cst('2025-03-03T09:00:00'), dir()).start(
      { leadId: 'L-1', territory: 'east', customer: { name: '华东电气' }, amount: 800000 },
      'rep1',
    );
    d.complete('assign-lead', { assignedRep: 'rep1' }, 'mgr');
    d.complete('qualify', { segment: 'A', budget: 900000 });
    d.complete('proposal', { quoteAmount: 760000, proposalUrl: 'https://crm.example/p/1' });
    d.complete('manager-approval', { approved: true });
    return d;
  };

  it('sends a large A deal to the 会签 of the manager and finance, then on to legal with a cc to after-sales', () => {
    const d = toLargeDeal();
    expect(openAt(d, 'large-deal-approval').map((t) => t.assignee)).toEqual(['mgr', 'fin1', 'fin2']);
    decide(d, 'fin1', 'approve', '回款条件可以', 'large-deal-approval');
    decide(d, 'fin2', 'approve', undefined, 'large-deal-approval');
    const effects = decide(d, 'mgr', 'approve', undefined, 'large-deal-approval');
    expect(effects).toContainEqual({
      type: 'cc',
      node: 'large-deal-approval',
      to: { users: [], roles: ['after-sales'], teams: [] },
      by: null,
      reason: 'completed',
    });
    expect(d.waitingAt()).toEqual(['legal-review']);
    expect(d.snap.data.largeDealApproval).toMatchObject({ outcome: 'approved', approvals: 3 });
  });

  it('sends the deal back to the proposal when one co-signer rejects', () => {
    const d = toLargeDeal();
    decide(d, 'fin2', 'reject', '账期太长', 'large-deal-approval');
    expect(d.waitingAt()).toEqual(['proposal']);
    expect(openAt(d, 'large-deal-approval')).toEqual([]);
  });
});

describe('returns across parallel work, and deadlines on a 会签 step', () => {
  const def = definition(
    [
      start,
      { id: 'prep', type: 'userTask', owner: { type: 'user', user: 'rep1' } },
      { id: 'split', type: 'parallelGateway' },
      { id: 'finance', type: 'userTask', owner: { type: 'user', user: 'fin1' } },
      { id: 'legal1', type: 'userTask', owner: { type: 'user', user: 'legal' } },
      { id: 'legal2', type: 'userTask', owner: { type: 'user', user: 'legal' } },
      { id: 'join', type: 'parallelGateway' },
      end,
    ],
    [
      'start->prep',
      'prep->split',
      'split->finance',
      'split->legal1',
      'legal1->legal2',
      'finance->join',
      'legal2->join',
      'join->end',
    ],
  );

  it('refuses a return onto another parallel branch, and a return before the split re-runs both branches', () => {
    const d = new Driver(def, cst('2025-03-03T09:00:00'), directory()).start();
    d.complete('prep');
    d.complete('legal1');
    d.complete('finance');
    expect(d.send({ type: 'return', task: d.task('legal2').id, actor: { id: 'legal' }, to: 'finance' })).toMatchObject({
      ok: false,
      error: { code: 'ENG_RETURN_TARGET_INVALID', path: '/to' },
    });
    d.ok({ type: 'return', task: d.task('legal2').id, actor: { id: 'legal' }, to: 'legal1' }); // same branch
    d.complete('legal1');
    d.ok({ type: 'return', task: d.task('legal2').id, actor: { id: 'legal' }, to: 'prep' });
    expect(d.waitingAt()).toEqual(['prep']);
    d.complete('prep');
    expect(d.waitingAt()).toEqual(['finance', 'legal1']);
    d.complete('finance');
    d.complete('legal1');
    d.complete('legal2');
    expect(d.snap.status).toBe('completed');
  });

  it('a reassign rung moves every open signer task; the result still names each signer, with who acted', () => {
    const d = begin(
      approval(
        { from: [users('mgr', 'fin1')] },
        {},
        {
          deadline: {
            duration: 'PT8H',
            escalations: [{ at: 1, action: { type: 'reassign', to: { type: 'user', user: 'vp' } } }],
          },
        },
      ),
    );
    decide(d, 'mgr', 'approve');
    d.advanceTo(cst('2025-03-04T10:00:00'));
    const moved = openAt(d, 'approve');
    expect(moved.map((t) => [t.assignee, t.signer, t.escalationLevel])).toEqual([['vp', 'fin1', 1]]);
    d.ok({ type: 'complete', task: moved[0]!.id, actor: { id: 'vp' }, decision: 'approve', comment: '代批' });
    expect(d.snap.data.approval).toMatchObject({
      outcome: 'approved',
      signers: [
        { user: 'mgr', decision: 'approve' },
        { user: 'fin1', decision: 'approve', by: 'vp', comment: '代批' },
      ],
    });
  });
});
