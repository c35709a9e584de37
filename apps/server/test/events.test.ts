import type { SendEventBody } from '@baton/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, startTestApp } from './harness.ts';
import { definition, instanceDetail, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

/** Waits for the signature, then ends; the payload lands in `contract`. */
const signing = definition(
  'signing',
  [
    { id: 'start', type: 'start' },
    { id: 'signed', type: 'event', event: 'contract.signed', resultField: 'contract' },
    { id: 'end', type: 'end' },
  ],
  ['start->signed', 'signed->end'],
  { data: { type: 'object', properties: { contract: {} } } },
);

/** Waits for the payment instead. */
const billing = definition(
  'billing',
  [
    { id: 'start', type: 'start' },
    { id: 'paid', type: 'event', event: 'payment.received' },
    { id: 'end', type: 'end' },
  ],
  ['start->paid', 'paid->end'],
);

/** Two branches wait for the same event; the join ends the instance. */
const twice = definition(
  'twice',
  [
    { id: 'start', type: 'start' },
    { id: 'fork', type: 'parallelGateway' },
    { id: 'legal', type: 'event', event: 'contract.signed' },
    { id: 'finance', type: 'event', event: 'contract.signed' },
    { id: 'join', type: 'parallelGateway' },
    { id: 'end', type: 'end' },
  ],
  ['start->fork', 'fork->legal', 'fork->finance', 'legal->join', 'finance->join', 'join->end'],
);

describe.each(backends)('POST /api/events on $name', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { timers: { intervalMs: 60_000 } });
    await publishAndDeploy(t, 'signing', signing);
    await publishAndDeploy(t, 'billing', billing);
    await publishAndDeploy(t, 'twice', twice);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends the event as ops; the answer must be 200 (not 201 or 202). */
  const send = async (body: SendEventBody) => {
    const ops = t.client('ops');
    const result = await ops.sendEvent(body);
    expect(ops.lastResponse?.statusCode, ops.lastResponse?.body).toBe(200);
    return result;
  };
  const revOf = async (id: string) => (await instanceDetail(t, id)).instance.rev;

  it('moves only the running instances of that business key that wait for that event, and writes nothing to the others', async () => {
    const target = await startInstance(t, 'rep1', 'signing', { businessKey: 'D-100' });
    const otherKey = await startInstance(t, 'rep1', 'signing', { businessKey: 'D-101' });
    const otherEvent = await startInstance(t, 'rep1', 'billing', { businessKey: 'D-100' });
    const before = { otherKey: await revOf(otherKey), otherEvent: await revOf(otherEvent) };

    expect(await send({ event: 'contract.signed', businessKey: 'D-100', payload: { id: 'C-1' } })).toEqual({
      delivered: 1,
    });

    const detail = await instanceDetail(t, target);
    expect(detail.instance.status).toBe('completed');
    expect(detail.instance.data).toEqual({ contract: { id: 'C-1' } });
    // The others were not stepped at all: their rows kept their revision.
    expect(await revOf(otherKey)).toBe(before.otherKey);
    expect(await revOf(otherEvent)).toBe(before.otherEvent);
    expect((await instanceDetail(t, otherEvent)).instance.status).toBe('running');

    // Nobody waits any more: a second delivery reaches no one and writes nothing.
    const revAfter = await revOf(target);
    expect(await send({ event: 'contract.signed', businessKey: 'D-100' })).toEqual({ delivered: 0 });
    expect(await revOf(target)).toBe(revAfter);
  });

  it('counts an instance once when several of its tokens wait for the event, and moves them all', async () => {
    const id = await startInstance(t, 'rep1', 'twice', { businessKey: 'D-200' });
    expect(await send({ event: 'contract.signed', businessKey: 'D-200' })).toEqual({ delivered: 1 });
    const detail = await instanceDetail(t, id);
    expect(detail.instance.status).toBe('completed');
    expect(detail.history.filter((h) => h.type === 'event.received')).toHaveLength(2);
  });

  it('delivers one event sent several times at once exactly once to each waiting instance', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await startInstance(t, 'rep1', 'signing', { businessKey: 'D-300' }));
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => send({ event: 'contract.signed', businessKey: 'D-300' })),
    );
    expect(answers.reduce((sum, a) => sum + a.delivered, 0)).toBe(ids.length);
    for (const id of ids) {
      const detail = await instanceDetail(t, id);
      expect(detail.instance.status).toBe('completed');
      expect(detail.history.filter((h) => h.type === 'event.received')).toHaveLength(1);
    }
  });
});
