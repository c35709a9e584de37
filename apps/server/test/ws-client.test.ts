import type { AddressInfo } from 'node:net';
import {
  type LiveConnection,
  type LiveState,
  type WsPushMessage,
  type WsServerMessage,
  createClient,
} from '@baton/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestApp, backends, startTestApp, testPassword } from './harness.ts';
import { definition, publishAndDeploy } from './run-loop-helpers.ts';

/** A review owned by rep1: each start pushes `task.created` to rep1's inbox. */
const forRep1 = definition(
  'live-inbox',
  [
    { id: 'start', type: 'start' },
    { id: 'review', type: 'userTask', owner: { type: 'user', user: 'rep1' } },
    { id: 'end', type: 'end' },
  ],
  ['start->review', 'review->end'],
);

/** Real timers for the live connection (the client package uses no global itself). */
const timers = {
  setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/** Waits (at most 10 s) until `predicate` holds for something recorded in `list`. */
async function waitFor<T>(list: T[], predicate: (item: T) => boolean, what: string, from = 0): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const found = list.slice(from).find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > until)
      throw new Error(`no ${what} within 10 s; saw ${JSON.stringify(list.slice(from)).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The typed client's live connection against a real listening server and Node's `ws`.
describe.each(backends)('client.connect against a real server on $name', (backend) => {
  let t: TestApp;
  let baseUrl: string;
  const opened: LiveConnection[] = [];

  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await publishAndDeploy(t, 'live-inbox', forRep1);
  });
  afterAll(async () => {
    for (const live of opened) live.close();
    await t?.close();
  });

  /** Logs `username` in over real HTTP and opens a live connection with quick retries. */
  async function connectAs(username: string, password = testPassword) {
    const client = createClient({ baseUrl, fetch: (url, init) => globalThis.fetch(url, init), WebSocket, timers });
    await client.login(username, password);
    const live = client.connect({ reconnect: { initialDelayMs: 50, maxDelayMs: 400, stableAfterMs: 60_000 } });
    opened.push(live);
    const states: LiveState[] = [];
    const messages: WsServerMessage[] = [];
    live.onStateChange((s) => states.push(s));
    live.onMessage((m) => messages.push(m));
    return { client, live, states, messages };
  }

  /** Every server-side socket of the hub, killed without a close frame (a network drop). */
  function dropEverySocket(): number {
    const sockets = [...t.app.websocketServer.clients];
    for (const socket of sockets) socket.terminate();
    return sockets.length;
  }

  it('subscribes to the inbox, receives a push, reconnects after the socket is killed, resubscribes and receives again', async () => {
    const { client, live, states, messages } = await connectAs('rep1');
    const inbox: WsPushMessage[] = [];
    live.subscribe({ topic: 'inbox' }, (m) => inbox.push(m));
    await waitFor(messages, (m) => m.type === 'subscribed', 'subscribed reply');
    expect(live.state).toBe('open');
    expect(states.map((s) => s.type)).toEqual(['open']);

    const first = await client.startInstance('live-inbox', { businessKey: 'LIVE-1' });
    const pushed = await waitFor(
      inbox,
      (m) => m.type === 'task.created' && m.instanceId === first.instance.id,
      'task.created for the first start',
    );
    expect(pushed).toMatchObject({ nodeId: 'review', assignee: 'rep1' });

    // The server loses the socket: the client says so, waits, reconnects and subscribes again.
    expect(dropEverySocket()).toBeGreaterThanOrEqual(1);
    const reconnecting = await waitFor(states, (s) => s.type === 'reconnecting', 'reconnecting state');
    expect(reconnecting).toMatchObject({ type: 'reconnecting', attempt: 1, code: 1006 });
    expect((reconnecting as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(25);
    expect((reconnecting as { delayMs: number }).delayMs).toBeLessThanOrEqual(50);
    const subscribedBefore = messages.filter((m) => m.type === 'subscribed').length;
    await waitFor(
      messages,
      (m) => m.type === 'subscribed',
      'subscribed reply after the reconnect',
      messages.indexOf(pushed as WsServerMessage) + 1,
    );
    expect(messages.filter((m) => m.type === 'subscribed').length).toBe(subscribedBefore + 1);
    expect(states.map((s) => s.type)).toEqual(['open', 'reconnecting', 'connecting', 'open']);

    const second = await client.startInstance('live-inbox', { businessKey: 'LIVE-2' });
    await waitFor(
      inbox,
      (m) => m.type === 'task.created' && m.instanceId === second.instance.id,
      'task.created after the reconnect',
    );
    // Each push arrived once: no duplicate subscription survived the reconnect.
    expect(inbox.filter((m) => m.type === 'task.created' && m.instanceId === first.instance.id)).toHaveLength(1);
    live.close();
  });

  it('reconnects and resubscribes an instance watcher closed with 4403, and stops with 4401 when the user is gone', async () => {
    await t.client('admin').createUser({
      username: 'live-temp',
      displayName: 'Live temp',
      password: 'live-temp-password',
      roles: ['operator'],
    });
    const { client, live, states, messages } = await connectAs('live-temp', 'live-temp-password');
    const started = await t.client('rep1').startInstance('live-inbox', { businessKey: 'LIVE-3' });
    const instanceId = started.instance.id;
    const watched: WsPushMessage[] = [];
    live.subscribe({ topic: 'instance', instanceId }, (m) => watched.push(m));
    await waitFor(messages, (m) => m.type === 'subscribed', 'subscribed reply');

    // The operator's roles change while they watch an instance: 4403, then back with the new roles.
    await sql`update users set roles = ${['admin']}::text[] where username = 'live-temp'`.execute(t.database.db);
    expect(await t.app.wsHub.refresh()).toBeGreaterThanOrEqual(1);
    expect(await waitFor(states, (s) => s.type === 'reconnecting', 'reconnecting after 4403')).toMatchObject({
      code: 4403,
    });
    await waitFor(
      states,
      (s) => s.type === 'open',
      'open after 4403',
      states.findIndex((s) => s.type === 'reconnecting'),
    );
    await waitFor(
      messages,
      (m) => m.type === 'subscribed',
      'resubscribed after 4403',
      messages.findIndex((m) => m.type === 'subscribed') + 1,
    );
    const task = (await t.client('rep1').getInstance(instanceId)).tasks[0]!;
    await t.client('rep1').completeTask(task.id, { output: {} });
    await waitFor(
      watched,
      (m) => m.type === 'instance.updated' && m.status === 'completed',
      'instance.updated after the resubscribe',
    );

    // The user is deleted: 4401 ends the connection for good.
    await t.database.db.deleteFrom('users').where('username', '=', 'live-temp').execute();
    await t.app.wsHub.refresh();
    expect(await waitFor(states, (s) => s.type === 'closed', 'closed after 4401')).toEqual({
      type: 'closed',
      reason: 'unauthenticated',
      code: 4401,
    });
    const socketsBefore = states.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(states).toHaveLength(socketsBefore);
    expect(live.state).toBe('closed');
    expect(client.token).toBeDefined();
  });
});
