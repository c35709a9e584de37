import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createClient,
  isForTopic,
  toWebSocketUrl,
  type LiveState,
  type TimersLike,
  type WebSocketLike,
} from '../src/index.ts';

/** A fake socket: records what was sent; the test plays the server by calling `serverX`. */
class FakeSocket implements WebSocketLike {
  static created: FakeSocket[] = [];
  readyState = 0;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  readonly sent: unknown[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.created.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  serverOpen(): void {
    this.readyState = 1;
    (this.onopen as ((e: unknown) => void) | null)?.({});
  }

  serverSend(message: unknown): void {
    (this.onmessage as ((e: { data: unknown }) => void) | null)?.({ data: JSON.stringify(message) });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    (this.onclose as ((e: { code: number; reason: string }) => void) | null)?.({ code, reason });
  }
}

/** Fake timers: nothing runs until the test advances the clock. */
function fakeTimers(): TimersLike & { now: number; advance(ms: number): void; pending(): number[] } {
  let next = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const self = {
    now: 0,
    setTimeout(callback: () => void, ms: number) {
      const id = next++;
      timers.set(id, { at: self.now + ms, callback });
      return id;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    advance(ms: number) {
      const until = self.now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        self.now = due[1].at;
        due[1].callback();
      }
      self.now = until;
    },
    pending: () => [...timers.values()].map((t) => t.at - self.now),
  };
  return self;
}

function setup(options: { token?: string; random?: () => number; pingIntervalMs?: number; reconnect?: false } = {}) {
  FakeSocket.created = [];
  const timers = fakeTimers();
  const client = createClient({
    baseUrl: 'https://baton.example/',
    fetch: () => Promise.reject(new Error('no http in this test')),
    token: options.token ?? 'tok1',
    WebSocket: FakeSocket,
    timers,
  });
  const live = client.connect({
    random: options.random ?? (() => 1),
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
    ...(options.reconnect === false ? { reconnect: false as const } : {}),
  });
  const states: LiveState[] = [];
  live.onStateChange((s) => states.push(s));
  const socket = (i: number) => FakeSocket.created[i]!;
  return { client, live, timers, states, socket };
}

describe('client.connect (live connection)', () => {
  it('opens ws(s)://…/api/ws with the bearer subprotocol next to baton.v1', () => {
    const { socket } = setup({ token: 'abc' });
    expect(socket(0).url).toBe('wss://baton.example/api/ws');
    expect(socket(0).protocols).toEqual(['baton.v1', 'baton.bearer.abc']);
    expect(toWebSocketUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/api/ws');
  });

  it('refuses to connect without WebSocket and timers, saying what to pass', () => {
    const client = createClient({ baseUrl: 'http://x', fetch: () => Promise.reject(new Error('unused')) });
    expect(() => client.connect()).toThrow(/WebSocket, timers/);
  });

  it('subscribes when open, routes pushes to the matching topic, and unsubscribes when the last handler goes', () => {
    const { live, socket, states } = setup();
    const inbox: unknown[] = [];
    const watched: unknown[] = [];
    const all: unknown[] = [];
    live.onMessage((m) => all.push(m));
    const stopInbox = live.subscribe({ topic: 'inbox' }, (m) => inbox.push(m));
    const stopInstance = live.subscribe({ topic: 'instance', instanceId: 'AAAA-1' }, (m) => watched.push(m));
    expect(live.state).toBe('connecting');
    socket(0).serverOpen();
    expect(states.at(-1)).toEqual({ type: 'open' });
    expect(socket(0).sent).toEqual([
      { type: 'subscribe', topic: 'inbox' },
      { type: 'subscribe', topic: 'instance', instanceId: 'aaaa-1' },
    ]);

    socket(0).serverSend({ type: 'subscribed', topic: 'inbox' });
    socket(0).serverSend({ type: 'task.created', instanceId: 'aaaa-1', taskId: 7 });
    socket(0).serverSend({ type: 'instance.updated', instanceId: 'aaaa-1', rev: 2, status: 'running' });
    socket(0).serverSend({ type: 'instance.updated', instanceId: 'bbbb-2', rev: 1, status: 'running' });
    expect(inbox).toEqual([{ type: 'task.created', instanceId: 'aaaa-1', taskId: 7 }]);
    expect(watched).toEqual([
      { type: 'task.created', instanceId: 'aaaa-1', taskId: 7 },
      { type: 'instance.updated', instanceId: 'aaaa-1', rev: 2, status: 'running' },
    ]);
    expect(all).toHaveLength(4);

    // A second handler on the same topic sends nothing; removing one of two keeps the subscription.
    const stopSecond = live.subscribe({ topic: 'inbox' }, () => {});
    stopSecond();
    expect(socket(0).sent).toHaveLength(2);
    stopInbox();
    stopInstance();
    expect(socket(0).sent.slice(2)).toEqual([
      { type: 'unsubscribe', topic: 'inbox' },
      { type: 'unsubscribe', topic: 'instance', instanceId: 'aaaa-1' },
    ]);
    socket(0).serverSend({ type: 'task.created', instanceId: 'aaaa-1', taskId: 8 });
    expect(inbox).toHaveLength(1);
  });

  it('reports a refused subscription to its onError', () => {
    const { live, socket } = setup();
    const errors: unknown[] = [];
    live.subscribe({ topic: 'instance', instanceId: 'cccc-3' }, () => {}, { onError: (e) => errors.push(e) });
    socket(0).serverOpen();
    const refusal = { type: 'error', code: 'API_FORBIDDEN', message: 'no', topic: 'instance', instanceId: 'cccc-3' };
    socket(0).serverSend(refusal);
    expect(errors).toEqual([refusal]);
  });

  it('reconnects with capped exponential backoff and jitter, and resubscribes every active topic', () => {
    let r = 0;
    const { live, socket, states, timers } = setup({ random: () => r });
    live.subscribe({ topic: 'inbox' }, () => {});
    live.subscribe({ topic: 'instance', instanceId: 'dddd-4' }, () => {});
    socket(0).serverOpen();
    socket(0).serverClose(1006);
    // Attempt 1: 500 ms, equal jitter with random 0 → half of it.
    expect(states.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 250, code: 1006, reason: '' });
    timers.advance(249);
    expect(FakeSocket.created).toHaveLength(1);
    timers.advance(1);
    expect(FakeSocket.created).toHaveLength(2);
    expect(states.at(-1)).toEqual({ type: 'connecting', attempt: 1 });

    // The handshake fails again and again: delays double up to the cap (30 s).
    r = 1;
    const delays: number[] = [];
    for (let i = 1; i < 10; i++) {
      socket(i).serverClose(1006);
      const s = states.at(-1) as Extract<LiveState, { type: 'reconnecting' }>;
      delays.push(s.delayMs);
      timers.advance(s.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);

    socket(10).serverOpen();
    expect(socket(10).sent).toEqual([
      { type: 'subscribe', topic: 'inbox' },
      { type: 'subscribe', topic: 'instance', instanceId: 'dddd-4' },
    ]);
    // Dropped before it was stable: the backoff goes on growing.
    socket(10).serverClose(1013);
    expect(states.at(-1)).toMatchObject({ type: 'reconnecting', attempt: 11, delayMs: 30000, code: 1013 });
  });

  it('starts the backoff again after a stable open', () => {
    const { socket, states, timers } = setup();
    socket(0).serverOpen();
    socket(0).serverClose(1006);
    timers.advance(500);
    socket(1).serverClose(1006);
    expect(states.at(-1)).toMatchObject({ attempt: 2, delayMs: 1000 });
    timers.advance(1000);
    socket(2).serverOpen();
    timers.advance(10_000);
    socket(2).serverClose(1001, 'restarting');
    expect(states.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 500, code: 1001, reason: 'restarting' });
  });

  it('reconnects after 4403 (access changed) and subscribes again', () => {
    const { live, socket, timers } = setup();
    live.subscribe({ topic: 'instance', instanceId: 'eeee-5' }, () => {});
    socket(0).serverOpen();
    socket(0).serverClose(4403, 'access changed');
    timers.advance(500);
    socket(1).serverOpen();
    expect(socket(1).sent).toEqual([{ type: 'subscribe', topic: 'instance', instanceId: 'eeee-5' }]);
  });

  it('stops on 4401 (unauthenticated), and reconnect() opens again with the new token', () => {
    const { client, live, socket, states, timers } = setup();
    live.subscribe({ topic: 'inbox' }, () => {});
    socket(0).serverOpen();
    socket(0).serverClose(4401, 'token expired');
    expect(states.at(-1)).toEqual({ type: 'closed', reason: 'unauthenticated', code: 4401 });
    expect(live.state).toBe('closed');
    timers.advance(120_000);
    expect(FakeSocket.created).toHaveLength(1);
    expect(timers.pending()).toEqual([]);

    client.setToken('tok2');
    live.reconnect();
    expect(socket(1).protocols).toEqual(['baton.v1', 'baton.bearer.tok2']);
    socket(1).serverOpen();
    expect(socket(1).sent).toEqual([{ type: 'subscribe', topic: 'inbox' }]);
  });

  it('close() stops for good: no retry, no timers left', () => {
    const { live, socket, states, timers } = setup();
    socket(0).serverOpen();
    live.close();
    expect(socket(0).closedByClient).toEqual({ code: 1000, reason: 'closed by the client' });
    expect(states.at(-1)).toEqual({ type: 'closed', reason: 'client' });
    socket(0).serverClose(1000);
    timers.advance(60_000);
    expect(FakeSocket.created).toHaveLength(1);
    expect(timers.pending()).toEqual([]);
  });

  it('stays closed after a loss when reconnecting is off', () => {
    const { socket, states } = setup({ reconnect: false });
    socket(0).serverOpen();
    socket(0).serverClose(1006);
    expect(states.at(-1)).toEqual({ type: 'closed', reason: 'lost', code: 1006 });
  });

  it('pings when asked, and replaces a socket that answers nothing for a whole interval', () => {
    const { socket, states, timers } = setup({ pingIntervalMs: 20_000 });
    socket(0).serverOpen();
    timers.advance(20_000);
    expect(socket(0).sent).toEqual([{ type: 'ping' }]);
    socket(0).serverSend({ type: 'pong' });
    timers.advance(20_000);
    expect(socket(0).sent).toEqual([{ type: 'ping' }, { type: 'ping' }]);
    timers.advance(20_000); // no pong this time
    expect(socket(0).closedByClient?.code).toBe(4000);
    expect(states.at(-1)).toMatchObject({ type: 'reconnecting', attempt: 1, reason: 'no answer to ping' });
    // The dead socket's late close event changes nothing.
    socket(0).serverClose(1006);
    expect(states.filter((s) => s.type === 'reconnecting')).toHaveLength(1);
  });
});

describe('backoffDelay and isForTopic', () => {
  it('doubles from the initial delay, caps, and jitters between half and all', () => {
    expect([1, 2, 3].map((a) => backoffDelay(a, {}, () => 1))).toEqual([500, 1000, 2000]);
    expect(backoffDelay(3, {}, () => 0.5)).toBe(1500);
    expect(backoffDelay(50, { maxDelayMs: 5000 }, () => 0)).toBe(2500);
    expect(backoffDelay(2, { initialDelayMs: 100, factor: 3 }, () => 1)).toBe(300);
  });

  it('sends instance-only pushes to instance topics and the rest to the inbox', () => {
    expect(isForTopic({ type: 'notification.read', all: true, count: 2 }, { topic: 'inbox' })).toBe(true);
    const resolved = (instanceId: string) =>
      ({ type: 'incident.resolved', instanceId, incident: 'i1', how: 'retried' }) as const;
    const created = {
      type: 'task.created',
      instanceId: 'b',
      taskId: 1,
      taskKey: 't1',
      nodeId: 'n',
      status: 'open',
      assignee: null,
    } as const;
    expect(isForTopic(resolved('a'), { topic: 'inbox' })).toBe(false);
    expect(isForTopic(resolved('A'), { topic: 'instance', instanceId: 'a' })).toBe(true);
    expect(isForTopic(created, { topic: 'instance', instanceId: 'a' })).toBe(false);
    expect(isForTopic(created, { topic: 'inbox' })).toBe(true);
  });
});
