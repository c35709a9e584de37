import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throw-away PostgreSQL database for one test file, plus a small pool to inspect it. */
export interface ScratchDatabase {
  /** `postgres://…/<name>`: pass it to the server processes as `DATABASE_URL`. */
  url: string;
  /** The database name (`baton_r_<random>`). */
  name: string;
  /** Runs one SQL statement on the scratch database and returns its rows (int8 as numbers). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Closes the pool and drops the database (`with (force)` ends leftover connections). */
  drop(): Promise<void>;
}

/** pg type parser: int8 (oid 20) as a JS number, like the server does. */
const numericInt8: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Creates an empty PostgreSQL database next to the one `adminUrl` points at (the server
 * processes migrate and seed it when they start). Mirrors `test/harness.ts`, with a different
 * prefix so leftovers are easy to tell apart.
 *
 * @example
 * const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
 * const servers = await startServers(2, { databaseUrl: scratch.url });
 * // …
 * await stopServers(servers);
 * await scratch.drop();
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `baton_r_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 4,
    types: numericInt8,
    application_name: 'baton-rig',
  });
  pool.on('error', () => {
    // An idle inspection connection ended (e.g. by `drop … with (force)`); the pool replaces it.
  });
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
      const result = await pool.query(text, params);
      return result.rows as Row[];
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => {});
      await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
