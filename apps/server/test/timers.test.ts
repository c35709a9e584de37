import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@baton/client';
import { createNullHub } from '../src/ws/hub.ts';
import { Runtime } from '../src/runtime/runtime.ts';
import { type TestApp, backends, startTestApp } from './harness.ts';
import {
  advanceClock,
  advanceClockPast,
  complete,
  definition,
  instanceDetail,
  openTaskAt,
  publishAndDeploy,
  runLoopNow,
  startInstance,
} from './run-loop-helpers.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** start → wait (a one-hour clock timer) → work → end. */
const waiting = definition(
  'waiting',
  [
    { id: 'start', type: 'start' },
    { id: 'wait', type: 'timer', timer: { duration: 'PT1H', time: 'clock' } },
    { id: 'work', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'end', type: 'end' },
  ],
  ['start->wait', 'wait->work', 'work->end'],
);

/** A review due in one clock hour; at the deadline the escalation leaves along an escalation edge to "late". */
const racing = definition(
  'racing',
  [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'userTask',
      owner: { type: 'role', role: 'sales-rep' },
      deadline: {
        duration: 'PT1H',
        time: 'clock',
        escalations: [{ at: 1, action: { type: 'leave', edge: 'too-late' } }],
      },
    },
    { id: 'done', type: 'end' },
    { id: 'late', type: 'end' },
  ],
  ['start->review', 'review->done', { id: 'too-late', from: 'review', to: 'late', escalation: true }],
);

/** A timer whose date is in the past: due the moment it is scheduled. */
const immediate = definition(
  'immediate',
  [
    { id: 'start', type: 'start' },
    { id: 'wait', type: 'timer', timer: { date: '"2020-01-01T00:00:00Z"' } },
    { id: 'work', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'end', type: 'end' },
  ],
  ['start->wait', 'wait->work', 'work->end'],
);

describe.each(backends)('timers on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { timers: { intervalMs: 60_000 } });
    await publishAndDeploy(t, 'waiting', waiting);
    await publishAndDeploy(t, 'racing', racing);
    await publishAndDeploy(t, 'immediate', immediate);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function timerRows(instanceId: string) {
    return t.database.db.selectFrom('timers').selectAll().where('instance_id', '=', instanceId).orderBy('id').execute();
  }

  it('fires a due timer exactly once, and not before it is due', async () => {
    const id = await startInstance(t, 'rep1', 'waiting');
    const [row] = await timerRows(id);
    expect(row).toMatchObject({ kind: 'timer', key: `${id}:t1:timer`, fired_at: null, attempt: 0 });
    const now = await runLoopNow(t);
    expect(row!.due_at.getTime() - now).toBeGreaterThan(3_590_000);

    await t.app.runtime.timers.runOnce();
    expect((await timerRows(id))[0]!.fired_at).toBeNull();

    await advanceClockPast(t, row!.due_at.getTime());
    await t.app.runtime.timers.runOnce();
    await t.app.runtime.timers.runOnce();
    const after = await timerRows(id);
    expect(after[0]!.fired_at).not.toBeNull();
    expect(after[0]!.attempt).toBe(1);
    const detail = await instanceDetail(t, id);
    expect(detail.activeNodes).toEqual(['work']);
    expect(detail.history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
    // History is stamped with the run loop's clock, so the timer fired at or after its due instant.
    expect(Date.parse(detail.history.find((h) => h.type === 'timer.fired')!.at)).toBeGreaterThanOrEqual(
      row!.due_at.getTime(),
    );
  });

  it('claims a timer due within the look-ahead and fires it when it falls due, never before, even when its clock estimate runs ahead', async () => {
    const poller = t.app.runtime.timers;
    expect(poller.lookAheadMs).toBe(1000);
    const id = await startInstance(t, 'rep1', 'waiting');
    const due = (await timerRows(id))[0]!.due_at.getTime();
    advanceClock(t, due - (await runLoopNow(t)) - 300); // due in 300 ms

    await poller.runOnce();
    const [claimed] = await timerRows(id);
    expect(claimed).toMatchObject({ locked_by: t.app.runtime.workerId, attempt: 1, fired_at: null });
    // Firing it now is refused by the database clock: nothing happens, the claim still holds.
    const timer = {
      id: claimed!.id,
      instanceId: id,
      key: claimed!.key,
      timer: 't1:timer',
      attempt: 1,
      dueAt: claimed!.due_at,
    };
    expect(await poller.fire(timer)).toBe('early');
    expect(await t.app.runtime.fireTimers([timer, timer])).toEqual(['early', 'early']);
    // A process clock stepped far ahead of the database's (simulated: the poller's estimate of
    // the difference is 5 s too high): the poller tries, the read refuses, the timer waits again.
    const estimate = t.app.runtime.databaseClock;
    Reflect.set(
      estimate,
      'samples',
      (Reflect.get(estimate, 'samples') as number[]).map((sample) => sample + 5000),
    );
    await poller.runOnce();
    expect((await timerRows(id))[0]).toMatchObject({ locked_by: t.app.runtime.workerId, attempt: 1, fired_at: null });
    expect((await instanceDetail(t, id)).activeNodes).toEqual(['wait']);

    advanceClock(t, 400);
    await poller.runOnce();
    const [fired] = await timerRows(id);
    expect(fired!.fired_at!.getTime()).toBeGreaterThanOrEqual(due);
    expect(fired!.attempt).toBe(1); // fired on the claim taken ahead: never claimed twice
    const detail = await instanceDetail(t, id);
    expect(detail.activeNodes).toEqual(['work']);
    expect(detail.history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
  });

  it('fires the due timers of many instances together, each exactly once, skipping a stolen claim and a cancelled timer', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await startInstance(t, 'rep1', 'waiting'));
    const rows = await t.database.db.selectFrom('timers').selectAll().where('instance_id', 'in', ids).execute();
    expect(rows).toHaveLength(40);
    await advanceClockPast(t, Math.max(...rows.map((r) => r.due_at.getTime())));
    // Without the claim's copies of the instances (`instance`): the chunk reads them itself.
    const claimed = (await t.app.runtime.timers.claim(1000))
      .filter((c) => ids.includes(c.instanceId))
      .map(({ instance: _, ...c }) => c);
    expect(claimed).toHaveLength(40);
    // One claim is taken over by another process (its attempt moves on); one instance is terminated meanwhile.
    await t.database.db
      .updateTable('timers')
      .set({ attempt: claimed[0]!.attempt + 1, locked_by: 'someone-else' })
      .where('id', '=', claimed[0]!.id)
      .execute();
    expect((await t.call('ops', (c) => c.terminateInstance(claimed[1]!.instanceId, {}))).statusCode).toBe(200);
    const results = await t.app.runtime.fireTimers(claimed);
    expect(results[0]).toBe('stale');
    expect(results.slice(2)).toEqual(Array(38).fill('fired'));
    // Terminating deleted the row's pending timer, so the engine no longer knows it: refused (or, if the read saw it gone, stale).
    expect(['refused', 'stale']).toContain(results[1]);
    for (const id of ids.filter((id) => id !== claimed[0]!.instanceId && id !== claimed[1]!.instanceId)) {
      const detail = await instanceDetail(t, id);
      expect(detail.history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
      expect(detail.activeNodes).toEqual(['work']);
    }
    const stolen = await instanceDetail(t, claimed[0]!.instanceId);
    expect(stolen.history.filter((h) => h.type === 'timer.fired')).toHaveLength(0);
    // Firing the same claims again changes nothing: every step is guarded and every claim is spent.
    const again = await t.app.runtime.fireTimers(claimed.slice(2));
    expect(new Set(again)).toEqual(new Set(['stale']));
    // The other process never finishes: once its lease has run out, the poller fires the timer, once.
    advanceClock(t, 60_000);
    await t.app.runtime.timers.runOnce();
    expect(
      (await instanceDetail(t, claimed[0]!.instanceId)).history.filter((h) => h.type === 'timer.fired'),
    ).toHaveLength(1);
  });

  it('fires the healthy timers of a chunk when one of them cannot be fired (a corrupt instance), and keeps that one claimed for a later try', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await startInstance(t, 'rep1', 'waiting'));
    const rows = await t.database.db.selectFrom('timers').selectAll().where('instance_id', 'in', ids).execute();
    // One instance's snapshot is damaged in the database: stepping it throws.
    const broken = ids[5]!;
    await t.database.db
      .updateTable('instances')
      .set({ snapshot: JSON.stringify({ status: 'running' }) })
      .where('id', '=', broken)
      .execute();
    await advanceClockPast(t, Math.max(...rows.map((r) => r.due_at.getTime())));
    const errors: unknown[] = [];
    const logger = Reflect.get(t.app.runtime.timers, 'logger') as { error: (...args: unknown[]) => void };
    const original = logger.error;
    logger.error = (...args: unknown[]) => errors.push(args);
    try {
      await t.app.runtime.timers.runOnce();
    } finally {
      logger.error = original;
    }
    for (const id of ids.filter((id) => id !== broken)) {
      expect((await instanceDetail(t, id)).activeNodes, id).toEqual(['work']);
    }
    const [stuck] = await timerRows(broken);
    expect(stuck).toMatchObject({ fired_at: null, locked_by: t.app.runtime.workerId, attempt: 1 });
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain(stuck!.key);
    // Tidy: end the broken instance and its timer so later tests find nothing claimed.
    await t.database.db.deleteFrom('timers').where('instance_id', '=', broken).execute();
  });

  it('fires a chunk on the copies the claim read, without a read; a copy gone stale (a stolen claim, a terminated instance) fires alone with a read', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await startInstance(t, 'rep1', 'waiting'));
    const rows = await t.database.db.selectFrom('timers').selectAll().where('instance_id', 'in', ids).execute();
    await advanceClockPast(t, Math.max(...rows.map((r) => r.due_at.getTime())));
    const claimed = (await t.app.runtime.timers.claim(1000)).filter((c) => ids.includes(c.instanceId));
    expect(claimed.map((c) => c.instance?.id)).toEqual(claimed.map((c) => c.instanceId));
    await t.database.db
      .updateTable('timers')
      .set({ attempt: claimed[0]!.attempt + 1, locked_by: 'someone-else' })
      .where('id', '=', claimed[0]!.id)
      .execute();
    expect((await t.call('ops', (c) => c.terminateInstance(claimed[1]!.instanceId, {}))).statusCode).toBe(200);

    expect(await t.app.runtime.fireTimers(claimed)).toEqual(['single', 'single', 'fired', 'fired']);
    // Alone, with a read: the stolen claim does nothing, the terminated instance's timer is gone.
    expect(await t.app.runtime.timers.fire(claimed[0]!)).toBe('stale');
    expect(await t.app.runtime.timers.fire(claimed[1]!)).toBe('stale');
    for (const c of claimed.slice(2)) {
      const detail = await instanceDetail(t, c.instanceId);
      expect(detail.activeNodes).toEqual(['work']);
      expect(detail.history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
    }
    expect(
      (await instanceDetail(t, claimed[0]!.instanceId)).history.filter((h) => h.type === 'timer.fired'),
    ).toHaveLength(0);
    // The other process gives its claim up: the poller fires that timer, once.
    await t.database.db
      .updateTable('timers')
      .set({ locked_by: null, lease_until: null })
      .where('id', '=', claimed[0]!.id)
      .execute();
    await t.app.runtime.timers.runOnce();
    expect(
      (await instanceDetail(t, claimed[0]!.instanceId)).history.filter((h) => h.type === 'timer.fired'),
    ).toHaveLength(1);
  });

  it('does nothing for a cancelled timer: completing the task deletes the deadline rows, a stale claim fires nothing', async () => {
    const id = await startInstance(t, 'rep1', 'racing');
    const rows = await timerRows(id);
    expect(rows.map((r) => r.kind)).toEqual(['deadline', 'escalation']);
    await advanceClockPast(t, rows[0]!.due_at.getTime());
    // This process claims both timers, then the rep completes the task before they fire.
    const claimed = await t.app.runtime.timers.claim();
    expect(claimed.map((c) => [c.instanceId, c.timer])).toEqual([
      [id, 't1:due'],
      [id, 't1:esc:0'],
    ]);
    const task = await openTaskAt(t, id, 'review');
    expect((await complete(t, 'rep1', task.id)).statusCode).toBe(200);
    expect(await timerRows(id)).toEqual([]);
    for (const c of claimed) expect(await t.app.runtime.timers.fire(c)).toBe('stale');
    const detail = await instanceDetail(t, id);
    expect(detail.instance.status).toBe('completed');
    expect(detail.history.map((h) => h.type)).not.toContain('escalation.fired');
    expect(detail.history.map((h) => h.type)).not.toContain('timer.fired');
  });

  it('B3: a completion and its own deadline at the same instant → exactly one outcome per trial (50 trials)', async () => {
    const outcomes = { completed: 0, escalated: 0 };
    for (let trial = 0; trial < 50; trial++) {
      const id = await startInstance(t, 'rep1', 'racing');
      const task = await openTaskAt(t, id, 'review');
      await advanceClockPast(t, Date.parse(task.dueAt!), 1);
      // The poller starts after a varying number of event-loop turns, so either side can win.
      const poll = async () => {
        for (let i = 0; i < (trial % 10) * 4; i++) await new Promise((resolve) => setImmediate(resolve));
        return t.app.runtime.timers.runOnce();
      };
      const [response] = await Promise.all([complete(t, trial % 2 === 0 ? 'rep1' : 'rep2', task.id), poll()]);
      const detail = await instanceDetail(t, id);
      const types = detail.history.map((h) => h.type);
      const completed = types.filter((x) => x === 'task.completed').length;
      const escalated = types.filter((x) => x === 'escalation.fired').length;
      expect(completed + escalated, `trial ${trial}: ${types.join(',')}`).toBe(1);
      expect(detail.instance.status).toBe('completed');
      if (completed === 1) {
        outcomes.completed += 1;
        expect(response.statusCode).toBe(200);
        expect(detail.tasks[0]!.status).toBe('completed');
      } else {
        outcomes.escalated += 1;
        expect(response.statusCode).toBe(409);
        expect(response.json<ApiErrorBody>().code).toBe('API_TASK_NOT_OPEN');
        expect(detail.tasks[0]!.status).toBe('cancelled');
        // An escalation never follows a completion: the escalation was the last thing that happened to the task.
        expect(types.indexOf('escalation.fired')).toBeGreaterThan(types.indexOf('task.created'));
      }
      // Whatever won, no timer of the instance is left pending or fired twice.
      const rows = await timerRows(id);
      expect(rows.every((r) => r.fired_at !== null)).toBe(true);
      expect(types.filter((x) => x === 'timer.fired').length).toBeLessThanOrEqual(2);
    }
    console.log('B3 outcomes over 50 trials', outcomes);
    expect(outcomes.completed + outcomes.escalated).toBe(50);
    // The jitter makes both sides win at least once, so both paths were exercised.
    expect(outcomes.completed).toBeGreaterThan(0);
    expect(outcomes.escalated).toBeGreaterThan(0);
  });

  it('releases claims on close, so another process fires them at once; a holder whose lease was taken over does nothing (fencing)', async () => {
    const a = await startInstance(t, 'rep1', 'waiting');
    const b = await startInstance(t, 'rep1', 'waiting');
    const due = (await timerRows(a))[0]!.due_at.getTime();
    await advanceClockPast(t, Math.max(due, (await timerRows(b))[0]!.due_at.getTime()));

    // Process A claims both timers and is stopped before firing: its claims are released.
    const processA = new Runtime({
      database: t.database,
      hub: createNullHub(),
      logger: silent,
      clockOffsetMs: t.app.runtime.clock.offsetMs,
    });
    const claimedByA = await processA.timers.claim();
    expect(claimedByA).toHaveLength(2);
    expect((await timerRows(a))[0]!.locked_by).toBe(processA.workerId);
    await processA.stopWorkers();
    expect((await timerRows(a))[0]).toMatchObject({ locked_by: null, lease_until: null, fired_at: null });

    // Process C claims instance a's timer; its lease runs out (C stalls); this app takes it over and fires it.
    const processC = new Runtime({
      database: t.database,
      hub: createNullHub(),
      logger: silent,
      clockOffsetMs: t.app.runtime.clock.offsetMs,
    });
    const claimedByC = await processC.timers.claim(1);
    expect(claimedByC).toHaveLength(1);
    expect(await t.app.runtime.timers.claim()).toHaveLength(1); // only the other one is free
    advanceClock(t, 31_000);
    await t.app.runtime.timers.runOnce();
    // C wakes up and tries to fire with its old claim: the fencing token no longer matches.
    processC.setClockOffset(t.app.runtime.clock.offsetMs);
    expect(await processC.timers.fire(claimedByC[0]!)).toBe('stale');
    for (const id of [a, b]) {
      const detail = await instanceDetail(t, id);
      expect(detail.activeNodes).toEqual(['work']);
      expect(detail.history.filter((h) => h.type === 'timer.fired')).toHaveLength(1);
      const [row] = await timerRows(id);
      expect(row!.fired_at).not.toBeNull();
    }
    // The run loop's app releases its own claims when it closes, as checked on A; nothing is left locked.
    expect(
      (
        await t.database.db
          .selectFrom('timers')
          .select('id')
          .where('fired_at', 'is', null)
          .where('locked_by', 'is not', null)
          .execute()
      ).length,
    ).toBe(0);
  });

  it('takes over at once the claims of a process that is gone (it holds no presence lock), before their lease runs out', async () => {
    const id = await startInstance(t, 'rep1', 'waiting');
    const live = await startInstance(t, 'rep1', 'waiting');
    await advanceClockPast(t, (await timerRows(live))[0]!.due_at.getTime());
    const leaseUntil = new Date((await runLoopNow(t)) + 30_000);
    // A process claimed one timer for 30 s and died: nothing on the database says it is alive.
    await t.database.db
      .updateTable('timers')
      .set({ locked_by: 'crashed-host:4242:abcdef', lease_until: leaseUntil, attempt: 1 })
      .where('instance_id', '=', id)
      .execute();
    // A live holder's claim is respected (this process announced itself with its first claim).
    await t.database.db
      .updateTable('timers')
      .set({ locked_by: t.app.runtime.workerId, lease_until: leaseUntil, attempt: 1 })
      .where('instance_id', '=', live)
      .execute();

    const claimed = (await t.app.runtime.timers.claim(1000)).filter(
      (c) => c.instanceId === id || c.instanceId === live,
    );
    expect(claimed.map((c) => [c.instanceId, c.attempt])).toEqual([[id, 2]]);
    await t.app.runtime.timers.fire(claimed[0]!);
    expect((await instanceDetail(t, id)).activeNodes).toEqual(['work']);
    // Tidy: give the other claim back so later tests find nothing locked.
    await t.database.db
      .updateTable('timers')
      .set({ locked_by: null, lease_until: null })
      .where('instance_id', '=', live)
      .execute();
  });

  it('wakes the running poller with NOTIFY when a transaction schedules a timer due before its next poll', async () => {
    // The app's poller polls once a minute; only the NOTIFY sent on commit can make it fire in time.
    await t.app.runtime.timers.start();
    try {
      const id = await startInstance(t, 'rep1', 'immediate');
      await expect
        .poll(async () => (await instanceDetail(t, id)).activeNodes, { timeout: 10_000, interval: 50 })
        .toEqual(['work']);
      expect((await timerRows(id))[0]!.fired_at).not.toBeNull();
    } finally {
      await t.app.runtime.timers.stop();
    }
  });
});
