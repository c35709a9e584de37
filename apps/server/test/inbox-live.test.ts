import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { builtinCalendars, createCalendar } from '@baton/definition';
import { type TestApp, backends, startTestApp } from './harness.ts';
import { openLiveInbox } from './live-inbox.ts';
import { advanceClock, definition, openTaskAt, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

// What the web inbox needs from the server besides the lists themselves: the working time left
// to each to-do task's deadline on its node's calendar, each started instance's current steps,
// and a push when someone is cc'd, so the cc list and its unread count update live.

const hour = 3_600_000;

/** A check for rep1 due in 4 working hours on the Chinese mainland calendar, then a look by rep2 on the standard one. */
const timed = definition(
  'timed',
  [
    { id: 'start', type: 'start' },
    {
      id: 'check',
      type: 'userTask',
      owner: { type: 'user', user: 'rep1' },
      deadline: { duration: 'PT4H', time: 'working' },
    },
    {
      id: 'look',
      type: 'userTask',
      calendar: 'standard',
      owner: { type: 'user', user: 'rep2' },
      deadline: { duration: 'P1D', time: 'working' },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->check', 'check->look', 'look->end'],
  { calendar: 'cn-mainland' },
);

describe.each(backends)('inbox support: working time left, current steps, cc pushes ($name)', (backend) => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await publishAndDeploy(t, 'timed', timed);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives every to-do task the working time left to its deadline on its node’s calendar, negative once overdue', async () => {
    const instanceId = await startInstance(t, 'manager', 'timed');
    const cn = createCalendar(builtinCalendars['cn-mainland']);
    const first = (await t.client('rep1').listTodo({ process: 'timed' })).items.find(
      (x) => x.instanceId === instanceId,
    );
    expect(first?.timeLeft).toBeDefined();
    const due = Date.parse(first!.dueAt!);
    const at = Date.parse(first!.timeLeft!.at);
    expect(first!.timeLeft).toEqual({
      calendar: 'cn-mainland',
      workingMs: cn.workingMillisBetween(at, due),
      totalWorkingMs: 4 * hour,
      at: first!.timeLeft!.at,
    });
    expect(first!.timeLeft!.workingMs).toBeLessThanOrEqual(4 * hour);

    // Ten calendar days on, the task is overdue by the working time since its deadline.
    advanceClock(t, 240 * hour);
    const late = (await t.client('rep1').listTodo({ process: 'timed' })).items.find(
      (x) => x.instanceId === instanceId,
    )!;
    const lateAt = Date.parse(late.timeLeft!.at);
    expect(late.timeLeft!.workingMs).toBe(-cn.workingMillisBetween(due, lateAt));
    expect(late.timeLeft!.workingMs).toBeLessThan(0);
    // Ten calendar days hold at most eight working days of nine hours.
    expect(-late.timeLeft!.workingMs).toBeLessThan(240 * hour);

    // The next step counts on its own node's calendar.
    const check = await openTaskAt(t, instanceId, 'check');
    await t.client('rep1').completeTask(check.id, {});
    const look = (await t.client('rep2').listTodo({ process: 'timed' })).items.find(
      (x) => x.instanceId === instanceId,
    )!;
    const standard = createCalendar(builtinCalendars.standard);
    expect(look.timeLeft).toMatchObject({
      calendar: 'standard',
      workingMs: standard.workingMillisBetween(Date.parse(look.timeLeft!.at), Date.parse(look.dueAt!)),
    });
  });

  it('lists each started instance with its current steps (open tasks), none once it ended', async () => {
    const instanceId = await startInstance(t, 'manager', 'timed');
    const page = await t.client('manager').listStarted({ process: 'timed' });
    const item = page.items.find((x) => x.id === instanceId)!;
    expect(item.current).toEqual([
      expect.objectContaining({ nodeId: 'check', assignee: 'rep1', taskId: expect.any(Number) as number }),
    ]);
    await t.client('rep1').completeTask(item.current[0]!.taskId, {});
    const moved = (await t.client('manager').listStarted({ process: 'timed' })).items.find((x) => x.id === instanceId)!;
    expect(moved.current.map((c) => [c.nodeId, c.assignee])).toEqual([['look', 'rep2']]);
    await t.client('rep2').completeTask(moved.current[0]!.taskId, {});
    const ended = (await t.client('manager').listStarted({ process: 'timed' })).items.find((x) => x.id === instanceId)!;
    expect(ended.status).toBe('completed');
    expect(ended.current).toEqual([]);
  });

  it('pushes cc.created to the users cc’d, and only to them', async () => {
    const instanceId = await startInstance(t, 'manager', 'timed');
    const finance = await openLiveInbox(baseUrl, await t.token('finance'));
    const legal = await openLiveInbox(baseUrl, await t.token('legal'));
    try {
      const check = await openTaskAt(t, instanceId, 'check');
      await t.client('rep1').completeTask(check.id, { cc: ['finance'] });
      expect(await finance.next()).toMatchObject({
        type: 'cc.created',
        instanceId,
        nodeId: 'check',
        by: 'rep1',
        reason: 'chosen',
      });
      expect((await t.client('finance').listCounts()).ccUnread).toBe(1);
      // legal was not cc'd: nothing about it reached legal's socket (published in the same batch as finance's).
      expect(legal.messages.filter((m) => m.type === 'cc.created')).toEqual([]);
    } finally {
      finance.close();
      legal.close();
    }
  });
});
