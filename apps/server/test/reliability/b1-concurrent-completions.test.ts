import { describe, expect, it } from 'vitest';
import type { ApiErrorBody, TaskResult } from '@baton/client';
import { answerOf, publishAndDeploy, startInstances } from '../rig/baton-api.ts';
import { singleTaskDefinition } from '../rig/definitions.ts';
import { countStatuses } from '../rig/http-client.ts';
import { checkInvariants } from '../rig/invariants.ts';
import { randomSuffix, type ServerHandle } from '../rig/server-process.ts';
import { useRig } from '../rig/use-rig.ts';

/** docs/reliability.md B1: 2 replicas × 1,000 concurrent completions of one task. */
const completions = 1_000;

describe('B1: concurrent completions of one task across two processes', () => {
  // Enough sockets that most of the 1,000 requests are really in flight at once.
  const rig = useRig({ servers: 2, maxSockets: 512 });

  it('answers exactly one 2xx and 999 × 409, records one completion and advances the instance once', async () => {
    const { scratch, servers, http } = rig;
    const [a, b] = servers as [ServerHandle, ServerHandle];
    const admin = await rig.login(0, 'admin');
    const key = `b1-${randomSuffix()}`;
    await publishAndDeploy(http, a.baseUrl, admin, singleTaskDefinition(key));
    const [instanceId] = await startInstances(http, {
      baseUrls: [b.baseUrl],
      token: await rig.login(1, 'rep1'),
      modelKey: key,
      count: 1,
    });

    // Three different valid candidates (team "sales" and its sub-teams), logged in on either process.
    const candidates = ['rep1', 'rep2', 'manager'];
    const tokens = await Promise.all(candidates.map((u, i) => rig.login(i % 2, u)));
    const before = await scratch.query<{ id: number; rev: number }>(
      `select t.id, i.rev from tasks t join instances i on i.id = t.instance_id where t.instance_id = $1 and t.status = 'open'`,
      [instanceId],
    );
    expect(before).toHaveLength(1);
    const taskId = before[0]!.id;

    const t0 = performance.now();
    const responses = await Promise.all(
      Array.from({ length: completions }, (_, i) =>
        answerOf(http, servers[i % 2]!.baseUrl, tokens[i % candidates.length], (c) =>
          c.completeTask(taskId, { output: { attempt: i } }),
        ),
      ),
    );
    const elapsedMs = Math.round(performance.now() - t0);
    const counts = countStatuses(responses);
    console.log(
      `B1: ${completions} completions over 2 processes in ${elapsedMs} ms; statuses ${JSON.stringify(counts)}`,
    );

    expect(counts).toEqual({ 200: 1, 409: completions - 1 });
    // The losers learn that the work has moved on: the task is done, or (here) the whole instance.
    const conflictCodes = new Set(
      responses.filter((r) => r.status === 409).map((r) => (r.body as ApiErrorBody | undefined)?.code),
    );
    for (const code of conflictCodes) expect(['API_TASK_NOT_OPEN', 'API_INSTANCE_ENDED']).toContain(code);
    const winner = responses.findIndex((r) => r.status === 200);
    expect((responses[winner]!.body as TaskResult).task).toMatchObject({
      id: taskId,
      status: 'completed',
      output: { attempt: winner },
    });

    const history = await scratch.query<{ type: string; n: number }>(
      `select type, count(*)::int as n from events where instance_id = $1 group by type order by type`,
      [instanceId],
    );
    const byType = Object.fromEntries(history.map((h) => [h.type, h.n]));
    expect(byType['task.completed']).toBe(1);
    expect(byType['instance.completed']).toBe(1);

    const after = await scratch.query<{ status: string; rev: number; data: Record<string, unknown> }>(
      'select status, rev, data from instances where id = $1',
      [instanceId],
    );
    // Advanced once: one applied command on top of the start, with the winner's output.
    expect(after[0]).toMatchObject({ status: 'completed', rev: before[0]!.rev + 1, data: { attempt: winner } });
    const task = await scratch.query<{ status: string; completed_by_username: string }>(
      'select status, completed_by_username from tasks where id = $1',
      [taskId],
    );
    expect(task[0]).toEqual({ status: 'completed', completed_by_username: candidates[winner % candidates.length] });

    expect(await checkInvariants(scratch)).toEqual([]);
    for (const server of servers) expect(server.problems()).toEqual([]);
  });
});
