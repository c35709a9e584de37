import { randomBytes } from 'node:crypto';
import { BatonApiError, type BatonClient, type FetchLike, createClient } from '@baton/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { RawData } from 'ws';
import { sql } from 'kysely';
import pg from 'pg';
import { type BuildAppOptions, buildApp } from '../src/app.ts';
import { type BatonDatabase, type DatabaseKind, createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../src/seed/demo-data.ts';

/** The password of every seeded demo user in tests. */
export const testPassword = 'test-password-1';

/**
 * An `app.inject` answer whose `json()` is `unknown` unless the caller names the body type
 * (`res.json<ApiErrorBody>()`): light-my-request's own default is `any`.
 */
export type TestResponse = Omit<LightMyRequestResponse, 'json'> & { json<T = unknown>(): T };

/**
 * `expect.stringContaining(text)` as the `unknown` it is to the type checker (vitest types its
 * asymmetric matchers `any`), for use inside `toMatchObject` / `toEqual` patterns.
 *
 * @example
 * expect(body).toMatchObject({ code: 'API_CSRF_REJECTED', message: stringContaining('X-CSRF-Token') });
 */
export function stringContaining(text: string): unknown {
  return expect.stringContaining(text);
}

/** The text of a WebSocket message (`ws` hands over a Buffer, an ArrayBuffer or Buffer fragments). */
export function wsText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8');
}

/** A database backend the integration tests run against. */
export interface TestBackend {
  name: DatabaseKind;
  /** Opens a fresh, empty database (not migrated). `drop` closes it and deletes it. */
  open(): Promise<{ database: BatonDatabase; drop: () => Promise<void> }>;
}

const pgliteBackend: TestBackend = {
  name: 'pglite',
  async open() {
    const database = await createDatabase({ pgliteDir: null });
    return { database, drop: () => database.close() };
  },
};

function postgresBackend(adminUrl: string): TestBackend {
  return {
    name: 'postgres',
    async open() {
      const name = `baton_t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const database = await createDatabase({ databaseUrl: url.toString(), poolMax: 5 });
      return {
        database,
        async drop() {
          await database.close();
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          try {
            await client.query(`drop database if exists ${name} with (force)`);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. Use with `describe.each(backends)('$name', …)`. */
export const backends: TestBackend[] = process.env.TEST_DATABASE_URL
  ? [pgliteBackend, postgresBackend(process.env.TEST_DATABASE_URL)]
  : [pgliteBackend];

/** A running test app on a fresh, migrated database with the demo data seeded. */
export interface TestApp {
  app: FastifyInstance;
  database: BatonDatabase;
  /** Logs a demo user in (cached) and returns the bearer token. */
  token(username: string): Promise<string>;
  /**
   * A typed `@baton/client` whose `fetch` is `app.inject` (no socket). With `as`, every call
   * carries that demo user's token (logged in on first use) unless the client has a token of
   * its own (after `login` or `setToken`). Failed calls throw `BatonApiError` (see {@link apiError}).
   */
  client(as?: string): TestClient;
  /**
   * Runs one call of a fresh {@link TestApp.client} (as `as`) and returns its raw answer, whether
   * it succeeded or not: for tests that assert on the status codes and headers of either outcome.
   *
   * @example
   * const res = await t.call('rep1', (c) => c.claimTask(id));
   * expect(res.statusCode).toBe(409);
   */
  call(as: string | undefined, run: (client: TestClient) => Promise<unknown>): Promise<TestResponse>;
  /**
   * `app.inject` with an optional bearer token for a demo user and a JSON body. Only for tests
   * whose subject is raw HTTP (malformed bodies, headers, unknown fields); use {@link TestApp.client}
   * for API calls.
   */
  request(options: {
    method: InjectOptions['method'];
    url: string;
    as?: string;
    body?: unknown;
    headers?: Record<string, string>;
    payload?: string | Buffer;
  }): Promise<TestResponse>;
  /** Counts rows in a table (for "nothing was written" checks). */
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

/** A {@link BatonClient} over `app.inject`, with the raw answer of its last call (headers, full error body). */
export interface TestClient extends BatonClient {
  readonly lastResponse: TestResponse | undefined;
}

/**
 * Awaits a client call that must fail and returns its {@link BatonApiError} (with `status`,
 * `code`, `message`, `issues`); fails the test when the call succeeds or throws anything else.
 *
 * @example
 * expect(await apiError(rep.claimTask(id))).toMatchObject({ status: 409, code: 'API_TASK_CLAIMED' });
 */
export async function apiError(call: Promise<unknown>): Promise<BatonApiError> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof BatonApiError) return error;
    throw error;
  }
  throw new Error(`expected a BatonApiError, but the call succeeded with ${JSON.stringify(result)?.slice(0, 500)}`);
}

/**
 * Opens a fresh database on `backend`, migrates, seeds the demo users and builds the app.
 * `options` reach `buildApp` (e.g. `actions`, `outbox: { fetch }`, `timers`).
 */
export async function startTestApp(
  backend: TestBackend,
  options: Omit<Partial<BuildAppOptions>, 'database' | 'config'> = {},
): Promise<TestApp> {
  const { database, drop } = await backend.open();
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, testPassword);
  const app = await buildApp({
    ...options,
    database,
    config: {
      sessionSecret: randomBytes(32).toString('hex'),
      logLevel: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : (process.env.TEST_LOG_LEVEL as 'info'),
    },
  });
  await app.ready();
  const tokens = new Map<string, string>();

  const request: TestApp['request'] = async (options) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as !== undefined) headers.authorization = `Bearer ${await token(options.as)}`;
    const inject: InjectOptions = { method: options.method, url: options.url, headers };
    if (options.payload !== undefined) inject.payload = options.payload;
    else if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      inject.payload = JSON.stringify(options.body);
    }
    return app.inject(inject);
  };

  function client(as?: string): TestClient {
    let last: LightMyRequestResponse | undefined;
    const fetch: FetchLike = async (url, init) => {
      const u = new URL(url);
      const headers = { ...init.headers };
      if (as !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${await token(as)}`;
      const res = await app.inject({
        method: init.method as InjectOptions['method'],
        url: u.pathname + u.search,
        headers,
        ...(init.body === undefined ? {} : { payload: init.body }),
      });
      last = res;
      return { status: res.statusCode, text: async () => res.body };
    };
    const typed = createClient({ baseUrl: 'http://baton.test', fetch });
    return Object.defineProperty(typed, 'lastResponse', { get: () => last, enumerable: true }) as TestClient;
  }

  const call: TestApp['call'] = async (as, run) => {
    const typed = client(as);
    try {
      await run(typed);
    } catch (error) {
      if (!(error instanceof BatonApiError)) throw error;
    }
    if (typed.lastResponse === undefined) throw new Error('t.call: the callback made no request');
    return typed.lastResponse;
  };

  async function token(username: string): Promise<string> {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: testPassword },
    });
    if (res.statusCode !== 200) throw new Error(`test login as ${username} failed: ${res.statusCode} ${res.body}`);
    const value = res.json<{ token: string }>().token;
    tokens.set(username, value);
    return value;
  }

  return {
    app,
    database,
    token,
    client,
    call,
    request,
    async count(table) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        database.db,
      );
      return rows[0]!.n;
    },
    async close() {
      await app.close();
      await drop();
    },
  };
}

/** A minimal valid process definition for model `key`. */
export function minimalDefinition(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key,
    name: { en: key.toUpperCase(), 'zh-CN': key.toUpperCase() },
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'end', type: 'end' },
    ],
    edges: [{ id: 'e1', from: 'start', to: 'end' }],
    ...extra,
  };
}
