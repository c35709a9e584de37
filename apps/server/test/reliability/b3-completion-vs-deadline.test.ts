import { describe, expect, it } from 'vitest';
import { answerOf, publishAndDeploy, startInstances } from '../rig/baton-api.ts';
import { deadlineRaceDefinition } from '../rig/definitions.ts';
import { countStatuses, type HttpResponse } from '../rig/http-client.ts';
import { checkInvariants } from '../rig/invariants.ts';
import { randomSuffix } from '../rig/server-process.ts';
import { useRig } from '../rig/use-rig.ts';

/** docs/reliability.md B3: 1,000 trials, run as 1,000 instances in parallel. */
const trials = 1_000;
/**
 * The deadline: long enough that all instances exist before the first one falls due (starting
 * 1,000 takes 5–15 s on a loaded 2-core machine), short enough to keep the test quick. A trial
 * whose instance is started late still races: its completion is sent at its own due instant.
 */
const deadline = 'PT25S';
/**
 * Each completion goes out at the task's due instant plus a random offset in this window (ms).
 * The pollers look every second, so from the due instant on the timer fires at a random moment
 * within about a second: completions before the due instant win, later ones race the poller.
 */
const jitterMs = { min: -300, max: 1_500 };

describe('B3: task completion racing its deadline escalation', () => {
  const rig = useRig({ servers: 2, maxSockets: 256 });

  it(`ends each of ${trials} trials either completed or escalated, never both`, async () => {
    const { scratch, servers, baseUrls, http } = rig;
    const admin = await rig.login(0, 'admin');
    const rep1 = await rig.login(1, 'rep1');
    const key = `b3-${randomSuffix()}`;
    await publishAndDeploy(http, baseUrls[0]!, admin, deadlineRaceDefinition(key, deadline));

    const t0 = performance.now();
    const ids = await startInstances(http, { baseUrls, token: rep1, modelKey: key, count: trials, concurrency: 32 });
    const startMs = Math.round(performance.now() - t0);
    console.log(`B3: started ${trials} instances in ${startMs} ms (${Math.round((trials / startMs) * 1000)}/s)`);

    const tasks = await scratch.query<{ id: number; instance_id: string; due_at: Date }>(
      `select id, instance_id, due_at from tasks where instance_id = any($1::uuid[]) and status in ('open', 'claimed')`,
      [ids],
    );
    expect(tasks).toHaveLength(trials);

    // The test process and PostgreSQL share the host clock, so Date.now() and due_at compare.
    const answers = new Map<string, HttpResponse>();
    await Promise.all(
      tasks.map(
        (task, i) =>
          new Promise<void>((resolve) => {
            const jitter = jitterMs.min + Math.random() * (jitterMs.max - jitterMs.min);
            const delay = Math.max(0, task.due_at.getTime() + jitter - Date.now());
            setTimeout(() => {
              void answerOf(http, baseUrls[i % baseUrls.length]!, rep1, (c) =>
                c.completeTask(task.id, { output: {} }),
              ).then((res) => {
                answers.set(task.instance_id, res);
                resolve();
              });
            }, delay);
          }),
      ),
    );
    const statuses = countStatuses([...answers.values()]);

    // Wait until every trial has settled: no pending timer left, every instance ended.
    const settleBy = Date.now() + 60_000;
    let pending: { timers: number; running: number } = { timers: -1, running: -1 };
    while (Date.now() < settleBy) {
      const [row] = await scratch.query<{ timers: number; running: number }>(
        `select (select count(*)::int from timers where fired_at is null) as timers,
                (select count(*)::int from instances where status = 'running') as running`,
      );
      pending = row!;
      if (pending.timers === 0 && pending.running === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pending).toEqual({ timers: 0, running: 0 });

    const outcomes = await scratch.query<{
      id: string;
      completed: number;
      escalated: number;
      reached_done: number;
      reached_late: number;
      completed_after_due: boolean;
    }>(
      `select i.id,
              count(*) filter (where e.type = 'task.completed')::int as completed,
              count(*) filter (where e.type = 'escalation.fired')::int as escalated,
              count(*) filter (where e.type = 'node.entered' and e.node_id = 'done')::int as reached_done,
              count(*) filter (where e.type = 'node.entered' and e.node_id = 'late')::int as reached_late,
              coalesce(bool_or(e.type = 'task.completed' and e.at >= t.due_at), false) as completed_after_due
       from instances i
       join tasks t on t.instance_id = i.id
       left join events e on e.instance_id = i.id
       where i.id = any($1::uuid[])
       group by i.id`,
      [ids],
    );
    expect(outcomes).toHaveLength(trials);
    const completed = outcomes.filter(
      (o) => o.completed === 1 && o.escalated === 0 && o.reached_done === 1 && o.reached_late === 0,
    );
    const escalated = outcomes.filter(
      (o) => o.escalated === 1 && o.completed === 0 && o.reached_late === 1 && o.reached_done === 0,
    );
    const completedAfterDue = completed.filter((o) => o.completed_after_due).length;
    console.log(
      `B3: ${trials} trials → ${completed.length} completed (${completedAfterDue} of them after the deadline was due, beating the poller), ` +
        `${escalated.length} escalated, ${trials - completed.length - escalated.length} broken; HTTP ${JSON.stringify(statuses)}`,
    );

    // Exactly one of {completed, escalated} per trial; none both, none neither.
    expect(outcomes.filter((o) => !completed.includes(o) && !escalated.includes(o))).toEqual([]);
    // The HTTP answer agrees with the outcome: 200 exactly for the trials that completed.
    for (const o of outcomes) expect(answers.get(o.id)!.status).toBe(o.completed === 1 ? 200 : 409);
    expect(Object.keys(statuses).sort()).toEqual(completed.length === trials ? ['200'] : ['200', '409']);
    // Both outcomes happened, and completions landed while the deadline timer was already due:
    // the two really raced.
    expect(completed.length).toBeGreaterThan(0);
    expect(escalated.length).toBeGreaterThan(0);
    expect(completedAfterDue).toBeGreaterThan(0);

    expect(await checkInvariants(scratch)).toEqual([]);
    for (const server of servers) expect(server.problems()).toEqual([]);
  });
});
