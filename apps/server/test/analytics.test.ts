/**
 * The sales example, the history seed and the analytics API, on each backend: the history is
 * produced through the run loop (a small volume here; `npm run seed:history` makes the full one),
 * then every analytics route is read back and checked against what the simulation must show.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCalendars, createCalendar, validateDefinition } from '@baton/definition';
import type {
  AnalyticsQuery,
  ApiErrorBody,
  Comparison,
  ProcessAnalytics,
  StepAnalytics,
  TeamAnalytics,
} from '@baton/client';
import {
  bootstrapExactUpTo,
  compareOne,
  quantile,
  Resampler,
  exactStepAnalytics,
  loadAnalyticsModel,
  statisticOf,
} from '../src/analytics/analytics-queries.ts';
import { bucketOf, histogramQuantile, refreshStepRollups, stepAnalytics } from '../src/analytics/step-rollups.ts';
import { backfillPaths, backfillVisits } from '../src/db/migrations/2026-12-05T00-00-00_analytics-facts.ts';
import { createRandom } from '../src/analytics/seeded-random.ts';
import { seedHistory } from '../src/seed/history.ts';
import { readSalesExamples, salesModelKey, seedSalesExampleIfMissing } from '../src/seed/sales-examples.ts';
import { type TestApp, backends, startTestApp } from './harness.ts';

const seed = process.env.SEED_HISTORY_SEED ? Number(process.env.SEED_HISTORY_SEED) : randomInt(1, 2 ** 31 - 1);
/** The first backend's history: the same seed must give the same history on the next one. */
let firstHistory: { leads: number; commands: number; timersFired: number } | undefined;

describe('the sales example (examples/sales)', () => {
  it('both states validate without a warning; the current state carries measured durations, four scores and problem classes', () => {
    const { current, target } = readSalesExamples();
    for (const json of [current, target]) {
      const result = validateDefinition(json);
      expect(result.ok, JSON.stringify(!result.ok && result.issues)).toBe(true);
      if (result.ok) expect(result.issues ?? []).toEqual([]);
    }
    const nodes = (current as { nodes: Array<{ type: string; assessment?: Record<string, unknown> }> }).nodes;
    for (const node of nodes.filter((n) => n.type === 'userTask')) {
      expect(node.assessment).toMatchObject({
        measuredDuration: {},
        scores: { efficiency: expect.any(Number) as unknown },
      });
      expect(Object.keys(node.assessment!.scores as object).sort()).toEqual([
        'compliance',
        'customerExperience',
        'effectiveness',
        'efficiency',
      ]);
      expect((node.assessment!.problems as unknown[]).length).toBeGreaterThan(0);
    }
    // Every node of the current state carries the survey; every "replaces" names a current-state node.
    for (const node of (current as { nodes: Array<{ id: string; assessment?: { measuredDuration?: unknown } }> }).nodes)
      expect(node.assessment?.measuredDuration, node.id).toBeDefined();
    const currentIds = new Set((current as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id));
    const replaced = (target as { nodes: Array<{ assessment?: { replaces?: string[] } }> }).nodes.flatMap(
      (n) => n.assessment?.replaces ?? [],
    );
    expect(replaced.length).toBeGreaterThan(5);
    for (const id of replaced) expect(currentIds, id).toContain(id);
    const legal = (target as { nodes: Array<{ id: string; deadline?: unknown }> }).nodes.find(
      (n) => n.id === 'legal-review',
    );
    expect(legal?.deadline).toMatchObject({
      duration: 'PT48H',
      time: 'working',
      escalations: [
        { action: { type: 'remind' } },
        { at: 1, action: { type: 'reassign', to: { role: 'legal-manager' } } },
      ],
    });
  });
});

describe.each(backends)('history and analytics on $name', (backend) => {
  let t: TestApp;
  let result: Awaited<ReturnType<typeof seedHistory>>;
  beforeAll(async () => {
    process.stdout.write(`analytics.test: seed:history seed ${seed} (repeat with SEED_HISTORY_SEED=${seed})\n`);
    t = await startTestApp(backend);
    expect(await seedSalesExampleIfMissing(t.database.db)).toBe(true);
    expect(await seedSalesExampleIfMissing(t.database.db)).toBe(false);
    result = await seedHistory(t.app, { seed, leadsPerWeek: 14 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('seeds six months through the run loop: the current state for everyone, then the target piloted on sales-east', async () => {
    expect(result.leads).toBeGreaterThan(200);
    // The seed plans the same leads and commands on every backend. Which timers are due at each
    // simulated instant can differ by a few: the run loop's clock is the database clock plus an
    // offset, and it keeps ticking while the commands of one simulated instant run, so the slower
    // the machine (a loaded CI runner: 7 of 120 once), the more timers of the next few
    // milliseconds fire together with the one planned.
    const summary = { leads: result.leads, commands: result.commands, timersFired: result.timersFired };
    if (firstHistory) {
      expect({ leads: summary.leads, commands: summary.commands }).toEqual({
        leads: firstHistory.leads,
        commands: firstHistory.commands,
      });
      expect(Math.abs(summary.timersFired - firstHistory.timersFired)).toBeLessThanOrEqual(
        Math.ceil(firstHistory.timersFired * 0.1),
      );
    }
    firstHistory = summary;
    expect(result.refused).toBeLessThan(result.commands * 0.01);
    const instances = await t.database.db
      .selectFrom('instances as i')
      .innerJoin('process_versions as v', 'v.id', 'i.version_id')
      .innerJoin('teams as tm', 'tm.id', 'i.team_id')
      .select(['v.number', 'tm.key', 'i.created_at'])
      .execute();
    expect(instances.length).toBe(result.leads);
    for (const i of instances) {
      expect(i.created_at.getTime()).toBeGreaterThanOrEqual(result.start);
      expect(i.created_at.getTime()).toBeLessThan(result.end);
      // The target state only on the pilot team, only from month four.
      if (i.number === 2) {
        expect(i.key).toBe('sales-east');
        expect(i.created_at.getTime()).toBeGreaterThanOrEqual(result.pilotStart);
      }
      if (i.key === 'sales-east' && i.created_at.getTime() >= result.pilotStart) expect(i.number).toBe(2);
    }
    // Escalations fired by the timer poller on the simulated clock; history in simulated time.
    const escalations = await t.database.db
      .selectFrom('events')
      .select('at')
      .where('type', '=', 'escalation.fired')
      .execute();
    expect(escalations.length).toBeGreaterThan(0);
    for (const e of escalations) expect(e.at.getTime()).toBeGreaterThanOrEqual(result.pilotStart);
    // The target state's large-deal 会签: manager, finance and director each vote; approved only
    // when all three approve, and a rejection cancels the undecided signers' tasks.
    const decided = await t.database.db
      .selectFrom('events')
      .select(['data', 'node_id'])
      .where('type', '=', 'signers.decided')
      .execute();
    // Whether a pilot deal was large enough for the 会签 depends on the seed (and, by a few timers,
    // on the backend): every entry of the step gets one task per signer, and at most one decision.
    const { rows: entries } = await sql<{ n: number }>`select count(*)::int as n from events e
      join instances i on i.id = e.instance_id join process_versions v on v.id = i.version_id
      where e.type = 'node.entered' and e.node_id = 'quote-approval' and v.number = 2`.execute(t.database.db);
    const { rows: signerTasks } = await sql<{ n: number }>`select count(*)::int as n from tasks
      where node_id = 'quote-approval' and signer_group is not null`.execute(t.database.db);
    expect(signerTasks[0]!.n).toBeGreaterThanOrEqual(entries[0]!.n * 3);
    expect(decided.length).toBeLessThanOrEqual(entries[0]!.n);
    for (const e of decided) {
      expect(e.node_id).toBe('quote-approval');
      const d = e.data as { outcome: string; approvals: number; needed: number; signers: unknown[] };
      expect(d.signers.length).toBeGreaterThanOrEqual(3);
      expect(d.needed).toBe(d.signers.length);
      if (d.outcome === 'approved') expect(d.approvals).toBe(d.needed);
    }
    // Each signer approves with probability 0.94: among five decisions one is approved but for 1 in 10,000 seeds.
    if (decided.length >= 5)
      expect(decided.some((e) => (e.data as { outcome: string }).outcome === 'approved')).toBe(true);
    // The analytics facts the run loop writes on each task row agree with the history's events
    // (escalations are counted per task: a rung on a 会签 step records one event for the step).
    const { rows: disagreeing } = await sql<{ n: number }>`
      with ev as (
        select instance_id, data->>'task' as task,
          min(at) filter (where type = 'task.claimed') as claimed_at,
          coalesce(max(data->>'assignee') filter (where type = 'task.created'),
                   (array_agg(actor order by at, id) filter (where type = 'task.claimed'))[1]) as first_holder
        from events where type in ('task.created', 'task.claimed') group by 1, 2
      )
      select count(*)::int as n from tasks t left join ev on ev.instance_id = t.instance_id and ev.task = t.key
      where t.claimed_at is distinct from ev.claimed_at or t.first_holder is distinct from ev.first_holder`.execute(
      t.database.db,
    );
    expect(disagreeing[0]!.n).toBe(0);
    const claimed = await t.database.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('claimed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(claimed.n)).toBeGreaterThan(0);
    expect(t.app.runtime.clock.offsetMs).toBe(0);
  });

  it('per step: durations, waiting vs working, pass rate, rework, deadlines and escalations; 403 for a rep, 404 for an unknown model', async () => {
    const all = await t.client('manager').getStepAnalytics(salesModelKey);
    expect(all.instances).toBe(result.leads);
    expect(all.calendar).toBe('cn-mainland');
    const step = (a: StepAnalytics, id: string) => a.steps.find((s) => s.nodeId === id)!;
    const legal = step(all, 'legal-review');
    expect(legal.completed).toBeGreaterThan(0);
    expect(legal.durationWorkingHours.p50!).toBeLessThanOrEqual(legal.durationClockHours.p50!);
    expect(legal.durationWorkingHours.p90!).toBeGreaterThanOrEqual(legal.durationWorkingHours.p50!);
    expect(legal.waitingWorkingHours.mean!).toBeGreaterThan(0);
    expect(legal.passRate!).toBeGreaterThan(0.5);
    expect(legal.passRate!).toBeLessThan(1);
    expect(step(all, 'proposal').rework).toBeGreaterThan(0);
    // The SQL's working time (the calendar passed in as a table) equals the calendar's own arithmetic.
    const cn = createCalendar(builtinCalendars['cn-mainland']);
    const done = await t.database.db
      .selectFrom('tasks')
      .select(['created_at', 'completed_at'])
      .where('node_id', '=', 'legal-review')
      .where('status', '=', 'completed')
      .execute();
    const workingMs = done.map((r) => cn.workingMillisBetween(r.created_at.getTime(), r.completed_at!.getTime()));
    const meanHours = workingMs.reduce((a, b) => a + b, 0) / workingMs.length / 3_600_000;
    expect(legal.durationWorkingHours.mean!).toBeCloseTo(meanHours, 1);
    // Current state: no deadline on legal review; target: 48 working hours with escalations.
    const current = step(await t.client('owner').getStepAnalytics(salesModelKey, { version: 1 }), 'legal-review');
    expect(current.withDeadline).toBe(0);
    expect(current.deadlineHitRate).toBeNull();
    const target = await t.client('owner').getStepAnalytics(salesModelKey, { version: 2, team: 'sales-east' });
    expect(step(target, 'first-follow-up').withDeadline).toBe(step(target, 'first-follow-up').tasks);
    expect(step(target, 'first-follow-up').escalations).toBeGreaterThan(0);
    expect(step(target, 'crm-reentry')).toBeUndefined();
    // The waiting for legal shrinks in the target state.
    const targetLegal = step(target, 'legal-review');
    if (targetLegal && targetLegal.completed > 5)
      expect(targetLegal.waitingWorkingHours.mean!).toBeLessThan(current.waitingWorkingHours.mean!);

    const forbidden = await t.call('rep1', (c) => c.getStepAnalytics(salesModelKey));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<ApiErrorBody>().code).toBe('API_FORBIDDEN');
    const missing = await t.call('owner', (c) => c.getStepAnalytics('no-such-model'));
    expect(missing.statusCode).toBe(404);
    const unknownField = await t.request({
      method: 'GET',
      url: `/api/analytics/models/${salesModelKey}/steps?colour=red`,
      as: 'owner',
    });
    expect(unknownField.statusCode).toBe(400);
    const badDate = await t.request({
      method: 'GET',
      url: `/api/analytics/models/${salesModelKey}/steps?from=2026-13-45`,
      as: 'owner',
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json<ApiErrorBody>().issues?.[0]?.path).toBe('/from');
  });

  it("per process: cycle time, throughput per week, WIP, abandoned share, first-pass yield, variants and Little's law; filters narrow the population", async () => {
    const p: ProcessAnalytics = await t.client('owner').getProcessAnalytics(salesModelKey);
    expect(p.instances).toBe(result.leads);
    expect(p.completed + p.running + p.terminated).toBe(p.instances);
    expect(p.workInProgress).toBe(p.running);
    expect(p.cycleClockHours.p90!).toBeGreaterThanOrEqual(p.cycleClockHours.p50!);
    expect(p.cycleHistogram.reduce((s, b) => s + b.count, 0)).toBe(p.completed);
    expect(p.throughputPerWeek.reduce((s, w) => s + w.started, 0)).toBe(p.instances);
    expect(p.throughputPerWeek.length).toBeGreaterThanOrEqual(25);
    expect(p.firstPassYield!).toBeGreaterThan(0);
    expect(p.firstPassYield!).toBeLessThan(1);
    // About 15 % of current-state leads are never followed up: they go stale.
    expect(p.abandonedShare!).toBeGreaterThan(0.03);
    expect(p.variants.reduce((s, v) => s + v.count, 0)).toBeLessThanOrEqual(p.completed);
    expect(p.variants[0]!.share).toBeGreaterThan(0);
    expect(p.outcomes.map((o) => o.endNode)).toContain('done');
    expect(p.littlesLaw.averageWip).not.toBeNull();
    expect(p.releases.map((r) => [r.version, r.cohort])).toEqual([
      [1, 'all'],
      [2, 'teams:sales-east'],
    ]);
    const pilot = p.releases[1]!;
    const cohort = await t.client('owner').getProcessAnalytics(salesModelKey, { cohort: pilot.deploymentId });
    const v2east = await t.client('owner').getProcessAnalytics(salesModelKey, { version: 2, team: 'sales-east' });
    expect(cohort.instances).toBe(v2east.instances);
    expect(cohort.instances).toBeGreaterThan(0);
    const before = await t.client('owner').getProcessAnalytics(salesModelKey, { to: pilot.startedAt });
    const after = await t.client('owner').getProcessAnalytics(salesModelKey, { from: pilot.startedAt });
    expect(before.instances + after.instances).toBe(p.instances);
  });

  it('team performance: deals attributed at signing with amounts, rates, load and per working day present', async () => {
    const team: TeamAnalytics = await t.client('director').getTeamAnalytics(salesModelKey);
    const reps = team.people.filter((p) => p.deals > 0);
    expect(reps.length).toBeGreaterThan(4);
    for (const r of reps) {
      expect(r.dealAmount).toBeGreaterThan(0);
      expect(r.daysPresent).toBeGreaterThan(0);
      expect(r.dealsPerDayPresent!).toBeCloseTo(r.deals / r.daysPresent, 2);
    }
    expect(team.teams.map((x) => x.team)).toEqual(
      expect.arrayContaining(['sales-east', 'sales-west', 'sales-north', 'sales-south']),
    );
    const east = team.teams.find((x) => x.team === 'sales-east')!;
    expect(east.deals).toBe(team.people.filter((p) => p.team === 'sales-east').reduce((s, p) => s + p.deals, 0));
  });

  it('compares pilot with control: a seeded bootstrap interval and a verdict in both languages, "too few data" on tiny groups', async () => {
    const query = { aVersion: 1, aTeam: 'sales-west', bVersion: 2, bTeam: 'sales-east', seed: 7 };
    const c: Comparison = await t.client('owner').compareAnalytics(salesModelKey, query);
    const again = await t.client('owner').compareAnalytics(salesModelKey, query);
    expect(again).toEqual(c);
    for (const m of c.measures) {
      expect(m.text.en?.length).toBeGreaterThan(10);
      expect(m.text['zh-CN']?.length).toBeGreaterThan(5);
      if (m.verdict !== 'tooFewData') {
        expect(m.ciLow!).toBeLessThanOrEqual(m.ciHigh!);
        expect(m.difference).toBeCloseTo(m.b! - m.a!, 1);
      }
    }
    const tiny = await t
      .client('owner')
      .compareAnalytics(salesModelKey, { ...query, bFrom: new Date(result.end - 86_400_000).toISOString() });
    expect(tiny.measures.every((m) => m.verdict === 'tooFewData')).toBe(true);
    expect(tiny.measures[0]!.text.en).toContain('too few');
  });

  it('exports each table as CSV and the event log as CSV and as XES that parses back to the same events', async () => {
    const client = t.client('owner');
    for (const table of ['steps', 'variants', 'throughput', 'people', 'teams'] as const) {
      const csv = await client.exportAnalytics(salesModelKey, { table });
      const lines = csv.trimEnd().split('\r\n');
      expect(lines.length).toBeGreaterThan(1);
      const width = lines[0]!.split(',').length;
      expect(parseCsvLine(lines[1]!).length).toBe(width);
    }
    expect(client.lastResponse?.headers['content-type']).toContain('text/csv');
    const csv = await client.exportAnalytics(salesModelKey, { table: 'eventLog', version: 2 });
    const rows = csv.trimEnd().split('\r\n').slice(1).map(parseCsvLine);
    const xes = await client.exportAnalytics(salesModelKey, { table: 'eventLog', format: 'xes', version: 2 });
    expect(client.lastResponse?.headers['content-type']).toContain('application/xml');
    const traces = parseXes(xes);
    const events = traces.flatMap((tr) =>
      tr.events.map((e) => [tr.name, e['concept:name'], e['lifecycle:transition'], e['time:timestamp']]),
    );
    expect(events).toEqual(rows.map((r) => [r[0], r[2], r[4], r[5]]));
    expect(new Set(traces.map((tr) => tr.name)).size).toBe(traces.length);
    const bad = await t.call('owner', (c) => c.exportAnalytics(salesModelKey, { table: 'steps', format: 'xes' }));
    expect(bad.statusCode).toBe(400);
  });

  it('the working times, paths and visits the run loop stores equal what the reports count for rows from before they were stored', async () => {
    const owner = t.client('owner');
    const query = { aVersion: 1, aTeam: 'sales-west', bVersion: 2, bTeam: 'sales-east', seed: 3 };
    const read = async () => ({
      steps: await owner.getStepAnalytics(salesModelKey),
      process: await owner.getProcessAnalytics(salesModelKey),
      compare: await owner.compareAnalytics(salesModelKey, query),
    });
    const db = t.database.db;
    const missing = await sql<{ n: number }>`select count(*)::int as n from tasks
      where status = 'completed' and (duration_working_ms is null or waiting_working_ms is null)`.execute(db);
    expect(missing.rows[0]!.n).toBe(0);
    const ended = await sql<{ n: number }>`select count(*)::int as n from instances
      where ended_at is not null and cycle_working_ms is null`.execute(db);
    expect(ended.rows[0]!.n).toBe(0);
    const stored = await read();
    const paths = await sql`select id, path, end_node from instances order by id`.execute(db);
    const visits = await sql`select id, visit from tasks order by id`.execute(db);
    // The 会签 of the target state: its signers are one entry of the step, not rework.
    const split = await sql`select instance_id, signer_group from tasks where signer_group is not null
      group by instance_id, signer_group having count(distinct visit) > 1`.execute(db);
    expect(split.rows).toEqual([]);
    // As a database from before the columns: the migration fills the paths from the history,
    // the reports count the working times on the calendar.
    await sql`update instances set path = null, end_node = null, cycle_working_ms = null`.execute(db);
    await sql`update tasks set duration_working_ms = null, waiting_working_ms = null, visit = null`.execute(db);
    await backfillPaths(db);
    await backfillVisits(db);
    expect((await sql`select id, path, end_node from instances order by id`.execute(db)).rows).toEqual(paths.rows);
    expect((await sql`select id, visit from tasks order by id`.execute(db)).rows).toEqual(visits.rows);
    expectClose(await read(), stored);
  });

  it('the step rollups answer as every task does: counts, rates and means equal, percentiles within 1 %, writes seen at once', async () => {
    const db = t.database.db;
    const model = await loadAnalyticsModel(db, salesModelKey, []);
    while ((await refreshStepRollups(db)).more);
    const parts = await sql<{ n: number }>`select count(*)::int as n from step_rollup_parts`.execute(db);
    expect(parts.rows[0]!.n).toBeGreaterThan(5);
    const deployments = await t.client('owner').listDeployments(salesModelKey);
    const pilot = deployments.find((d) => d.version === 2)!;
    const everyone = deployments.find((d) => d.version === 1 && d.cohort.type === 'all')!;
    const now = new Date();
    const compare = async (label: string, query: AnalyticsQuery) => {
      const exact = await exactStepAnalytics(db, model, query, now);
      const rolled = await stepAnalytics(db, model, query, { rollupsFrom: 1, now });
      expect(exact.exactPercentiles).toBe(true);
      expect(rolled.exactPercentiles, label).toBe(rolled.steps.length === 0);
      expect(rolled.instances, label).toBe(exact.instances);
      expect(
        rolled.steps.map((s) => s.nodeId),
        label,
      ).toEqual(exact.steps.map((s) => s.nodeId));
      for (const [i, e] of exact.steps.entries()) {
        const r = rolled.steps[i]!;
        const where = `${label} ${e.nodeId}`;
        for (const k of [
          'tasks',
          'completed',
          'open',
          'rework',
          'withDeadline',
          'escalations',
          'passRate',
          'deadlineHitRate',
        ] as const)
          expect(r[k], `${where} ${k}`).toEqual(e[k]);
        for (const d of [
          'durationClockHours',
          'durationWorkingHours',
          'waitingClockHours',
          'waitingWorkingHours',
          'workingClockHours',
          'workingWorkingHours',
        ] as const) {
          expect(Math.abs(r[d].mean! - e[d].mean!), `${where} ${d} mean`).toBeLessThanOrEqual(0.011);
          for (const q of ['p50', 'p90'] as const) {
            // 1 % of the value, plus the rounding to hundredths of an hour on both sides.
            const bound = 0.01 * Math.abs(e[d][q]!) + 0.011;
            expect(Math.abs(r[d][q]! - e[d][q]!), `${where} ${d} ${q}: ${r[d][q]} vs ${e[d][q]}`).toBeLessThanOrEqual(
              bound,
            );
          }
        }
      }
      return rolled;
    };
    const whole = await compare('all', {});
    expect(whole.steps.length).toBeGreaterThan(5);
    await compare('version 1', { version: 1 });
    await compare('target on sales-east', { version: 2, team: 'sales-east' });
    await compare('pilot cohort', { cohort: pilot.id });
    await compare('current state for everyone', { cohort: everyone.id });
    await compare('a team and the teams below it', { team: 'sales' });
    // A period cutting months in two: the cut months are read from their tasks.
    const first = await sql<{ at: Date }>`select min(created_at) as at from instances`.execute(db);
    const from = new Date(first.rows[0]!.at.getTime() + 40 * 86_400_000).toISOString();
    const to = new Date(first.rows[0]!.at.getTime() + 130 * 86_400_000).toISOString();
    await compare('a period', { from, to });
    // A write unsettles its part: the next report reads that part from its tasks, before any refresh.
    const running = await sql<{
      id: string;
    }>`select id from instances where status = 'running' order by created_at limit 1`.execute(db);
    const before = await stepAnalytics(db, model, {}, { rollupsFrom: 1, now });
    const ops = t.client('ops');
    await ops.terminateInstance(running.rows[0]!.id, { reason: 'lost' });
    const after = await compare('after a write', {});
    const open = (a: StepAnalytics) => a.steps.reduce((n, s) => n + s.open, 0);
    expect(open(after)).toBeLessThan(open(before));
    while ((await refreshStepRollups(db)).more);
    await compare('after the refresh', {});
  });
});

describe("the step rollups' histograms", () => {
  it('read a percentile back within 1 % (plus at most 1 second) of the exact one, for long-tailed durations of any size', () => {
    const seed = process.env.SEED ? Number(process.env.SEED) : randomInt(1, 2 ** 31 - 1);
    process.stdout.write(`step rollup histograms: seed ${seed} (SEED=… to repeat)\n`);
    const random = createRandom(seed);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * (round < 100 ? 20 : 5000));
      // Log-normal around an hour to a week, with some sub-second and zero durations.
      const values = Array.from({ length: n }, () => {
        const u = random();
        if (u < 0.03) return 0;
        if (u < 0.06) return random() * 1000;
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        return Math.exp(Math.log(3_600_000 * (1 + random() * 50)) + 1.5 * z);
      });
      const histogram = new Map<number, number>();
      for (const v of values) histogram.set(bucketOf(v), (histogram.get(bucketOf(v)) ?? 0) + 1);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        const exact = quantile(sorted, q);
        const read = histogramQuantile(histogram, n, q)!;
        expect(
          Math.abs(read - exact),
          `seed ${seed} round ${round} n ${n} q ${q}: ${read} vs ${exact}`,
        ).toBeLessThanOrEqual((0.01 * exact + 1000) * 1.000001);
      }
    }
    expect(histogramQuantile(new Map(), 0, 0.5)).toBeNull();
  });
});

describe('the bootstrap comparison', () => {
  it('finds a clear difference between clearly different groups and none between equal ones (seeded)', () => {
    const rnd = createRandom(3);
    const a = Array.from({ length: 60 }, () => 40 + rnd() * 20);
    const b = Array.from({ length: 60 }, () => 20 + rnd() * 20);
    const faster = compareOne('cycleWorkingHoursMean', a, b, 'mean', 'lower', 500, createRandom(1));
    expect(faster.verdict).toBe('better');
    expect(faster.ciHigh!).toBeLessThan(0);
    const same = compareOne('cycleWorkingHoursMean', a, [...a].reverse(), 'mean', 'lower', 500, createRandom(1));
    expect(same.verdict).toBe('noDifference');
    expect(compareOne('cycleWorkingHoursMean', a.slice(0, 5), b, 'mean', 'lower', 500, createRandom(1)).verdict).toBe(
      'tooFewData',
    );
  });

  it('bootstraps the median from counts per rank: the interval covers the true shift, and shrinks to 0 for identical groups', () => {
    const rnd = createRandom(11);
    // Long-tailed, like cycle times: the shift of the medians is 10 hours.
    const a = Array.from({ length: 301 }, () => 30 + -Math.log(1 - rnd()) * 20);
    const b = a.map((x) => x - 10);
    const faster = compareOne('cycleWorkingHoursMedian', a, b, 'median', 'lower', 400, createRandom(5));
    expect(faster.difference).toBeCloseTo(-10, 6);
    expect(faster.verdict).toBe('better');
    expect(faster.ciLow!).toBeLessThan(-10);
    expect(faster.ciHigh!).toBeGreaterThan(-10);
    expect(faster.ciHigh!).toBeLessThan(0);
    const flat = Array.from({ length: 40 }, () => 12.5);
    const none = compareOne('cycleWorkingHoursMedian', flat, flat, 'median', 'lower', 200, createRandom(5));
    expect([none.ciLow, none.ciHigh, none.verdict]).toEqual([0, 0, 'noDifference']);
    // Even sizes interpolate between the two middle values, as the report's median does.
    expect(statisticOf('median', [4, 1, 3, 2])).toBe(2.5);
  });
});

describe('the bootstrap of large groups', () => {
  it('draws the statistic of a resample of thousands from its large-sample law: the same interval as resampling value by value', () => {
    const seed = Number(process.env.SEED ?? 7);
    console.log(`bootstrap of large groups: seed ${seed} (SEED=… to repeat)`);
    const rnd = createRandom(seed);
    // Long-tailed like cycle times.
    const values = Array.from({ length: 4 * bootstrapExactUpTo }, () => 8 + -Math.log(1 - rnd()) * 30);
    for (const statistic of ['median', 'mean'] as const) {
      const interval = (exactUpTo: number) => {
        const resampler = new Resampler(values, statistic, exactUpTo);
        const random = createRandom(seed + 1);
        const draws = Float64Array.from({ length: 2_000 }, () => resampler.next(random)).sort();
        return [quantile(draws, 0.025), quantile(draws, 0.975)] as const;
      };
      const [exactLow, exactHigh] = interval(Number.POSITIVE_INFINITY);
      const [fastLow, fastHigh] = interval(bootstrapExactUpTo);
      const centre = statisticOf(statistic, values);
      // Both intervals hold the statistic, and their ends agree within a tenth of the interval's width.
      const width = exactHigh - exactLow;
      expect(exactLow).toBeLessThan(centre);
      expect(exactHigh).toBeGreaterThan(centre);
      expect(Math.abs(fastLow - exactLow), `${statistic} low`).toBeLessThan(width / 10);
      expect(Math.abs(fastHigh - exactHigh), `${statistic} high`).toBeLessThan(width / 10);
    }
  });
});

/** Splits one CSV line (RFC 4180 quoting). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Parses an XES document strictly enough for the test: well-nested elements, attributes in
 * double quotes, the five XML entities. Returns the traces with their events' attributes.
 */
function parseXes(xml: string): Array<{ name: string; events: Array<Record<string, string>> }> {
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const tag = /<(\/?)([A-Za-z:]+)((?:\s+[A-Za-z:.-]+="[^"]*")*)\s*(\/?)>/g;
  const stack: string[] = [];
  const traces: Array<{ name: string; events: Array<Record<string, string>> }> = [];
  let event: Record<string, string> | undefined;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    if (body.slice(last, m.index).trim() !== '') throw new Error(`text outside elements at ${last}`);
    last = m.index + m[0].length;
    const [, close, name, attrText, selfClose] = m;
    const attrs = Object.fromEntries(
      [...attrText!.matchAll(/([A-Za-z:.-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]),
    );
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
      if (name === 'event') {
        traces.at(-1)!.events.push(event!);
        event = undefined;
      }
      continue;
    }
    if (stack.length === 0 && name !== 'log') throw new Error('the root element is not <log>');
    if (name === 'trace') traces.push({ name: '', events: [] });
    if (name === 'event') event = {};
    if ((name === 'string' || name === 'date') && attrs.key !== undefined) {
      if (event) event[attrs.key] = attrs.value ?? '';
      else if (stack.at(-1) === 'trace' && attrs.key === 'concept:name') traces.at(-1)!.name = attrs.value ?? '';
    }
    if (!selfClose) stack.push(name!);
  }
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return traces;
}

/** Deep equality, numbers within 0.011 (the reports round hours to 2 decimals; float sums may round either way). */
function expectClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(0.011);
  } else if (expected !== null && typeof expected === 'object') {
    expect(typeof actual, path).toBe('object');
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)]);
    for (const k of keys)
      expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}/${k}`);
  } else expect(actual, path).toEqual(expected);
}
