import { describe, expect, it } from 'vitest';
import type { WsPushMessage } from '@baton/client/contract';
import { createWsHub, type WsPrincipal, type WsSocketLike } from './ws-hub.ts';

/** A contract push message told apart by its `rev`. */
/** A push whose `count` tells test messages apart. */
const readAll = (count: number): WsPushMessage => ({ type: 'notification.read', all: true, count });
const m = (rev = 0, instanceId = 'i'): WsPushMessage => ({
  type: 'instance.updated',
  instanceId,
  rev,
  status: 'running',
});

/** A stand-in socket recording what the hub sent and how it closed it. */
class FakeSocket implements WsSocketLike {
  readyState = 1;
  pings = 0;
  terminated = false;
  closed: { code?: number | undefined; reason?: string | undefined } | undefined;
  readonly sent: unknown[] = [];
  constructor(readonly bufferedAmount = 0) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

function fakeSocket(bufferedAmount = 0): { socket: FakeSocket; sent: unknown[] } {
  const socket = new FakeSocket(bufferedAmount);
  return { socket, sent: socket.sent };
}

const principal = (username: string, extra: Partial<WsPrincipal> = {}): WsPrincipal => ({
  userId: username.length,
  username,
  roles: ['participant'],
  positions: [],
  teams: [],
  ...extra,
});

describe('createWsHub', () => {
  it('delivers to inbox subscribers in the audience by user, position or team, once each', () => {
    const hub = createWsHub();
    const a = fakeSocket();
    const b = fakeSocket();
    const c = fakeSocket();
    hub.subscribeInbox(
      hub.connect(a.socket, principal('ann', { positions: ['legal'], teams: ['legal', 'company'] }), Infinity),
    );
    hub.subscribeInbox(
      hub.connect(b.socket, principal('bob', { teams: ['sales-east', 'sales', 'company'] }), Infinity),
    );
    hub.connect(c.socket, principal('ann', { positions: ['legal'] }), Infinity); // not subscribed

    hub.publish(m(1), { users: ['ann'], positions: ['legal'], teams: ['legal'] });
    hub.publish(m(2), { teams: ['sales'] });
    hub.publish(m(3), { positions: ['finance'], users: ['carl'] });
    expect(a.sent).toEqual([m(1)]);
    expect(b.sent).toEqual([m(2)]);
    expect(c.sent).toEqual([]);
  });

  it('publish delivers here and forwards to the other replicas, even with no socket here; deliver (what another replica forwarded) only delivers', () => {
    const forwarded: unknown[] = [];
    const hub = createWsHub({ forward: (message, audience) => forwarded.push([message, audience]) });
    const a = fakeSocket();
    hub.subscribeInbox(hub.connect(a.socket, principal('ann'), Infinity));
    hub.publish(readAll(1), { users: ['ann'] });
    hub.publish(readAll(2), { users: ['nobody-here'] });
    hub.deliver(readAll(3), { users: ['ann'] });
    expect(a.sent).toEqual([readAll(1), readAll(3)]);
    expect(forwarded).toEqual([
      [readAll(1), { users: ['ann'] }],
      [readAll(2), { users: ['nobody-here'] }],
    ]);
  });

  it('a forward that throws is reported, never thrown to the run loop, and local delivery still happens', () => {
    const errors: string[] = [];
    const hub = createWsHub({
      forward: () => {
        throw new Error('database gone');
      },
      onError: (_error, context) => errors.push(context),
    });
    const a = fakeSocket();
    hub.subscribeInbox(hub.connect(a.socket, principal('ann'), Infinity));
    expect(() => hub.publish(readAll(1), { users: ['ann'] })).not.toThrow();
    expect(a.sent).toEqual([readAll(1)]);
    expect(errors).toEqual(['forwarding a "notification.read" message to the other replicas']);
  });

  it("delivers instance messages to that instance's subscribers only, case-insensitively", () => {
    const hub = createWsHub();
    const a = fakeSocket();
    const b = fakeSocket();
    const ca = hub.connect(a.socket, principal('ann'), Infinity);
    hub.connect(b.socket, principal('bob'), Infinity);
    hub.subscribeInstance(ca, 'ABC');
    hub.publish(m(1, 'abc'), { instanceId: 'abc' });
    hub.publish(m(2, 'def'), { instanceId: 'def' });
    expect(a.sent).toEqual([m(1, 'abc')]);
    expect(b.sent).toEqual([]);
    hub.unsubscribeInstance(ca, 'abc');
    hub.publish(m(1, 'abc'), { instanceId: 'abc' });
    expect(a.sent).toHaveLength(1);
  });

  it('limits instance subscriptions per socket', () => {
    const hub = createWsHub({ maxInstanceSubscriptions: 2 });
    const c = hub.connect(fakeSocket().socket, principal('ann'), Infinity);
    expect([
      hub.subscribeInstance(c, 'a'),
      hub.subscribeInstance(c, 'b'),
      hub.subscribeInstance(c, 'a'),
      hub.subscribeInstance(c, 'c'),
    ]).toEqual([true, true, true, false]);
  });

  it('forgets a disconnected socket and its subscriptions', () => {
    const hub = createWsHub();
    const a = fakeSocket();
    const c = hub.connect(a.socket, principal('ann'), Infinity);
    hub.subscribeInbox(c);
    hub.subscribeInstance(c, 'x');
    hub.disconnect(c);
    hub.publish(m(), { users: ['ann'], instanceId: 'x' });
    expect(a.sent).toEqual([]);
    expect(hub.size).toBe(0);
  });

  it('never throws from publish, even for a message JSON cannot encode', () => {
    const errors: string[] = [];
    const hub = createWsHub({ onError: (_e, context) => void errors.push(context) });
    hub.subscribeInbox(hub.connect(fakeSocket().socket, principal('ann'), Infinity));
    expect(() => hub.publish({ ...m(), rev: 1n } as unknown as WsPushMessage, { users: ['ann'] })).not.toThrow();
    expect(errors).toEqual(['publishing a "instance.updated" message']);
  });

  it('closes a socket that does not read (1013) instead of buffering without bound', () => {
    const hub = createWsHub({ maxBufferedBytes: 10 });
    const slow = fakeSocket(11);
    hub.subscribeInbox(hub.connect(slow.socket, principal('ann'), Infinity));
    hub.publish(m(), { users: ['ann'] });
    expect(slow.sent).toEqual([]);
    expect(slow.socket.closed?.code).toBe(1013);
    expect(hub.size).toBe(0);
  });

  it('closes expired sockets with 4401 and keeps the others', () => {
    const hub = createWsHub();
    const old = fakeSocket();
    const fresh = fakeSocket();
    hub.connect(old.socket, principal('ann'), 1000);
    hub.connect(fresh.socket, principal('bob'), 5000);
    expect(hub.closeExpired(999)).toBe(0);
    expect(hub.closeExpired(1000)).toBe(1);
    expect(old.socket.closed?.code).toBe(4401);
    expect(fresh.socket.closed).toBeUndefined();
    expect(hub.size).toBe(1);
  });

  it('terminates a peer that did not answer the previous heartbeat ping', () => {
    const hub = createWsHub();
    const live = fakeSocket();
    const dead = fakeSocket();
    const cl = hub.connect(live.socket, principal('ann'), Infinity);
    hub.connect(dead.socket, principal('bob'), Infinity);
    hub.heartbeat();
    cl.alive = true; // the pong came back
    hub.heartbeat();
    expect(live.socket.pings).toBe(2);
    expect(dead.socket.terminated).toBe(true);
    expect(hub.size).toBe(1);
  });

  it('refresh: closes deleted users (4401), re-indexes changed inbox users, closes changed instance watchers (4403)', async () => {
    const ann = principal('ann', { userId: 1, positions: ['legal'] });
    const bob = principal('bob', { userId: 2 });
    const cid = principal('cid', { userId: 3, roles: ['operator'] });
    const next = new Map<number, WsPrincipal>([
      [1, { ...ann, positions: ['finance'] }],
      [3, { ...cid, roles: ['participant'] }],
    ]);
    const hub = createWsHub({ refreshPrincipals: async () => next });
    const a = fakeSocket();
    const b = fakeSocket();
    const c = fakeSocket();
    hub.subscribeInbox(hub.connect(a.socket, ann, Infinity));
    hub.connect(b.socket, bob, Infinity);
    hub.subscribeInstance(hub.connect(c.socket, cid, Infinity), 'x');
    expect(await hub.refresh()).toBe(2);
    expect(b.socket.closed?.code).toBe(4401);
    expect(c.socket.closed?.code).toBe(4403);
    hub.publish(m(1), { positions: ['legal'] });
    hub.publish(m(2), { positions: ['finance'] });
    expect(a.sent).toEqual([m(2)]);
  });
});
