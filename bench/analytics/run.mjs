#!/usr/bin/env -S npx tsx
// `npm run bench:analytics` (run with tsx: it imports the server's TypeScript): how fast the analytics routes answer on a large history.
//
// 1. On each database (PGlite embedded; PostgreSQL too when BENCH_PG is reachable): migrate, seed
//    the demo users and the sales example, then a small history through the run loop
//    (`seedHistory`, BASE_LEADS_PER_WEEK leads a week for BASE_WEEKS weeks).
// 2. Grow it to the target size by copying those instances with their tasks and events under new
//    ids (SQL `insert … select`): a bench fixture only; `npm run seed:history` never does this.
//    Then settle the step rollups as the runtime's refresher does (timed).
// 3. Time the per-step report (whole history, and a period that cuts a month, which reads the cut
//    months from their tasks), the process report (variants included) and a cohort comparison
//    through `app.inject` (routes, validation, serialisation included): ITERATIONS runs each,
//    p50 and p99.
// Last line: analytics: pglite <n> instances steps p50 … ms …; pg <n> instances …
//
// Env: BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres; "off" skips PostgreSQL),
//      PGLITE_INSTANCES (10000), PG_INSTANCES (100000), ITERATIONS (7), BASE_LEADS_PER_WEEK (12),
//      BASE_WEEKS (8), SEED (1).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../apps/server/src/app.ts';
import { createDatabase } from '../../apps/server/src/db/database.ts';
import { migrateToLatest } from '../../apps/server/src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../../apps/server/src/seed/demo-data.ts';
import { seedHistory } from '../../apps/server/src/seed/history.ts';
import { markAllUnsettled, refreshStepRollups } from '../../apps/server/src/analytics/step-rollups.ts';
import { salesModelKey, seedSalesExampleIfMissing } from '../../apps/server/src/seed/sales-examples.ts';

const BASE = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PGLITE_INSTANCES = Number(process.env.PGLITE_INSTANCES ?? 10_000);
const PG_INSTANCES = Number(process.env.PG_INSTANCES ?? 100_000);
const ITERATIONS = Number(process.env.ITERATIONS ?? 7);
const BASE_LEADS_PER_WEEK = Number(process.env.BASE_LEADS_PER_WEEK ?? 12);
const SEED = Number(process.env.SEED ?? 1);
const BASE_WEEKS = Number(process.env.BASE_WEEKS ?? 8);
const PASSWORD = 'bench-password-1';

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function grow(database, target) {
  const db = database.db;
  const model = await db
    .selectFrom('process_models')
    .select('id')
    .where('key', '=', salesModelKey)
    .executeTakeFirstOrThrow();
  const { count } = await db
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('model_id', '=', model.id)
    .executeTakeFirstOrThrow();
  let current = Number(count);
  // Doubling rounds (the last one partial), each one transaction: log2(target / base) statements.
  for (let round = 1; current < target; round++) {
    const take = Math.min(current, target - current);
    await db.transaction().execute(async (trx) => {
      await sql`create temp table bench_map on commit drop as
        select id as old_id, gen_random_uuid() as new_id from instances where model_id = ${model.id} order by created_at limit ${take}`.execute(
        trx,
      );
      await sql`insert into instances (id, model_id, version_id, status, business_key, data, snapshot, initiator_id, team_id, rev, created_at, updated_at, ended_at, path, end_node, cycle_working_ms)
        select m.new_id, i.model_id, i.version_id, i.status, i.business_key || ${`~${round}`}, i.data, i.snapshot, i.initiator_id, i.team_id, i.rev, i.created_at, i.updated_at, i.ended_at, i.path, i.end_node, i.cycle_working_ms
        from bench_map m join instances i on i.id = m.old_id`.execute(trx);
      await sql`insert into tasks (instance_id, key, node_id, node_name, token_id, status, assignee, assignee_id, candidates, due_at, output, escalation_level, rev, created_at, updated_at, completed_at, completed_by, completed_by_username, deadline_warning, decision, comment, cancel_reason, signer_group, claimed_at, first_holder, duration_working_ms, waiting_working_ms, visit)
        select m.new_id, t.key, t.node_id, t.node_name, t.token_id, t.status, t.assignee, t.assignee_id, t.candidates, t.due_at, t.output, t.escalation_level, t.rev, t.created_at, t.updated_at,
          t.created_at + (t.completed_at - t.created_at) * t.f, t.completed_by, t.completed_by_username, t.deadline_warning, t.decision, t.comment, t.cancel_reason, t.signer_group,
          t.created_at + (t.claimed_at - t.created_at) * t.f, t.first_holder, t.duration_working_ms * t.f, t.waiting_working_ms * t.f, t.visit
        -- Each copied task's durations stretched by its own factor (0.6 to 1.4), so the copies do not repeat the
        -- same few hundred durations: a report sorts and buckets as many distinct values as a real history has.
        from bench_map m join (select *, 0.6 + random() * 0.8 as f from tasks) t on t.instance_id = m.old_id`.execute(
        trx,
      );
      await sql`insert into events (instance_id, type, actor_id, actor, node_id, at, data)
        select m.new_id, e.type, e.actor_id, e.actor, e.node_id, e.at, e.data
        from bench_map m join events e on e.instance_id = m.old_id`.execute(trx);
    });
    current += take;
  }
  // The copies were written around the run loop, which marks the parts of the history it writes
  // unsettled: mark them as it would, then settle them as the runtime's refresher does (timed).
  await markAllUnsettled(db);
  const r0 = performance.now();
  let parts = 0;
  for (;;) {
    const round = await refreshStepRollups(db);
    parts += round.parts;
    if (!round.more) break;
  }
  const refreshMs = performance.now() - r0;
  // As autovacuum leaves a settled database: statistics, and the pages marked all-visible (index-only scans).
  await sql`vacuum analyze`.execute(db);
  const instances = Number((await sql`select count(*) as n from instances`.execute(db)).rows[0].n);
  const events = Number((await sql`select count(*) as n from events`.execute(db)).rows[0].n);
  return { instances, events, parts, refreshMs };
}

async function benchOne(name, database, target) {
  const t0 = performance.now();
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, PASSWORD);
  await seedSalesExampleIfMissing(database.db);
  const app = await buildApp({
    database,
    config: { sessionSecret: randomBytes(32).toString('hex'), logLevel: 'silent' },
  });
  try {
    await app.ready();
    const history = await seedHistory(app, { seed: SEED, leadsPerWeek: BASE_LEADS_PER_WEEK, weeks: BASE_WEEKS });
    const seeded = performance.now();
    const size = await grow(database, target);
    console.log(
      `${name}: ${history.leads} leads through the run loop in ${(history.elapsedMs / 1000).toFixed(1)} s, grown to ${size.instances} instances and ${size.events} events in ${((performance.now() - seeded) / 1000).toFixed(1)} s; step rollups of ${size.parts} parts settled in ${(size.refreshMs / 1000).toFixed(2)} s (load ${load()})`,
    );
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'owner', password: PASSWORD },
    });
    const token = login.json().token;
    const deployments = await app.inject({
      method: 'GET',
      url: `/api/models/${salesModelKey}/deployments`,
      headers: { authorization: `Bearer ${token}` },
    });
    const pilot = deployments.json().find((d) => d.version === 2);
    const routes = {
      steps: `/api/analytics/models/${salesModelKey}/steps`,
      // A period that cuts a month: the cut months are read from their tasks, the rest from the rollups.
      'steps since 30 days': `/api/analytics/models/${salesModelKey}/steps?from=${new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)}`,
      process: `/api/analytics/models/${salesModelKey}/process`,
      compare: `/api/analytics/models/${salesModelKey}/compare?aVersion=1&aTeam=sales-west&bCohort=${pilot.id}&seed=1`,
    };
    const parts = [];
    for (const [route, url] of Object.entries(routes)) {
      const times = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        times.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
      const line = `${route} p50 ${pct(times, 50).toFixed(0)} ms p99 ${pct(times, 99).toFixed(0)} ms`;
      console.log(`${name}: ${line} (${ITERATIONS} runs)`);
      parts.push(line);
    }
    console.log(`${name}: total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return `${name} ${size.instances} instances ${size.events} events: ${parts.join(', ')}`;
  } finally {
    await app.close();
  }
}

async function main() {
  console.log(`bench:analytics on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${load()}`);
  const results = [];
  const lite = await createDatabase({ pgliteDir: null });
  try {
    results.push(await benchOne('pglite', lite, PGLITE_INSTANCES));
  } finally {
    await lite.close();
  }
  if (BASE !== 'off') {
    const name = `baton_bench_analytics_${process.pid}`;
    const admin = new pg.Client({ connectionString: BASE });
    let reachable = true;
    try {
      await admin.connect();
      await admin.query(`create database ${name}`);
    } catch (error) {
      reachable = false;
      console.log(`PostgreSQL skipped: ${error.message}`);
    } finally {
      await admin.end().catch(() => {});
    }
    if (reachable) {
      const url = new URL(BASE);
      url.pathname = `/${name}`;
      const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 5 });
      try {
        results.push(await benchOne('pg', database, PG_INSTANCES));
      } finally {
        await database.close();
        const drop = new pg.Client({ connectionString: BASE });
        await drop.connect();
        await drop.query(`drop database if exists ${name} with (force)`);
        await drop.end();
      }
    }
  }
  console.log(`analytics: ${results.join('; ')}`);
}

await main();
