import { randomBytes, createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { InstanceResult, PublishResult, WsPushMessage } from '@baton/client/contract';
import { toJsonb } from '../src/db/json.ts';
import { type TestApp, backends, minimalDefinition, startTestApp, stringContaining, wsText } from './harness.ts';

/** What a handshake ended in: an open socket, or the HTTP answer that refused it. */
type Handshake =
  { ok: true; socket: Client } | { ok: false; status: number; body: Record<string, unknown>; upgraded: false };

/** A `ws` client that queues the JSON messages it receives and records how it closed. */
interface Client {
  ws: WebSocket;
  /** The next message (waits for it; fails after 5 s). */
  next(): Promise<Record<string, unknown>>;
  send(value: unknown): void;
  /** Resolves when the socket closes, with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
}

/** A pushed message told apart by its `count`. */
function pushed(count: number): WsPushMessage {
  return { type: 'notification.read', all: true, count };
}

function wrap(ws: WebSocket): Client {
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(wsText(data)) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    ws,
    closed,
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    next: () => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no websocket message within 5 s')), 5000);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
  };
}

// This file's subject is the websocket protocol itself (handshakes, token transports, origins,
// frames, close codes), so it speaks it through `ws` directly. The typed client's live connection
// (subscribe, reconnect, resubscribe) is tested against a real server in ws-client.test.ts.
describe.each(backends)('websocket /api/ws on $name', (backend) => {
  let t: TestApp;
  let base: string;
  let host: string;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    host = `127.0.0.1:${port}`;
    base = `ws://${host}/api/ws`;
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await t?.close();
  });

  function handshake(
    options: { as?: string; token?: string; origin?: string; protocols?: string[]; query?: string } = {},
  ): Promise<Handshake> {
    return (async () => {
      const headers: Record<string, string> = {};
      const token = options.token ?? (options.as === undefined ? undefined : await t.token(options.as));
      if (token !== undefined && options.protocols === undefined) headers.authorization = `Bearer ${token}`;
      const ws = new WebSocket(`${base}${options.query ?? ''}`, options.protocols ?? [], {
        headers,
        ...(options.origin === undefined ? {} : { origin: options.origin }),
      });
      open.push(ws);
      return new Promise<Handshake>((resolve, reject) => {
        const client = wrap(ws);
        ws.on('open', () => resolve({ ok: true, socket: client }));
        ws.on('unexpected-response', (_req, res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({
              ok: false,
              status: res.statusCode ?? 0,
              body: JSON.parse(text) as Record<string, unknown>,
              upgraded: false,
            }),
          );
        });
        ws.on('error', (error) => {
          if (!/Unexpected server response/.test(error.message)) reject(error);
        });
      });
    })();
  }

  async function connect(as: string, options: { origin?: string } = {}): Promise<Client> {
    const result = await handshake({ as, ...options });
    if (!result.ok) throw new Error(`handshake as ${as} failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.socket;
  }

  async function subscribe(client: Client, message: Record<string, unknown>): Promise<Record<string, unknown>> {
    client.send({ type: 'subscribe', ...message });
    return client.next();
  }

  /** Proves nothing was delivered before now: messages on one socket keep their order. */
  async function expectNothingPending(client: Client): Promise<void> {
    client.send({ type: 'ping' });
    expect(await client.next()).toEqual({ type: 'pong' });
  }

  async function userId(username: string): Promise<number> {
    const row = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Gives a user business positions; adds `users.positions` when the run loop has not yet. */
  async function setPositions(username: string, positions: string[]): Promise<void> {
    const db = t.database.db;
    const { rows } = await sql<{
      data_type: string;
    }>`select data_type from information_schema.columns where table_name = 'users' and column_name = 'positions'`.execute(
      db,
    );
    if (rows.length === 0)
      await sql`alter table users add column if not exists positions text[] not null default '{}'`.execute(db);
    const value = rows[0]?.data_type === 'jsonb' ? sql`${toJsonb(positions)}::jsonb` : sql`${positions}::text[]`;
    await sql`update users set positions = ${value} where username = ${username}`.execute(db);
  }

  /** Inserts an instance started by `initiator` (and publishes its model on first use). */
  async function insertInstance(initiator: string): Promise<string> {
    const db = t.database.db;
    let version = await db
      .selectFrom('process_versions')
      .select(['id', 'model_id'])
      .where('status', '=', 'published')
      .executeTakeFirst();
    if (!version) {
      await t.client('owner').createModel({ key: 'ws-watch', name: { en: 'WS watch' } });
      const res = await t.call('owner', (c) =>
        c.publish('ws-watch', { definition: minimalDefinition('ws-watch'), state: 'target' }),
      );
      expect(res.statusCode).toBe(201);
      version = await db
        .selectFrom('process_versions')
        .select(['id', 'model_id'])
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
    }
    const row = await db
      .insertInto('instances')
      .values({
        model_id: version.model_id,
        version_id: version.id,
        status: 'running',
        snapshot: toJsonb({}),
        data: toJsonb({}),
        initiator_id: await userId(initiator),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Inserts an open task; fills `tasks.key` when the run loop's migration has added it. */
  async function insertTask(instanceId: string, candidates: Record<string, unknown>): Promise<void> {
    const db = t.database.db;
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.columns where table_name = 'tasks' and column_name = 'key'`.execute(
      db,
    );
    const candidatesJson = sql`${toJsonb(candidates)}::jsonb`;
    if (rows[0]!.n > 0) {
      await sql`insert into tasks (instance_id, node_id, token_id, candidates, key) values (${instanceId}, 'review', 't1', ${candidatesJson}, ${`ws-test:${instanceId}`})`.execute(
        db,
      );
    } else {
      await sql`insert into tasks (instance_id, node_id, token_id, candidates) values (${instanceId}, 'review', 't1', ${candidatesJson})`.execute(
        db,
      );
    }
  }

  describe('handshake (docs/reliability.md I1: refused before the upgrade)', () => {
    it('answers 401 without a token and never upgrades', async () => {
      const result = await handshake();
      expect(result).toMatchObject({ ok: false, status: 401, body: { code: 'API_UNAUTHENTICATED' } });
      expect(result.ok ? '' : String(result.body.message)).toContain('Authorization: Bearer');
      expect(t.app.wsHub.size).toBe(0);
    });

    it('answers 401 for a garbage token, a token signed with another secret and an expired token', async () => {
      const claims = { sub: String(await userId('rep1')), username: 'rep1' };
      const foreign = signHs256(claims, randomBytes(32).toString('hex'));
      // A token issued 13 hours ago: 12-hour lifetime, so it expired an hour ago.
      const expired = t.app.jwt.sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 13 * 3600 } as typeof claims);
      for (const token of ['not-a-jwt', foreign, expired]) {
        const result = await handshake({ token });
        expect(result, token).toMatchObject({ ok: false, status: 401, body: { code: 'API_UNAUTHENTICATED' } });
      }
      const expiredResult = await handshake({ token: expired });
      expect(expiredResult).toMatchObject({ body: { message: stringContaining('expired') } });
      expect(t.app.wsHub.size).toBe(0);
    });

    it('refuses ?token= in the URL with 401 and says why', async () => {
      const token = await t.token('rep1');
      const result = await handshake({ query: `?token=${token}` });
      expect(result).toMatchObject({
        ok: false,
        status: 401,
        body: { code: 'API_UNAUTHENTICATED', message: stringContaining('URL') },
      });
    });

    it('answers 403 for an Origin that is not allowed, even with a valid token', async () => {
      for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1.evil.example']) {
        const result = await handshake({ as: 'rep1', origin });
        expect(result, origin).toMatchObject({
          ok: false,
          status: 403,
          body: { code: 'API_FORBIDDEN', message: stringContaining('ALLOWED_ORIGINS') },
        });
      }
      expect(t.app.wsHub.size).toBe(0);
    });

    it('accepts no Origin (CLI clients), the same host, and localhost during development', async () => {
      for (const origin of [undefined, `http://${host}`, 'http://localhost:5173']) {
        const client = await connect('rep1', origin === undefined ? {} : { origin });
        client.ws.close();
        await client.closed;
      }
    });

    it('takes the token from the subprotocols ["baton.v1", "baton.bearer.<token>"] and answers baton.v1 only', async () => {
      const token = await t.token('rep1');
      const result = await handshake({ protocols: ['baton.v1', `baton.bearer.${token}`], origin: `http://${host}` });
      expect(result.ok).toBe(true);
      const client = (result as { socket: Client }).socket;
      expect(client.ws.protocol).toBe('baton.v1');
      expect(await subscribe(client, { topic: 'inbox' })).toEqual({ type: 'subscribed', topic: 'inbox' });
      client.ws.close();
      await client.closed;

      const alone = await handshake({ protocols: [`baton.bearer.${token}`] });
      expect(alone).toMatchObject({ ok: false, status: 401, body: { message: stringContaining('baton.v1') } });
    });

    it('answers 426 to a plain GET with a valid token', async () => {
      // Raw request: the subject is a plain GET on the websocket path, which the typed client has no method for.
      const res = await t.request({ method: 'GET', url: '/api/ws', as: 'rep1' });
      expect(res.statusCode).toBe(426);
    });
  });

  describe('inbox delivery', () => {
    it('delivers a message to the holder of the audience position, and nothing to a user outside it', async () => {
      await setPositions('legal', ['legal']);
      const legal = await connect('legal');
      const outsider = await connect('rep2');
      expect(await subscribe(legal, { topic: 'inbox' })).toEqual({ type: 'subscribed', topic: 'inbox' });
      expect(await subscribe(outsider, { topic: 'inbox' })).toEqual({ type: 'subscribed', topic: 'inbox' });

      const message: WsPushMessage = {
        type: 'task.created',
        instanceId: '00000000-0000-4000-8000-000000000001',
        taskId: 7,
        taskKey: 'k1',
        nodeId: 'review',
        status: 'open',
        assignee: null,
      };
      t.app.wsHub.publish(message, { positions: ['legal'] });
      expect(await legal.next()).toEqual(message);
      await expectNothingPending(outsider);
      legal.ws.close();
      outsider.ws.close();
    });

    it('reaches members of sub-teams and named users, once each, and only sockets subscribed to the inbox', async () => {
      const rep1 = await connect('rep1'); // team sales-east, below sales
      const legal = await connect('legal');
      const quiet = await connect('rep1'); // same user, not subscribed
      await subscribe(rep1, { topic: 'inbox' });
      await subscribe(legal, { topic: 'inbox' });

      t.app.wsHub.publish(pushed(1), { teams: ['sales'], users: ['rep1'] });
      expect(await rep1.next()).toEqual(pushed(1));
      t.app.wsHub.publish(pushed(2), { users: ['legal'] });
      expect(await legal.next()).toEqual(pushed(2));
      await expectNothingPending(rep1); // n: 1 arrived once, and n: 2 not at all
      await expectNothingPending(quiet);

      rep1.send({ type: 'unsubscribe', topic: 'inbox' });
      expect(await rep1.next()).toEqual({ type: 'unsubscribed', topic: 'inbox' });
      t.app.wsHub.publish(pushed(3), { users: ['rep1'] });
      await expectNothingPending(rep1);
      for (const c of [rep1, legal, quiet]) c.ws.close();
    });
  });

  describe('instance subscriptions (docs/reliability.md I2)', () => {
    it('denies a participant who neither started the instance nor has a task in it, and allows admin and the initiator', async () => {
      const instanceId = await insertInstance('rep1');
      const stranger = await connect('rep2');
      const admin = await connect('admin');
      const initiator = await connect('rep1');

      expect(await subscribe(stranger, { topic: 'instance', instanceId })).toMatchObject({
        type: 'error',
        code: 'API_FORBIDDEN',
        instanceId,
      });
      expect(await subscribe(admin, { topic: 'instance', instanceId })).toEqual({
        type: 'subscribed',
        topic: 'instance',
        instanceId,
      });
      expect(await subscribe(initiator, { topic: 'instance', instanceId })).toEqual({
        type: 'subscribed',
        topic: 'instance',
        instanceId,
      });

      const update: WsPushMessage = { type: 'instance.updated', instanceId, rev: 1, status: 'running' };
      t.app.wsHub.publish(update, { instanceId });
      expect(await admin.next()).toEqual(update);
      expect(await initiator.next()).toEqual(update);
      await expectNothingPending(stranger);
      for (const c of [stranger, admin, initiator]) c.ws.close();
    });

    it('allows a candidate of a task in the instance, via their team', async () => {
      const instanceId = await insertInstance('rep1');
      const legal = await connect('legal');
      expect(await subscribe(legal, { topic: 'instance', instanceId })).toMatchObject({
        type: 'error',
        code: 'API_FORBIDDEN',
      });
      await insertTask(instanceId, { users: [], roles: [], teams: ['legal'] });
      expect(await subscribe(legal, { topic: 'instance', instanceId })).toEqual({
        type: 'subscribed',
        topic: 'instance',
        instanceId,
      });
      legal.ws.close();
    });

    it('does not reveal whether an instance exists to participants; tells admins it does not', async () => {
      const missing = '00000000-0000-4000-8000-00000000dead';
      const rep1 = await connect('rep1');
      const admin = await connect('admin');
      expect(await subscribe(rep1, { topic: 'instance', instanceId: missing })).toMatchObject({
        type: 'error',
        code: 'API_FORBIDDEN',
      });
      expect(await subscribe(admin, { topic: 'instance', instanceId: missing })).toMatchObject({
        type: 'error',
        code: 'API_NOT_FOUND',
      });
      rep1.ws.close();
      admin.ws.close();
    });

    it('delivers no foreign event after 1,000 random subscribe messages', async () => {
      const ownId = await insertInstance('rep2');
      const foreignId = await insertInstance('rep1');
      const rep2 = await connect('rep2');
      const shapes: unknown[] = [];
      for (let i = 0; i < 1000; i++) {
        const pick = i % 5;
        if (pick === 0) shapes.push({ type: 'subscribe', topic: 'instance', instanceId: foreignId });
        else if (pick === 1) shapes.push({ type: 'subscribe', topic: 'instance', instanceId: randomUuid() });
        else if (pick === 2) shapes.push({ type: 'subscribe', topic: 'instance', instanceId: `${foreignId}x` });
        else if (pick === 3) shapes.push({ type: 'subscribe', topic: 'instance', instanceId: foreignId, as: 'admin' });
        else shapes.push({ type: 'subscribe', topic: ['inbox', 'instance', 'all', '*'][i % 4], instanceId: i });
      }
      let answers = 0;
      for (let i = 0; i < shapes.length; i += 25) {
        // Batches stay under the limit of messages waiting per socket.
        for (const s of shapes.slice(i, i + 25)) rep2.send(s);
        for (let k = 0; k < 25; k++) {
          const answer = await rep2.next();
          answers++;
          expect(answer.type, JSON.stringify(answer)).toBe('error');
        }
      }
      expect(answers).toBe(1000);
      t.app.wsHub.publish(
        { type: 'instance.updated', instanceId: foreignId, rev: 9, status: 'running' },
        { instanceId: foreignId },
      );
      await expectNothingPending(rep2);
      expect(await subscribe(rep2, { topic: 'instance', instanceId: ownId })).toEqual({
        type: 'subscribed',
        topic: 'instance',
        instanceId: ownId,
      });
      rep2.ws.close();
    });
  });

  describe('robustness (docs/reliability.md I3)', () => {
    it('closes with 1009 when a frame exceeds 64 KiB', async () => {
      const client = await connect('rep1');
      client.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(64 * 1024) }));
      expect((await client.closed).code).toBe(1009);
    });

    it('answers malformed messages with API_BAD_MESSAGE and keeps the socket open', async () => {
      const client = await connect('rep1');
      const bad = [
        'not json',
        '[]',
        'null',
        JSON.stringify({ type: 'subscribe', topic: 'inbox', extra: 1 }),
        JSON.stringify({ type: 'launch' }),
        JSON.stringify({ type: 'subscribe', topic: 'instance', instanceId: "1' or 1=1 --" }),
        '{"type":"ping","__proto__":{"admin":true}}',
        JSON.stringify({ type: 'subscribe', topic: 'instance' }),
      ];
      for (const text of bad) {
        client.send(text);
        expect(await client.next(), text).toMatchObject({
          type: 'error',
          code: 'API_BAD_MESSAGE',
          message: stringContaining('subscribe'),
        });
      }
      client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await client.next()).toMatchObject({ type: 'error', code: 'API_BAD_MESSAGE' });
      await expectNothingPending(client);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      client.ws.close();
    });
  });

  describe('revocation (docs/reliability.md G5)', () => {
    it('closes a socket with 4401 once its token has expired', async () => {
      const client = await connect('rep1');
      expect(t.app.wsHub.closeExpired(Date.now())).toBe(0);
      expect(t.app.wsHub.closeExpired(Date.now() + 12 * 3600_000 + 1000)).toBeGreaterThanOrEqual(1);
      expect(await client.closed).toEqual({ code: 4401, reason: 'token expired: log in again' });
    });

    it("closes a deleted user's socket with 4401 at the next refresh, and a watcher whose roles changed with 4403", async () => {
      const created = await t.call('admin', (c) =>
        c.createUser({ username: 'ws-temp', displayName: 'Temp', password: 'temp-password-1', roles: ['participant'] }),
      );
      expect(created.statusCode).toBe(201);
      const login = await t.client().login('ws-temp', 'temp-password-1');
      const temp = await handshake({ token: login.token });
      if (!temp.ok) throw new Error('handshake failed');

      const instanceId = await insertInstance('rep1');
      const ops = await connect('ops');
      expect(await subscribe(ops, { topic: 'instance', instanceId })).toMatchObject({ type: 'subscribed' });
      const bystander = await connect('rep2');

      await t.database.db.deleteFrom('users').where('username', '=', 'ws-temp').execute();
      await sql`update users set roles = ${['participant']}::text[] where username = 'ops'`.execute(t.database.db);
      expect(await t.app.wsHub.refresh()).toBe(2);
      expect((await temp.socket.closed).code).toBe(4401);
      expect((await ops.closed).code).toBe(4403);
      await expectNothingPending(bystander);
      await sql`update users set roles = ${['operator']}::text[] where username = 'ops'`.execute(t.database.db);
      bystander.ws.close();
    });
  });
  describe('from the run loop to a socket', () => {
    it('pushes task.created to a candidate after the start commits, and nothing to others', async () => {
      const def = {
        ...minimalDefinition('ws-live'),
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'review', type: 'userTask', owner: { type: 'role', role: 'legal' } },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { id: 'e1', from: 'start', to: 'review' },
          { id: 'e2', from: 'review', to: 'end' },
        ],
      };
      expect(
        (await t.call('owner', (c) => c.createModel({ key: 'ws-live', name: { en: 'WS live' } }))).statusCode,
      ).toBe(201);
      const published = await t.call('owner', (c) => c.publish('ws-live', { definition: def, state: 'target' }));
      expect(published.statusCode).toBe(201);
      const version = published.json<PublishResult>().version.number;
      expect((await t.call('ops', (c) => c.deploy('ws-live', { version, cohort: { type: 'all' } }))).statusCode).toBe(
        201,
      );
      await setPositions('legal', ['legal']);
      t.app.runtime.directory.invalidate();
      const lawyer = await connect('legal');
      const rep = await connect('rep2');
      expect(await subscribe(lawyer, { topic: 'inbox' })).toEqual({ type: 'subscribed', topic: 'inbox' });
      expect(await subscribe(rep, { topic: 'inbox' })).toEqual({ type: 'subscribed', topic: 'inbox' });
      const started = await t.call('rep1', (c) => c.startInstance('ws-live', { data: {} }));
      expect(started.statusCode).toBe(201);
      const instanceId = started.json<InstanceResult>().instance.id;
      const message = await lawyer.next();
      expect(message).toMatchObject({ type: 'task.created', instanceId, nodeId: 'review', status: 'open' });
      await expectNothingPending(rep);
      lawyer.ws.close();
      rep.ws.close();
      await Promise.all([lawyer.closed, rep.closed]);
    });
  });
});

function randomUuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Signs an HS256 JWT with `secret` (a token the server did not issue). */
function signHs256(claims: Record<string, unknown>, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, iat: now, exp: now + 3600 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
