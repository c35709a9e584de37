/**
 * Websocket pushes across replicas: several server processes on one PostgreSQL database each
 * hold their own sockets, so a message published by one process must reach the sockets of the
 * others. Each process delivers a message to its own sockets at once and forwards it to the
 * others with `NOTIFY baton_ws`; every process `LISTEN`s on that channel (on the database's one
 * listener connection, which also holds the presence locks) and delivers what other processes
 * forwarded to its own sockets. A process ignores its own notifications, so no socket gets a
 * message twice. On PGlite (one process) nothing is forwarded.
 *
 * - **Batching**: messages published in one turn of the event loop travel in one statement (one
 *   transaction), and while a statement is in flight the next messages wait for it, so a busy
 *   process adds at most one statement at a time to the database. Several messages share one
 *   payload up to {@link notifyPayloadLimit} bytes.
 * - **Order**: one process's messages reach the others in the order it published them.
 * - **Large messages**: a `[message, audience]` pair that does not fit in one payload (PostgreSQL
 *   refuses payloads of 8000 bytes or more) is stored in `ws_relay` in the same transaction as the
 *   NOTIFY, which carries only the row id; the other processes read the row. Rows older than ten
 *   minutes are deleted by the next process that stores one.
 * - **Loss**: pushes are hints, never the record (clients refetch after a reconnect). A NOTIFY that
 *   fails is logged at warn and dropped; notifications sent while a process's listener connection
 *   was down are lost, logged at warn when it has reconnected (and LISTENs again), and so are gaps
 *   in another process's sequence numbers.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { BatonDatabase } from '../db/database.ts';
import type { WsPushMessage } from '@baton/client/contract';
import type { Audience } from './hub.ts';

/** The NOTIFY channel of forwarded websocket pushes. */
export const wsFanOutChannel = 'baton_ws';

/** The largest NOTIFY payload sent, in bytes: PostgreSQL (default build) refuses 8000 or more. */
export const notifyPayloadLimit = 7999;

/** How many messages may wait to be forwarded before the oldest are dropped (the database is not keeping up). */
export const maxQueuedMessages = 10_000;

/** What travels in one NOTIFY payload: origin, sequence number, and the pairs or a `ws_relay` id. */
export interface FanOutEnvelope {
  /** The publishing process (random per process). */
  o: string;
  /** The publishing process's sequence number of this notification, from 1. */
  s: number;
  /** `[message, audience]` pairs, in publishing order. */
  m?: Array<[WsPushMessage, Audience]>;
  /** Instead of `m`: the `ws_relay` row holding one `[message, audience]` pair. */
  r?: number;
}

/** One notification to send: pairs that fit in a payload, or one pair to store in `ws_relay`. */
export type FanOutPart = { kind: 'inline'; pairs: string[] } | { kind: 'relay'; pair: string };

/**
 * Groups serialised `[message, audience]` pairs, in order, into as few notifications as fit in
 * `limit` bytes each (with the envelope of origin `origin` and a sequence number up to
 * `maxSeq`); a pair too large for a payload of its own becomes a `relay` part.
 *
 * @example
 * packPairs(['[{"type":"a"},{}]', '[{"type":"b"},{}]'], { origin: 'p1', maxSeq: 2 }); // [{ kind: 'inline', pairs: [both] }]
 */
export function packPairs(
  pairs: readonly string[],
  { origin, maxSeq, limit = notifyPayloadLimit }: { origin: string; maxSeq: number; limit?: number },
): FanOutPart[] {
  // The envelope around the pairs: {"o":"…","s":<maxSeq>,"m":[ … ]} (commas counted per pair).
  const overhead = Buffer.byteLength(JSON.stringify({ o: origin, s: maxSeq, m: [] }));
  const parts: FanOutPart[] = [];
  let current: string[] = [];
  let used = overhead;
  for (const pair of pairs) {
    const size = Buffer.byteLength(pair);
    if (overhead + size > limit) {
      if (current.length > 0) parts.push({ kind: 'inline', pairs: current });
      current = [];
      used = overhead;
      parts.push({ kind: 'relay', pair });
      continue;
    }
    const extra = size + (current.length > 0 ? 1 : 0);
    if (used + extra > limit) {
      parts.push({ kind: 'inline', pairs: current });
      current = [];
      used = overhead;
    }
    used += size + (current.length > 0 ? 1 : 0);
    current.push(pair);
  }
  if (current.length > 0) parts.push({ kind: 'inline', pairs: current });
  return parts;
}

/** The logger calls of {@link createReplicaFanOut} (a pino logger fits). */
export interface FanOutLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options of {@link createReplicaFanOut}. */
export interface ReplicaFanOutOptions {
  /** The open PostgreSQL database every replica shares. */
  database: BatonDatabase;
  /** Delivers a message that another process forwarded to this process's own sockets. */
  deliver: (message: WsPushMessage, audience: Audience) => void;
  logger: FanOutLogger;
}

/** Forwards websocket pushes to the other replicas and delivers theirs (see the module description). */
export interface ReplicaFanOut {
  /** This process's origin id in the envelopes. */
  readonly origin: string;
  /** Queues a message (already delivered to this process's sockets) for the other processes. Never throws. */
  forward(message: WsPushMessage, audience: Audience): void;
  /** LISTENs on {@link wsFanOutChannel}; resolves once the subscription is active. */
  start(): Promise<void>;
  /** Sends what is queued, waits for it, and stops listening. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Creates the fan-out of one process (PostgreSQL only; see the module description).
 *
 * @example
 * const fanOut = createReplicaFanOut({ database, deliver: (m, a) => hub.deliver(m, a), logger: app.log });
 * await fanOut.start();
 * fanOut.forward({ type: 'task.created', taskId: 7 }, { users: ['rep1'] });
 */
export function createReplicaFanOut(options: ReplicaFanOutOptions): ReplicaFanOut {
  const { database, deliver, logger } = options;
  const origin = randomBytes(6).toString('hex');
  let queue: string[] = [];
  let dropped = 0;
  let seq = 0;
  let flushing: Promise<void> | undefined;
  let scheduled = false;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  /** The last sequence number seen per origin (a gap means lost notifications). */
  const lastSeen = new Map<string, number>();
  /** Incoming notifications are handled one after another, so a relayed pair keeps its place. */
  let incoming: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (scheduled || flushing) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  }

  function flush(): Promise<void> {
    if (flushing || queue.length === 0) return flushing ?? Promise.resolve();
    const pairs = queue;
    queue = [];
    const lost = dropped;
    dropped = 0;
    if (lost > 0)
      logger.warn(
        { dropped: lost },
        `websocket fan-out: dropped ${lost} message(s) the database did not take in time; other replicas' clients miss them`,
      );
    flushing = send(pairs)
      .catch((error: unknown) => {
        logger.warn(
          { err: error, messages: pairs.length },
          'websocket fan-out: NOTIFY failed; other replicas miss these messages',
        );
      })
      .finally(() => {
        flushing = undefined;
        if (queue.length > 0) schedule();
      });
    return flushing;
  }

  async function send(pairs: string[]): Promise<void> {
    const parts = packPairs(pairs, { origin, maxSeq: seq + pairs.length });
    const envelope = (body: Omit<FanOutEnvelope, 'o' | 's'>) => JSON.stringify({ o: origin, s: ++seq, ...body });
    // Splices the already serialised pairs into the envelope text rather than parsing them again.
    const inline = (list: string[]) => `${envelope({ m: [] }).slice(0, -2)}${list.join(',')}]}`;
    const relays = parts.filter((p): p is Extract<FanOutPart, { kind: 'relay' }> => p.kind === 'relay');
    if (relays.length === 0) {
      const payloads = parts.map((p) => inline((p as Extract<FanOutPart, { kind: 'inline' }>).pairs));
      await sql`select pg_notify(${wsFanOutChannel}, p) from unnest(${payloads}::text[]) as p`.execute(database.db);
      return;
    }
    await database.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: number }>`insert into ws_relay (body)
        select b from unnest(${relays.map((r) => r.pair)}::text[]) with ordinality as t(b, n) order by n returning id`.execute(
        trx,
      );
      // Identity values follow the insertion order, so ascending ids match the relay parts in order.
      const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
      let next = 0;
      const payloads = parts.map((p) => (p.kind === 'inline' ? inline(p.pairs) : envelope({ r: ids[next++]! })));
      await sql`delete from ws_relay where created_at < now() - interval '10 minutes'`.execute(trx);
      await sql`select pg_notify(${wsFanOutChannel}, p) from unnest(${payloads}::text[]) as p`.execute(trx);
    });
  }

  function receive(payload: string): void {
    if (payload === '') {
      logger.warn(
        {},
        'websocket fan-out: the LISTEN connection was re-established; pushes other replicas sent meanwhile were lost (clients catch up when they refetch)',
      );
      return;
    }
    let envelope: FanOutEnvelope;
    try {
      envelope = JSON.parse(payload) as FanOutEnvelope;
    } catch (error) {
      logger.warn({ err: error }, 'websocket fan-out: ignored a notification that is not JSON');
      return;
    }
    if (envelope.o === origin) return;
    const last = lastSeen.get(envelope.o);
    if (last !== undefined && envelope.s > last + 1) {
      logger.warn(
        { replica: envelope.o, missed: envelope.s - last - 1 },
        'websocket fan-out: notifications from another replica were lost',
      );
    }
    lastSeen.set(envelope.o, envelope.s);
    if (lastSeen.size > 1000) lastSeen.delete(lastSeen.keys().next().value!);
    incoming = incoming
      .then(() => handle(envelope))
      .catch((error: unknown) => {
        logger.warn({ err: error, replica: envelope.o }, 'websocket fan-out: could not deliver a forwarded message');
      });
  }

  async function handle(envelope: FanOutEnvelope): Promise<void> {
    if (envelope.m) {
      for (const [message, audience] of envelope.m) deliver(message, audience);
      return;
    }
    if (typeof envelope.r !== 'number') return;
    const row = await database.db.selectFrom('ws_relay').select('body').where('id', '=', envelope.r).executeTakeFirst();
    if (!row) {
      logger.warn({ relay: envelope.r }, 'websocket fan-out: a relayed message was already deleted');
      return;
    }
    const [message, audience] = JSON.parse(row.body) as [WsPushMessage, Audience];
    deliver(message, audience);
  }

  return {
    origin,
    forward(message, audience) {
      if (stopped) return;
      try {
        queue.push(JSON.stringify([message, audience]));
      } catch (error) {
        logger.warn({ err: error, type: message?.type }, 'websocket fan-out: a message could not be serialised');
        return;
      }
      if (queue.length > maxQueuedMessages) {
        queue.shift();
        dropped++;
      }
      schedule();
    },
    async start() {
      unlisten ??= await database.listen(wsFanOutChannel, receive);
    },
    async stop() {
      if (stopped) return;
      await flushing;
      await flush();
      stopped = true;
      await unlisten?.().catch(() => {});
      await incoming;
    },
  };
}
