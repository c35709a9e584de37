import { createHash } from 'node:crypto';
import { PGlite, parse as pgliteParse, protocol as pgliteProtocol } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.ts';

/** Which database engine a {@link BatonDatabase} talks to. */
export type DatabaseKind = 'pglite' | 'postgres';

/** What {@link createDatabase} needs from the configuration. */
export interface DatabaseConfig {
  /** `postgres://…` selects PostgreSQL; otherwise PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's directory; `null` or absent keeps PGlite in memory. Ignored for PostgreSQL. */
  pgliteDir?: string | null | undefined;
  /** Size of the PostgreSQL connection pool for requests. @default 10 */
  poolMax?: number;
  /** Size of the separate PostgreSQL pool of the timer poller and outbox worker. @default 8 */
  workerPoolMax?: number;
}

/** The logger calls {@link createDatabase} makes (a pino logger fits). */
export interface DatabaseLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A callback for notifications on a channel; `payload` is `''` after a reconnect (see {@link BatonDatabase.listen}). */
export type NotificationHandler = (payload: string) => void;

/** An open database: the kysely instance plus LISTEN support and shutdown. */
export interface BatonDatabase {
  db: Kysely<Database>;
  /**
   * The connections of the background workers (timer poller, outbox): on PostgreSQL a pool of
   * its own, so due timers never wait behind a queue of requests for a connection; on PGlite
   * the same single session as `db`.
   */
  workerDb: Kysely<Database>;
  kind: DatabaseKind;
  /**
   * Subscribes to `NOTIFY` on a channel (lower-case letters, digits and `_`). Resolves once the
   * subscription is active; the returned function unsubscribes.
   *
   * On PostgreSQL the subscription lives on one dedicated connection that reconnects with
   * backoff; notifications sent while it was down are lost, so after a reconnect every handler
   * is called once with an empty payload: treat a notification as "look again", never as data.
   */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  /**
   * Tells the other processes on this database that the process named `name` is alive, for as
   * long as this database stays open: a session-level advisory lock (class
   * {@link presenceLockClass}, key `hashtext(name)`), held on PostgreSQL by the listener
   * connection (taken again after a reconnect), on PGlite by its one session. When the process
   * dies its connection closes and the lock goes with it, so its claims can be taken over at once
   * ({@link livePresenceSql}) rather than when their lease runs out. Resolves to false when another
   * session already holds the key (a hash collision): then this process's claims simply wait out
   * their lease if it dies.
   */
  announce(name: string): Promise<boolean>;
  /** Stops the listener connection and closes the pool (or PGlite). Idempotent. */
  close(): Promise<void>;
}

const channelPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The advisory-lock class of {@link BatonDatabase.announce} (the bytes of "batn"). */
export const presenceLockClass = 0x6261746e;

/**
 * A query of the processes alive on this database ({@link BatonDatabase.announce}): one row
 * per presence lock held, `objid` = `hashtext(name)::oid`. Read it once per statement (a
 * materialized CTE): `pg_lock_status()` walks the lock table.
 */
export const livePresenceSql = sql<number>`select objid from pg_locks
  where locktype = 'advisory' and classid = ${presenceLockClass} and objsubid = 2 and granted
    and database = (select oid from pg_database where datname = current_database())`;

const presenceSql = (name: string) =>
  sql<{ ok: boolean }>`select pg_try_advisory_lock(${presenceLockClass}, hashtext(${name})) as ok`;

/**
 * Opens the database the configuration names: PostgreSQL when `databaseUrl` is set, otherwise
 * PGlite (in `pgliteDir`, or in memory). Both return int8/bigint columns as JS numbers, so rows
 * have the same shape on either backend. Does not run migrations (see `migrateToLatest`).
 *
 * @example
 * const database = await createDatabase({ databaseUrl: process.env.DATABASE_URL, pgliteDir: '.data/pglite' });
 * await migrateToLatest(database.db);
 */
export async function createDatabase(
  config: DatabaseConfig,
  logger: DatabaseLogger = silentLogger,
): Promise<BatonDatabase> {
  if (config.databaseUrl)
    return createPostgres({
      url: config.databaseUrl,
      poolMax: config.poolMax ?? 10,
      workerPoolMax: config.workerPoolMax ?? 8,
      logger,
    });
  return createPglite(config.pgliteDir ?? null);
}

const silentLogger: DatabaseLogger = { warn() {}, error() {} };

function assertChannel(channel: string): void {
  if (!channelPattern.test(channel)) {
    throw new Error(
      `listen("${channel}"): channel names must match ${channelPattern.source} (lower-case letters, digits, "_"). Rename the channel.`,
    );
  }
}

class HandlerRegistry {
  readonly byChannel = new Map<string, Set<NotificationHandler>>();

  dispatch({ channel, payload }: { channel: string; payload: string }, logger: DatabaseLogger): void {
    for (const handler of this.byChannel.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        logger.error({ err: error, channel }, 'notification handler threw');
      }
    }
  }
}

async function createPglite(dir: string | null): Promise<BatonDatabase> {
  const pglite = dir === null ? new PGlite() : new PGlite(dir);
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(withPreparedStatements(pglite)) });
  const registry = new HandlerRegistry();
  // LISTEN/UNLISTEN go through kysely, which serialises them with transactions on PGlite's single
  // session; pglite.listen() would run them inside whatever transaction happens to be open.
  const offNotification = pglite.onNotification((channel, payload) =>
    registry.dispatch({ channel, payload }, silentLogger),
  );
  let closed = false;
  return {
    db,
    workerDb: db,
    kind: 'pglite',
    async listen(channel, handler) {
      assertChannel(channel);
      let handlers = registry.byChannel.get(channel);
      if (!handlers) {
        handlers = new Set();
        registry.byChannel.set(channel, handlers);
        await sql`listen ${sql.id(channel)}`.execute(db);
      }
      handlers.add(handler);
      return async () => {
        handlers.delete(handler);
        if (handlers.size === 0 && registry.byChannel.get(channel) === handlers && !closed) {
          registry.byChannel.delete(channel);
          await sql`unlisten ${sql.id(channel)}`.execute(db);
        }
      };
    },
    async announce(name) {
      const { rows } = await presenceSql(name).execute(db);
      return rows[0]?.ok === true;
    },
    async close() {
      if (closed) return;
      closed = true;
      offNotification();
      await db.destroy(); // closes PGlite too
    },
  };
}

/**
 * Marks a statement for the server-side statement cache: SQL text that starts with this comment
 * is prepared once per connection (a named statement, by a hash of the text) and then only
 * bound and executed, so PostgreSQL parses and plans the run loop's statements once instead of
 * on every command. Use it for fixed-shape statements that run all the time.
 */
export const preparedMarker = '/* baton:prepared */';

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `baton_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size > 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** Turns `query(text, values)` calls with {@link preparedMarker} into named (prepared) queries on this client. */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(preparedMarker) && (args.length === 1 || Array.isArray(values))) {
      return query({ name: statementName(text), text, values: values ?? [] });
    }
    return query(...args);
  };
}

/**
 * PGlite with {@link preparedMarker} support: a marked statement is parsed once as a named
 * statement (its parameter types described once), then each call sends bind, describe, execute
 * and sync in one buffer — one trip into the WebAssembly backend instead of six, and no parse or
 * plan per call. Everything else goes to PGlite unchanged. Safe because kysely's PGlite driver
 * hands the single session to one query at a time (nothing else in the server uses PGlite directly).
 */
function withPreparedStatements(pglite: PGlite): PGlite {
  const { serialize } = pgliteProtocol;
  const statements = new Map<string, { name: string; paramTypes: number[] }>();
  const concat = (parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  };
  async function prepared(text: string, params: readonly unknown[]) {
    let statement = statements.get(text);
    if (!statement) {
      const name = `baton_${statements.size + 1}`;
      const described = await pglite.execProtocol(
        concat([serialize.parse({ name, text, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      );
      statement = { name, paramTypes: pgliteParse.parseDescribeStatementResults(described.messages) };
      statements.set(text, statement);
    }
    const types = statement.paramTypes;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[types[i]!];
      return serializer ? serializer(value) : toParameterText(value);
    });
    const result = await pglite.execProtocol(
      concat([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    return pgliteParse.parseResults(result.messages, pglite.parsers)[0]!;
  }
  return new Proxy(pglite, {
    get(target, property) {
      if (property === 'query') {
        return (text: string, params?: unknown[], options?: object) =>
          typeof text === 'string' && text.startsWith(preparedMarker) && options === undefined
            ? prepared(text, params ?? [])
            : (target.query(text, params, options) as Promise<unknown>);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A parameter without a PGlite serializer, as text: primitives as themselves, anything else as JSON. */
function toParameterText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

/** pg type parsers: int8 (oid 20) and int8[] (oid 1016) as numbers, like PGlite. */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1016) {
      const parseArray = pg.types.getTypeParser(1016 as never, 'text') as (value: string) => Array<string | null>;
      return (value: string) => parseArray(value).map((v) => (v === null ? null : Number(v)));
    }
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

async function createPostgres({
  url,
  poolMax,
  workerPoolMax,
  logger,
}: {
  url: string;
  poolMax: number;
  workerPoolMax: number;
  logger: DatabaseLogger;
}): Promise<BatonDatabase> {
  const openPool = (max: number, name: string) => {
    const pool = new pg.Pool({ connectionString: url, max, types: pgTypes, application_name: name });
    pool.on('connect', prepareMarkedStatements);
    // Without this handler an idle client losing its connection would crash the process.
    pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed; the pool replaces it'));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  };
  const db = openPool(poolMax, 'baton');
  const workerDb = openPool(workerPoolMax, 'baton-workers');
  // Fail fast with a clear message when the server is unreachable.
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    await workerDb.destroy();
    throw new Error(
      `Cannot connect to PostgreSQL at DATABASE_URL (${redactUrl(url)}): ${(error as Error).message}. Check the URL and that the server is running.`,
      {
        cause: error,
      },
    );
  }

  const registry = new HandlerRegistry();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let retryDelay = 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  async function connectListener(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: url, types: pgTypes, application_name: 'baton-listen' });
    next.on('notification', (message) =>
      registry.dispatch({ channel: message.channel, payload: message.payload ?? '' }, logger),
    );
    next.on('error', (error) => {
      logger.warn({ err: error }, 'PostgreSQL LISTEN connection failed; reconnecting');
      dropListener(next);
    });
    next.on('end', () => dropListener(next));
    await next.connect();
    for (const channel of registry.byChannel.keys()) await next.query(`LISTEN ${quoteIdent(channel)}`);
    for (const name of presences) await takePresence(next, name);
    return next;
  }

  /** Names announced on this database ({@link BatonDatabase.announce}): their locks live on the listener connection. */
  const presences = new Set<string>();
  async function takePresence(on: pg.Client, name: string): Promise<boolean> {
    const compiled = presenceSql(name).compile(db);
    const { rows } = await on.query<{ ok: boolean }>(compiled.sql, [...compiled.parameters]);
    if (rows[0]?.ok !== true)
      logger.warn(
        { name },
        "another session holds this process's presence lock; if this process dies, its claims wait out their lease",
      );
    return rows[0]?.ok === true;
  }

  function dropListener(which: pg.Client): void {
    if (client !== which) return;
    client = null;
    which.end().catch(() => {});
    if (!closed && (registry.byChannel.size > 0 || presences.size > 0)) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (retryTimer !== undefined || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      getListener()
        .then(() => {
          retryDelay = 500;
          for (const channel of registry.byChannel.keys()) registry.dispatch({ channel, payload: '' }, logger);
        })
        .catch((error: unknown) => {
          logger.warn({ err: error, retryInMs: retryDelay }, 'PostgreSQL LISTEN reconnect failed');
          retryDelay = Math.min(retryDelay * 2, 30_000);
          scheduleReconnect();
        });
    }, retryDelay);
    retryTimer.unref();
  }

  async function getListener(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= connectListener().then(
      (c) => {
        client = c;
        connecting = null;
        return c;
      },
      (error: unknown) => {
        connecting = null;
        throw error;
      },
    );
    return connecting;
  }

  return {
    db,
    workerDb,
    kind: 'postgres',
    async listen(channel, handler) {
      assertChannel(channel);
      let handlers = registry.byChannel.get(channel);
      const isNew = !handlers;
      if (!handlers) {
        handlers = new Set();
        registry.byChannel.set(channel, handlers);
      }
      handlers.add(handler);
      const listener = await getListener();
      // connectListener already LISTENs to every registered channel; a client connected earlier needs it now.
      if (isNew) await listener.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        handlers.delete(handler);
        if (handlers.size === 0 && registry.byChannel.get(channel) === handlers) {
          registry.byChannel.delete(channel);
          if (client && !closed) await client.query(`UNLISTEN ${quoteIdent(channel)}`);
        }
      };
    },
    async announce(name) {
      presences.add(name);
      // A listener connecting meanwhile may take it too: advisory locks are re-entrant per session.
      return takePresence(await getListener(), name);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const listener = client;
      client = null;
      if (listener) await listener.end().catch(() => {});
      await Promise.all([db.destroy(), workerDb.destroy()]);
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'unparsable URL';
  }
}
