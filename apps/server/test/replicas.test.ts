import type { BatonClient } from '@baton/client';
import { describe, expect, it } from 'vitest';
import { sessionSecretFingerprint } from '../src/auth/session-fingerprint.ts';
import { openLiveInbox } from './live-inbox.ts';
import { answerOf, publishAndDeploy } from './rig/baton-api.ts';
import { singleTaskDefinition } from './rig/definitions.ts';
import { randomSuffix, rigPassword, rigSessionSecret, type ServerHandle, startServer } from './rig/server-process.ts';
import { useRig } from './rig/use-rig.ts';

// Two real server processes on one PostgreSQL database, as behind a load balancer (README,
// "Several replicas behind one address"). Collected only when TEST_DATABASE_URL is set
// (vitest.config.ts). API calls go through the typed client (`answerOf` keeps the status) and
// the sockets are the client's live connection (`client.connect()`, see live-inbox.ts).

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

  /** Runs one client call on `baseUrl` as `token`, expects the answer's `status`, and returns the call's result. */
  async function expectStatus<T>(
    baseUrl: string,
    token: string,
    status: number,
    run: (client: BatonClient) => Promise<T>,
  ): Promise<T> {
    let result: T | undefined;
    const answer = await answerOf(rig.http, baseUrl, token, async (client) => {
      result = await run(client);
    });
    expect(answer.status, answer.text).toBe(status);
    return result!;
  }

  it('accepts a session from one replica on the other, over REST and the websocket', async () => {
    const [one, two] = rig.baseUrls as [string, string];
    const fromOne = await rig.login(0, 'rep1');
    const fromTwo = await rig.login(1, 'rep2');
    expect(await expectStatus(two, fromOne, 200, (c) => c.me())).toMatchObject({ username: 'rep1' });
    expect(await expectStatus(one, fromTwo, 200, (c) => c.me())).toMatchObject({ username: 'rep2' });

    // The live connection authenticates with the token from replica 1 on replica 2 and subscribes.
    const socket = await openLiveInbox(two, fromOne);
    socket.close();
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
    const rep1OnOne = await openLiveInbox(one, rep1Token);
    const rep1OnTwo = await openLiveInbox(two, rep1Token);
    const rep2OnOne = await openLiveInbox(one, rep2Token);

    const started = await expectStatus(two, admin, 201, (c) => c.startInstance(forRep1, {}));
    const instanceId = started.instance.id;
    const created = { type: 'task.created', instanceId, nodeId: 'review', assignee: 'rep1' };
    const onOne = await rep1OnOne.next();
    const onTwo = await rep1OnTwo.next();
    expect(onOne).toMatchObject(created);
    expect(onTwo).toMatchObject(created);
    const taskId = (onOne as { taskId: number }).taskId;

    // An operator hands the task to rep2 (on replica 2): rep2 is told on replica 1.
    const ops = await rig.login(1, 'ops');
    await expectStatus(two, ops, 200, (c) => c.transferTask(taskId, { to: 'rep2' }));
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
    const listed = await expectStatus(two, rep2Token, 200, (c) => c.listNotifications({ unread: true }));
    const notificationId = listed.find((n) => n.taskId === taskId)!.id;
    await expectStatus(two, rep2Token, 200, (c) => c.markNotificationRead(notificationId));
    expect(await rep2OnOne.next()).toMatchObject({ type: 'notification.read', id: notificationId });

    // A last push to all three, from replica 2 like everything before: a duplicate of any earlier
    // message would have arrived before it (one replica's pushes keep their order).
    const last = await expectStatus(two, admin, 201, (c) => c.startInstance(forSales, {}));
    const lastId = last.instance.id;
    for (const socket of [rep1OnOne, rep1OnTwo, rep2OnOne])
      expect(await socket.next()).toMatchObject({ type: 'task.created', instanceId: lastId });

    // Latency: the same notification.read, read on replica 2, to rep2's socket there (local) and on replica 1 (forwarded).
    const rep2OnTwo = await openLiveInbox(two, rep2Token);
    const local: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      await expectStatus(two, rep2Token, 200, (c) => c.markNotificationRead(notificationId));
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
    for (const socket of [rep1OnOne, rep1OnTwo, rep2OnOne, rep2OnTwo]) socket.close();
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
    await expectStatus(rig.baseUrls[1]!, token, 200, (c) => c.me());
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
    await expectStatus(second.baseUrl, oldToken, 401, (c) => c.me());
    await until(() => first.problems().some((line) => line.includes('another replica rotated the session secret')));

    // Restarted with the new secret (the flag left in place does no harm), replica 1 agrees again.
    await first.stop();
    await first.restart({ SESSION_SECRET: next, SESSION_SECRET_ROTATE: recorded });
    const newToken = await rig.http.login(first.baseUrl, 'rep1', rigPassword);
    await expectStatus(second.baseUrl, newToken, 200, (c) => c.me());
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
