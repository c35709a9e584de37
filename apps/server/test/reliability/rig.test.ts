import { beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../src/seed/demo-data.ts';
import { answerOf, rigClient } from '../rig/baton-api.ts';
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
      expect(await rigClient(http, server.baseUrl).health()).toEqual({ status: 'ok', database: 'postgres' });
    }
    const users = await rig.scratch.query<{ n: number }>('select count(*)::int as n from users');
    expect(users[0]!.n).toBe(demoUsers.length);
    const migrations = await rig.scratch.query<{ n: number }>('select count(*)::int as n from kysely_migration');
    expect(migrations[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('accepts a token issued by one process on the other (shared session secret)', async () => {
    const token = await rig.login(0, 'rep1');
    expect((await rigClient(http, rig.servers[1]!.baseUrl, token).me()).username).toBe('rep1');
    const wrong = await answerOf(http, rig.servers[1]!.baseUrl, undefined, (c) => c.login('rep1', 'nope-nope'));
    expect(wrong.status).toBe(401);
  });

  it('survives SIGKILL of one process and restarts it on the same port', async () => {
    const [victim, survivor] = rig.servers as [ServerHandle, ServerHandle];
    const port = victim.port;
    const exit = await victim.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(victim.running).toBe(false);

    const refused = await answerOf(http, victim.baseUrl, undefined, (c) => c.health());
    expect(refused.status).toBe(0);
    expect((await rigClient(http, survivor.baseUrl).health()).status).toBe('ok');

    await victim.restart();
    expect(victim.port).toBe(port);
    const token = await http.login(victim.baseUrl, 'admin', rigPassword);
    expect((await rigClient(http, survivor.baseUrl, token).me()).username).toBe('admin');
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
