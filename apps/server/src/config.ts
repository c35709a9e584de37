import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The pino log levels LOG_LEVEL accepts. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** @see logLevels */
export type LogLevel = (typeof logLevels)[number];

/** The server's configuration, read from the environment by {@link loadConfig}. */
export interface Config {
  /** TCP port. `PORT`, @default 3000 */
  port: number;
  /**
   * Interface to listen on. `HOST`, @default "127.0.0.1" (loopback only, so a fresh install with
   * demo users is not reachable from the network; set `HOST=0.0.0.0` behind a proxy or in a
   * container).
   */
  host: string;
  /** Absolute data directory. `DATA_DIR`, @default ".data" (relative paths resolve against the directory the command was started from). */
  dataDir: string;
  /** `DATABASE_URL` (`postgres://…`): when set, PostgreSQL is used instead of PGlite. */
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files (`<dataDir>/pglite`); `null` keeps the database in memory (tests). */
  pgliteDir: string | null;
  /** `LOG_LEVEL`, @default "info" */
  logLevel: LogLevel;
  /** Secret that signs session tokens (JWT). `SESSION_SECRET`, else generated once into `<dataDir>/session-secret`. */
  sessionSecret: string;
  /** Where {@link Config.sessionSecret} came from. */
  sessionSecretSource: 'env' | 'file' | 'generated';
  /**
   * `SESSION_SECRET_ROTATE`: the first 16 hex digits of the session-secret fingerprint recorded
   * in the PostgreSQL database, to replace it with this process's on purpose (see
   * `auth/session-fingerprint.ts`). Unset: a different secret refuses to start.
   */
  sessionSecretRotate: string | undefined;
  /** `DEMO_PASSWORD`: the shared password of the demo users seeded into an empty database. */
  demoPassword: string | undefined;
  /** `TIMER_POLL_MS`: how often the timer poller and the outbox worker look for due work. @default 1000 */
  pollIntervalMs: number;
  /**
   * `CLOCK_OFFSET_MS`: milliseconds added to the database clock for every instant the run loop
   * uses (demos and time-travel tests only). @default 0
   */
  clockOffsetMs: number;
  /**
   * `HTTP_ACTION_ALLOW`: URL prefixes HTTP actions may call, comma- or space-separated (e.g.
   * `https://crm.example.com,https://erp.internal/api/`). Unset: any URL.
   */
  httpActionAllow: string[] | undefined;
  /**
   * `CALENDARS_DIR`: a directory of calendar JSON files (the calendar schema) loaded at start; a
   * file with a shipped calendar's id (`cn-mainland`) replaces it. Unset: the shipped calendars.
   */
  calendarsDir: string | undefined;
}

/** Thrown by {@link loadConfig} when an environment variable has an unusable value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'API_CONFIG_INVALID';
}

/** The smallest SESSION_SECRET accepted, in characters. */
export const minSessionSecretLength = 32;

/**
 * Reads the configuration from environment variables, creating the data directory and, when
 * `SESSION_SECRET` is unset, a random session secret kept in `<dataDir>/session-secret` (mode
 * 0600) so that tokens survive restarts. The secret is never a constant.
 *
 * Relative `DATA_DIR` values resolve against `INIT_CWD` (the directory `npm`/`pnpm` was started
 * from, i.e. the repository root for `npm start`) or else `process.cwd()`.
 *
 * @throws ConfigError naming the variable and the fix when a value is unusable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): Config {
  const port = parsePort(env.PORT);
  const host = env.HOST?.trim() || '127.0.0.1';
  const baseDir = env.INIT_CWD?.trim() || cwd;
  const rawDataDir = env.DATA_DIR?.trim() || '.data';
  const dataDir = isAbsolute(rawDataDir) ? rawDataDir : resolve(baseDir, rawDataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql:// (got "${databaseUrl.slice(0, 20)}…"). Unset it to use the embedded PGlite database in ${dataDir}.`,
    );
  }

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL "${logLevel}" is not a log level. Use one of: ${logLevels.join(', ')}.`);
  }

  const { secret, source } = loadSessionSecret(env.SESSION_SECRET, dataDir);
  const sessionSecretRotate = parseRotate(env.SESSION_SECRET_ROTATE);
  const demoPassword = env.DEMO_PASSWORD?.length ? env.DEMO_PASSWORD : undefined;
  const pollIntervalMs = parseInteger('TIMER_POLL_MS', env.TIMER_POLL_MS, { fallback: 1000, min: 10, max: 60_000 });
  const clockOffsetMs = parseInteger('CLOCK_OFFSET_MS', env.CLOCK_OFFSET_MS, {
    fallback: 0,
    min: -315_576_000_000,
    max: 315_576_000_000,
  });
  const httpActionAllow = parseUrlPrefixes('HTTP_ACTION_ALLOW', env.HTTP_ACTION_ALLOW);
  const calendarsDir = env.CALENDARS_DIR?.trim() ? resolve(env.CALENDARS_DIR.trim()) : undefined;
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    pgliteDir: databaseUrl === undefined ? join(dataDir, 'pglite') : null,
    logLevel,
    sessionSecret: secret,
    sessionSecretSource: source,
    sessionSecretRotate,
    demoPassword,
    pollIntervalMs,
    clockOffsetMs,
    httpActionAllow,
    calendarsDir,
  };
}

/** Parses a list of http(s) URL prefixes; undefined when the variable is unset or empty. */
function parseUrlPrefixes(name: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      let url: URL | undefined;
      try {
        url = new URL(entry);
      } catch {
        url = undefined;
      }
      if (
        !url ||
        (url.protocol !== 'https:' && url.protocol !== 'http:') ||
        url.search ||
        url.hash ||
        url.username ||
        url.password
      ) {
        throw new ConfigError(
          `${name}: "${entry}" is not an http(s) URL prefix. Use e.g. "https://crm.example.com" or "https://erp.example.com/api/", separated by commas.`,
        );
      }
      return url.href;
    });
}

function parseInteger(
  name: string,
  raw: string | undefined,
  { fallback, min, max }: { fallback: number; min: number; max: number },
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} "${raw}" must be an integer from ${min} to ${max}. Unset it for the default (${fallback}).`,
    );
  }
  return value;
}

function parseRotate(raw: string | undefined): string | undefined {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9a-f]{16}$/.test(value)) {
    throw new ConfigError(
      `SESSION_SECRET_ROTATE "${raw!.slice(0, 40)}" is not a fingerprint. Use the 16 hex digits the start-up error printed as the recorded fingerprint, or unset it.`,
    );
  }
  return value;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`PORT "${raw}" is not a TCP port. Use an integer from 0 to 65535 (0 picks a free port).`);
  }
  return port;
}

function loadSessionSecret(
  fromEnv: string | undefined,
  dataDir: string,
): { secret: string; source: Config['sessionSecretSource'] } {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < minSessionSecretLength) {
      throw new ConfigError(
        `SESSION_SECRET is ${fromEnv.length} characters long; use at least ${minSessionSecretLength} random characters (e.g. \`openssl rand -base64 48\`), or unset it to have one generated.`,
      );
    }
    return { secret: fromEnv, source: 'env' };
  }
  const file = join(dataDir, 'session-secret');
  const generated = randomBytes(48).toString('base64url');
  try {
    // 'wx' fails if the file exists, so two processes starting at once agree on one secret.
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    return { secret: generated, source: 'generated' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readFileSync(file, 'utf8').trim();
  if (stored.length < minSessionSecretLength) {
    throw new ConfigError(
      `${file} holds a session secret of ${stored.length} characters; delete the file to have a new one generated (this logs everyone out), or set SESSION_SECRET.`,
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { secret: stored, source: 'file' };
}
