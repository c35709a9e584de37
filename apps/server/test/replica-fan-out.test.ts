import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type BatonDatabase, createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../src/seed/demo-data.ts';
import { createClient } from '@baton/client';
import type { WsPushMessage } from '@baton/client/contract';
import { notifyPayloadLimit } from '../src/ws/replica-fan-out.ts';
import { testPassword } from './harness.ts';
import { type LiveInbox, openLiveInbox } from './live-inbox.ts';
import { createScratchDatabase, type ScratchDatabase } from './rig/scratch-database.ts';

// Two apps in this process, each with its own connections to one PostgreSQL database, stand in
// for two replicas where the test needs to reach inside (large messages, a dropped LISTEN
// connection). Collected only when TEST_DATABASE_URL is set (vitest.config.ts). Users connect
// through the typed client's live connection (`client.connect()`, see live-inbox.ts).

interface Replica {
  app: FastifyInstance;
  database: BatonDatabase;
  /** `http://127.0.0.1:<port>` of its listening server. */
  baseUrl: string;
  /** The JSON log records the replica wrote (level warn and above). */
  logs: Array<{ level: number; msg: string; calendar?: string }>;
}

/**
 * A small push told apart by `id` (pushes must be contract messages); `pad` lengthens it so that
 * several share one NOTIFY payload.
 */
const probe = (id: number, pad = ''): WsPushMessage => ({
  type: 'notification.read',
  id,
  readAt: `2026-12-03T00:00:00.000Z${pad}`,
});
const afterReconnect = { type: 'notification.read', all: true, count: 1 } as const;
const secret = `fan-out-test-secret-${'s'.repeat(32)}`;

async function startReplica(url: string): Promise<Replica> {
  const logs: Replica['logs'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  const database = await createDatabase({ databaseUrl: url, poolMax: 4, workerPoolMax: 2 }, logger);
  const app = await buildApp({ database, config: { sessionSecret: secret, logLevel: 'warn' }, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, database, baseUrl: `http://127.0.0.1:${port}`, logs };
}

/** Polls `condition` every 10 ms; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('websocket fan-out between replicas on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  let one: Replica;
  let two: Replica;
  let token: string;
  const sockets: LiveInbox[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    const setup = await createDatabase({ databaseUrl: scratch.url });
    await migrateToLatest(setup.db);
    await seedDemoDataIfEmpty(setup.db, testPassword);
    await setup.close();
    one = await startReplica(scratch.url);
    two = await startReplica(scratch.url);
    const client = createClient({ baseUrl: two.baseUrl, fetch: (url, init) => globalThis.fetch(url, init) });
    token = (await client.login('rep1', testPassword)).token;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const replica of [one, two]) {
      await replica?.app.close();
      await replica?.database.close();
    }
    await scratch?.drop();
  });

  it('carries a message too large for one NOTIFY through ws_relay, in order with the small ones around it', async () => {
    const socket = await openLiveInbox(one.baseUrl, token);
    sockets.push(socket);
    const big = {
      type: 'incident.raised' as const,
      instanceId: '00000000-0000-4000-8000-000000000001',
      incident: {
        id: 'i1',
        token: 't1',
        node: 'n1',
        code: 'ENG_SERVICE_FAILED',
        message: 'x'.repeat(3 * notifyPayloadLimit),
        at: 0,
      },
    };
    two.app.wsHub.publish(probe(1), { users: ['rep1'] });
    two.app.wsHub.publish(big, { users: ['rep1'] });
    two.app.wsHub.publish(probe(2), { users: ['rep1'] });
    // Many small ones: they share payloads, several notifications in one statement.
    for (let n = 3; n < 203; n++)
      two.app.wsHub.publish(probe(n, 'p'.repeat(100)), { users: ['rep1'], teams: ['sales'] });
    await until(() => socket.messages.length === 203);
    expect(socket.messages[0]).toEqual(probe(1));
    expect(socket.messages[1]).toEqual(big);
    expect(socket.messages[2]).toEqual(probe(2));
    expect(socket.messages.slice(3).map((m) => ('id' in m ? m.id : undefined))).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 3),
    );
    const relayed = await scratch.query<{ n: number }>('select count(*)::int as n from ws_relay');
    expect(relayed[0]!.n).toBe(1);
    // Nothing came back to the publisher's own sockets twice, and nothing went wrong.
    // (The start-up warning about a calendar whose holiday data ends soon depends on the date.)
    expect([...one.logs, ...two.logs].filter((r) => r.level >= 40 && r.calendar === undefined)).toEqual([]);
    socket.close();
  });

  it('listens again after its LISTEN connection is dropped, and says so at warn', async () => {
    const socket = await openLiveInbox(one.baseUrl, token);
    sockets.push(socket);
    const killed = await scratch.query<{ pid: number }>(
      "select pg_terminate_backend(pid), pid from pg_stat_activity where application_name = 'baton-listen' and datname = current_database()",
    );
    expect(killed.length).toBe(2);
    // Notifications sent while a listener is down are lost: probe until replica one hears again.
    let n = 0;
    await until(() => {
      if (socket.messages.length === 0) two.app.wsHub.publish(probe(++n), { users: ['rep1'] });
      return socket.messages.length > 0;
    });
    two.app.wsHub.publish(afterReconnect, { users: ['rep1'] });
    await until(() => socket.messages.some((m) => 'count' in m && m.count === afterReconnect.count));
    expect(socket.messages.filter((m) => !('id' in m))).toEqual([afterReconnect]);
    const warnings = one.logs.filter((r) => r.level === 40).map((r) => r.msg);
    expect(warnings).toContain('PostgreSQL LISTEN connection failed; reconnecting');
    expect(warnings.some((m) => m.startsWith('websocket fan-out: the LISTEN connection was re-established'))).toBe(
      true,
    );
    expect(one.logs.filter((r) => r.level >= 50)).toEqual([]);
    socket.close();
  });
});
