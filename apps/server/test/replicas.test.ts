import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { InstanceResult } from '@baton/client';
import { sessionSecretFingerprint } from '../src/auth/session-fingerprint.ts';
import { wsText } from './harness.ts';
import { publishAndDeploy } from './rig/baton-api.ts';
import { singleTaskDefinition } from './rig/definitions.ts';
import { randomSuffix, rigPassword, rigSessionSecret, type ServerHandle, startServer } from './rig/server-process.ts';
import { useRig } from './rig/use-rig.ts';

// Two real server processes on one PostgreSQL database, as behind a load balancer (README,
// "Several replicas behind one address"). Collected only when TEST_DATABASE_URL is set
// (vitest.config.ts).

/** A websocket client that queues the JSON messages it receives, with their arrival times. */
interface Socket {
  ws: WebSocket;
  /** The next message (waits for it; fails after 10 s). */
  next(): Promise<Record<string, unknown> & { receivedAt: number }>;
  send(value: unknown): void;
  close(): Promise<void>;
}

function connect(baseUrl: string, token: string): Promise<Socket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/ws`, ['baton.v1'], {
    headers: { authorization: `Bearer ${token}` },
  });
  const queue: Array<Record<string, unknown> & { receivedAt: number }> = [];
  const waiters: Array<(m: Record<string, unknown> & { receivedAt: number }) => void> = [];
  ws.on('message', (data) => {
    const message = { ...(JSON.parse(wsText(data)) as Record<string, unknown>), receivedAt: performance.now() };
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  const socket: Socket = {
    ws,
    send: (value) => ws.send(JSON.stringify(value)),
    next: () => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no websocket message within 10 s')), 10_000);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
    close: async () => {
      ws.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`websocket handshake on ${baseUrl} answered ${response.statusCode}`)),
    );
    ws.once('error', reject);
  });
}

async function subscribeInbox(socket: Socket): Promise<void> {
  socket.send({ type: 'subscribe', topic: 'inbox' });
  expect(await socket.next()).toMatchObject({ type: 'subscribed', topic: 'inbox' });
}

/** A user task owned by user `owner`, then the end. */
function userTaskDefinition(key: string, owner: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: { en: key, 'zh-CN': key },
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'review',
        type: 'userTask',
        name: { en: 'Review', 'zh-CN': 'Review' },
        owner: { type: 'user', user: owner },
      },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'review' },
      { id: 'e2', from: 'review', to: 'done' },
    ],
  };
}

/** Polls `condition` every 50 ms; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('several replicas behind one address', () => {
  const rig = useRig({ servers: 2 });

  it('accepts a session from one replica on the other, over REST and the websocket', async () => {
    const [one, two] = rig.baseUrls as [string, string];
    const fromOne = await rig.login(0, 'rep1');
    const fromTwo = await rig.login(1, 'rep2');
    const me = await rig.http.request({ method: 'GET', baseUrl: two, path: '/api/me', token: fromOne });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'rep1' });
    const back = await rig.http.request({ method: 'GET', baseUrl: one, path: '/api/me', token: fromTwo });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ username: 'rep2' });

    const socket = await connect(two, fromOne);
    await subscribeInbox(socket);
    await socket.close();
  });

  it('pushes to a socket on the other replica exactly once: task.created, task.updated, notification.created, notification.read', async () => {
    const [one, two] = rig.baseUrls as [string, string];
    const admin = await rig.login(1, 'admin');
    const forRep1 = `replicas-rep1-${randomSuffix()}`;
    const forSales = `replicas-sales-${randomSuffix()}`;
    await publishAndDeploy(rig.http, two, admin, userTaskDefinition(forRep1, 'rep1'));
    await publishAndDeploy(rig.http, two, admin, singleTaskDefinition(forSales));

    // rep1 has a socket on each replica; rep2's is on replica 1 only; everything happens on replica 2.
    const rep1Token = await rig.login(0, 'rep1');
    const rep2Token = await rig.login(0, 'rep2');
    const rep1OnOne = await connect(one, rep1Token);
    const rep1OnTwo = await connect(two, rep1Token);
    const rep2OnOne = await connect(one, rep2Token);
    for (const socket of [rep1OnOne, rep1OnTwo, rep2OnOne]) await subscribeInbox(socket);

    const started = await rig.http.request<InstanceResult>({
      method: 'POST',
      baseUrl: two,
      path: `/api/models/${forRep1}/instances`,
      token: admin,
      body: {},
    });
    expect(started.status).toBe(201);
    const instanceId = started.body.instance.id;
    const created = { type: 'task.created', instanceId, nodeId: 'review', assignee: 'rep1' };
    const onOne = await rep1OnOne.next();
    const onTwo = await rep1OnTwo.next();
    expect(onOne).toMatchObject(created);
    expect(onTwo).toMatchObject(created);
    const taskId = onOne.taskId as number;

    // An operator hands the task to rep2 (on replica 2): rep2 is told on replica 1.
    const ops = await rig.login(1, 'ops');
    const transferred = await rig.http.request({
      method: 'POST',
      baseUrl: two,
      path: `/api/tasks/${taskId}/transfer`,
      token: ops,
      body: { to: 'rep2' },
    });
    expect(transferred.status).toBe(200);
    const updated = { type: 'task.updated', instanceId, taskId, assignee: 'rep2' };
    expect(await rep1OnOne.next()).toMatchObject(updated);
    expect(await rep1OnTwo.next()).toMatchObject(updated);
    expect(await rep2OnOne.next()).toMatchObject(updated);
    expect(await rep2OnOne.next()).toMatchObject({
      type: 'notification.created',
      instanceId,
      taskId,
      reason: 'assigned',
    });

    // rep2 reads it on replica 2 (another tab): the socket on replica 1 hears of it.
    const listed = await rig.http.request({
      method: 'GET',
      baseUrl: two,
      path: '/api/notifications?unread=true',
      token: rep2Token,
    });
    expect(listed.status).toBe(200);
    const notificationId = (listed.body as Array<{ id: number; taskId: number | null }>).find(
      (n) => n.taskId === taskId,
    )!.id;
    const read = await rig.http.request({
      method: 'POST',
      baseUrl: two,
      path: `/api/notifications/${notificationId}/read`,
      token: rep2Token,
      body: {},
    });
    expect(read.status).toBe(200);
    expect(await rep2OnOne.next()).toMatchObject({ type: 'notification.read', id: notificationId });

    // A last push to all three, from replica 2 like everything before: a duplicate of any earlier
    // message would have arrived before it (one replica's pushes keep their order).
    const last = await rig.http.request<InstanceResult>({
      method: 'POST',
      baseUrl: two,
      path: `/api/models/${forSales}/instances`,
      token: admin,
      body: {},
    });
    expect(last.status).toBe(201);
    const lastId = last.body.instance.id;
    for (const socket of [rep1OnOne, rep1OnTwo, rep2OnOne])
      expect(await socket.next()).toMatchObject({ type: 'task.created', instanceId: lastId });

    // Latency: the same notification.read, read on replica 2, to rep2's socket there (local) and on replica 1 (forwarded).
    const rep2OnTwo = await connect(two, rep2Token);
    await subscribeInbox(rep2OnTwo);
    const local: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const again = await rig.http.request({
        method: 'POST',
        baseUrl: two,
        path: `/api/notifications/${notificationId}/read`,
        token: rep2Token,
        body: {},
      });
      expect(again.status).toBe(200);
      const [here, there] = await Promise.all([rep2OnTwo.next(), rep2OnOne.next()]);
      expect(here).toMatchObject({ type: 'notification.read', id: notificationId });
      expect(there).toMatchObject({ type: 'notification.read', id: notificationId });
      local.push(here.receivedAt - t0);
      forwarded.push(there.receivedAt - t0);
    }
    console.log(
      `replicas: push latency from the request's start, 40 pushes — same replica p50 ${percentile(local, 50).toFixed(1)} ms, p95 ${percentile(local, 95).toFixed(1)} ms; ` +
        `other replica p50 ${percentile(forwarded, 50).toFixed(1)} ms, p95 ${percentile(forwarded, 95).toFixed(1)} ms`,
    );
    for (const socket of [rep1OnOne, rep1OnTwo, rep2OnOne, rep2OnTwo]) await socket.close();
    for (const server of rig.servers) expect(server.problems()).toEqual([]);
  });

  it('refuses to start a replica whose session secret differs, saying what to set', async () => {
    const recorded = sessionSecretFingerprint(rigSessionSecret).slice(0, 16);
    const other = `another-secret-${'y'.repeat(32)}`;
    const cases: Array<Record<string, string>> = [
      { SESSION_SECRET: other },
      { SESSION_SECRET: '' },
      { SESSION_SECRET: other, SESSION_SECRET_ROTATE: 'abcdef0123456789' },
    ];
    for (const env of cases) {
      const failure = await startServer('server-odd', { databaseUrl: rig.scratch.url, env }).then(
        async (server) => {
          await server.stop();
          return undefined;
        },
        (error: unknown) => error as Error,
      );
      expect(failure, `a replica with ${JSON.stringify(env)} started`).toBeInstanceOf(Error);
      expect(failure?.message).toMatch(/exited \(code 2/);
      expect(failure?.message).toContain('baton: configuration error: The session secret differs');
      expect(failure?.message).toContain(`recorded fingerprint ${recorded}`);
      expect(failure?.message).toContain('Set the same SESSION_SECRET');
      if (env.SESSION_SECRET === '') expect(failure?.message).toContain('each replica generates its own');
      if ('SESSION_SECRET_ROTATE' in env) expect(failure?.message).toContain('does not name the recorded fingerprint');
      else expect(failure?.message).toContain(`SESSION_SECRET_ROTATE=${recorded}`);
    }
    // The running replicas still share their secret.
    const token = await rig.login(0, 'rep1');
    expect((await rig.http.request({ method: 'GET', baseUrl: rig.baseUrls[1]!, path: '/api/me', token })).status).toBe(
      200,
    );
  });

  it('rotates the secret on purpose with SESSION_SECRET_ROTATE=<recorded fingerprint>, once, and a replica left on the old secret says so', async () => {
    const recorded = sessionSecretFingerprint(rigSessionSecret).slice(0, 16);
    const [first, second] = rig.servers as [ServerHandle, ServerHandle];
    const oldToken = await rig.login(0, 'rep1');
    const next = `rotated-secret-${'z'.repeat(32)}`;
    // A rolling change done wrong: replica 2 restarts with the new secret, replica 1 keeps running.
    await second.stop();
    await second.restart({ SESSION_SECRET: next, SESSION_SECRET_ROTATE: recorded });
    const [row] = await rig.scratch.query<{ fingerprint: string }>(
      'select session_secret_fingerprint as fingerprint from settings',
    );
    expect(row!.fingerprint).toBe(sessionSecretFingerprint(next));
    expect(
      (await rig.http.request({ method: 'GET', baseUrl: second.baseUrl, path: '/api/me', token: oldToken })).status,
    ).toBe(401);
    await until(() => first.problems().some((line) => line.includes('another replica rotated the session secret')));

    // Restarted with the new secret (the flag left in place does no harm), replica 1 agrees again.
    await first.stop();
    await first.restart({ SESSION_SECRET: next, SESSION_SECRET_ROTATE: recorded });
    const newToken = await rig.http.login(first.baseUrl, 'rep1', rigPassword);
    expect(
      (await rig.http.request({ method: 'GET', baseUrl: second.baseUrl, path: '/api/me', token: newToken })).status,
    ).toBe(200);
    // The flag left in place lets no third secret in.
    const failure = await startServer('server-third', {
      databaseUrl: rig.scratch.url,
      env: { SESSION_SECRET: `third-secret-${'w'.repeat(32)}`, SESSION_SECRET_ROTATE: recorded },
    }).then(
      async (server) => {
        await server.stop();
        return undefined;
      },
      (error: unknown) => error as Error,
    );
    expect(failure, 'a third secret started').toBeInstanceOf(Error);
    expect(failure?.message).toContain('does not name the recorded fingerprint');
  });
});
