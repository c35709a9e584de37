import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../src/seed/demo-data.ts';
import { createHttpClient } from '../rig/http-client.ts';
import { reliabilityDatabaseUrl } from '../rig/reliability-env.ts';
import { createScratchDatabase, type ScratchDatabase } from '../rig/scratch-database.ts';
import { rigPassword, type ServerHandle, startServers, stopServers } from '../rig/server-process.ts';

const adminUrl = reliabilityDatabaseUrl();

// The multi-process rig itself: real server processes on one PostgreSQL database.
describe('multi-process rig', () => {
  let scratch: ScratchDatabase;
  let servers: ServerHandle[] = [];
  const http = createHttpClient();

  beforeAll(async () => {
    scratch = await createScratchDatabase(adminUrl!);
    const t0 = Date.now();
    servers = await startServers(2, { databaseUrl: scratch.url });
    console.log(`rig: 2 server processes healthy after ${Date.now() - t0} ms`);
  });

  afterAll(async () => {
    await stopServers(servers);
    http.close();
    await scratch?.drop();
  });

  it('starts two processes that migrate and seed one database exactly once', async () => {
    expect(servers.map((s) => s.port)).toHaveLength(2);
    expect(new Set(servers.map((s) => s.port)).size).toBe(2);
    for (const server of servers) {
      const res = await http.request({ method: 'GET', baseUrl: server.baseUrl, path: '/api/health' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', database: 'postgres' });
    }
    const users = await scratch.query<{ n: number }>('select count(*)::int as n from users');
    expect(users[0]!.n).toBe(demoUsers.length);
    const migrations = await scratch.query<{ n: number }>('select count(*)::int as n from kysely_migration');
    expect(migrations[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('accepts a token issued by one process on the other (shared session secret)', async () => {
    const token = await http.login(servers[0]!.baseUrl, 'rep1', rigPassword);
    const me = await http.request({ method: 'GET', baseUrl: servers[1]!.baseUrl, path: '/api/me', token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('rep1');
    const wrong = await http.request({ method: 'POST', baseUrl: servers[1]!.baseUrl, path: '/api/auth/login', body: { username: 'rep1', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
  });

  it('survives SIGKILL of one process and restarts it on the same port', async () => {
    const [victim, survivor] = servers as [ServerHandle, ServerHandle];
    const port = victim.port;
    const exit = await victim.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(victim.running).toBe(false);

    const refused = await http.request({ method: 'GET', baseUrl: victim.baseUrl, path: '/api/health', timeoutMs: 2_000 });
    expect(refused.status).toBe(0);
    const alive = await http.request({ method: 'GET', baseUrl: survivor.baseUrl, path: '/api/health' });
    expect(alive.status).toBe(200);

    await victim.restart();
    expect(victim.port).toBe(port);
    const token = await http.login(victim.baseUrl, 'admin', rigPassword);
    const me = await http.request({ method: 'GET', baseUrl: survivor.baseUrl, path: '/api/me', token });
    expect(me.status).toBe(200);
    // The restart found the database migrated and seeded: the demo users once, not twice.
    const users = await scratch.query<{ n: number }>('select count(*)::int as n from users');
    expect(users[0]!.n).toBe(demoUsers.length);
  });

  it('stops gracefully on SIGTERM with exit code 0 and nothing logged at error level', async () => {
    const exits = await Promise.all(servers.map((s) => s.stop()));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    for (const server of servers) expect(server.problems()).toEqual([]);
  });
});
