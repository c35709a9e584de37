import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, backends, minimalDefinition, startTestApp } from './harness.ts';

// Issue 8, defect 5: task forms accepted impossible dates (`2025-02-30`) and ignored formats the
// server did not know (`email`). Forms and instance data now use real format validation.
describe.each(backends)('issue 8: form and data formats ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
    const owner = t.client('owner');
    const ops = t.client('ops');
    await owner.createModel({ key: 'fmt', name: { en: 'Formats' } });
    await owner.publish('fmt', {
      definition: minimalDefinition('fmt', {
        data: { type: 'object', properties: { contact: { type: 'string', format: 'email' } } },
        nodes: [
          { id: 'start', type: 'start' },
          {
            id: 'visit',
            type: 'userTask',
            owner: { type: 'initiator' },
            outputs: {
              type: 'object',
              properties: {
                visitOn: { type: 'string', format: 'date' },
                followUpAt: { type: 'string', format: 'date-time' },
                email: { type: 'string', format: 'email' },
              },
            },
          },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { id: 'e1', from: 'start', to: 'visit' },
          { id: 'e2', from: 'visit', to: 'end' },
        ],
      }),
      state: 'current',
    });
    await ops.deploy('fmt', { version: 1, cohort: { type: 'all' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an impossible date, date-time and a malformed e-mail with a path for each', async () => {
    const rep = t.client('rep1');
    const { instance } = await rep.startInstance('fmt');
    const [task] = await rep.listTasks({ instance: instance.id });
    const error = await rep
      .completeTask(task!.id, {
        output: { visitOn: '2025-02-30', followUpAt: '2025-02-30T09:00:00+08:00', email: 'li lei at example' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'API_INVALID_FORM' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      '/output/email',
      '/output/followUpAt',
      '/output/visitOn',
    ]);
    const done = await rep.completeTask(task!.id, {
      output: { visitOn: '2024-02-29', followUpAt: '2025-03-01T09:00+08:00', email: 'lilei@example.cn' },
    });
    expect(done.task.status).toBe('completed');
  });

  it('refuses instance data with a malformed e-mail', async () => {
    const rep = t.client('rep1');
    await expect(rep.startInstance('fmt', { data: { contact: 'nobody' } })).rejects.toMatchObject({
      status: 400,
      code: 'API_INVALID_DATA',
      issues: [{ path: '/data/contact' }],
    });
    expect((await rep.startInstance('fmt', { data: { contact: 'buyer@example.com' } })).instance.status).toBe(
      'running',
    );
  });
});
