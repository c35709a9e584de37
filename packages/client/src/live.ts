/**
 * The live connection to `GET /api/ws`: subscribe to topics, receive pushed messages, and keep
 * the connection alive across network drops (reconnect with capped exponential backoff and
 * jitter, then subscribe again to every active topic).
 *
 * Pure: the WebSocket constructor, the timer functions and the random source are passed in, so
 * the same code runs with the browser's `WebSocket`, Node's `ws`, and fakes in tests.
 *
 * @module
 */
import {
  wsBearerProtocolPrefix,
  wsCloseCodes,
  wsProtocol,
  type WsClientMessage,
  type WsPushMessage,
  type WsReply,
  type WsServerMessage,
  type WsTopic,
} from './contract.ts';

/**
 * The part of a WebSocket the live connection uses. The browser's `WebSocket` and Node's `ws`
 * both fit. The handlers are typed to take `never` so that either library's event types fit;
 * the connection reads only `event.data` (a string for text frames) and `event.code`/`reason`.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructorLike = new (url: string, protocols: string[]) => WebSocketLike;

/**
 * The timer functions the live connection schedules reconnects and pings with. Pass wrappers,
 * e.g. `{ setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h) }`;
 * tests pass fake timers. Both are called detached (`this` is undefined).
 */
export interface TimersLike {
  setTimeout(this: void, callback: () => void, ms: number): unknown;
  clearTimeout(this: void, handle: unknown): void;
}

/** How the live connection retries after losing the socket. */
export interface BackoffOptions {
  /** The delay before the first retry. @default 500 */
  initialDelayMs?: number;
  /** The largest delay between retries. @default 30000 */
  maxDelayMs?: number;
  /** How much each failed attempt multiplies the delay by. @default 2 */
  factor?: number;
  /**
   * How long a socket must stay open before the next loss starts again from `initialDelayMs`
   * (so a server that accepts and drops at once is not hammered). @default 10000
   */
  stableAfterMs?: number;
}

/** Options of {@link BatonClient.connect} (and, with `url` and friends, {@link createLiveConnection}). */
export interface LiveOptions {
  /** Reconnect after a lost socket; `false` to stay closed. @default {} (the defaults of {@link BackoffOptions}) */
  reconnect?: BackoffOptions | false;
  /**
   * Sends `{"type":"ping"}` this often while open; when nothing at all arrived since the previous
   * ping, the socket counts as dead and is replaced. Off unless set (the server pings too).
   */
  pingIntervalMs?: number;
  /** A number in [0, 1) for the jitter of retry delays. @default Math.random */
  random?: () => number;
}

/** Everything {@link createLiveConnection} needs. */
export interface LiveConnectionOptions extends LiveOptions {
  /** The websocket URL, e.g. `ws://127.0.0.1:3000/api/ws`. */
  url: string;
  /** The bearer token, read again before every (re)connect so a new login is picked up. */
  getToken: () => string | undefined;
  WebSocket: WebSocketConstructorLike;
  timers: TimersLike;
}

/** The connection's state, as reported to {@link LiveConnection.onStateChange} handlers. */
export type LiveState =
  /** Opening a socket; `attempt` is 0 for the first one, n for the n-th retry. */
  | { type: 'connecting'; attempt: number }
  /** The socket is open and every active topic has been (re)subscribed. */
  | { type: 'open' }
  /** The socket was lost; the next attempt starts after `delayMs`. `code`/`reason` are the close's. */
  | { type: 'reconnecting'; attempt: number; delayMs: number; code: number; reason: string }
  /**
   * Closed for good: by {@link LiveConnection.close} (`reason: 'client'`), by the server with
   * 4401 (`'unauthenticated'`: log in again, then call {@link LiveConnection.reconnect}), or lost
   * with reconnecting turned off (`'lost'`).
   */
  | { type: 'closed'; reason: 'client' | 'unauthenticated' | 'lost'; code?: number };

/** An `error` reply of the server (a refused subscribe, a bad message, a limit). */
export type WsErrorReply = Extract<WsReply, { type: 'error' }>;

/** Per-subscription options of {@link LiveConnection.subscribe}. */
export interface SubscribeOptions {
  /** Called with the server's `error` reply when it refuses this topic (e.g. `API_FORBIDDEN`). */
  onError?: (error: WsErrorReply) => void;
}

/** A live connection to the server's websocket, returned by {@link BatonClient.connect}. */
export interface LiveConnection {
  /** The current state's `type`. */
  readonly state: LiveState['type'];
  /**
   * Subscribes to a topic: `handler` gets every pushed message for it (see {@link isForTopic}).
   * The subscription survives reconnects. Returns the unsubscribe function; the server is told
   * when the last handler of a topic goes.
   */
  subscribe(topic: WsTopic, handler: (message: WsPushMessage) => void, options?: SubscribeOptions): () => void;
  /** Every message the server sends (pushes and replies). Returns a function removing the handler. */
  onMessage(handler: (message: WsServerMessage) => void): () => void;
  /** State changes, so a UI can show a lost connection. Returns a function removing the handler. */
  onStateChange(handler: (state: LiveState) => void): () => void;
  /** Closes the socket and stops reconnecting. Subscriptions are kept for {@link LiveConnection.reconnect}. */
  close(): void;
  /** Opens again now (after `close()` or a 4401), with the client's current token, resetting the backoff. */
  reconnect(): void;
}

/** The key of a topic: `inbox` or `instance:<id>`. */
function topicKey(topic: WsTopic): string {
  return topic.topic === 'inbox' ? 'inbox' : `instance:${topic.instanceId.toLowerCase()}`;
}

/** Pushes that only reach instance subscribers (audience `{ instanceId }` alone on the server). */
const instanceOnlyPrefixes = ['instance.', 'incident.'];

/**
 * Whether a pushed message belongs to `topic`. Pure. An `instance` topic takes every push about
 * that instance (`instanceId` equal); `inbox` takes every push that is not about an instance
 * alone (tasks, notifications; not `instance.*` or `incident.*`).
 *
 * @example
 * isForTopic({ type: 'task.created', instanceId: 'a', taskId: 1 }, { topic: 'inbox' }); // true
 */
export function isForTopic(message: WsPushMessage, topic: WsTopic): boolean {
  if (topic.topic === 'instance') {
    return 'instanceId' in message && message.instanceId.toLowerCase() === topic.instanceId.toLowerCase();
  }
  return !instanceOnlyPrefixes.some((prefix) => message.type.startsWith(prefix));
}

const replyTypes = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);

/** Whether a server message is a reply to a client message rather than a push. */
export function isWsReply(message: WsServerMessage): message is WsReply {
  return replyTypes.has(message.type);
}

/**
 * The delay before retry `attempt` (1, 2, …): `initialDelayMs · factor^(attempt-1)`, capped at
 * `maxDelayMs`, then "equal jitter": between half and all of it, so many clients dropped at once
 * do not return at once. Pure.
 *
 * @example
 * backoffDelay(3, {}, () => 0.5); // 500 · 2² = 2000, jittered to 1500
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const factor = options.factor ?? 2;
  const capped = Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(capped / 2 + (capped / 2) * random());
}

/** Turns a base URL (`http(s)://host[:port]`) into the websocket URL (`ws(s)://host[:port]/api/ws`). */
export function toWebSocketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http(s?):\/\//i, 'ws$1://')}/api/ws`;
}

interface Subscription {
  topic: WsTopic;
  handlers: Set<(message: WsPushMessage) => void>;
  errorHandlers: Set<(error: WsErrorReply) => void>;
}

/**
 * Opens a live connection (see {@link LiveConnection}); it starts connecting at once. Usually
 * reached through {@link BatonClient.connect}.
 *
 * Authenticates with the bearer subprotocol (`[wsProtocol, wsBearerProtocolPrefix + token]`),
 * which browsers and Node both support. Close codes: 4401 (token expired, user deleted) stops
 * and reports `closed` / `unauthenticated`; 4403 (access changed), 1013 (reading too slowly),
 * 1001 (server restarting) and any other loss reconnect with backoff and subscribe again.
 *
 * @example
 * const live = createLiveConnection({ url: 'ws://127.0.0.1:3000/api/ws', getToken: () => token, WebSocket, timers });
 * const stop = live.subscribe({ topic: 'inbox' }, (message) => console.log(message.type));
 */
export function createLiveConnection(options: LiveConnectionOptions): LiveConnection {
  // Called detached: browsers refuse `setTimeout` called as a method of another object.
  const setTimer = options.timers.setTimeout;
  const clearTimer = options.timers.clearTimeout;
  const random = options.random ?? Math.random;
  const backoff = options.reconnect === false ? undefined : (options.reconnect ?? {});
  const subscriptions = new Map<string, Subscription>();
  const messageHandlers = new Set<(message: WsServerMessage) => void>();
  const stateHandlers = new Set<(state: LiveState) => void>();

  let state: LiveState = { type: 'connecting', attempt: 0 };
  let socket: WebSocketLike | undefined;
  let attempt = 0;
  let retryTimer: unknown;
  let stableTimer: unknown;
  let pingTimer: unknown;
  let heardSincePing = true;

  function setState(next: LiveState): void {
    state = next;
    for (const handler of [...stateHandlers]) handler(next);
  }

  function send(message: WsClientMessage): void {
    // 1 = OPEN in both the browser and `ws`.
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }

  function clearTimers(): void {
    for (const handle of [retryTimer, stableTimer, pingTimer]) if (handle !== undefined) clearTimer(handle);
    retryTimer = stableTimer = pingTimer = undefined;
  }

  function open(): void {
    clearTimers();
    setState({ type: 'connecting', attempt });
    const token = options.getToken();
    const protocols = token === undefined ? [wsProtocol] : [wsProtocol, `${wsBearerProtocolPrefix}${token}`];
    const current = new options.WebSocket(options.url, protocols);
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      for (const subscription of subscriptions.values()) send({ type: 'subscribe', ...subscription.topic });
      heardSincePing = true;
      if (backoff)
        stableTimer = setTimer(() => ((stableTimer = undefined), (attempt = 0)), backoff.stableAfterMs ?? 10_000);
      if (options.pingIntervalMs !== undefined) schedulePing(current, options.pingIntervalMs);
      setState({ type: 'open' });
    };
    current.onmessage = (event: { data: unknown }) => {
      if (socket !== current || typeof event.data !== 'string') return;
      heardSincePing = true;
      let message: WsServerMessage;
      try {
        message = JSON.parse(event.data) as WsServerMessage;
      } catch {
        return; // The server sends JSON only; a broken frame has nothing to deliver.
      }
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
      deliver(message);
    };
    current.onerror = () => {
      // Every error is followed by a close event; the retry is decided there.
    };
    current.onclose = (event: { code?: number; reason?: string }) => {
      if (socket !== current) return;
      socket = undefined;
      lost(event.code ?? 1006, event.reason ?? '');
    };
  }

  function schedulePing(current: WebSocketLike, interval: number): void {
    pingTimer = setTimer(() => {
      pingTimer = undefined;
      if (socket !== current) return;
      if (!heardSincePing) {
        // Nothing came back for a whole interval: the peer is gone without a close frame.
        socket = undefined;
        current.close(4000, 'no answer to ping');
        lost(1006, 'no answer to ping');
        return;
      }
      heardSincePing = false;
      send({ type: 'ping' });
      schedulePing(current, interval);
    }, interval);
  }

  function lost(code: number, reason: string): void {
    clearTimers();
    if (code === wsCloseCodes.unauthenticated) {
      setState({ type: 'closed', reason: 'unauthenticated', code });
      return;
    }
    if (!backoff) {
      setState({ type: 'closed', reason: 'lost', code });
      return;
    }
    attempt += 1;
    const delayMs = backoffDelay(attempt, backoff, random);
    setState({ type: 'reconnecting', attempt, delayMs, code, reason });
    retryTimer = setTimer(() => {
      retryTimer = undefined;
      open();
    }, delayMs);
  }

  function deliver(message: WsServerMessage): void {
    for (const handler of [...messageHandlers]) handler(message);
    if (isWsReply(message)) {
      if (message.type === 'error' && message.topic !== undefined) {
        const topic: WsTopic =
          message.topic === 'inbox' ? { topic: 'inbox' } : { topic: 'instance', instanceId: message.instanceId ?? '' };
        const subscription = subscriptions.get(topicKey(topic));
        if (subscription) for (const handler of [...subscription.errorHandlers]) handler(message);
      }
      return;
    }
    for (const subscription of [...subscriptions.values()]) {
      if (!isForTopic(message, subscription.topic)) continue;
      for (const handler of [...subscription.handlers]) handler(message);
    }
  }

  open();

  return {
    get state() {
      return state.type;
    },
    subscribe(topic, handler, subscribeOptions) {
      const key = topicKey(topic);
      let subscription = subscriptions.get(key);
      if (!subscription) {
        const normalized: WsTopic =
          topic.topic === 'inbox'
            ? { topic: 'inbox' }
            : { topic: 'instance', instanceId: topic.instanceId.toLowerCase() };
        subscription = { topic: normalized, handlers: new Set(), errorHandlers: new Set() };
        subscriptions.set(key, subscription);
        send({ type: 'subscribe', ...normalized });
      }
      // Wrapped so the same function subscribed twice is two subscriptions, each removed once.
      const entry = (message: WsPushMessage) => handler(message);
      const onError = subscribeOptions?.onError;
      const errorEntry = onError ? (error: WsErrorReply) => onError(error) : undefined;
      subscription.handlers.add(entry);
      if (errorEntry) subscription.errorHandlers.add(errorEntry);
      const owned = subscription;
      return () => {
        owned.handlers.delete(entry);
        if (errorEntry) owned.errorHandlers.delete(errorEntry);
        if (owned.handlers.size === 0 && subscriptions.get(key) === owned) {
          subscriptions.delete(key);
          send({ type: 'unsubscribe', ...owned.topic });
        }
      };
    },
    onMessage(handler) {
      const entry = (message: WsServerMessage) => handler(message);
      messageHandlers.add(entry);
      return () => void messageHandlers.delete(entry);
    },
    onStateChange(handler) {
      const entry = (next: LiveState) => handler(next);
      stateHandlers.add(entry);
      return () => void stateHandlers.delete(entry);
    },
    close() {
      clearTimers();
      const current = socket;
      socket = undefined;
      if (current) current.close(1000, 'closed by the client');
      if (state.type !== 'closed' || state.reason !== 'client') setState({ type: 'closed', reason: 'client' });
    },
    reconnect() {
      const current = socket;
      socket = undefined;
      if (current) current.close(1000, 'reconnecting');
      attempt = 0;
      open();
    },
  };
}
