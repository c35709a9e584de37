import { describe, expect, it } from 'vitest';
import { publishAndDeploy, startInstances } from '../rig/baton-api.ts';
import { cloneInstances } from '../rig/clone-instances.ts';
import { timerWaitDefinition } from '../rig/definitions.ts';
import { checkInvariants } from '../rig/invariants.ts';
import { randomSuffix } from '../rig/server-process.ts';
import { useRig } from '../rig/use-rig.ts';

/** docs/reliability.md A3: 10,000 pending timers, half overdue when every replica restarts. */
const perHalf = 5_000;
/**
 * Instances per half started through the API; the rest are SQL copies of them
 * (`cloneInstances`), because starting 10,000 through the API takes minutes on a 2-core machine.
 */
const startedPerHalf = 100;
/**
 * The drain rate docs/reliability.md A3 asks for (≥ 500 timers/s) is a speed figure: printed here and
 * recorded in docs/benchmarks.md, not asserted (speed is measured in benchmarks, never in timed
 * tests; on this shared 2-core machine it measured 442–626/s from run to run).
 */
const hourMs = 3_600_000;

describe('A3: 10,000 pending timers survive a full restart', () => {
  const rig = useRig({ servers: 2, maxSockets: 64 });

  /** Kills every process (a crash, not a shutdown), restarts them all at clock offset `offsetMs` and returns when all are healthy. */
  async function crashAndRestartAll(offsetMs: number): Promise<void> {
    await Promise.all(rig.servers.map((s) => s.kill('SIGKILL')));
    await Promise.all(rig.servers.map((s) => s.restart({ CLOCK_OFFSET_MS: String(offsetMs) })));
  }

  /** Waits until every timer of `modelKey` has fired; returns the drain figures from the database clock. */
  async function drain(
    modelKey: string,
    timeoutMs: number,
  ): Promise<{ fired: number; spanMs: number; wallMs: number }> {
    const t0 = Date.now();
    for (;;) {
      const [row] = await rig.scratch.query<{ pending: number; fired: number; span_ms: number | null }>(
        `select count(*) filter (where t.fired_at is null)::int as pending,
                count(*) filter (where t.fired_at is not null)::int as fired,
                (extract(epoch from max(t.fired_at) - min(t.fired_at)) * 1000)::int as span_ms
         from timers t join instances i on i.id = t.instance_id join process_models m on m.id = i.model_id
         where m.key = $1`,
        [modelKey],
      );
      if (row!.pending === 0) return { fired: row!.fired, spanMs: row!.span_ms ?? 0, wallMs: Date.now() - t0 };
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`A3: ${row!.pending} timers of ${modelKey} still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it(`fires all ${2 * perHalf} timers exactly once after restarts, and prints the drain rate`, async () => {
    const { scratch, servers, baseUrls, http } = rig;
    const admin = await rig.login(0, 'admin');
    const soon = `a3-soon-${randomSuffix()}`;
    const later = `a3-later-${randomSuffix()}`;
    await publishAndDeploy(http, baseUrls[0]!, admin, timerWaitDefinition(soon, 'PT1H'));
    await publishAndDeploy(http, baseUrls[0]!, admin, timerWaitDefinition(later, 'PT3H'));

    const t0 = performance.now();
    const [soonSample, laterSample] = await Promise.all([
      startInstances(http, { baseUrls, token: admin, modelKey: soon, count: startedPerHalf, concurrency: 16 }),
      startInstances(http, { baseUrls, token: admin, modelKey: later, count: startedPerHalf, concurrency: 16 }),
    ]);
    const apiMs = performance.now() - t0;
    const t1 = performance.now();
    const copies = perHalf / startedPerHalf - 1;
    const soonCopies = await cloneInstances(scratch, soonSample, copies);
    const laterCopies = await cloneInstances(scratch, laterSample, copies);
    const cloneMs = performance.now() - t1;
    console.log(
      `A3: started ${2 * startedPerHalf} instances through the API in ${Math.round(apiMs)} ms ` +
        `(${Math.round((2 * startedPerHalf * 1000) / apiMs)}/s); copied ${soonCopies.length + laterCopies.length} more in SQL in ${Math.round(cloneMs)} ms`,
    );
    const [pending] = await scratch.query<{ n: number; instances: number }>(
      `select (select count(*)::int from timers where fired_at is null) as n, (select count(*)::int from instances) as instances`,
    );
    expect(pending).toEqual({ n: 2 * perHalf, instances: 2 * perHalf });

    // Crash every process, then restart them all with the clock 1 h 5 min ahead: the PT1H half
    // is overdue at restart, the PT3H half is not.
    const t2 = Date.now();
    await crashAndRestartAll(hourMs + 5 * 60_000);
    const first = await drain(soon, 120_000);
    const firstRate = Math.round((first.fired * 1000) / Math.max(first.spanMs, 1));
    console.log(
      `A3: restart 1 (all processes SIGKILLed, clock +1h05m): ${first.fired} overdue timers drained in ${first.spanMs} ms of database time ` +
        `(${firstRate} timers/s), ${Date.now() - t2} ms from the crash`,
    );
    const [stillPending] = await scratch.query<{ n: number }>(
      `select count(*)::int as n from timers where fired_at is null`,
    );
    expect(stillPending!.n).toBe(perHalf);

    // Second full restart, 3 h 5 min ahead: the other half is overdue now.
    const t3 = Date.now();
    await crashAndRestartAll(3 * hourMs + 5 * 60_000);
    const second = await drain(later, 120_000);
    const secondRate = Math.round((second.fired * 1000) / Math.max(second.spanMs, 1));
    console.log(
      `A3: restart 2 (clock +3h05m): ${second.fired} timers drained in ${second.spanMs} ms of database time (${secondRate} timers/s), ${Date.now() - t3} ms from the crash`,
    );

    // Exactly once: one timer.fired per instance, each row claimed once (no herd, no takeover),
    // every instance ended.
    const [summary] = await scratch.query<{
      fired_events: number;
      instances_with_one: number;
      claimed_twice: number;
      running: number;
    }>(
      `select (select count(*)::int from events where type = 'timer.fired') as fired_events,
              (select count(*)::int from (select instance_id from events where type = 'timer.fired' group by instance_id having count(*) = 1) x) as instances_with_one,
              (select count(*)::int from timers where attempt <> 1) as claimed_twice,
              (select count(*)::int from instances where status <> 'completed') as running`,
    );
    expect(summary).toEqual({
      fired_events: 2 * perHalf,
      instances_with_one: 2 * perHalf,
      claimed_twice: 0,
      running: 0,
    });
    expect(await checkInvariants(scratch)).toEqual([]);
    for (const server of servers) expect(server.problems()).toEqual([]);
  });
});
