#!/usr/bin/env node
// `npm run bench:api`: the service over HTTP, side by side with pgbench on the same PostgreSQL.
//
// Phases (each server is a real `apps/server/src/main.ts` process on loopback):
//   1. PostgreSQL: 16 concurrent clients drive complete runs of the 10-step benchmark process
//      (one start and three task completions per instance = 4 steps) for DURATION seconds: peak steps/s.
//   2. The same at half the peak rate (open loop): request latency p50/p99.
//   3. Timer lateness: TIMER_RATE timers a second come due for TIMER_SECONDS seconds while the
//      closed-loop HTTP load runs; lateness = applied (timers.fired_at) - due (timers.due_at).
//   4. pgbench -N (built-in simple-update) with 16 clients for 20 s on the same server.
//   5. PGlite: phase 1 again on the embedded database.
// Last line:
//   api-pg: X steps/s; pgbench-N: Y tps; ratio: R; p99: P ms; api-pglite: G steps/s; timer-p99: T ms; timer-max: M ms
//
// Env: BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres), DURATION (20), CLIENTS (16),
//      TIMER_RATE (1000), TIMER_SECONDS (30), PGBENCH_SECONDS (20), TIMER_LOAD_CLIENTS (= CLIENTS).
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const BASE = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.DURATION ?? 20);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const TIMER_RATE = Number(process.env.TIMER_RATE ?? 1000);
const TIMER_SECONDS = Number(process.env.TIMER_SECONDS ?? 30);
const PGBENCH_SECONDS = Number(process.env.PGBENCH_SECONDS ?? 20);
/** HTTP clients running while the timers come due (diagnostics: 0 measures the timer path alone). */
const TIMER_LOAD_CLIENTS = Number(process.env.TIMER_LOAD_CLIENTS ?? CLIENTS);
const PASSWORD = 'bench-password-1';
const stamp = `${process.pid}_${Date.now() % 1e6}`;

const log = (...a) => console.log(...a);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const withDb = (name) => {
  const u = new URL(BASE);
  u.pathname = `/${name}`;
  return u.toString();
};

async function admin(sql) {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function startServer(env) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'apps/server/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEMO_PASSWORD: PASSWORD,
      SESSION_SECRET: 'bench-secret-'.padEnd(48, 'x'),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    await sleep(100);
  }
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The load generator must cost little CPU, like pgbench does (it shares the machine with the
// server and the database): plain node:http with keep-alive sockets, one per client.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function api(baseUrl, token, method, path, body) {
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  const url = new URL(baseUrl + path);
  const headers = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(payload !== undefined
      ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          if (res.statusCode >= 400)
            reject(
              Object.assign(new Error(`${method} ${path}: ${res.statusCode} ${json?.code} ${json?.message}`), {
                status: res.statusCode,
              }),
            );
          else resolve(json);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function login(baseUrl, username) {
  return (await api(baseUrl, null, 'POST', '/api/auth/login', { username, password: PASSWORD })).token;
}

async function deploy(baseUrl, token, definition) {
  await api(baseUrl, token, 'POST', '/api/models', { key: definition.key, name: definition.name }).catch((e) => {
    if (e.status !== 409) throw e;
  });
  const published = await api(baseUrl, token, 'POST', `/api/models/${definition.key}/publish`, {
    definition,
    state: 'target',
  });
  await api(baseUrl, token, 'POST', `/api/models/${definition.key}/deployments`, {
    version: published.version.number,
    cohort: { type: 'all' },
  });
}

/** Open tasks of an instance: from the command's response when it carries them, else the inbox. */
async function nextTasks(baseUrl, token, instanceId, response) {
  if (Array.isArray(response?.next)) return response.next;
  if (Array.isArray(response?.tasks))
    return response.tasks.filter((t) => t.status === 'open' || t.status === 'claimed');
  const inbox = await api(baseUrl, token, 'GET', `/api/tasks?instance=${instanceId}`);
  return (inbox.tasks ?? inbox).filter((t) => t.status === 'open' || t.status === 'claimed');
}

/** One complete run of the benchmark process: 1 start + 3 completions. Returns per-step latencies. */
async function oneRun(baseUrl, token, i, latencies) {
  let t = performance.now();
  const started = await api(baseUrl, token, 'POST', '/api/models/bench-sales/instances', {
    data: { employees: i % 2 === 0 ? 1000 : 50 },
  });
  latencies.push(performance.now() - t);
  let tasks = await nextTasks(baseUrl, token, started.instance.id, started);
  let steps = 1;
  while (tasks.length > 0) {
    t = performance.now();
    const done = await api(baseUrl, token, 'POST', `/api/tasks/${tasks[0].id}/complete`, { output: {} });
    latencies.push(performance.now() - t);
    steps++;
    tasks = await nextTasks(baseUrl, token, started.instance.id, done);
  }
  if (steps !== 4) throw new Error(`expected 4 steps per instance, got ${steps}`);
  return steps;
}

async function closedLoop(baseUrl, token, seconds, clients) {
  const latencies = [];
  let steps = 0;
  let i = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        // Not `steps += await …`: that reads `steps` before the await and loses the other clients' counts.
        const done = await oneRun(baseUrl, token, i++, latencies);
        steps += done;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { stepsPerSec: steps / elapsed, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function openLoop(baseUrl, token, seconds, stepsPerSec) {
  const latencies = [];
  const runsPerSec = stepsPerSec / 4;
  const interval = 1000 / runsPerSec;
  const inflight = [];
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
    const at = t0 + i * interval;
    const wait = at - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(oneRun(baseUrl, token, i, latencies));
  }
  await Promise.all(inflight);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), n: latencies.length };
}

async function timerPhase(baseUrl, token, repToken, dbUrl) {
  const timerDef = {
    schemaVersion: 1,
    key: 'bench-timers',
    name: { en: 'Timer benchmark', 'zh-CN': '定时器基准' },
    data: { type: 'object', properties: { fireAt: { type: 'string' } } },
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'wait', type: 'timer', timer: { date: 'fireAt' } },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'wait' },
      { id: 'e2', from: 'wait', to: 'end' },
    ],
  };
  await deploy(baseUrl, token, timerDef);
  const total = TIMER_RATE * TIMER_SECONDS;
  // Create every waiting instance first (their timers come due later, spread evenly).
  const createStart = Date.now();
  const firstDue = createStart + Math.ceil(total / 400) * 1000 + 5000;
  let made = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (made < total) {
        const k = made++;
        const fireAt = new Date(firstDue + Math.floor((k / TIMER_RATE) * 1000)).toISOString();
        await api(baseUrl, token, 'POST', '/api/models/bench-timers/instances', { data: { fireAt } });
      }
    }),
  );
  log(`  created ${total} timer instances in ${((Date.now() - createStart) / 1000).toFixed(1)} s`);
  const wait = firstDue - Date.now();
  if (wait < 0) log(`  warning: timers began to come due ${-wait} ms before creation finished`);
  else await sleep(wait);
  const load =
    TIMER_LOAD_CLIENTS > 0
      ? await closedLoop(baseUrl, repToken, TIMER_SECONDS + 2, TIMER_LOAD_CLIENTS)
      : (await sleep((TIMER_SECONDS + 2) * 1000), { stepsPerSec: 0 });
  await sleep(3000);
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  const { rows } = await c.query(
    `select extract(epoch from (t.fired_at - t.due_at)) * 1000 as late
       from timers t join instances i on i.id = t.instance_id join process_models m on m.id = i.model_id
      where m.key = 'bench-timers'`,
  );
  await c.end();
  const late = rows.map((r) => Number(r.late));
  const unfired = late.filter((x) => !Number.isFinite(x)).length;
  const fired = late.filter(Number.isFinite);
  return {
    count: rows.length,
    unfired,
    p50: pct(fired, 50),
    p99: pct(fired, 99),
    max: Math.max(...fired),
    loadStepsPerSec: load.stepsPerSec,
  };
}

function pgbench(dbName) {
  const url = withDb(dbName);
  execFileSync('pgbench', ['-i', '-s', '10', '-q', url], { stdio: ['ignore', 'ignore', 'inherit'] });
  const out = execFileSync('pgbench', ['-N', '-c', String(CLIENTS), '-j', '2', '-T', String(PGBENCH_SECONDS), url], {
    encoding: 'utf8',
  });
  const m = out.match(/tps = ([\d.]+) \(without initial connection time\)/) ?? out.match(/tps = ([\d.]+)/);
  return Number(m[1]);
}

const benchDef = JSON.parse(readFileSync(join(root, 'bench/engine/sales-process.json'), 'utf8'));
benchDef.key = 'bench-sales';

log(
  `# machine: ${cpus().length} vCPU, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString()}`,
);
const apiDb = `baton_bench_${stamp}`;
const pgbenchDb = `baton_pgbench_${stamp}`;
await admin(`create database ${apiDb}`);
await admin(`create database ${pgbenchDb}`);
let results;
try {
  log(`# PostgreSQL: load ${load()}`);
  const server = await startServer({ DATABASE_URL: withDb(apiDb) });
  try {
    const adminToken = await login(server.baseUrl, 'admin');
    await deploy(server.baseUrl, adminToken, benchDef);
    const rep = await login(server.baseUrl, 'rep1');
    await closedLoop(server.baseUrl, rep, 3, CLIENTS); // warm-up
    const peak = await closedLoop(server.baseUrl, rep, DURATION, CLIENTS);
    log(
      `  peak: ${peak.stepsPerSec.toFixed(0)} steps/s (p50 ${peak.p50.toFixed(1)} ms, p99 ${peak.p99.toFixed(1)} ms at ${CLIENTS} clients)`,
    );
    const half = await openLoop(server.baseUrl, rep, Math.max(10, DURATION / 2), peak.stepsPerSec / 2);
    log(
      `  half rate (${(peak.stepsPerSec / 2).toFixed(0)} steps/s): p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms over ${half.n} requests`,
    );
    log(`# timers: ${TIMER_RATE}/s for ${TIMER_SECONDS} s under load; load ${load()}`);
    const timers =
      TIMER_SECONDS > 0
        ? await timerPhase(server.baseUrl, adminToken, rep, withDb(apiDb))
        : { count: 0, unfired: 0, p50: NaN, p99: NaN, max: NaN, loadStepsPerSec: NaN };
    log(
      `  ${timers.count} timers, ${timers.unfired} unfired; lateness p50 ${timers.p50.toFixed(0)} ms, p99 ${timers.p99.toFixed(0)} ms, max ${timers.max.toFixed(0)} ms; HTTP load meanwhile ${timers.loadStepsPerSec.toFixed(0)} steps/s`,
    );
    results = { peak, half, timers };
  } finally {
    await server.stop();
  }
  log(`# pgbench -N, ${CLIENTS} clients, ${PGBENCH_SECONDS} s: load ${load()}`);
  results.pgbench = pgbench(pgbenchDb);
  log(`  ${results.pgbench.toFixed(0)} tps`);
  log(`# PGlite: load ${load()}`);
  const lite = await startServer({ DATABASE_URL: '' });
  try {
    const adminToken = await login(lite.baseUrl, 'admin');
    await deploy(lite.baseUrl, adminToken, benchDef);
    const rep = await login(lite.baseUrl, 'rep1');
    await closedLoop(lite.baseUrl, rep, 3, CLIENTS);
    results.lite = await closedLoop(lite.baseUrl, rep, DURATION, CLIENTS);
    log(`  peak: ${results.lite.stepsPerSec.toFixed(0)} steps/s (p99 ${results.lite.p99.toFixed(1)} ms)`);
  } finally {
    await lite.stop();
  }
} finally {
  await admin(`drop database if exists ${apiDb} with (force)`);
  await admin(`drop database if exists ${pgbenchDb} with (force)`);
}

const r = results;
const ratio = r.peak.stepsPerSec / r.pgbench;
const pass =
  ratio >= 0.25 &&
  r.half.p99 <= 25 &&
  r.lite.stepsPerSec >= 800 &&
  r.timers.p99 <= 50 &&
  r.timers.max <= 250 &&
  r.timers.unfired === 0;
log(
  `# targets ${pass ? 'met' : 'NOT met'}: ratio >= 0.25, p99 <= 25 ms at half peak, PGlite >= 800 steps/s, timer p99 <= 50 ms, max <= 250 ms, all fired`,
);
log(
  `api-pg: ${r.peak.stepsPerSec.toFixed(0)} steps/s; pgbench-N: ${r.pgbench.toFixed(0)} tps; ratio: ${ratio.toFixed(2)}; p99: ${r.half.p99.toFixed(1)} ms; api-pglite: ${r.lite.stepsPerSec.toFixed(0)} steps/s; timer-p99: ${r.timers.p99.toFixed(0)} ms; timer-max: ${r.timers.max.toFixed(0)} ms`,
);
process.exitCode = pass ? 0 : 1;
