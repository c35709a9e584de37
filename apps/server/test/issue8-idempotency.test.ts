import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, minimalDefinition, startTestApp, stringContaining } from './harness.ts';

// Issue 8, defect 3: an Idempotency-Key reused with a different body answered with the first
// result, so the second change was silently dropped. Like Stripe, the server now compares a
// hash of method, route and body and answers 422 API_IDEMPOTENCY_KEY_REUSED.
describe.each(backends)('issue 8: Idempotency-Key reused with another body ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = t.client('owner');
    const ops = t.client('ops');
    await owner.createModel({ key: 'idem', name: { en: 'Idem' } });
    const definition = minimalDefinition('idem', {
      data: { type: 'object', properties: { dealId: { type: 'string' } } },
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'draft',
          type: 'userTask',
          owner: { type: 'initiator' },
          outputs: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
        },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { id: 'e1', from: 'start', to: 'draft' },
        { id: 'e2', from: 'draft', to: 'end' },
      ],
    });
    await owner.publish('idem', { definition, state: 'current' });
    await ops.deploy('idem', { version: 1, cohort: { type: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 422 API_IDEMPOTENCY_KEY_REUSED when a start is retried with another body, and starts nothing', async () => {
    const rep = t.client('rep1');
    const first = await rep.startInstance('idem', { data: { dealId: 'A' } }, { idempotencyKey: 'start-1' });
    const before = await t.count('instances');
    await expect(
      rep.startInstance('idem', { data: { dealId: 'B' } }, { idempotencyKey: 'start-1' }),
    ).rejects.toMatchObject({
      status: 422,
      code: 'API_IDEMPOTENCY_KEY_REUSED',
      message: stringContaining('start-1'),
    });
    expect(await t.count('instances')).toBe(before);
    // The same body again replays the first answer, marked as a replay.
    const raw = await t.call('rep1', (c) =>
      c.startInstance('idem', { data: { dealId: 'A' } }, { idempotencyKey: 'start-1' }),
    );
    expect(raw.statusCode).toBe(201);
    expect(raw.headers['idempotent-replayed']).toBe('true');
    expect(raw.json()).toMatchObject({ instance: { id: first.instance.id } });
  });

  it('answers 422 when a completion is retried with another form, and keeps the first form', async () => {
    const rep = t.client('rep1');
    const { instance } = await rep.startInstance('idem', { data: { dealId: 'C' } });
    const [task] = await rep.listTasks({ instance: instance.id });
    const done = await rep.completeTask(task!.id, { output: { amount: 10 } }, { idempotencyKey: 'done-1' });
    await expect(
      rep.completeTask(task!.id, { output: { amount: 99 } }, { idempotencyKey: 'done-1' }),
    ).rejects.toMatchObject({ status: 422, code: 'API_IDEMPOTENCY_KEY_REUSED' });
    expect(await rep.completeTask(task!.id, { output: { amount: 10 } }, { idempotencyKey: 'done-1' })).toEqual(done);
    expect((await rep.getInstance(instance.id)).instance.data).toMatchObject({ amount: 10 });
  });
});
