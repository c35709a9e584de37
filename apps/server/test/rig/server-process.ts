import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of `apps/server` (where `tsx` resolves from). */
const serverDir = fileURLToPath(new URL('../..', import.meta.url));
/** The server's entry point, run through tsx like `npm start` does. */
const mainScript = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The demo password every rig process seeds and logs in with. */
export const rigPassword = 'rig-password-1';
/** One session secret shared by every rig process, so a token from one works on all. */
export const rigSessionSecret = `rig-session-secret-${'x'.repeat(32)}`;

/** How a server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link startServers} and {@link startServer}. */
export interface StartServerOptions {
  /** `postgres://…` of the (scratch) database every process shares. */
  databaseUrl: string;
  /** Extra environment variables (they override the rig's defaults). */
  env?: Record<string, string>;
  /** How long to wait for the banner and a healthy `GET /api/health`. @default 60000 */
  startTimeoutMs?: number;
}

/** One running (or stopped) `apps/server` process started by the rig. */
export interface ServerHandle {
  /** `server-1`, `server-2`, … (stable across restarts). */
  readonly name: string;
  /** `http://127.0.0.1:<port>`; the port stays the same across restarts. */
  readonly baseUrl: string;
  readonly port: number;
  /** The pid of the current process, `undefined` once it has exited. */
  readonly pid: number | undefined;
  /** Whether the current process is still running. */
  readonly running: boolean;
  /**
   * Sends `signal` (default SIGKILL) and resolves once the process has exited. SIGKILL models a
   * crash: no shutdown code runs, claims and leases stay as they were.
   */
  kill(signal?: NodeJS.Signals): Promise<ProcessExit>;
  /**
   * Graceful stop: SIGTERM, then SIGKILL if it has not exited after `graceMs` (default 15 s);
   * then removes the data directory. On a process that already exited it only cleans up.
   */
  stop(graceMs?: number): Promise<ProcessExit>;
  /**
   * Starts the process again (same port, same environment plus `env`, e.g. a new
   * `CLOCK_OFFSET_MS`) and waits until it is healthy. `env` stays in effect for later restarts.
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** Everything the process (all its lifetimes) wrote to stdout and stderr, in order. */
  output(): string;
  /**
   * Lines that mean something went wrong: pino records at level error or fatal, unhandled
   * rejections and uncaught exceptions, and any other stderr line. Empty for a healthy run.
   */
  problems(): string[];
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  // A failing test must not leave servers running (and holding database connections).
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * Starts `count` real server processes (`node --import tsx src/main.ts`) on loopback against
 * one shared database, in parallel, and resolves once every one answers `GET /api/health`.
 * They share {@link rigSessionSecret} and {@link rigPassword}, log at `warn`, and keep their
 * data directory in a temporary folder.
 *
 * Migrations and the demo seed are safe to run from all processes at once (the migrator and
 * the seed take locks).
 *
 * @example
 * const servers = await startServers(2, { databaseUrl: scratch.url });
 * await servers[0]!.kill('SIGKILL');
 * await servers[0]!.restart();
 * await stopServers(servers);
 */
export async function startServers(count: number, options: StartServerOptions): Promise<ServerHandle[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startServer(`server-${i + 1}`, options)),
  );
  const failure = started.find((r) => r.status === 'rejected');
  if (failure) {
    await Promise.all(started.flatMap((r) => (r.status === 'fulfilled' ? [r.value.kill('SIGKILL')] : [])));
    throw failure.reason;
  }
  return started.map((r) => (r as PromiseFulfilledResult<ServerHandle>).value);
}

/** Stops every server gracefully (in parallel) and removes their data directories. */
export async function stopServers(servers: readonly ServerHandle[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}

/** Starts one server process named `name`; see {@link startServers}. */
export async function startServer(name: string, options: StartServerOptions): Promise<ServerHandle> {
  const dataDir = mkdtempSync(join(tmpdir(), `baton-rig-${name}-`));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let port = 0;
  let extraEnv: Record<string, string> = { ...options.env };
  let child: ChildProcess | undefined;
  let exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });
  const chunks: string[] = [];
  const stderrLines: string[] = [];

  async function launch(): Promise<void> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      TZ: 'UTC',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'warn',
      DEMO_PASSWORD: rigPassword,
      SESSION_SECRET: rigSessionSecret,
      ...extraEnv,
    };
    const proc = spawn(process.execPath, ['--import', 'tsx', mainScript], {
      cwd: serverDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    liveChildren.add(proc);
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        liveChildren.delete(proc);
        resolve({ code, signal });
      });
    });
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    let stderrRest = '';
    proc.stderr.on('data', (chunk: string) => {
      chunks.push(chunk);
      const lines = (stderrRest + chunk).split('\n');
      stderrRest = lines.pop() ?? '';
      stderrLines.push(...lines.filter((l) => l.trim() !== ''));
    });

    const listening = new Promise<number>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: string) => {
        chunks.push(chunk);
        seen += chunk;
        const match = /Baton is listening on http:\/\/[^\s:]+:(\d+)/.exec(seen);
        if (match) {
          resolve(Number(match[1]));
          seen = '';
          proc.stdout.off('data', onData);
          proc.stdout.on('data', (more: string) => chunks.push(more));
        }
      };
      proc.stdout.on('data', onData);
      void exited.then((exit) =>
        reject(
          new Error(
            `rig: ${name} exited (code ${exit.code}, signal ${exit.signal}) before listening. Its output:\n${tail(chunks.join(''))}`,
          ),
        ),
      );
      setTimeout(
        () =>
          reject(
            new Error(
              `rig: ${name} did not print its banner within ${timeoutMs} ms. Its output:\n${tail(chunks.join(''))}`,
            ),
          ),
        timeoutMs,
      ).unref();
    });
    try {
      port = await listening;
      await waitForHealth(`http://127.0.0.1:${port}`, timeoutMs);
    } catch (error) {
      proc.kill('SIGKILL');
      await exited;
      throw error;
    }
  }

  await launch();

  const handle: ServerHandle = {
    name,
    get baseUrl() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (handle.running) child!.kill(signal);
      return exited;
    },
    async stop(graceMs = 15_000) {
      if (handle.running) {
        child!.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      return exited;
    },
    async restart(env) {
      if (handle.running)
        throw new Error(`rig: ${name} is still running (pid ${child!.pid}); kill or stop it before restart().`);
      if (env) extraEnv = { ...extraEnv, ...env };
      await launch();
    },
    output: () => chunks.join(''),
    problems: () => findProblems(chunks.join(''), stderrLines),
  };
  return handle;
}

/** Lines of a server's output that mean something went wrong (see {@link ServerHandle.problems}). */
function findProblems(output: string, stderrLines: readonly string[]): string[] {
  const problems: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as { level?: number };
      if (typeof record.level === 'number' && record.level >= 50) problems.push(line);
    } catch {
      // A partial line at the end of a chunk; not a log record.
    }
  }
  for (const line of stderrLines) {
    if (line.startsWith('{')) continue; // pino records were handled above
    if (/ExperimentalWarning|--trace-warnings/.test(line)) continue;
    problems.push(line);
  }
  return problems;
}

async function waitForHealth(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const status = await getStatus(`${baseUrl}/api/health`);
      if (status === 200) return;
      last = `status ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rig: ${baseUrl}/api/health did not answer 200 within ${timeoutMs} ms (last: ${last}).`);
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** A random suffix for model keys and business keys, so reruns never collide. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
