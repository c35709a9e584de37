/**
 * The in-memory websocket hub: who is connected, what each socket subscribed to, and delivery of
 * `publish(message, audience)` to the right sockets only. It holds no database handle; the
 * plugin passes a `refreshPrincipals` function for the periodic re-check.
 *
 * @module
 */
import type { Audience, Hub } from './hub.ts';
import { type WsPushMessage, wsCloseCodes, wsMaxInstanceSubscriptions } from '@baton/client/contract';

/** Who is behind a socket, as loaded at connect time (and reloaded by {@link WsHub.refresh}). */
export interface WsPrincipal {
  userId: number;
  username: string;
  roles: readonly string[];
  /** Business positions (e.g. `legal`), as task candidates name them. */
  positions: readonly string[];
  /** The user's team key and the keys of every team above it (a message to `sales` reaches `sales-east`). */
  teams: readonly string[];
}

/** The part of a `ws` WebSocket the hub uses (tests may pass a stand-in). */
export interface WsSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  ping(): void;
  terminate(): void;
}

/** One connected socket and its subscriptions. */
export interface WsConnection {
  readonly id: number;
  readonly socket: WsSocketLike;
  principal: WsPrincipal;
  /** When the session token expires, in epoch milliseconds. */
  readonly expiresAt: number;
  /** Subscribed to the user's own inbox (task and escalation messages). */
  inbox: boolean;
  /** Instances this socket was authorised to watch when it subscribed. */
  readonly instances: Set<string>;
  /** False once a heartbeat ping is out and no pong has come back yet. */
  alive: boolean;
}

/** Options of {@link createWsHub}. */
export interface WsHubOptions {
  /**
   * Reloads the principals of connected users; a user missing from the answer was deleted.
   * Without it, {@link WsHub.refresh} does nothing.
   */
  refreshPrincipals?: (userIds: readonly number[]) => Promise<ReadonlyMap<number, WsPrincipal>>;
  /** Bytes waiting to be sent above which a slow socket is closed with 1013. @default 1048576 */
  maxBufferedBytes?: number;
  /** @default wsMaxInstanceSubscriptions (500) */
  maxInstanceSubscriptions?: number;
  /** Where delivery failures are reported. @default ignored */
  onError?: (error: unknown, context: string) => void;
  /**
   * Called by `publish` after delivering to this process's sockets, to pass the message on to
   * the other replicas (`replica-fan-out.ts`). Not called by {@link WsHub.deliver}.
   */
  forward?: (message: WsPushMessage, audience: Audience) => void;
}

/** The websocket hub: a {@link Hub} plus the bookkeeping the websocket plugin drives. */
export interface WsHub extends Hub {
  /** Delivers to this process's sockets only (a message another replica forwarded); `publish` also forwards. */
  deliver(message: WsPushMessage, audience: Audience): void;
  /** Registers an open socket for `principal`, whose token expires at `expiresAt` (epoch ms). */
  connect(socket: WsSocketLike, principal: WsPrincipal, expiresAt: number): WsConnection;
  /** Forgets a socket and all its subscriptions (call on `close`). */
  disconnect(connection: WsConnection): void;
  subscribeInbox(connection: WsConnection): void;
  unsubscribeInbox(connection: WsConnection): void;
  /** Adds an instance subscription the caller has already authorised; false when the socket is at its limit. */
  subscribeInstance(connection: WsConnection, instanceId: string): boolean;
  unsubscribeInstance(connection: WsConnection, instanceId: string): void;
  /** Closes (4401) every socket whose token has expired at `now` (epoch ms); returns how many. */
  closeExpired(now: number): number;
  /**
   * Reloads connected users: deleted users' sockets close with 4401; a changed principal is
   * updated in place, and sockets holding instance subscriptions then close with 4403 so they
   * re-subscribe under the new access. Returns how many sockets were closed.
   */
  refresh(): Promise<number>;
  /** Terminates sockets that did not answer the previous ping, then pings the rest. */
  heartbeat(): void;
  /** Closes every socket with `code` and forgets it. */
  closeAll(code: number, reason: string): void;
  /** The number of connected sockets. */
  readonly size: number;
}

const openState = 1;

/**
 * Creates the in-memory {@link WsHub}. `publish` never throws (the run loop calls it after a
 * commit): it delivers to this process's sockets, then hands the message to `options.forward`
 * (the other replicas). Delivery serialises the message once and sends it to every socket that subscribed to the
 * inbox and whose user is named in the audience (by username, position or team, teams including
 * their sub-teams), and to every socket that subscribed to `audience.instanceId`. Each socket
 * gets a message at most once.
 *
 * @example
 * const hub = createWsHub();
 * const connection = hub.connect(socket, principal, expiresAt);
 * hub.subscribeInbox(connection);
 * hub.publish({ type: 'instance.updated', instanceId, rev: 2, status: 'running' }, { instanceId });
 */
export function createWsHub(options: WsHubOptions = {}): WsHub {
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const maxInstances = options.maxInstanceSubscriptions ?? wsMaxInstanceSubscriptions;
  const report = options.onError ?? (() => undefined);
  const connections = new Set<WsConnection>();
  // Indexes of inbox subscribers by username, position and team key; instance subscribers by id.
  const byUser = new Map<string, Set<WsConnection>>();
  const byPosition = new Map<string, Set<WsConnection>>();
  const byTeam = new Map<string, Set<WsConnection>>();
  const byInstance = new Map<string, Set<WsConnection>>();
  let nextId = 1;

  function add(index: Map<string, Set<WsConnection>>, key: string, c: WsConnection): void {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(c);
  }
  function remove(index: Map<string, Set<WsConnection>>, key: string, c: WsConnection): void {
    const set = index.get(key);
    if (!set) return;
    set.delete(c);
    if (set.size === 0) index.delete(key);
  }
  function indexInbox(c: WsConnection): void {
    add(byUser, c.principal.username, c);
    for (const p of c.principal.positions) add(byPosition, p, c);
    for (const t of c.principal.teams) add(byTeam, t, c);
  }
  function unindexInbox(c: WsConnection): void {
    remove(byUser, c.principal.username, c);
    for (const p of c.principal.positions) remove(byPosition, p, c);
    for (const t of c.principal.teams) remove(byTeam, t, c);
  }

  function disconnect(c: WsConnection): void {
    if (!connections.delete(c)) return;
    if (c.inbox) unindexInbox(c);
    c.inbox = false;
    for (const id of c.instances) remove(byInstance, id, c);
    c.instances.clear();
  }

  function closeConnection(c: WsConnection, code: number, reason: string): void {
    disconnect(c);
    try {
      c.socket.close(code, reason);
    } catch (error) {
      report(error, `closing websocket ${c.id}`);
      c.socket.terminate();
    }
  }

  function deliver(c: WsConnection, text: string): void {
    if (c.socket.readyState !== openState) return;
    if (c.socket.bufferedAmount > maxBufferedBytes) {
      // A client that stops reading must not make the server buffer without bound.
      closeConnection(c, wsCloseCodes.tryAgainLater, 'too slow: messages were not read; reconnect');
      return;
    }
    try {
      c.socket.send(text);
    } catch (error) {
      report(error, `sending to websocket ${c.id}`);
    }
  }

  function deliverLocally(message: WsPushMessage, audience: Audience): void {
    try {
      const targets = new Set<WsConnection>();
      const collect = (index: Map<string, Set<WsConnection>>, keys: readonly string[] | undefined) => {
        for (const key of keys ?? []) for (const c of index.get(key) ?? []) targets.add(c);
      };
      if (audience.instanceId !== undefined) collect(byInstance, [audience.instanceId.toLowerCase()]);
      collect(byUser, audience.users);
      collect(byPosition, audience.positions);
      collect(byTeam, audience.teams);
      if (targets.size === 0) return;
      const text = JSON.stringify(message);
      for (const c of targets) deliver(c, text);
    } catch (error) {
      report(error, `publishing a "${String(message?.type)}" message`);
    }
  }

  return {
    publish(message: WsPushMessage, audience: Audience): void {
      deliverLocally(message, audience);
      if (!options.forward) return;
      try {
        options.forward(message, audience);
      } catch (error) {
        report(error, `forwarding a "${String(message?.type)}" message to the other replicas`);
      }
    },
    deliver: deliverLocally,
    connect(socket, principal, expiresAt) {
      const c: WsConnection = {
        id: nextId++,
        socket,
        principal,
        expiresAt,
        inbox: false,
        instances: new Set(),
        alive: true,
      };
      connections.add(c);
      return c;
    },
    disconnect,
    subscribeInbox(c) {
      if (c.inbox || !connections.has(c)) return;
      c.inbox = true;
      indexInbox(c);
    },
    unsubscribeInbox(c) {
      if (!c.inbox) return;
      unindexInbox(c);
      c.inbox = false;
    },
    subscribeInstance(c, instanceId) {
      if (!connections.has(c)) return true;
      const id = instanceId.toLowerCase();
      if (c.instances.has(id)) return true;
      if (c.instances.size >= maxInstances) return false;
      c.instances.add(id);
      add(byInstance, id, c);
      return true;
    },
    unsubscribeInstance(c, instanceId) {
      const id = instanceId.toLowerCase();
      if (!c.instances.delete(id)) return;
      remove(byInstance, id, c);
    },
    closeExpired(now) {
      let closed = 0;
      for (const c of [...connections]) {
        if (now >= c.expiresAt) {
          closeConnection(c, wsCloseCodes.unauthenticated, 'token expired: log in again');
          closed++;
        }
      }
      return closed;
    },
    async refresh() {
      if (!options.refreshPrincipals || connections.size === 0) return 0;
      const ids = [...new Set([...connections].map((c) => c.principal.userId))];
      const fresh = await options.refreshPrincipals(ids);
      let closed = 0;
      for (const c of [...connections]) {
        const next = fresh.get(c.principal.userId);
        if (!next) {
          closeConnection(c, wsCloseCodes.unauthenticated, 'the user no longer exists');
          closed++;
          continue;
        }
        if (samePrincipal(c.principal, next)) continue;
        if (c.instances.size > 0) {
          closeConnection(c, wsCloseCodes.accessChanged, 'your access changed: reconnect and subscribe again');
          closed++;
          continue;
        }
        if (c.inbox) unindexInbox(c);
        c.principal = next;
        if (c.inbox) indexInbox(c);
      }
      return closed;
    },
    heartbeat() {
      for (const c of [...connections]) {
        if (!c.alive) {
          // No pong since the last round: the peer is gone without a close frame.
          disconnect(c);
          c.socket.terminate();
          continue;
        }
        c.alive = false;
        try {
          c.socket.ping();
        } catch (error) {
          report(error, `pinging websocket ${c.id}`);
        }
      }
    },
    closeAll(code, reason) {
      for (const c of [...connections]) closeConnection(c, code, reason);
    },
    get size() {
      return connections.size;
    },
  };
}

function samePrincipal(a: WsPrincipal, b: WsPrincipal): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().join('\n') === [...y].sort().join('\n');
  return (
    a.username === b.username && same(a.roles, b.roles) && same(a.positions, b.positions) && same(a.teams, b.teams)
  );
}
