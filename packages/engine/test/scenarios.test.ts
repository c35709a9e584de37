import type { JsonSchema, ProcessNode } from '@baton/definition';
import { describe, expect, it } from 'vitest';
import { compileProcess, step, type Effect, type InstanceSnapshot } from '../src/index.ts';
import { Driver, cst, definition, user } from './driver.ts';

const task = (id: string, extra: Partial<ProcessNode> = {}): ProcessNode =>
  ({ id, type: 'userTask', owner: { type: 'role', role: 'sales-rep' }, ...extra }) as ProcessNode;
const start: ProcessNode = { id: 'start', type: 'start' };
const end: ProcessNode = { id: 'end', type: 'end' };
const data = (props: Record<string, JsonSchema>) => ({ data: { type: 'object' as const, properties: props } });

describe('sequences and tasks', () => {
  it('moves a token task by task and completes the instance at the end', () => {
    const d = new Driver(definition([start, task('a'), task('b'), end], ['start->a', 'a->b', 'b->end'])).start();
    expect(d.waitingAt()).toEqual(['a']);
    expect(d.task('a').candidates.roles).toEqual(['sales-rep']);
    d.complete('a', {}, 'rep1');
    expect(d.waitingAt()).toEqual(['b']);
    expect(d.snap.tasks[d.task('b').id]!.status).toBe('open');
    const effects = d.complete('b', {}, 'rep2');
    expect(d.snap.status).toBe('completed');
    expect(effects).toContainEqual({ type: 'instance.finished', status: 'completed' });
    expect(d.history().map((h) => h.type)).toContain('instance.completed');
  });

  it('merges completion output into instance data', () => {
    const d = new Driver(
      definition([start, task('a'), end], ['start->a', 'a->end'], data({ amount: { type: 'number' } })),
    ).start({ amount: 1 });
    d.complete('a', { amount: 5, note: 'x' }, 'rep1');
    expect(d.snap.data).toEqual({ amount: 5, note: 'x' });
  });

  it('rejects a second completion of the same task and leaves the snapshot alone', () => {
    const d = new Driver(definition([start, task('a'), task('b'), end], ['start->a', 'a->b', 'b->end'])).start();
    const id = d.task('a').id;
    d.ok({ type: 'complete', task: id, actor: { id: 'rep1', roles: ['sales-rep'] } });
    const before = JSON.stringify(d.snap);
    const r = d.send({ type: 'complete', task: id, actor: { id: 'rep1', roles: ['sales-rep'] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'ENG_TASK_NOT_OPEN' } });
    expect(JSON.stringify(d.snap)).toBe(before);
  });

  it('refuses completion by a user who is neither assignee nor candidate', () => {
    const d = new Driver(definition([start, task('a'), end], ['start->a', 'a->end'])).start();
    const r = d.send({ type: 'complete', task: d.task('a').id, actor: { id: 'legal1', roles: ['legal'] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'ENG_NOT_ALLOWED' } });
  });

  it('lets one candidate claim and blocks a second claimer', () => {
    const d = new Driver(definition([start, task('a'), end], ['start->a', 'a->end'])).start();
    const id = d.task('a').id;
    d.ok({ type: 'claim', task: id, actor: { id: 'rep1', roles: ['sales-rep'] } });
    // The first claim stays on the task (analytics: waiting = created → claimed).
    expect(d.task('a')).toMatchObject({ assignee: 'rep1', status: 'claimed', claimedBy: 'rep1' });
    expect(d.task('a').claimedAt).toBeGreaterThanOrEqual(d.task('a').createdAt);
    expect(d.send({ type: 'claim', task: id, actor: { id: 'rep2', roles: ['sales-rep'] } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_TASK_ALREADY_CLAIMED' },
    });
    expect(d.send({ type: 'complete', task: id, actor: { id: 'rep2', roles: ['sales-rep'] } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
  });

  it('transfers a task to a colleague, who may then complete it', () => {
    const d = new Driver(
      definition([start, task('a', { owner: { type: 'user', user: 'rep1' } }), end], ['start->a', 'a->end']),
    ).start();
    const id = d.task('a').id;
    const effects = d.ok({ type: 'transfer', task: id, actor: { id: 'rep1' }, to: 'rep2' });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'notify', reason: 'assigned', task: id }));
    expect(d.send({ type: 'complete', task: id, actor: { id: 'rep1' } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
    d.ok({ type: 'complete', task: id, actor: { id: 'rep2' } });
    expect(d.snap.status).toBe('completed');
  });

  it('returns a task to an earlier step, and refuses a step not yet passed', () => {
    const d = new Driver(
      definition([start, task('a'), task('b'), task('c'), end], ['start->a', 'a->b', 'b->c', 'c->end']),
    ).start();
    d.complete('a', {}, 'rep1');
    const b = d.task('b').id;
    expect(d.send({ type: 'return', task: b, actor: { id: 'rep1', roles: ['sales-rep'] }, to: 'c' })).toMatchObject({
      ok: false,
      error: { code: 'ENG_RETURN_TARGET_INVALID' },
    });
    d.ok({ type: 'return', task: b, actor: { id: 'rep1', roles: ['sales-rep'] }, to: 'a', reason: 'missing data' });
    expect(d.waitingAt()).toEqual(['a']);
    expect(d.snap.tasks[b]!.status).toBe('cancelled');
    expect(d.history().find((h) => h.type === 'task.returned')?.data).toEqual({ to: 'a', reason: 'missing data' });
  });

  it('urges a task: notifies its owners and records who urged', () => {
    const d = new Driver(definition([start, task('a'), end], ['start->a', 'a->end'])).start();
    const effects = d.ok({ type: 'urge', task: d.task('a').id, actor: { id: 'manager' } });
    expect(effects).toContainEqual(
      expect.objectContaining({
        type: 'notify',
        reason: 'urge',
        to: expect.objectContaining({ roles: ['sales-rep'] }) as unknown,
      }),
    );
  });

  it('terminates: cancels open tasks and timers, and takes no more commands', () => {
    const d = new Driver(
      definition([start, task('a', { deadline: { duration: 'PT8H' } }), end], ['start->a', 'a->end']),
    ).start();
    const id = d.task('a').id;
    const effects = d.ok({ type: 'terminate', actor: { id: 'ops' }, reason: 'duplicate lead' });
    expect(effects).toContainEqual(expect.objectContaining({ type: 'task.cancelled', reason: 'terminated' }));
    expect(effects).toContainEqual({ type: 'timer.cancelled', timer: expect.stringMatching(/:due$/) as unknown });
    expect(d.snap.status).toBe('terminated');
    expect(d.send({ type: 'complete', task: id, actor: { id: 'rep1', roles: ['sales-rep'] } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_INSTANCE_ENDED' },
    });
  });

  it('never mutates the snapshot it is given', () => {
    const p = compileProcess(definition([start, task('a'), task('b'), end], ['start->a', 'a->b', 'b->end']));
    const r1 = step(p, null, { type: 'start' }, { now: 0 });
    if (!r1.ok) throw new Error();
    const frozen = deepFreeze(JSON.parse(JSON.stringify(r1.snapshot)) as InstanceSnapshot);
    const id = Object.keys(frozen.tasks)[0]!;
    const r2 = step(p, frozen, { type: 'complete', task: id, actor: { id: 'x', roles: ['sales-rep'] } }, { now: 1 });
    expect(r2.ok).toBe(true);
  });
});

describe('gateways', () => {
  const xor = definition(
    [start, { id: 'g', type: 'exclusiveGateway' }, task('big'), task('mid'), task('small'), end],
    [
      'start->g',
      { id: 'toBig', from: 'g', to: 'big', condition: 'amount > 1000' },
      { id: 'toMid', from: 'g', to: 'mid', condition: 'amount > 100' },
      { id: 'toSmall', from: 'g', to: 'small', default: true },
      'big->end',
      'mid->end',
      'small->end',
    ],
    data({ amount: { type: 'number' } }),
  );

  it('takes the first edge whose condition holds, in order', () => {
    expect(new Driver(xor).start({ amount: 5000 }).waitingAt()).toEqual(['big']);
    expect(new Driver(xor).start({ amount: 500 }).waitingAt()).toEqual(['mid']);
  });

  it('takes the default edge when no condition holds (and when data is missing)', () => {
    expect(new Driver(xor).start({ amount: 5 }).waitingAt()).toEqual(['small']);
    expect(new Driver(xor).start({}).waitingAt()).toEqual(['small']);
  });

  it('raises an incident when no edge applies and there is no default, then retries it after a fix', () => {
    const def = definition(
      [start, { id: 'g', type: 'exclusiveGateway' }, task('a'), task('b'), end],
      [
        'start->g',
        { id: 'ga', from: 'g', to: 'a', condition: 'x = 1' },
        { id: 'gb', from: 'g', to: 'b', condition: 'x = 2' },
        'a->end',
        'b->end',
      ],
      data({ x: { type: 'number' } }),
    );
    const d = new Driver(def).start({ x: 3 });
    const incident = Object.values(d.snap.incidents)[0]!;
    expect(incident).toMatchObject({ code: 'ENG_NO_PATH', node: 'g' });
    d.ok({ type: 'skipIncident', incident: incident.id, actor: { id: 'ops' }, output: { x: 2 } });
    expect(d.waitingAt()).toEqual(['b']);
    expect(d.snap.incidents).toEqual({});
  });

  it('forks into parallel branches and joins exactly once, when all have arrived', () => {
    const def = definition(
      [
        start,
        { id: 'fork', type: 'parallelGateway' },
        task('a'),
        task('b'),
        task('c'),
        { id: 'join', type: 'parallelGateway' },
        task('after'),
        end,
      ],
      ['start->fork', 'fork->a', 'fork->b', 'fork->c', 'a->join', 'b->join', 'c->join', 'join->after', 'after->end'],
    );
    const d = new Driver(def).start();
    expect(d.waitingAt()).toEqual(['a', 'b', 'c']);
    d.complete('b', {}, 'r');
    d.complete('a', {}, 'r');
    expect(d.waitingAt()).toEqual(['c']);
    expect(Object.values(d.snap.joins)).toHaveLength(1);
    d.complete('c', {}, 'r');
    expect(d.waitingAt()).toEqual(['after']);
    expect(d.history().filter((h) => h.type === 'node.entered' && h.node === 'join')).toHaveLength(1);
    d.complete('after', {}, 'r');
    expect(d.snap.status).toBe('completed');
  });

  it('runs a non-block-structured graph: overlapping joins', () => {
    // fork → a, b, c; a and b join in j1 → d; d and c join in j2 → end.
    const def = definition(
      [
        start,
        { id: 'fork', type: 'parallelGateway' },
        task('a'),
        task('b'),
        task('c'),
        { id: 'j1', type: 'parallelGateway' },
        task('d'),
        { id: 'j2', type: 'parallelGateway' },
        end,
      ],
      ['start->fork', 'fork->a', 'fork->b', 'fork->c', 'a->j1', 'b->j1', 'j1->d', 'd->j2', 'c->j2', 'j2->end'],
    );
    const d = new Driver(def).start();
    d.complete('c', {}, 'r');
    d.complete('a', {}, 'r');
    expect(d.waitingAt()).toEqual(['b']);
    d.complete('b', {}, 'r');
    expect(d.waitingAt()).toEqual(['d']);
    d.complete('d', {}, 'r');
    expect(d.snap.status).toBe('completed');
  });

  it('loops back for rework until approval', () => {
    const def = definition(
      [start, task('proposal'), task('approval'), { id: 'ok', type: 'exclusiveGateway' }, end],
      [
        'start->proposal',
        'proposal->approval',
        'approval->ok',
        { id: 'rework', from: 'ok', to: 'proposal', condition: 'approved = false' },
        { id: 'done', from: 'ok', to: 'end', default: true },
      ],
      data({ approved: { type: 'boolean' } }),
    );
    const d = new Driver(def).start();
    for (let round = 0; round < 3; round++) {
      d.complete('proposal', {}, 'rep1');
      d.complete('approval', { approved: false }, 'mgr');
    }
    expect(d.waitingAt()).toEqual(['proposal']);
    d.complete('proposal', {}, 'rep1');
    d.complete('approval', { approved: true }, 'mgr');
    expect(d.snap.status).toBe('completed');
    expect(d.history().filter((h) => h.type === 'task.created' && h.node === 'proposal')).toHaveLength(4);
  });

  it('stops an endless loop with an incident instead of spinning', () => {
    const def = definition(
      [start, { id: 'g1', type: 'exclusiveGateway' }, { id: 'g2', type: 'exclusiveGateway' }, end],
      [
        'start->g1',
        'g1->g2',
        { id: 'back', from: 'g2', to: 'g1', condition: 'true' },
        { id: 'out', from: 'g2', to: 'end', default: true },
      ],
    );
    const d = new Driver(def).start();
    expect(Object.values(d.snap.incidents)[0]).toMatchObject({ code: 'ENG_LOOP_LIMIT' });
  });
});

describe('waits: timers, events, automatic tasks, sub-processes, triggers', () => {
  it('waits on a timer counted in working time, then moves on', () => {
    const def = definition(
      [start, { id: 'cool', type: 'timer', timer: { duration: 'PT4H', calendar: 'cn-mainland' } }, task('a'), end],
      ['start->cool', 'cool->a', 'a->end'],
    );
    const d = new Driver(def, cst('2025-03-07T16:00:00')).start(); // a Friday
    const due = [...d.timers.values()][0]!;
    expect(due).toBe(cst('2025-03-10T11:00:00')); // 2 h Friday, 2 h Monday morning
    d.advanceTo(due - 1);
    expect(d.waitingAt()).toEqual(['cool']);
    d.advanceTo(due);
    expect(d.waitingAt()).toEqual(['a']);
  });

  it('waits on a clock-time timer and on a date expression', () => {
    const clock = definition(
      [start, { id: 't', type: 'timer', timer: { duration: 'PT4H', time: 'clock' } }, end],
      ['start->t', 't->end'],
    );
    const d = new Driver(clock, cst('2025-03-07T22:00:00')).start();
    expect([...d.timers.values()]).toEqual([cst('2025-03-08T02:00:00')]);
    const dated = definition(
      [start, { id: 't', type: 'timer', timer: { date: 'followUpAt' } }, end],
      ['start->t', 't->end'],
      data({ followUpAt: { type: 'string' } }),
    );
    const d2 = new Driver(dated).start({ followUpAt: '2025-04-01T08:00:00Z' });
    expect([...d2.timers.values()]).toEqual([Date.parse('2025-04-01T08:00:00Z')]);
  });

  it('waits for a business event and stores its payload', () => {
    const def = definition(
      [start, { id: 'signed', type: 'event', event: 'contract.signed', resultField: 'contract' }, end],
      ['start->signed', 'signed->end'],
    );
    const d = new Driver(def).start({}, 'rep1', 'OPP-1');
    expect(d.effects).toContainEqual({ type: 'event.awaited', event: 'contract.signed', node: 'signed' });
    d.ok({ type: 'signal', event: 'contract.cancelled' });
    expect(d.waitingAt()).toEqual(['signed']);
    d.ok({ type: 'signal', event: 'contract.signed', payload: { status: 'signed' } });
    expect(d.snap.data.contract).toEqual({ status: 'signed' });
    expect(d.snap.status).toBe('completed');
  });

  it('calls an automatic task, retries with backoff, raises an incident, and retries it on request', () => {
    const def = definition(
      [
        start,
        {
          id: 'crm',
          type: 'automaticTask',
          action: { kind: 'http', method: 'POST', url: 'https://crm.example/leads', body: '{ id: leadId }' },
          retry: { maxAttempts: 2, backoff: 'PT10S' },
          resultField: 'crm',
        },
        end,
      ],
      ['start->crm', 'crm->end'],
      data({ leadId: { type: 'string' } }),
    );
    const d = new Driver(def, 0).start({ leadId: 'L1' });
    const callOf = () =>
      d.effects.find((e): e is Extract<Effect, { type: 'service.call' }> => e.type === 'service.call');
    const call1 = callOf()!;
    expect(call1).toMatchObject({ attempt: 1, body: { id: 'L1' } });
    d.ok({ type: 'serviceResult', call: call1.call, ok: false, error: 'HTTP 503' });
    expect([...d.timers.values()]).toEqual([10_000]);
    d.advanceTo(10_000);
    const call2 = callOf()!;
    expect(call2).toMatchObject({ attempt: 2 });
    expect(call2.call).not.toBe(call1.call);
    d.ok({ type: 'serviceResult', call: call2.call, ok: false, error: 'HTTP 503' });
    const incident = Object.values(d.snap.incidents)[0]!;
    expect(incident.code).toBe('ENG_SERVICE_FAILED');
    expect(d.send({ type: 'serviceResult', call: call2.call, ok: true })).toMatchObject({
      ok: false,
      error: { code: 'ENG_CALL_NOT_FOUND' },
    });
    d.ok({ type: 'retryIncident', incident: incident.id, actor: { id: 'ops' } });
    const call3 = callOf()!;
    expect(call3).toMatchObject({ attempt: 1 });
    expect([call1.call, call2.call]).not.toContain(call3.call);
    // A late answer to the first call is not taken for the retried one.
    expect(d.send({ type: 'serviceResult', call: call1.call, ok: true })).toMatchObject({
      ok: false,
      error: { code: 'ENG_CALL_NOT_FOUND' },
    });
    d.ok({ type: 'serviceResult', call: call3.call, ok: true, result: { crmId: 7 } });
    expect(d.snap).toMatchObject({ status: 'completed', data: { crm: { crmId: 7 } } });
  });

  it('runs an embedded sub-process as its own scope', () => {
    const sub: ProcessNode = {
      id: 'review',
      type: 'subProcess',
      nodes: [{ id: 'sStart', type: 'start' }, task('check'), { id: 'sEnd', type: 'end' }],
      edges: [
        { id: 's1', from: 'sStart', to: 'check' },
        { id: 's2', from: 'check', to: 'sEnd' },
      ],
    };
    const d = new Driver(
      definition([start, sub, task('after'), end], ['start->review', 'review->after', 'after->end']),
    ).start();
    expect(d.waitingAt()).toEqual(['check', 'review']);
    d.complete('check', {}, 'r');
    expect(d.waitingAt()).toEqual(['after']);
  });

  it('ends only the sub-process at a terminate end inside it, and the whole instance at the top', () => {
    const sub: ProcessNode = {
      id: 'sp',
      type: 'subProcess',
      nodes: [
        { id: 'sStart', type: 'start' },
        { id: 'sFork', type: 'parallelGateway' },
        task('x'),
        task('y'),
        { id: 'sTerm', type: 'end', terminate: true },
        { id: 'sEnd', type: 'end' },
      ],
      edges: [
        { id: 's1', from: 'sStart', to: 'sFork' },
        { id: 's2', from: 'sFork', to: 'x' },
        { id: 's3', from: 'sFork', to: 'y' },
        { id: 's4', from: 'x', to: 'sTerm' },
        { id: 's5', from: 'y', to: 'sEnd' },
      ],
    };
    const d = new Driver(
      definition([start, sub, task('after'), end], ['start->sp', 'sp->after', 'after->end']),
    ).start();
    const y = d.task('y').id;
    d.complete('x', {}, 'r');
    expect(d.snap.tasks[y]!.status).toBe('cancelled');
    expect(d.waitingAt()).toEqual(['after']);
    const top = definition(
      [
        start,
        { id: 'f', type: 'parallelGateway' },
        task('a'),
        task('b'),
        { id: 'kill', type: 'end', terminate: true },
        end,
      ],
      ['start->f', 'f->a', 'f->b', 'a->kill', 'b->end'],
    );
    const d2 = new Driver(top).start();
    d2.complete('a', {}, 'r');
    expect(d2.snap.status).toBe('completed');
    expect(d2.openTasks()).toEqual([]);
  });

  it('holds a node until its trigger condition holds (after-sales starts once the contract is signed)', () => {
    const def = definition(
      [
        start,
        { id: 'f', type: 'parallelGateway' },
        task('afterSales', { trigger: { condition: 'contract.status = "signed"' } }),
        task('sign'),
        { id: 'j', type: 'parallelGateway' },
        end,
      ],
      ['start->f', 'f->afterSales', 'f->sign', 'afterSales->j', 'sign->j', 'j->end'],
      data({ contract: { type: 'object' } }),
    );
    const d = new Driver(def).start({ contract: { status: 'draft' } });
    expect(d.openTasks().map((t) => t.node)).toEqual(['sign']);
    expect(d.snap.tokens.find((t) => t.node === 'afterSales')?.wait).toMatchObject({ kind: 'trigger' });
    d.complete('sign', { contract: { status: 'signed' } }, 'rep1');
    expect(d.openTasks().map((t) => t.node)).toEqual(['afterSales']);
  });
});

describe('regressions found in review', () => {
  it('cancels the work inside a sub-process that an escalation leaves', () => {
    const sub: ProcessNode = {
      id: 'review',
      type: 'subProcess',
      deadline: { duration: 'PT1H', time: 'clock', escalations: [{ at: 1, action: { type: 'leave', edge: 'late' } }] },
      nodes: [{ id: 'sStart', type: 'start' }, task('check'), { id: 'sEnd', type: 'end' }],
      edges: [
        { id: 's1', from: 'sStart', to: 'check' },
        { id: 's2', from: 'check', to: 'sEnd' },
      ],
    };
    const def = definition(
      [start, sub, task('after'), task('chase'), end],
      [
        'start->review',
        'review->after',
        'after->end',
        'chase->end',
        { id: 'late', from: 'review', to: 'chase', escalation: true },
      ],
    );
    const d = new Driver(def, 0).start();
    const inner = d.task('check').id;
    d.advanceTo(3_600_000);
    expect(d.snap.tasks[inner]!.status).toBe('cancelled');
    expect(d.waitingAt()).toEqual(['chase']);
    d.complete('chase', {}, 'r');
    expect(d.snap.status).toBe('completed');
    expect(d.openTasks()).toEqual([]);
  });

  it('keeps the arrival edge of a token held by a trigger, so a join after it still fires', () => {
    const def = definition(
      [
        start,
        { id: 'f', type: 'parallelGateway' },
        task('a'),
        task('b'),
        { id: 'j', type: 'parallelGateway', trigger: { condition: 'ready = true' } },
        task('after'),
        end,
      ],
      ['start->f', 'f->a', 'f->b', 'a->j', 'b->j', 'j->after', 'after->end'],
      data({ ready: { type: 'boolean' } }),
    );
    const d = new Driver(def).start({ ready: false });
    d.complete('a', {}, 'r');
    d.complete('b', {}, 'r');
    expect(d.waitingAt()).toEqual(['j', 'j']);
    expect(d.snap.tokens.map((t) => t.wait)).toEqual([
      { kind: 'trigger', via: 'e3_a_j' },
      { kind: 'trigger', via: 'e4_b_j' },
    ]);
    const d2 = new Driver(def).start({ ready: true });
    d2.complete('a', {}, 'r');
    d2.complete('b', {}, 'r');
    expect(d2.waitingAt()).toEqual(['after']);
  });

  it('releases held join tokens by their own edges when the data changes', () => {
    const def = definition(
      [
        start,
        { id: 'f', type: 'parallelGateway' },
        task('a'),
        task('b'),
        task('gate'),
        { id: 'j', type: 'parallelGateway', trigger: { condition: 'ready = true' } },
        end,
      ],
      ['start->f', 'f->a', 'f->b', 'f->gate', 'a->j', 'b->j', 'gate->j', 'j->end'],
      data({ ready: { type: 'boolean' } }),
    );
    const d = new Driver(def).start({ ready: false });
    d.complete('a', {}, 'r');
    d.complete('b', {}, 'r');
    d.complete('gate', { ready: true }, 'r');
    expect(d.snap.status).toBe('completed');
  });

  it('uses the fallback when nobody in the office holds the role', () => {
    const def = definition(
      [start, task('a', { owner: { type: 'role', role: 'legal', fallback: { type: 'user', user: 'boss' } } }), end],
      ['start->a', 'a->end'],
    );
    const away = {
      users: Object.fromEntries([user('lawyer', ['legal'], ['legal'], { outOfOffice: true })]),
      teams: {},
    };
    expect(new Driver(def, 0, away).start().task('a').assignee).toBe('boss');
    const present = { users: Object.fromEntries([user('lawyer', ['legal'], ['legal'])]), teams: {} };
    expect(new Driver(def, 0, present).start().task('a').candidates.roles).toEqual(['legal']);
  });
});

describe('deadlines and escalation ladders', () => {
  const legal = (escalations: unknown[]): ProcessNode =>
    ({
      id: 'legal',
      type: 'userTask',
      owner: { type: 'role', role: 'legal' },
      outputs: { type: 'object', properties: { verdict: { type: 'string' } } },
      deadline: { duration: 'PT48H', calendar: 'cn-mainland', escalations },
    }) as ProcessNode;
  // "fast" is reached only by the escalation edge "timeout" (unused edges are just a warning).
  const flow = (node: ProcessNode) =>
    definition(
      [
        start,
        node,
        task('sign'),
        { id: 'fast', type: 'userTask', owner: { type: 'role', role: 'legal-manager' } },
        end,
      ],
      [
        'start->legal',
        'legal->sign',
        'sign->end',
        'fast->end',
        { id: 'timeout', from: 'legal', to: 'fast', escalation: true },
      ],
      { calendar: 'cn-mainland' },
    );

  it('escalates legal review to the legal manager after 48 working hours across National Day and a make-up Saturday', () => {
    const def = flow(
      legal([
        { at: 0.5, action: { type: 'remind' } },
        { at: 1, action: { type: 'reassign', to: { type: 'role', role: 'legal-manager' } } },
      ]),
    );
    // Tuesday 2025-09-30 10:00: 7 h that day, Oct 1–8 holiday, Thu 9 and Fri 10 (16 h), make-up
    // Saturday Oct 11 (8 h), Mon 13 and Tue 14 (16 h), and the last hour on Wed 15: 48 h.
    const d = new Driver(def, cst('2025-09-30T10:00:00')).start();
    const t = d.task('legal');
    expect(t.dueAt).toBe(cst('2025-10-15T10:00:00'));
    // Half-way (24 working hours) falls on the make-up Saturday.
    expect(d.timers.get(`${t.token}:esc:0`)).toBe(cst('2025-10-11T10:00:00'));
    d.advanceTo(cst('2025-10-11T10:00:00'));
    expect(d.effects).toContainEqual(expect.objectContaining({ type: 'notify', reason: 'reminder', task: t.id }));
    expect(d.task('legal').candidates.roles).toEqual(['legal']);
    d.advanceTo(cst('2025-10-15T09:59:59'));
    expect(d.task('legal').candidates.roles).toEqual(['legal']);
    d.advanceTo(cst('2025-10-15T10:00:00'));
    expect(d.task('legal')).toMatchObject({ candidates: { roles: ['legal-manager'] }, escalationLevel: 2 });
    expect(d.send({ type: 'complete', task: t.id, actor: { id: 'lawyer', roles: ['legal'] } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_NOT_ALLOWED' },
    });
    d.ok({ type: 'complete', task: t.id, actor: { id: 'lm', roles: ['legal-manager'] }, output: { verdict: 'ok' } });
    expect(d.waitingAt()).toEqual(['sign']);
    expect(d.timers.size).toBe(0);
  });

  it('notifies a role at a rung without touching the assignment', () => {
    const d = new Driver(
      flow(legal([{ after: 'PT4H', action: { type: 'notify', to: { type: 'role', role: 'sales-manager' } } }])),
      cst('2025-03-03T09:00:00'),
    ).start();
    d.advanceTo(cst('2025-03-03T14:00:00'));
    expect(d.all).toContainEqual(
      expect.objectContaining({
        type: 'notify',
        reason: 'escalation',
        action: 'notify',
        to: expect.objectContaining({ roles: ['sales-manager'] }) as unknown,
      }),
    );
    expect(d.task('legal').candidates.roles).toEqual(['legal']);
  });

  it('leaves by an escalation edge, cancelling the task', () => {
    const node = legal([{ at: 1, action: { type: 'leave', edge: 'timeout' } }]);
    const d = new Driver(flow(node), cst('2025-03-03T09:00:00')).start();
    const id = d.task('legal').id;
    d.advanceTo(cst('2025-03-11T09:00:00'));
    expect(d.snap.tasks[id]!.status).toBe('cancelled');
    expect(d.waitingAt()).toEqual(['fast']);
  });

  it('completes with a default output when the time is up', () => {
    const d = new Driver(
      flow(legal([{ at: 1, action: { type: 'complete', output: { verdict: 'approved-by-default' } } }])),
      cst('2025-03-03T09:00:00'),
    ).start();
    d.advanceTo(cst('2025-03-11T09:00:00'));
    expect(d.snap.data.verdict).toBe('approved-by-default');
    expect(d.waitingAt()).toEqual(['sign']);
  });

  it('reassigns to the manager of the previous assignee', () => {
    const def = definition(
      [
        start,
        task('a', { owner: { type: 'user', user: 'rep1' } }),
        task('b', {
          owner: { type: 'user', user: 'rep2' },
          deadline: {
            duration: 'PT1H',
            time: 'clock',
            escalations: [{ at: 1, action: { type: 'reassign', to: { type: 'managerOf', of: 'previousAssignee' } } }],
          },
        }),
        end,
      ],
      ['start->a', 'a->b', 'b->end'],
    );
    const directory = {
      users: Object.fromEntries([
        user('rep1', ['sales-rep'], ['east']),
        user('rep2', ['sales-rep'], ['west']),
        user('boss', ['sales-manager'], ['sales']),
      ]),
      teams: { east: { parent: 'sales', manager: 'eastLead' }, west: { parent: 'sales' }, sales: { manager: 'boss' } },
    };
    const d = new Driver(def, 0, directory).start();
    d.complete('a', {}, 'rep1');
    d.advanceTo(3_600_000);
    expect(d.task('b').assignee).toBe('eastLead');
  });

  it('yields exactly one outcome when completion and deadline meet in the same instant', () => {
    const node = legal([{ at: 1, action: { type: 'leave', edge: 'timeout' } }]);
    const def = flow(node);
    // Completion first: the escalation timer is cancelled; firing it late is a rejected no-op.
    const a = new Driver(def, cst('2025-03-03T09:00:00')).start();
    const t = a.task('legal');
    a.now = t.dueAt!;
    a.ok({ type: 'complete', task: t.id, actor: { id: 'l', roles: ['legal'] } });
    expect(a.send({ type: 'fireTimer', timer: `${t.token}:esc:0` })).toMatchObject({
      ok: false,
      error: { code: 'ENG_TIMER_NOT_FOUND' },
    });
    expect(a.waitingAt()).toEqual(['sign']);
    // Deadline first: the task is gone; the completion is a stale 409-style rejection.
    const b = new Driver(def, cst('2025-03-03T09:00:00')).start();
    b.advanceTo(t.dueAt!);
    expect(b.send({ type: 'complete', task: t.id, actor: { id: 'l', roles: ['legal'] } })).toMatchObject({
      ok: false,
      error: { code: 'ENG_TASK_NOT_OPEN' },
    });
    expect(b.waitingAt()).toEqual(['fast']);
  });
});

describe('assignment strategies', () => {
  const directory = () => ({
    users: Object.fromEntries([
      user('amy', ['sales-rep'], ['sales-east'], { openTasks: 3 }),
      user('bob', ['sales-rep'], ['sales-east'], { openTasks: 1 }),
      user('cat', ['sales-rep'], ['sales-west'], { openTasks: 0, outOfOffice: true }),
      user('dan', ['sales-rep'], ['sales-west'], { openTasks: 2 }),
      user('eve', ['sales-manager'], ['sales']),
    ]),
    teams: { sales: { manager: 'eve' }, 'sales-east': { parent: 'sales' }, 'sales-west': { parent: 'sales' } },
    cursors: {},
  });
  const one = (owner: unknown) =>
    definition(
      [start, task('a', { owner } as Partial<ProcessNode>), end],
      ['start->a', 'a->end'],
      data({ territory: { type: 'string' } }),
    );

  it('round-robins within a role, skipping people out of office, across instances', () => {
    const dir = directory();
    const picks = Array.from(
      { length: 5 },
      () => new Driver(one({ type: 'roundRobin', role: 'sales-rep' }), 0, dir).start().task('a').assignee,
    );
    expect(picks).toEqual(['amy', 'bob', 'dan', 'amy', 'bob']);
  });

  it('assigns by territory to the team of that region, with a default', () => {
    const owner = {
      type: 'byField',
      field: 'territory',
      map: {
        east: { type: 'team', team: 'sales-east' },
        west: { type: 'roundRobin', role: 'sales-rep', team: 'sales-west' },
      },
      default: { type: 'role', role: 'sales-manager' },
    };
    expect(new Driver(one(owner), 0, directory()).start({ territory: 'east' }).task('a').candidates.teams).toEqual([
      'sales-east',
    ]);
    expect(new Driver(one(owner), 0, directory()).start({ territory: 'west' }).task('a').assignee).toBe('dan');
    expect(new Driver(one(owner), 0, directory()).start({ territory: 'north' }).task('a').candidates.roles).toEqual([
      'sales-manager',
    ]);
  });

  it('assigns by a number or yes/no field through its string form, as the reference says', () => {
    const owner = {
      type: 'byField',
      field: 'tier',
      map: { '2': { type: 'team', team: 'key-accounts' }, true: { type: 'team', team: 'vip' } },
      default: { type: 'role', role: 'sales-manager' },
    };
    const byTier = () =>
      definition(
        [start, task('a', { owner } as Partial<ProcessNode>), end],
        ['start->a', 'a->end'],
        data({ tier: { type: ['integer', 'boolean'] } }),
      );
    expect(new Driver(byTier(), 0, directory()).start({ tier: 2 }).task('a').candidates.teams).toEqual([
      'key-accounts',
    ]);
    expect(new Driver(byTier(), 0, directory()).start({ tier: true }).task('a').candidates.teams).toEqual(['vip']);
    expect(new Driver(byTier(), 0, directory()).start({ tier: 3 }).task('a').candidates.roles).toEqual([
      'sales-manager',
    ]);
  });

  it('picks the least loaded rep and falls back when the named user is out of office', () => {
    expect(new Driver(one({ type: 'leastLoaded', role: 'sales-rep' }), 0, directory()).start().task('a').assignee).toBe(
      'bob',
    );
    expect(
      new Driver(one({ type: 'user', user: 'cat', fallback: { type: 'managerOf', of: 'initiator' } }), 0, directory())
        .start({}, 'amy')
        .task('a').assignee,
    ).toBe('eve');
  });

  it('assigns to the initiator', () => {
    expect(new Driver(one({ type: 'initiator' }), 0).start({}, 'rep9').task('a').assignee).toBe('rep9');
  });
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
