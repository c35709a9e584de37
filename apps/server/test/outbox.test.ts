import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@baton/client';
import { type TestApp, backends, startTestApp } from './harness.ts';
import {
  advanceClock,
  definition,
  instanceDetail,
  openTaskAt,
  publishAndDeploy,
  runLoopNow,
  startInstance,
} from './run-loop-helpers.ts';

/** A localhost port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const attributed = definition(
  'attributed',
  [
    { id: 'start', type: 'start' },
    {
      id: 'attribute',
      type: 'automaticTask',
      action: { kind: 'action', name: 'attributeDeal', params: { rule: 'owner-of-lead' } },
      resultField: 'attribution',
    },
    { id: 'check', type: 'userTask', owner: { type: 'initiator' } },
    { id: 'end', type: 'end' },
  ],
  ['start->attribute', 'attribute->check', 'check->end'],
  { data: { type: 'object', properties: { quoteAmount: { type: 'number' }, territory: { type: 'string' } } } },
);

describe.each(backends)('outbox on $name', (backend) => {
  let t: TestApp;
  let port: number;
  const calls: Array<{ params: unknown; instanceId: string }> = [];
  beforeAll(async () => {
    port = await closedPort();
    t = await startTestApp(backend, {
      actions: {
        async attributeDeal({ data, params, instanceId, initiator }) {
          calls.push({ params, instanceId });
          return { rep: initiator, team: data.territory ?? null, amount: data.quoteAmount ?? 0 };
        },
        async broken() {
          throw new Error('CRM is down');
        },
      },
    });
    await publishAndDeploy(t, 'attributed', attributed);
    const failing = definition(
      'failing',
      [
        { id: 'start', type: 'start' },
        {
          id: 'notify-crm',
          type: 'automaticTask',
          action: { kind: 'http', method: 'POST', url: `http://127.0.0.1:${port}/hook`, body: '{lead: leadId}' },
          retry: { maxAttempts: 2, backoff: 'PT1S' },
          resultField: 'crm',
        },
        { id: 'follow-up', type: 'userTask', owner: { type: 'initiator' } },
        { id: 'end', type: 'end' },
      ],
      ['start->notify-crm', 'notify-crm->follow-up', 'follow-up->end'],
      { data: { type: 'object', properties: { leadId: { type: 'string' }, crm: { type: 'object' } } } },
    );
    await publishAndDeploy(t, 'failing', failing);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('delivers an automatic action after commit: the result lands in the data and the instance moves on; a redelivery is a no-op', async () => {
    const id = await startInstance(t, 'rep2', 'attributed', { data: { quoteAmount: 5000, territory: 'west' } });
    let detail = await instanceDetail(t, id);
    expect(detail.activeNodes).toEqual(['attribute']);
    const rows = await t.database.db.selectFrom('outbox').selectAll().where('instance_id', '=', id).execute();
    expect(rows).toHaveLength(1);
    // Key: the instance and the engine's call id (token and a sequence number, unique per instance).
    expect(rows[0]).toMatchObject({ kind: 'service', delivered_at: null, attempts: 0 });
    expect(rows[0]!.key).toMatch(new RegExp(`^${id}:t1:\\d+$`));

    // Claimed, then the worker "crashes" before delivering: the claim expires and the row is delivered once.
    const first = await t.app.runtime.outbox.claim();
    expect(first.map((r) => r.id)).toEqual([rows[0]!.id]);
    expect(await t.app.runtime.outbox.claim()).toEqual([]);
    advanceClock(t, 31_000);
    await t.app.runtime.outbox.runOnce();
    detail = await instanceDetail(t, id);
    expect(detail.instance.data.attribution).toEqual({ rep: 'rep2', team: 'west', amount: 5000 });
    expect(detail.activeNodes).toEqual(['check']);
    expect(calls.filter((c) => c.instanceId === id)).toEqual([{ params: { rule: 'owner-of-lead' }, instanceId: id }]);
    // The stale first claim delivers nothing: its fencing token was taken over.
    expect(await t.app.runtime.outbox.deliver(first[0]!)).toBe('stale');
    const after = await t.database.db
      .selectFrom('outbox')
      .selectAll()
      .where('instance_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after.delivered_at).not.toBeNull();
    expect(after.attempts).toBe(2);
    expect(detail.history.filter((h) => h.type === 'service.completed')).toHaveLength(1);
  });

  it('takes over at once a call claimed by a process that is gone (no presence lock), not after its lease', async () => {
    const id = await startInstance(t, 'rep2', 'attributed', { data: { quoteAmount: 700, territory: 'east' } });
    const row = await t.database.db
      .selectFrom('outbox')
      .selectAll()
      .where('instance_id', '=', id)
      .executeTakeFirstOrThrow();
    // A process claimed it for 30 s and died; another live one (this app) holds a claim of its own.
    const leased = new Date((await runLoopNow(t)) + 30_000);
    await t.database.db
      .updateTable('outbox')
      .set({ locked_by: 'crashed-host:4242:abcdef', next_attempt_at: leased, attempts: 1 })
      .where('id', '=', row.id)
      .execute();
    const claimed = await t.app.runtime.outbox.claim();
    expect(claimed.map((r) => [r.id, r.attempts])).toEqual([[row.id, 2]]);
    // Its own claim is alive, so nothing else is free until it is delivered or its lease runs out.
    expect(await t.app.runtime.outbox.claim()).toEqual([]);
    expect(await t.app.runtime.outbox.deliver(claimed[0]!)).toBe('delivered');
    expect((await instanceDetail(t, id)).instance.data.attribution).toEqual({ rep: 'rep2', team: 'east', amount: 700 });
  });

  it('a failing HTTP call is retried by the engine (retry timer), ends in an incident, and an operator can retry or skip it', async () => {
    const id = await startInstance(t, 'rep1', 'failing', { data: { leadId: 'L-9' } });
    await t.app.runtime.outbox.runOnce(); // attempt 1: connection refused
    let detail = await instanceDetail(t, id);
    expect(detail.history.filter((h) => h.type === 'service.failed')).toHaveLength(1);
    expect(detail.incidents).toEqual([]);
    const retryTimer = await t.database.db
      .selectFrom('timers')
      .selectAll()
      .where('instance_id', '=', id)
      .where('kind', '=', 'retry')
      .executeTakeFirstOrThrow();
    expect(retryTimer.fired_at).toBeNull();

    advanceClock(t, 2_000);
    await t.app.runtime.timers.runOnce(); // the retry timer asks for attempt 2
    await t.app.runtime.outbox.runOnce(); // attempt 2 fails too: the policy allows 2 attempts
    detail = await instanceDetail(t, id);
    expect(detail.history.filter((h) => h.type === 'service.failed')).toHaveLength(2);
    expect(detail.incidents).toHaveLength(1);
    const incident = detail.incidents[0]!;
    expect(incident).toMatchObject({ node: 'notify-crm', code: 'ENG_SERVICE_FAILED' });
    expect(incident.message).toMatch(/ECONNREFUSED|fetch failed/);
    const outbox = await t.database.db
      .selectFrom('outbox')
      .select(['delivered_at', 'last_error'])
      .where('instance_id', '=', id)
      .orderBy('id')
      .execute();
    expect(outbox).toHaveLength(2);
    expect(outbox.every((r) => r.delivered_at !== null && r.last_error !== null)).toBe(true);

    // Participants may not resolve incidents; unknown incidents are 404.
    expect((await t.call('rep1', (c) => c.retryIncident(id, incident.id))).statusCode).toBe(403);
    const missing = await t.call('ops', (c) => c.retryIncident(id, 'i999'));
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ApiErrorBody>().code).toBe('API_INCIDENT_NOT_FOUND');

    // Retry: the call goes out again (a new outbox row) and fails again after its retries.
    const retried = await t.call('ops', (c) => c.retryIncident(id, incident.id));
    expect(retried.statusCode, retried.body).toBe(200);
    expect((await instanceDetail(t, id)).incidents).toEqual([]);
    await t.app.runtime.outbox.runOnce();
    advanceClock(t, 2_000);
    await t.app.runtime.timers.runOnce();
    await t.app.runtime.outbox.runOnce();
    detail = await instanceDetail(t, id);
    expect(detail.incidents).toHaveLength(1);
    expect(await t.database.db.selectFrom('outbox').select('id').where('instance_id', '=', id).execute()).toHaveLength(
      4,
    );

    // Skip with the result the CRM should have given: the instance moves on.
    const badSkip = await t.call('ops', (c) =>
      c.skipIncident(id, detail.incidents[0]!.id, { output: { initiator: 'ops' } }),
    );
    expect(badSkip.statusCode).toBe(400);
    const skipped = await t.call('admin', (c) =>
      c.skipIncident(id, detail.incidents[0]!.id, { output: { crm: { id: 'manual-1' } } }),
    );
    expect(skipped.statusCode, skipped.body).toBe(200);
    detail = await instanceDetail(t, id);
    expect(detail.incidents).toEqual([]);
    expect(detail.instance.data.crm).toEqual({ id: 'manual-1' });
    expect(detail.activeNodes).toEqual(['follow-up']);
    expect(detail.history.filter((h) => h.type === 'incident.resolved').map((h) => h.data.how)).toEqual([
      'retried',
      'skipped',
    ]);
    expect((await openTaskAt(t, id, 'follow-up')).assignee).toBe('rep1');
  });

  it('does not call a URL outside the HTTP action allow-list: the incident is raised at once, nothing is sent', async () => {
    const sent: string[] = [];
    const guarded = await startTestApp(backend, {
      outbox: {
        httpAllow: ['https://crm.example.com'],
        fetch: (async (url: string) => {
          sent.push(String(url));
          return new Response('{"id":"c-1"}', { status: 200, headers: { 'content-type': 'application/json' } });
        }) as typeof fetch,
      },
    });
    try {
      const call = (url: string) =>
        definition(
          'guarded',
          [
            { id: 'start', type: 'start' },
            {
              id: 'notify-crm',
              type: 'automaticTask',
              action: { kind: 'http', method: 'POST', url },
              retry: { maxAttempts: 3, backoff: 'PT1S' },
              resultField: 'crm',
            },
            { id: 'follow-up', type: 'userTask', owner: { type: 'initiator' } },
            { id: 'end', type: 'end' },
          ],
          ['start->notify-crm', 'notify-crm->follow-up', 'follow-up->end'],
          { data: { type: 'object', properties: { crm: { type: 'object' } } } },
        );
      // A look-alike host is outside the list, however it starts.
      await publishAndDeploy(guarded, 'guarded', call('https://crm.example.com.attacker.test/hook'));
      const blocked = await startInstance(guarded, 'rep1', 'guarded');
      await guarded.app.runtime.outbox.runOnce();
      const detail = await instanceDetail(guarded, blocked);
      expect(detail.incidents).toHaveLength(1);
      expect(detail.incidents[0]!.message).toContain('allow-list (HTTP_ACTION_ALLOW)');
      expect(sent).toEqual([]);
      // A URL under an allowed prefix is called.
      await publishAndDeploy(guarded, 'guarded', call('https://crm.example.com/hook'));
      const allowed = await startInstance(guarded, 'rep1', 'guarded');
      await guarded.app.runtime.outbox.runOnce();
      expect(sent).toEqual(['https://crm.example.com/hook']);
      expect((await instanceDetail(guarded, allowed)).instance.data.crm).toEqual({ id: 'c-1' });
    } finally {
      await guarded.close();
    }
  });

  it('an unknown action name is not retried: the incident is raised at once', async () => {
    await t.client('owner').createModel({ key: 'unknown-action', name: { en: 'U' } });
    const def = definition(
      'unknown-action',
      [
        { id: 'start', type: 'start' },
        { id: 'call', type: 'automaticTask', action: { kind: 'action', name: 'noSuchAction' } },
        { id: 'end', type: 'end' },
      ],
      ['start->call', 'call->end'],
    );
    await publishAndDeploy(t, 'unknown-action', def);
    const id = await startInstance(t, 'rep1', 'unknown-action');
    await t.app.runtime.outbox.runOnce();
    const detail = await instanceDetail(t, id);
    expect(detail.incidents).toHaveLength(1);
    expect(detail.incidents[0]!.message).toMatch(/No action named "noSuchAction"/);
  });

  it('the running worker delivers on its own, kicked after commit', async () => {
    await t.app.runtime.outbox.start();
    try {
      const id = await startInstance(t, 'rep1', 'attributed', { data: { quoteAmount: 1, territory: 'east' } });
      await expect
        .poll(async () => (await instanceDetail(t, id)).activeNodes, { timeout: 10_000, interval: 50 })
        .toEqual(['check']);
    } finally {
      await t.app.runtime.outbox.stop();
    }
  });
});
