// In-process PGlite measurement: app.inject, per-statement timings.
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { buildApp } from './src/app.ts';
import { migrateToLatest } from './src/db/migrate.ts';
import { seedDemoDataIfEmpty } from './src/seed/demo-data.ts';

const dir = process.argv[2] ?? '/tmp/inproc';
const extra = (process.env.PG_PARAMS ?? '').split(' ').filter(Boolean).flatMap((p) => ['-c', p]);
import pg from 'pg';
import { PostgresDialect } from 'kysely';
const pgUrl = process.env.PGURL;
pg.types.setTypeParser(20, Number);
const pool = pgUrl ? new pg.Pool({ connectionString: pgUrl, max: 10 }) : undefined;
const pglite = pgUrl ? undefined as any : new PGlite(dir, { startParams: [...PGlite.defaultStartParams, ...extra] });
if (pglite) await pglite.waitReady;
let captured: any; let capturedLoad: any;
const stats = new Map<string, { n: number; ms: number }>();
const db = new Kysely<any>({
  dialect: pool ? new PostgresDialect({ pool }) : new PGliteDialect(pglite),
  log: (e) => {
    if (e.level !== 'query') return;
    const k = e.query.sql.replace(/\s+/g, ' ').slice(0, 70);
    if (k.trim().startsWith('with inst as ( update') && (e.query.parameters as unknown[]).length > 8) captured = { sql: e.query.sql, params: e.query.parameters as unknown[] };
    if (k.trim().startsWith('with found')) capturedLoad = { sql: e.query.sql, params: e.query.parameters as unknown[] };
    const s = stats.get(k) ?? { n: 0, ms: 0 };
    s.n++; s.ms += e.queryDurationMillis; stats.set(k, s);
  },
});
const database: any = { db, kind: pool ? 'postgres' : 'pglite', listen: async () => async () => {}, close: async () => { await db.destroy(); } };
await migrateToLatest(db);
await seedDemoDataIfEmpty(db, 'pw-123456789');
const app = await buildApp({ database, config: { sessionSecret: 'x'.repeat(48), logLevel: 'silent' } });
await app.ready();
const call = async (token: string | null, method: string, url: string, body?: unknown) => {
  const r = await app.inject({ method: method as 'POST', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  if (r.statusCode >= 400) throw new Error(`${method} ${url} ${r.statusCode} ${r.body}`);
  return r.json();
};
const admin = (await call(null, 'POST', '/api/auth/login', { username: 'admin', password: 'pw-123456789' })).token;
const def = JSON.parse(readFileSync('../../bench/engine/sales-process.json', 'utf8'));
await call(admin, 'POST', '/api/models', { key: def.key, name: def.name }).catch(() => {});
const pub = await call(admin, 'POST', `/api/models/${def.key}/publish`, { definition: def, state: 'target' });
await call(admin, 'POST', `/api/models/${def.key}/deployments`, { version: pub.version.number, cohort: { type: 'all' } }).catch(() => {});
const rep = (await call(null, 'POST', '/api/auth/login', { username: 'rep1', password: 'pw-123456789' })).token;
async function run(seconds: number) {
  let steps = 0; let i = 0; const until = performance.now() + seconds * 1000; const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (performance.now() < until) {
      const s = await call(rep, 'POST', `/api/models/${def.key}/instances`, { data: { employees: i++ % 2 ? 1000 : 50 } }); steps++;
      let next = s.next;
      while (next.length) { const d = await call(rep, 'POST', `/api/tasks/${next[0].id}/complete`, { output: {} }); steps++; next = d.next; }
    }
  }));
  return steps / ((performance.now() - t0) / 1000);
}
await run(2); stats.clear();
const t0 = performance.now();
const rate = await run(Number(process.env.SECS ?? 6));
const total = performance.now() - t0;
console.log('steps/s', rate.toFixed(0));
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`${(100 * s.ms / total).toFixed(1).padStart(5)}% n=${s.n} avg=${(s.ms / s.n).toFixed(3)}ms ${k}`);
for (const c of [captured, capturedLoad]) {
  const q = (t: string, p?: unknown[]) => (pool ? pool.query(t, p) : pglite.query(t, p));
  const r = await q('explain (summary) ' + c.sql, c.params);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).filter((l: string) => /Planning|Execution/.test(l)).join('\n'));
}
await app.close(); await database.close();
