import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, minimalDefinition, startTestApp, stringContaining } from './harness.ts';

// Issue 8, defect 4: an owner taken from a form field (`fromField`) that named no existing user
// gave the next task to that name, so nobody could act on it. Now the completion is refused with
// 400 API_INVALID_FORM at the field's path, unless the owner has a fallback, which then applies.
function definition(key: string, fallback: boolean): Record<string, unknown> {
  return minimalDefinition(key, {
    data: { type: 'object', properties: { assignedRep: { type: 'string' } } },
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'pick',
        type: 'userTask',
        owner: { type: 'initiator' },
        outputs: { type: 'object', properties: { assignedRep: { type: 'string' } }, required: ['assignedRep'] },
      },
      {
        id: 'work',
        type: 'userTask',
        owner: {
          type: 'fromField',
          field: 'assignedRep',
          ...(fallback ? { fallback: { type: 'role', role: 'sales-manager' } } : {}),
        },
      },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'pick' },
      { id: 'e2', from: 'pick', to: 'work' },
      { id: 'e3', from: 'work', to: 'end' },
    ],
  });
}

describe.each(backends)('issue 8: a fromField owner naming no user ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = t.client('owner');
    const ops = t.client('ops');
    for (const [key, fallback] of [
      ['strict', false],
      ['lenient', true],
    ] as const) {
      await owner.createModel({ key, name: { en: key } });
      await owner.publish(key, { definition: definition(key, fallback), state: 'current' });
      await ops.deploy(key, { version: 1, cohort: { type: 'all' } });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses the completion with 400 API_INVALID_FORM at /output/assignedRep, and accepts an existing user', async () => {
    const rep = t.client('rep1');
    const { instance } = await rep.startInstance('strict');
    const [pick] = await rep.listTasks({ instance: instance.id });
    const events = await t.count('events');
    await expect(rep.completeTask(pick!.id, { output: { assignedRep: 'no-such-rep' } })).rejects.toMatchObject({
      status: 400,
      code: 'API_INVALID_FORM',
      issues: [
        { path: '/output/assignedRep', code: 'API_UNKNOWN_USER', message: stringContaining('no user "no-such-rep"') },
      ],
    });
    expect(await t.count('events')).toBe(events);
    expect((await rep.getTask(pick!.id)).status).toBe('claimed');

    const { next } = await rep.completeTask(pick!.id, { output: { assignedRep: 'rep2' } });
    const rep2 = t.client('rep2');
    const [work] = await rep2.listTasks({ instance: instance.id });
    expect(work).toMatchObject({ nodeId: 'work', assignee: 'rep2' });
    expect(next).toEqual([]);
  });

  it('refuses start data naming no user for the first owner with 400 API_INVALID_DATA', async () => {
    const owner = t.client('owner');
    const ops = t.client('ops');
    await owner.createModel({ key: 'direct', name: { en: 'direct' } });
    await owner.publish('direct', {
      definition: minimalDefinition('direct', {
        data: { type: 'object', properties: { assignedRep: { type: 'string' } } },
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'work', type: 'userTask', owner: { type: 'fromField', field: 'assignedRep' } },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { id: 'e1', from: 'start', to: 'work' },
          { id: 'e2', from: 'work', to: 'end' },
        ],
      }),
      state: 'current',
    });
    await ops.deploy('direct', { version: 1, cohort: { type: 'all' } });
    const rep = t.client('rep1');
    const instances = await t.count('instances');
    await expect(rep.startInstance('direct', { data: { assignedRep: 'ghost' } })).rejects.toMatchObject({
      status: 400,
      code: 'API_INVALID_DATA',
      issues: [{ path: '/data/assignedRep', code: 'API_UNKNOWN_USER' }],
    });
    expect(await t.count('instances')).toBe(instances);
  });

  it('falls back as the definition says when the owner has a fallback', async () => {
    const rep = t.client('rep1');
    const { instance } = await rep.startInstance('lenient');
    const [pick] = await rep.listTasks({ instance: instance.id });
    await rep.completeTask(pick!.id, { output: { assignedRep: 'no-such-rep' } });
    const manager = t.client('manager');
    const [work] = await manager.listTasks({ instance: instance.id });
    expect(work).toMatchObject({ nodeId: 'work', assignee: null, candidates: { roles: ['sales-manager'] } });
  });
});
