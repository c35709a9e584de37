import { afterAll, beforeAll } from 'vitest';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { reliabilityDatabaseUrl } from './reliability-env.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import { rigPassword, type ServerHandle, startServers, stopServers } from './server-process.ts';

/** Options of {@link useRig}. */
export interface RigOptions {
  /** How many server processes to start on the scratch database. */
  servers: number;
  /** Sockets per server of the shared HTTP client (see `createHttpClient`). @default 128 */
  maxSockets?: number;
  /** Extra environment for every process (see `startServers`), e.g. `TIMER_POLL_MS`. */
  env?: Record<string, string>;
}

/**
 * What {@link useRig} returns. Filled in by the `beforeAll` hook it registers: read it inside
 * tests, hooks and the functions they call, never at collection time (the getters throw there).
 */
export interface Rig {
  /** The scratch database every process shares. */
  readonly scratch: ScratchDatabase;
  /** The server processes, `server-1` first. Kill and restart them freely; `afterAll` stops them. */
  readonly servers: ServerHandle[];
  /** `servers.map((s) => s.baseUrl)` (the ports stay the same across restarts). */
  readonly baseUrls: string[];
  /** The HTTP client of the file, closed by `afterAll`. Usable at any time. */
  readonly http: HttpClient;
  /** How long starting the servers took until every one answered `GET /api/health`, in ms. */
  readonly startMs: number;
  /** Logs the demo user `username` in on `servers[serverIndex]` (with `rigPassword`) and returns the token. */
  login(serverIndex: number, username: string): Promise<string>;
}

/**
 * Sets up the multi-process rig for the current test file or `describe` block: registers a
 * `beforeAll` that creates a scratch database (from `TEST_DATABASE_URL`) and starts
 * `options.servers` processes on it, and an `afterAll` that stops the processes, closes the
 * HTTP client and drops the database (whatever part of the setup got done).
 *
 * @example
 * describe('B1: concurrent completions', () => {
 *   const rig = useRig({ servers: 2, maxSockets: 512 });
 *
 *   it('answers exactly one 2xx', async () => {
 *     const admin = await rig.login(0, 'admin');
 *     const rows = await rig.scratch.query('select 1');
 *     // …
 *   });
 * });
 */
export function useRig(options: RigOptions): Rig {
  const adminUrl = reliabilityDatabaseUrl();
  const http = createHttpClient({ maxSockets: options.maxSockets });
  let scratch: ScratchDatabase | undefined;
  let servers: ServerHandle[] | undefined;
  let startMs: number | undefined;

  function ready<T>(value: T | undefined, what: string): T {
    if (value === undefined) {
      throw new Error(
        `rig: ${what} is not ready. Read the rig inside a test or hook (useRig's beforeAll fills it in), and check that beforeAll succeeded.`,
      );
    }
    return value;
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(adminUrl);
    const t0 = Date.now();
    servers = await startServers(options.servers, { databaseUrl: scratch.url, env: options.env });
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    await stopServers(servers ?? []);
    http.close();
    await scratch?.drop();
  });

  const rig: Rig = {
    get scratch() {
      return ready(scratch, 'the scratch database');
    },
    get servers() {
      return ready(servers, 'the server list');
    },
    get baseUrls() {
      return rig.servers.map((s) => s.baseUrl);
    },
    http,
    get startMs() {
      return ready(startMs, 'the start time');
    },
    async login(serverIndex, username) {
      const server = rig.servers[serverIndex];
      if (!server)
        throw new Error(
          `rig: no server ${serverIndex}; the rig started ${rig.servers.length} (indexes 0–${rig.servers.length - 1}).`,
        );
      return http.login(server.baseUrl, username, rigPassword);
    },
  };
  return rig;
}
