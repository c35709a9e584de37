import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonApiError, type FetchLike, createClient } from '@baton/client';
import { type TestApp, backends, minimalDefinition, startTestApp, testPassword } from './harness.ts';

describe.each(backends)('@baton/client against the server on $name', (backend) => {
  let t: TestApp;
  let fetch: FetchLike;
  beforeAll(async () => {
    t = await startTestApp(backend);
    // A fetch backed by app.inject: the client code runs unchanged, without a socket.
    // Its own fetch, not t.client: this file tests createClient itself (tokens, login, errors).
    fetch = async (url, init) => {
      const u = new URL(url);
      const res = await t.app.inject({
        method: init.method as 'GET',
        url: u.pathname + u.search,
        headers: init.headers,
        ...(init.body !== undefined ? { payload: init.body } : {}),
      });
      return { status: res.statusCode, text: async () => res.body };
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs the owner → operator flow through typed methods', async () => {
    const owner = createClient({ baseUrl: 'http://baton.test/', fetch });
    expect(await owner.health()).toEqual({ status: 'ok', database: backend.name });
    const login = await owner.login('owner', testPassword);
    expect(owner.token).toBe(login.token);
    expect((await owner.me()).username).toBe('owner');

    await owner.createModel({ key: 'cli', name: { en: 'CLI' } });
    expect((await owner.getModel('cli')).key).toBe('cli');
    expect((await owner.listModels()).map((m) => m.key)).toContain('cli');
    const draft = await owner.createVersion('cli', { definition: minimalDefinition('cli'), state: 'current' });
    expect(draft.status).toBe('draft');
    const updated = await owner.updateVersion('cli', draft.number, {
      definition: minimalDefinition('cli'),
      notes: 'n',
    });
    expect(updated.notes).toBe('n');
    const published = await owner.publishVersion('cli', draft.number);
    expect(published).toMatchObject({ created: true, version: { status: 'published' } });
    const again = await owner.publish('cli', { definition: minimalDefinition('cli'), state: 'current' });
    expect(again).toMatchObject({ created: false, version: { number: draft.number } });
    const v2 = await owner.publish('cli', {
      definition: minimalDefinition('cli', {
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'fin', type: 'end' },
        ],
        edges: [{ id: 'e1', from: 'start', to: 'fin' }],
      }),
      state: 'target',
    });
    expect(v2.created).toBe(true);
    expect((await owner.listVersions('cli')).map((v) => v.number)).toEqual([2, 1]);
    expect((await owner.getVersion('cli', 2)).definition).toBeTruthy();
    expect((await owner.diff('cli', 1, 2)).diff).toBeTruthy();

    const ops = createClient({ baseUrl: 'http://baton.test', fetch });
    await ops.login('ops', testPassword);
    const deployment = await ops.deploy('cli', { version: 2, cohort: { type: 'share', percent: 10 } });
    expect(deployment).toMatchObject({ version: 2, active: true });
    expect(await ops.listDeployments('cli')).toHaveLength(1);
    expect((await ops.rollbackDeployment('cli', deployment.id)).active).toBe(false);
    expect((await ops.listUsers()).length).toBeGreaterThanOrEqual(9);
    expect((await ops.listTeams()).length).toBe(7);
  });

  it('throws BatonApiError with status, code and issues on non-2xx answers', async () => {
    const anonymous = createClient({ baseUrl: 'http://baton.test', fetch });
    await expect(anonymous.me()).rejects.toMatchObject({
      name: 'BatonApiError',
      status: 401,
      code: 'API_UNAUTHENTICATED',
    });
    await expect(anonymous.login('owner', 'nope')).rejects.toMatchObject({
      status: 401,
      code: 'API_INVALID_CREDENTIALS',
    });

    const rep = createClient({ baseUrl: 'http://baton.test', fetch, token: await t.token('rep1') });
    await expect(rep.createModel({ key: 'x', name: { en: 'X' } })).rejects.toMatchObject({
      status: 403,
      code: 'API_FORBIDDEN',
    });

    const owner = createClient({ baseUrl: 'http://baton.test', fetch, token: await t.token('owner') });
    const error = await owner
      .publish('cli', {
        definition: minimalDefinition('cli', { edges: [{ id: 'e', from: 'start', to: 'gone' }] }),
        state: 'current',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonApiError);
    expect((error as BatonApiError).code).toBe('API_INVALID_DEFINITION');
    expect((error as BatonApiError).issues.map((i) => i.path)).toContain('/edges/0/to');
  });

  it('runs instances and tasks through typed methods: start, inbox, complete (idempotent), events, terminate', async () => {
    const owner = createClient({ baseUrl: 'http://baton.test', fetch, token: await t.token('owner') });
    const ops = createClient({ baseUrl: 'http://baton.test', fetch, token: await t.token('ops') });
    const rep = createClient({ baseUrl: 'http://baton.test', fetch, token: await t.token('rep1') });
    const definition = minimalDefinition('deal', {
      data: { type: 'object', properties: { dealId: { type: 'string' }, signed: { type: 'object' } } },
      businessKeyField: 'dealId',
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'draft',
          type: 'userTask',
          owner: { type: 'initiator' },
          outputs: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
        },
        { id: 'sign', type: 'event', event: 'deal.signed', resultField: 'signed' },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { id: 'e1', from: 'start', to: 'draft' },
        { id: 'e2', from: 'draft', to: 'sign' },
        { id: 'e3', from: 'sign', to: 'end' },
      ],
    });
    await owner.createModel({ key: 'deal', name: { en: 'Deal' } });
    await owner.publish('deal', { definition, state: 'current' });
    await ops.deploy('deal', { version: 1, cohort: { type: 'all' } });

    const { instance } = await rep.startInstance('deal', { data: { dealId: 'D-1' } }, { idempotencyKey: 'start-D-1' });
    expect(instance).toMatchObject({ businessKey: 'D-1', initiator: 'rep1', status: 'running' });
    expect(
      (await rep.startInstance('deal', { data: { dealId: 'D-1' } }, { idempotencyKey: 'start-D-1' })).instance.id,
    ).toBe(instance.id);
    const [task] = await rep.listTasks({ instance: instance.id });
    expect(task).toMatchObject({ nodeId: 'draft', assignee: 'rep1' });
    expect((await rep.getTask(task!.id)).form).toMatchObject({ required: ['amount'] });
    await expect(rep.completeTask(task!.id, { output: {} })).rejects.toMatchObject({
      status: 400,
      code: 'API_INVALID_FORM',
      issues: [{ path: '/output/amount' }],
    });
    const done = await rep.completeTask(task!.id, { output: { amount: 12 } }, { idempotencyKey: 'k1' });
    expect(done.task.status).toBe('completed');
    expect(await rep.completeTask(task!.id, { output: { amount: 12 } }, { idempotencyKey: 'k1' })).toEqual(done);
    await expect(rep.completeTask(task!.id, { output: { amount: 12 } })).rejects.toMatchObject({
      status: 409,
      code: 'API_TASK_NOT_OPEN',
    });
    expect(await rep.listTasks()).toEqual([]);
    expect((await rep.listTasks({ status: 'completed' })).map((x) => x.id)).toEqual([task!.id]);

    await expect(rep.sendEvent({ event: 'deal.signed', businessKey: 'D-1' })).rejects.toMatchObject({ status: 403 });
    expect(await ops.sendEvent({ event: 'deal.signed', businessKey: 'D-1', payload: { by: 'customer' } })).toEqual({
      delivered: 1,
    });
    const detail = await rep.getInstance(instance.id);
    expect(detail.instance).toMatchObject({
      status: 'completed',
      data: { dealId: 'D-1', amount: 12, signed: { by: 'customer' } },
    });
    expect(detail.history.map((h) => h.type)).toContain('event.received');
    expect((await rep.listInstances({ model: 'deal', status: 'completed' })).map((i) => i.id)).toEqual([instance.id]);

    const second = await rep.startInstance('deal', { data: { dealId: 'D-2' } });
    await expect(rep.terminateInstance(second.instance.id)).rejects.toMatchObject({ status: 403 });
    expect((await ops.terminateInstance(second.instance.id, { reason: 'lost' })).instance.status).toBe('terminated');
    await expect(ops.retryIncident(second.instance.id, 'i1')).rejects.toMatchObject({
      status: 409,
      code: 'API_INSTANCE_ENDED',
    });
  });
});
