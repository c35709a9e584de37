/**
 * An inbox subscription over the typed client's live connection (`client.connect()`) to a real
 * listening server, for tests about what reaches a user's socket: every message the socket
 * receives (replies and pushes alike, so a duplicate or a stray reply shows) is queued in
 * arrival order with its arrival time.
 *
 * @module
 */
import { type WsServerMessage, createClient } from '@baton/client';
import { expect } from 'vitest';
import WebSocket from 'ws';

/** A message the live connection received, with `performance.now()` at its arrival (from {@link LiveInbox.next}). */
export type Received = WsServerMessage & { receivedAt: number };

/** An open live connection subscribed to `inbox` (see {@link openLiveInbox}). */
export interface LiveInbox {
  /** The messages received and not yet taken by {@link LiveInbox.next}, oldest first, as sent. */
  readonly messages: WsServerMessage[];
  /** Takes the oldest queued message, waiting for one (fails after 10 s). */
  next(): Promise<Received>;
  /** Closes the connection for good. */
  close(): void;
}

/** Real timers for the live connection (the client package uses no global itself). */
const timers = {
  setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Opens `client.connect()` to `baseUrl` with `token`, without reconnecting (a lost socket must
 * fail the test, not be replaced quietly), subscribes to `inbox` and checks that the first
 * message is the `subscribed` reply. Rejects when the server refuses the socket.
 *
 * @example
 * const inbox = await openLiveInbox(server.baseUrl, token);
 * expect(await inbox.next()).toMatchObject({ type: 'task.created' });
 */
export async function openLiveInbox(baseUrl: string, token: string): Promise<LiveInbox> {
  const client = createClient({ baseUrl, token, fetch: (url, init) => globalThis.fetch(url, init), WebSocket, timers });
  const live = client.connect({ reconnect: false });
  const messages: WsServerMessage[] = [];
  const arrivals = new WeakMap<WsServerMessage, number>();
  const waiters = new Set<() => void>();
  live.onMessage((message) => {
    arrivals.set(message, performance.now());
    messages.push(message);
    for (const wake of [...waiters]) wake();
  });
  const take = (): Received | undefined => {
    const message = messages.shift();
    return message && { ...message, receivedAt: arrivals.get(message)! };
  };
  const next = (): Promise<Received> => {
    const queued = take();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`no websocket message from ${baseUrl} within 10 s (connection ${live.state})`));
      }, 10_000);
      const wake = () => {
        const message = take();
        if (!message) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(message);
      };
      waiters.add(wake);
    });
  };
  await new Promise<void>((resolve, reject) => {
    const stop = live.onStateChange((state) => {
      if (state.type === 'open') {
        stop();
        resolve();
      } else if (state.type === 'closed') {
        stop();
        reject(new Error(`the websocket on ${baseUrl} closed before it opened (code ${state.code ?? 'none'})`));
      }
    });
  });
  live.subscribe({ topic: 'inbox' }, () => {});
  const { receivedAt: _, ...reply } = await next();
  expect(reply).toEqual({ type: 'subscribed', topic: 'inbox' });
  return { messages, next, close: () => live.close() };
}
