import { describe, expect, it } from 'vitest';
import { type Directory, type Effect, type InstanceSnapshot, type TaskView, compileProcess, step } from '@baton/engine';
import { type StepRowsInput, effectsToRows, resolveRecipients } from './effects-to-rows.ts';

const id = '00000000-0000-4000-8000-000000000001';
const t0 = Date.parse('2026-03-02T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const directory: Directory = {
  users: {
    rep1: { roles: ['sales-rep'], teams: ['east'] },
    rep2: { roles: ['sales-rep'], teams: ['west'] },
    legal: { roles: ['legal'], teams: ['hq'] },
    ghost: { roles: ['legal'], teams: [] },
  },
  teams: { east: {}, west: {}, hq: {} },
};
// `ghost` has no user row: it gets no notification and null ids.
const userIds = new Map([
  ['rep1', 11],
  ['rep2', 12],
  ['legal', 13],
]);

/** A review owned by rep1, due in an hour, with a reminder half-way; then an HTTP call. */
const process = compileProcess({
  schemaVersion: 1,
  key: 'rows',
  name: { en: 'rows' },
  nodes: [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'userTask',
      name: { en: 'Review' },
      owner: { type: 'user', user: 'rep1' },
      deadline: { duration: 'PT1H', time: 'clock', escalations: [{ at: 0.5, action: { type: 'remind' } }] },
    },
    { id: 'crm', type: 'automaticTask', action: { kind: 'http', method: 'POST', url: 'https://crm.example/deals' } },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', from: 'start', to: 'review' },
    { id: 'e2', from: 'review', to: 'crm' },
    { id: 'e3', from: 'crm', to: 'end' },
  ],
});

function stepOk(snapshot: InstanceSnapshot | null, command: Parameters<typeof step>[2], now: number) {
  const result = step(process, snapshot, command, { now, directory });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result;
}

function input(over: Partial<StepRowsInput> & Pick<StepRowsInput, 'snapshot' | 'effects' | 'now'>): StepRowsInput {
  return { instanceId: id, instance: { kind: 'update', rev: 1 }, directory, userIds, process, ...over };
}

const historyTypes = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.type === 'history' ? [e.event.type] : []));

describe('effectsToRows', () => {
  const started = stepOk(null, { type: 'start', initiator: 'rep2', businessKey: 'D-1' }, t0);
  const startRows = effectsToRows(
    input({
      instance: { kind: 'insert', modelId: 1, versionId: 2, businessKey: 'D-1', initiatorId: 12, teamId: null },
      snapshot: started.snapshot,
      effects: started.effects,
      now: t0,
    }),
    { wakeWindowMs: 1000 },
  );

  it('inserts the instance row of a start with its snapshot, data and instant', () => {
    expect(startRows.instanceRow).toEqual({
      kind: 'insert',
      id,
      model_id: 1,
      version_id: 2,
      status: 'running',
      business_key: 'D-1',
      data: {},
      snapshot: started.snapshot,
      initiator_id: 12,
      team_id: null,
      at: iso(t0),
      ended_at: null,
      // Analytics facts: the user task entered, the last node entered; no cycle while running.
      path_add: 'review',
      end_node: 'review',
      cycle_working_ms: null,
    });
  });

  it('leaves the analytics facts to the reports when it has no compiled process', () => {
    const bare = effectsToRows(
      { ...input({ snapshot: started.snapshot, effects: started.effects, now: t0 }), process: undefined },
      { wakeWindowMs: 1000 },
    );
    expect(bare.instanceRow).toMatchObject({ path_add: null, end_node: 'review', cycle_working_ms: null });
  });

  it("writes one history row per history effect, in the engine's order, with actor ids resolved", () => {
    expect(startRows.events.map((e) => e.type)).toEqual(historyTypes(started.effects));
    expect(startRows.events[0]).toMatchObject({
      instance_id: id,
      type: 'instance.started',
      actor: 'rep2',
      actor_id: 12,
      at: iso(t0),
      data: { businessKey: 'D-1' },
    });
    expect(startRows.events.find((e) => e.type === 'task.created')).toMatchObject({
      node_id: 'review',
      data: { task: expect.any(String) as string },
    });
  });

  it("creates the task row from the snapshot, with the assignee's id and the node's name", () => {
    const task = Object.values(started.snapshot.tasks)[0]!;
    expect(startRows.changedTasks).toEqual([]);
    expect(startRows.newTasks).toEqual([
      {
        instance_id: id,
        key: task.id,
        node_id: 'review',
        node_name: { en: 'Review' },
        token_id: task.token,
        // A task owned by one user is theirs at once.
        status: 'claimed',
        assignee: 'rep1',
        assignee_id: 11,
        candidates: task.candidates,
        due_at: iso(t0 + 3_600_000),
        escalation_level: 0,
        created_at: iso(t0),
        updated_at: iso(t0),
        output: null,
        completed_at: null,
        completed_by: null,
        completed_by_username: null,
        deadline_warning: null,
        decision: null,
        comment: null,
        on_behalf_of: null,
        cancel_reason: null,
        signer_group: null,
        added_by: null,
        auto: null,
        item: null,
        withdrawn_at: null,
        // Created with an assignee: they hold it first; it was never claimed from a group.
        claimed_at: null,
        first_holder: 'rep1',
        completes: false,
        duration_working_ms: null,
        waiting_working_ms: null,
      },
    ]);
  });

  it('carries the approval fields of the task state (decision, comment, on behalf of, group, 加签, auto) into the row', () => {
    const task = Object.values(started.snapshot.tasks)[0]!;
    const snapshot: InstanceSnapshot = {
      ...started.snapshot,
      tasks: {
        [task.id]: {
          ...task,
          status: 'cancelled',
          decision: 'reject',
          comment: '价格太低',
          onBehalfOf: 'rep2',
          cancelReason: 'decided',
          group: 'g1',
          addedBy: { user: 'legal', position: 'after' },
          auto: 'dedupe',
          item: { contact: 'c1' },
        },
      },
    };
    const rows = effectsToRows(
      input({
        snapshot,
        effects: [{ type: 'task.cancelled', task: snapshot.tasks[task.id]!, reason: 'decided' }],
        now: t0,
      }),
      { wakeWindowMs: 0 },
    );
    expect(rows.changedTasks).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        decision: 'reject',
        comment: '价格太低',
        on_behalf_of: 'rep2',
        cancel_reason: 'decided',
        signer_group: 'g1',
        added_by: { user: 'legal', position: 'after' },
        auto: 'dedupe',
        item: { contact: 'c1' },
      }),
    ]);
  });

  it('expands a cc to one entry per known user (roles and teams included), never the actor, the last cc of a user winning', () => {
    const effects: Effect[] = [
      {
        type: 'cc',
        node: 'review',
        to: { users: ['rep2'], roles: ['legal'], teams: ['east'] },
        by: 'rep1',
        reason: 'completed',
      },
      {
        type: 'cc',
        node: 'review',
        task: 'k9',
        to: { users: ['rep2'], roles: [], teams: [] },
        by: 'rep1',
        reason: 'chosen',
      },
    ];
    const rows = effectsToRows(input({ snapshot: started.snapshot, effects, now: t0 }), { wakeWindowMs: 0 });
    // rep1 is the actor and ghost has no user row: neither gets an entry; rep2 once, as chosen.
    expect(rows.cc).toEqual([
      {
        user_id: 13,
        instance_id: id,
        node_id: 'review',
        task_key: null,
        by_username: 'rep1',
        reason: 'completed',
        created_at: iso(t0),
      },
      {
        user_id: 12,
        instance_id: id,
        node_id: 'review',
        task_key: 'k9',
        by_username: 'rep1',
        reason: 'chosen',
        created_at: iso(t0),
      },
    ]);
  });

  it('upserts one timer row per scheduled timer, keyed by instance and timer id, and wakes the pollers only for a timer due within the window', () => {
    const scheduled = started.effects.flatMap((e) => (e.type === 'timer.scheduled' ? [e.timer] : []));
    expect(scheduled.length).toBe(2);
    expect(startRows.timerUpserts).toEqual(
      scheduled.map((t) => ({
        instance_id: id,
        key: `${id}:${t.id}`,
        kind: t.kind,
        due_at: iso(t.dueAt),
        payload: { timer: t.id, token: t.token, kind: t.kind, ...(t.rung !== undefined ? { rung: t.rung } : {}) },
      })),
    );
    expect(startRows.timerDeletes).toEqual([]);
    expect(startRows.wake).toBe(false);
    const soon = effectsToRows(input({ snapshot: started.snapshot, effects: started.effects, now: t0 }), {
      wakeWindowMs: 1_800_001,
    });
    expect(soon.wake).toBe(true);
  });

  it('notifies the assignee of a new task when the engine says so, naming the task', () => {
    const assigned = started.effects.filter((e) => e.type === 'notify');
    expect(startRows.notifications).toEqual(
      assigned.map((e) => ({
        user_id: 11,
        instance_id: id,
        task_key: e.type === 'notify' ? (e.task ?? null) : null,
        kind: e.type === 'notify' ? e.reason : '',
        payload: expect.objectContaining({ node: 'review' }) as unknown,
        created_at: iso(t0),
      })),
    );
  });

  it('marks a fired timer row, moves the task a rung up without a task effect, and notifies the assignee', () => {
    const reminder = Object.values(started.snapshot.timers).find((t) => t.kind === 'escalation')!;
    const fired = stepOk(started.snapshot, { type: 'fireTimer', timer: reminder.id }, reminder.dueAt);
    const firedTimer = { id: 77, key: `${id}:${reminder.id}`, attempt: 3, workerId: 'w1' };
    const rows = effectsToRows(
      input({ snapshot: fired.snapshot, effects: fired.effects, now: reminder.dueAt, firedTimer }),
      { wakeWindowMs: 1000 },
    );
    expect(rows.fired).toEqual([{ instance_id: id, timer_id: 77, worker: 'w1', attempt: 3 }]);
    expect(rows.instanceRow).toMatchObject({
      kind: 'update',
      rev: 1,
      timer_id: 77,
      worker: 'w1',
      attempt: 3,
      est: false,
    });
    expect(rows.changedTasks.map((t) => [t.key, t.escalation_level])).toEqual([
      [Object.keys(started.snapshot.tasks)[0], 1],
    ]);
    expect(rows.notifications.map((n) => [n.user_id, n.kind])).toEqual([[11, 'reminder']]);
    expect(rows.referenced).toEqual([{ instance_id: id, key: Object.keys(started.snapshot.tasks)[0] }]);
  });

  it('completes the task, deletes its pending timers and writes the outbox row of the next call', () => {
    const key = Object.keys(started.snapshot.tasks)[0]!;
    const done = stepOk(
      started.snapshot,
      { type: 'complete', task: key, actor: { id: 'rep1', roles: ['sales-rep'] }, output: { ok: true } },
      t0 + 60_000,
    );
    const rows = effectsToRows(input({ snapshot: done.snapshot, effects: done.effects, now: t0 + 60_000 }), {
      wakeWindowMs: 1000,
    });
    expect(rows.newTasks).toEqual([]);
    expect(rows.changedTasks).toEqual([
      expect.objectContaining({
        key,
        status: 'completed',
        output: { ok: true },
        completed_at: iso(t0 + 60_000),
        completed_by: 11,
        completed_by_username: 'rep1',
        completes: true,
        // Working time on the step's calendar; never claimed (created with its assignee): the statement writes 0 waiting.
        duration_working_ms: process.calendars.get('standard')!.workingMillisBetween(t0, t0 + 60_000),
        waiting_working_ms: null,
      }),
    ]);
    expect(rows.changedTasks[0]!.duration_working_ms).toBe(60_000);
    expect(rows.instanceRow).toMatchObject({ path_add: null, end_node: 'crm', cycle_working_ms: null });
    expect(rows.timerDeletes.map((d) => d.key).sort()).toEqual(
      Object.keys(started.snapshot.timers)
        .map((t) => `${id}:${t}`)
        .sort(),
    );
    const call = done.effects.find((e) => e.type === 'service.call');
    expect(call?.type).toBe('service.call');
    if (call?.type !== 'service.call') return;
    expect(rows.outbox).toEqual([
      {
        instance_id: id,
        key: `${id}:${call.call}`,
        kind: 'service',
        payload: { call: call.call, node: 'crm', attempt: call.attempt, action: call.action },
      },
    ]);
    expect(rows.fired).toEqual([]);
  });
});

describe('effectsToRows on hand-made effect lists', () => {
  const snapshot = stepOk(null, { type: 'start' }, t0).snapshot;
  const view = (over: Partial<TaskView> = {}): TaskView => ({
    id: 'k1',
    node: 'review',
    token: 't1',
    status: 'open',
    assignee: null,
    candidates: { users: [], roles: ['legal'], teams: [] },
    createdAt: t0,
    dueAt: null,
    escalationLevel: 0,
    ...over,
  });

  it('keeps the order of history, outbox and notification effects however they interleave', () => {
    const effects: Effect[] = [
      { type: 'history', event: { type: 'node.entered', at: t0, node: 'a' } },
      { type: 'service.call', call: 'c2', node: 'b', attempt: 1, action: { kind: 'action', name: 'x' } },
      { type: 'notify', reason: 'urge', to: { users: ['rep2'], roles: [], teams: [] }, node: 'b' },
      { type: 'history', event: { type: 'node.left', at: t0, node: 'a' } },
      {
        type: 'service.call',
        call: 'c1',
        node: 'a',
        attempt: 2,
        action: { kind: 'action', name: 'y' },
        body: { n: 1 },
      },
      { type: 'notify', reason: 'urge', to: { users: ['rep1'], roles: [], teams: [] }, node: 'a' },
      { type: 'history', event: { type: 'node.entered', at: t0 + 1, node: 'b' } },
    ];
    const rows = effectsToRows(input({ snapshot, effects, now: t0 }), { wakeWindowMs: 0 });
    expect(rows.events.map((e) => [e.type, e.node_id])).toEqual([
      ['node.entered', 'a'],
      ['node.left', 'a'],
      ['node.entered', 'b'],
    ]);
    expect(rows.outbox.map((o) => o.key)).toEqual([`${id}:c2`, `${id}:c1`]);
    expect(rows.outbox[1]!.payload).toEqual({
      call: 'c1',
      node: 'a',
      attempt: 2,
      action: { kind: 'action', name: 'y' },
      body: { n: 1 },
    });
    expect(rows.notifications.map((n) => n.user_id)).toEqual([12, 11]);
  });

  it('folds what one step does to one key into one row: a task created then claimed, a timer scheduled then cancelled, a cursor moved twice', () => {
    const effects: Effect[] = [
      { type: 'task.created', task: view() },
      { type: 'timer.scheduled', timer: { id: 't1:due', kind: 'deadline', token: 't1', dueAt: t0 + 10 } },
      { type: 'task.updated', task: view({ status: 'claimed', assignee: 'legal' }) },
      { type: 'timer.cancelled', timer: 't1:due' },
      { type: 'assignment.advanced', key: 'rr:legal:*', cursor: 1 },
      { type: 'assignment.advanced', key: 'rr:legal:*', cursor: 2 },
    ];
    // The snapshot does not hold k1: the row is built from the last view.
    const rows = effectsToRows(input({ snapshot, effects, now: t0 }), { wakeWindowMs: 1000 });
    expect(rows.newTasks).toHaveLength(1);
    expect(rows.newTasks[0]).toMatchObject({ key: 'k1', status: 'claimed', assignee: 'legal', assignee_id: 13 });
    expect(rows.changedTasks).toEqual([]);
    expect(rows.timerUpserts).toEqual([]);
    expect(rows.timerDeletes).toEqual([{ instance_id: id, key: `${id}:t1:due` }]);
    expect(rows.cursors).toEqual([{ key: 'rr:legal:*', cursor: 2 }]);
  });

  it('leaves a fired timer row to the upsert when the step reschedules that very timer', () => {
    const effects: Effect[] = [
      { type: 'timer.scheduled', timer: { id: 't1:retry:2', kind: 'retry', token: 't1', dueAt: t0 + 5000 } },
    ];
    const rows = effectsToRows(
      input({ snapshot, effects, now: t0, firedTimer: { id: 5, key: `${id}:t1:retry:2`, attempt: 1, workerId: 'w' } }),
      { wakeWindowMs: 1000 },
    );
    expect(rows.fired).toEqual([]);
    expect(rows.timerUpserts.map((t) => t.key)).toEqual([`${id}:t1:retry:2`]);
  });

  it('sends notifications to candidates by username, position and team, skipping users without a row', () => {
    const effects: Effect[] = [
      {
        type: 'notify',
        reason: 'escalation',
        to: { users: ['rep2'], roles: ['legal'], teams: ['east'] },
        node: 'review',
        task: 'k1',
        action: 'notify',
      },
    ];
    const rows = effectsToRows(input({ snapshot, effects, now: t0 }), { wakeWindowMs: 0 });
    expect(rows.notifications.map((n) => n.user_id)).toEqual([13, 11, 12]);
    expect(rows.notifications[0]).toMatchObject({
      task_key: 'k1',
      kind: 'escalation',
      payload: { reason: 'escalation', node: 'review', task: 'k1', action: 'notify' },
    });
    expect(rows.notes).toEqual([{ effect: effects[0], usernames: ['legal', 'rep1', 'rep2'] }]);
    expect(rows.referenced).toEqual([{ instance_id: id, key: 'k1' }]);
  });

  it("turns incidents into messages for the instance's subscribers and writes no rows for them", () => {
    const incident = { id: 'i1', node: 'crm', token: 't1', code: 'ENG_ACTION_FAILED', message: 'down', at: t0 };
    const effects = [
      { type: 'incident.raised', incident },
      { type: 'incident.resolved', incident: 'i1', how: 'skipped' },
    ] as Effect[];
    const rows = effectsToRows(input({ snapshot, effects, now: t0 }), { wakeWindowMs: 0 });
    expect(rows.incidentMessages.map((m) => [m.message.type, m.audience])).toEqual([
      ['incident.raised', { instanceId: id }],
      ['incident.resolved', { instanceId: id }],
    ]);
    expect([rows.events, rows.outbox, rows.notifications, rows.newTasks, rows.changedTasks]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
  });
});

describe('resolveRecipients', () => {
  it('names only the assignee when there is one', () => {
    expect(resolveRecipients(directory, { assignee: 'rep2', users: ['rep1'], roles: ['legal'], teams: [] })).toEqual([
      'rep2',
    ]);
  });
  it('names every candidate otherwise, sorted, each once', () => {
    expect(resolveRecipients(directory, { users: ['rep1'], roles: ['legal'], teams: ['east'] })).toEqual([
      'ghost',
      'legal',
      'rep1',
    ]);
  });
});
