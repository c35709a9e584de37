import { beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../src/seed/demo-data.ts';
import { rigPassword, type ServerHandle } from '../rig/server-process.ts';
import { useRig } from '../rig/use-rig.ts';

// The multi-process rig itself: real server processes on one PostgreSQL database.
describe('multi-process rig', () => {
  const rig = useRig({ servers: 2 });
  // Runs after useRig's beforeAll (vitest runs beforeAll hooks in the order they are registered).
  beforeAll(() => console.log(`rig: 2 server processes healthy after ${rig.startMs} ms`));
  const { http } = rig;

  it('starts two processes that migrate and seed one database exactly once', async () => {
    expect(rig.servers.map((s) => s.port)).toHaveLength(2);
    expect(new Set(rig.servers.map((s) => s.port)).size).toBe(2);
    for (const server of rig.servers) {
      const res = await http.request({ method: 'GET', baseUrl: server.baseUrl, path: '/api/health' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', database: 'postgres' });
    }
    const users = await rig.scratch.query<{ n: number }>('select count(*)::int as n from users');
    expect(users[0]!.n).toBe(demoUsers.length);
    const migrations = await rig.scratch.query<{ n: number }>('select count(*)::int as n from kysely_migration');
    expect(migrations[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('accepts a token issued by one process on the other (shared session secret)', async () => {
    const token = await rig.login(0, 'rep1');
    const me = await http.request({ method: 'GET', baseUrl: rig.servers[1]!.baseUrl, path: '/api/me', token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('rep1');
    const wrong = await http.request({ method: 'POST', baseUrl: rig.servers[1]!.baseUrl, path: '/api/auth/login', body: { username: 'rep1', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
  });

  it('survives SIGKILL of one process and restarts it on the same port', async () => {
    const [victim, survivor] = rig.servers as [ServerHandle, ServerHandle];
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
    const users = await rig.scratch.query<{ n: number }>('select count(*)::int as n from users');
    expect(users[0]!.n).toBe(demoUsers.length);
  });

  it('stops gracefully on SIGTERM with exit code 0 and nothing logged at error level', async () => {
    const exits = await Promise.all(rig.servers.map((s) => s.stop()));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
    for (const server of rig.servers) expect(server.problems()).toEqual([]);
  });
});
