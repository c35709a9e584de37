import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatonDatabase, livePresenceSql } from '../src/db/database.ts';
import { toJsonb } from '../src/db/json.ts';
import { migrateToLatest, migrations } from '../src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../src/seed/demo-data.ts';
import { backends } from './harness.ts';

describe.each(backends)('database layer on $name', (backend) => {
  let database: BatonDatabase;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await backend.open());
  });
  afterAll(async () => {
    await drop?.();
  });

  it('migrates an empty database and is a no-op the second time', async () => {
    const first = await migrateToLatest(database.db);
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual(
      Object.keys(migrations).map((name) => [name, 'Success']),
    );
    const second = await migrateToLatest(database.db);
    expect(second.results).toEqual([]);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_name not like 'kysely_%' order by 1`.execute(
      database.db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'analytics_changes',
      'calendar_years',
      'cc_entries',
      'delegations',
      'deployments',
      'events',
      'idempotency_keys',
      'instances',
      'migration_operations',
      'notifications',
      'outbox',
      'process_models',
      'process_versions',
      'round_robin',
      'settings',
      'step_rollup_parts',
      'step_rollups',
      'tasks',
      'teams',
      'timers',
      'users',
      'ws_relay',
    ]);
  });

  it('gives every instance-owned table an instance_id column', async () => {
    const result = await sql<{ table_name: string }>`
      select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'instance_id' order by 1`.execute(
      database.db,
    );
    expect(result.rows.map((r) => r.table_name)).toEqual([
      'cc_entries',
      'events',
      'notifications',
      'outbox',
      'tasks',
      'timers',
    ]);
  });

  it('seeds the demo data once, even when called twice', async () => {
    expect(await seedDemoDataIfEmpty(database.db, 'pw-123456')).toBe(true);
    expect(await seedDemoDataIfEmpty(database.db, 'pw-123456')).toBe(false);
    const n = await database.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n.n).toBe(12);
  });

  it('returns the same row shapes on both backends: bigint and count as numbers, jsonb as objects, timestamps as Dates, text[] as arrays', async () => {
    const count = await database.db
      .selectFrom('teams')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(7);
    const team = await database.db.selectFrom('teams').selectAll().where('key', '=', 'sales').executeTakeFirstOrThrow();
    expect(typeof team.id).toBe('number');
    expect(team.name).toEqual({ en: 'Sales', 'zh-CN': '销售部' });
    expect(team.created_at).toBeInstanceOf(Date);
    const user = await database.db
      .selectFrom('users')
      .select(['id', 'roles', 'manager_id'])
      .where('username', '=', 'rep1')
      .executeTakeFirstOrThrow();
    expect(user.roles).toEqual(['participant']);
    expect(typeof user.manager_id).toBe('number');
    const arr = await sql<{
      ids: number[];
      big: number;
    }>`select array[1, 2]::bigint[] as ids, 9007199254740991::bigint as big`.execute(database.db);
    expect(arr.rows[0]).toEqual({ ids: [1, 2], big: 9_007_199_254_740_991 });
  });

  it('round-trips jsonb arrays, strings and nested objects through toJsonb, and snapshots via JSON', async () => {
    const model = await database.db
      .insertInto('process_models')
      .values({ key: 'json', name: toJsonb({ en: 'J' }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const version = await database.db
      .insertInto('process_versions')
      .values({
        model_id: model.id,
        number: 1,
        state: 'current',
        definition: toJsonb({ a: [1, 'two', { three: null }] }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const snapshot = { value: { stage: 'review' }, context: { list: [1, 2], text: '引号 "quoted" \\ backslash' } };
    const instance = await database.db
      .insertInto('instances')
      .values({
        model_id: model.id,
        version_id: version.id,
        status: 'running',
        snapshot: toJsonb(snapshot),
        data: toJsonb({ amount: 12.5 }),
      })
      .returning(['id', 'snapshot', 'data', 'rev'])
      .executeTakeFirstOrThrow();
    expect(instance.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(instance.snapshot).toEqual(snapshot);
    expect(instance.data).toEqual({ amount: 12.5 });
    expect(instance.rev).toBe(0);
    const events = await database.db
      .insertInto('events')
      .values({ instance_id: instance.id, type: 'instance.started', data: toJsonb(['a', 'b']) as never })
      .returning(['id', 'at', 'data'])
      .executeTakeFirstOrThrow();
    expect(events.data).toEqual(['a', 'b']);
    expect(events.at).toBeInstanceOf(Date);
  });

  it('enforces the unique timer key and the unique outbox key', async () => {
    const instance = await database.db.selectFrom('instances').select('id').executeTakeFirstOrThrow();
    const timer = {
      instance_id: instance.id,
      kind: 'deadline',
      due_at: new Date('2030-01-01T00:00:00Z'),
      key: 'i1:n1:1',
    };
    await database.db.insertInto('timers').values(timer).execute();
    await expect(database.db.insertInto('timers').values(timer).execute()).rejects.toMatchObject({ code: '23505' });
    const ignored = await database.db
      .insertInto('timers')
      .values(timer)
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .execute();
    expect(ignored).toEqual([]);
    const outbox = { instance_id: instance.id, key: 'i1:n1:1:notify', kind: 'notify', payload: toJsonb({}) };
    await database.db.insertInto('outbox').values(outbox).execute();
    await expect(database.db.insertInto('outbox').values(outbox).execute()).rejects.toMatchObject({ code: '23505' });
  });

  it('delivers NOTIFY to listeners (including one sent inside a transaction, on commit) and stops after unsubscribe', async () => {
    const received: string[] = [];
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && received.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const unsubscribe = await database.listen('baton_test', (payload) => received.push(payload));
    await sql`select pg_notify('baton_test', 'one')`.execute(database.db);
    await waitFor(1);
    expect(received).toEqual(['one']);
    await database.db.transaction().execute(async (trx) => {
      await sql`select pg_notify('baton_test', 'two')`.execute(trx);
    });
    await waitFor(2);
    expect(received).toEqual(['one', 'two']);
    await unsubscribe();
    await sql`select pg_notify('baton_test', 'three')`.execute(database.db);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(['one', 'two']);
  });

  it('announces a process as alive (a presence lock other processes can see), idempotently', async () => {
    const alive = async () =>
      (
        await sql<{
          name: string;
        }>`select n.name from (values ('proc-a'), ('proc-b')) as n(name) where hashtext(n.name)::oid in (${livePresenceSql})`.execute(
          database.db,
        )
      ).rows.map((r) => r.name);
    expect(await alive()).toEqual([]);
    expect(await database.announce('proc-a')).toBe(true);
    expect(await database.announce('proc-a')).toBe(true);
    expect(await alive()).toEqual(['proc-a']);
  });

  it('refuses channel names that are not plain identifiers', async () => {
    await expect(database.listen('bad; drop table users', () => {})).rejects.toThrow(/channel names must match/);
  });

  it('uses the database clock: clock_timestamp() defaults advance within one transaction', async () => {
    const rows = await database.db.transaction().execute(async (trx) => {
      const a = await sql<{ t: Date }>`select clock_timestamp() as t`.execute(trx);
      await sql`select pg_sleep(0.01)`.execute(trx);
      const b = await sql<{ t: Date }>`select clock_timestamp() as t`.execute(trx);
      return [a.rows[0]!.t, b.rows[0]!.t];
    });
    expect(rows[1]!.getTime()).toBeGreaterThan(rows[0]!.getTime());
  });
});
