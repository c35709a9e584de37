import { describe, expect, it } from 'vitest';
import { publishAndDeploy, startInstances } from '../rig/baton-api.ts';
import { timerWaitDefinition } from '../rig/definitions.ts';
import { checkInvariants } from '../rig/invariants.ts';
import { randomSuffix } from '../rig/server-process.ts';
import { useRig } from '../rig/use-rig.ts';

/** docs/reliability.md A1: 3 replicas, 1,000 timers, kill -9 one replica at a random moment. */
const replicas = 3;
const timerCount = 1_000;
/**
 * The timer of each instance. Starting 1,000 instances takes 10–20 s on a loaded 2-core
 * machine, so the timers fall due over about that long, overlapping the last starts.
 */
const timerDuration = 'PT15S';
/** The poller's lease (default of `TimerPoller`) and poll interval (`TIMER_POLL_MS` default). */
const leaseMs = 30_000;
const pollMs = 1_000;
/**
 * Slack on top of a poll for the survivors to work through the backlog. The victim's claims do
 * not wait out their lease: its presence lock went with its connections, so the survivors take
 * them over at their next claim, all at once, while busy with their own.
 */
const backlogSlackMs = 5_000;

describe('A1: timers survive SIGKILL of one of three processes', () => {
  const rig = useRig({ servers: replicas, maxSockets: 64 });

  it(`fires each of ${timerCount} timers exactly once, the victim's within a poll (not a lease) of its due time`, async () => {
    const { scratch, servers, baseUrls, http } = rig;
    const admin = await rig.login(0, 'admin');
    const key = `a1-${randomSuffix()}`;
    // timer → automatic task through the outbox → end: a firing also writes one outbox row.
    await publishAndDeploy(http, baseUrls[0]!, admin, timerWaitDefinition(key, timerDuration, true));
    // Every claim is logged (a trigger on the test's own database), so the test knows afterwards
    // exactly which claims the victim held when it died, with no race against the takeover.
    await scratch.query(
      `create table a1_claims (key text not null, locked_by text not null, attempt integer not null)`,
    );
    await scratch.query(`create function a1_log_claim() returns trigger language plpgsql as $$
      begin insert into a1_claims values (new.key, new.locked_by, new.attempt); return new; end $$`);
    await scratch.query(
      `create trigger a1_log_claim after update of attempt on timers for each row when (new.attempt > old.attempt) execute function a1_log_claim()`,
    );

    const t0 = performance.now();
    const ids = await startInstances(http, {
      baseUrls,
      token: admin,
      modelKey: key,
      count: timerCount,
      concurrency: 48,
    });
    const startMs = Math.round(performance.now() - t0);
    const [window] = await scratch.query<{ n: number; spread_ms: number }>(
      `select count(*)::int as n, (extract(epoch from max(due_at) - min(due_at)) * 1000)::int as spread_ms from timers`,
    );
    console.log(
      `A1: started ${timerCount} instances over ${replicas} processes in ${startMs} ms; ${window!.n} timers due within ${window!.spread_ms} ms`,
    );
    expect(window!.n).toBe(timerCount);

    // Kill one process at a random moment while the timers fire: once 5–60 % of them fired and
    // the victim holds claims it has not fired yet (a kill between batches would test nothing).
    const victim = servers[Math.floor(Math.random() * replicas)]!;
    const victimPid = victim.pid!;
    const victimClaims = `%:${victimPid}:%`; // locked_by is "<host>:<pid>:<random>"
    const killAt = Math.floor(timerCount * (0.05 + Math.random() * 0.55));
    let firedAtKill = -1;
    for (const until = Date.now() + 120_000; Date.now() < until;) {
      const [row] = await scratch.query<{ fired: number; held: number }>(
        `select count(*) filter (where fired_at is not null)::int as fired,
                count(*) filter (where fired_at is null and locked_by like $1)::int as held
         from timers`,
        [victimClaims],
      );
      if (row!.fired >= killAt && (row!.held > 0 || row!.fired === timerCount)) {
        firedAtKill = row!.fired;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(firedAtKill).toBeGreaterThanOrEqual(killAt);
    await victim.kill('SIGKILL');
    // PostgreSQL rolls back the victim's open transactions once it sees the connections drop.
    await new Promise((r) => setTimeout(r, 500));
    const heldOutbox = await scratch.query<{ key: string }>(
      `select key from outbox where delivered_at is null and locked_by like $1`,
      [victimClaims],
    );

    // Every instance ends (timer fired, action delivered through the outbox, end reached).
    const settleBy = Date.now() + leaseMs + 60_000;
    let left = { timers: -1, running: -1 };
    while (Date.now() < settleBy) {
      const [row] = await scratch.query<{ timers: number; running: number }>(
        `select (select count(*)::int from timers where fired_at is null) as timers,
                (select count(*)::int from instances where status <> 'completed') as running`,
      );
      left = row!;
      if (left.timers === 0 && left.running === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(left).toEqual({ timers: 0, running: 0 });

    const perInstance = await scratch.query<{
      id: string;
      fired: number;
      delivered: number;
      outbox: number;
      ended: number;
    }>(
      `select i.id,
              (select count(*)::int from events e where e.instance_id = i.id and e.type = 'timer.fired') as fired,
              (select count(*)::int from events e where e.instance_id = i.id and e.type = 'service.completed') as delivered,
              (select count(*)::int from outbox o where o.instance_id = i.id) as outbox,
              (select count(*)::int from events e where e.instance_id = i.id and e.type = 'instance.completed') as ended
       from instances i where i.id = any($1::uuid[])`,
      [ids],
    );
    expect(perInstance).toHaveLength(timerCount);
    expect(perInstance.filter((p) => p.fired !== 1 || p.delivered !== 1 || p.outbox !== 1 || p.ended !== 1)).toEqual(
      [],
    );

    // The victim's claims it never fired: its last claim of a timer that someone claimed after it.
    const held = await scratch.query<{ key: string }>(
      `select c.key from a1_claims c join timers t on t.key = c.key
       where c.locked_by like $1 and t.attempt > c.attempt`,
      [victimClaims],
    );
    console.log(
      `A1: SIGKILLed ${victim.name} (pid ${victimPid}) after ${firedAtKill}/${timerCount} timers fired; ` +
        `it held ${held.length} unfired timer claims and ${heldOutbox.length} outbox claims`,
    );
    expect(held.length).toBeGreaterThan(0);
    const [lateness] = await scratch.query<{
      p50: number;
      p99: number;
      max: number;
      max_held: number | null;
      reclaimed: number;
    }>(
      `select (percentile_cont(0.5) within group (order by ms))::int as p50,
              (percentile_cont(0.99) within group (order by ms))::int as p99,
              max(ms)::int as max,
              max(ms) filter (where key = any($1))::int as max_held,
              count(*) filter (where attempt > 1)::int as reclaimed
       from (select key, attempt, extract(epoch from fired_at - due_at) * 1000 as ms from timers) t`,
      [held.map((h) => h.key)],
    );
    console.log(
      `A1: lateness after due p50 ${lateness!.p50} ms, p99 ${lateness!.p99} ms, max ${lateness!.max} ms ` +
        `(max of the victim's claims ${lateness!.max_held ?? '-'} ms); ${lateness!.reclaimed} timers claimed more than once`,
    );
    // Taken over when the victim's connections dropped, long before its 30 s lease ran out.
    expect(lateness!.max).toBeLessThanOrEqual(pollMs + backlogSlackMs);
    expect(pollMs + backlogSlackMs).toBeLessThan(leaseMs);
    // Exactly the victim's claims were taken over (claimed a second time), nothing else, once each, by a survivor.
    expect(lateness!.reclaimed).toBe(held.length);
    const [takeover] = await scratch.query<{ n: number }>(
      `select count(*)::int as n from timers where key = any($1) and attempt = 2 and locked_by not like $2`,
      [held.map((h) => h.key), victimClaims],
    );
    expect(takeover!.n).toBe(held.length);

    expect(await checkInvariants(scratch)).toEqual([]);
    for (const server of servers.filter((s) => s !== victim)) expect(server.problems()).toEqual([]);
  });
});
