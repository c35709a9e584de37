/**
 * The stored login of `baton`: `{ server, token, username }` in
 * `$XDG_CONFIG_HOME/baton/session.json` (else `~/.config/baton/session.json`), mode 0600.
 * `BATON_SERVER` and `BATON_TOKEN` override what is stored.
 *
 * @module
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** What `baton login` stores. */
export interface Session {
  /** The server's base URL, e.g. `http://127.0.0.1:3000`. */
  server: string;
  token: string;
  username: string;
}

/** The environment variables the session code reads. */
export type SessionEnv = Readonly<Record<string, string | undefined>>;

/** The server `baton login` uses when neither `--server`, `BATON_SERVER` nor a stored session names one. */
export const defaultServer = 'http://127.0.0.1:3000';

/** Where the session file lives for this environment. */
export function sessionPath(env: SessionEnv): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || homedir(), '.config');
  return path.join(configHome, 'baton', 'session.json');
}

/**
 * Reads the stored session; `undefined` when there is none. A file that is not a session
 * (hand-edited, truncated) counts as none rather than failing every command.
 */
export async function readSession(env: SessionEnv): Promise<Session | undefined> {
  let text: string;
  try {
    text = await readFile(sessionPath(env), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Session>;
    if (typeof value.server === 'string' && typeof value.token === 'string' && typeof value.username === 'string') {
      return { server: value.server, token: value.token, username: value.username };
    }
  } catch {
    // Falls through: an unreadable file is treated as no session.
  }
  return undefined;
}

/** Stores the session (directory 0700, file 0600, also when the file existed with looser permissions). Returns the path. */
export async function writeSession(env: SessionEnv, session: Session): Promise<string> {
  const file = sessionPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** Deletes the stored session; resolves to whether there was one. */
export async function deleteSession(env: SessionEnv): Promise<boolean> {
  const existed = (await readSession(env)) !== undefined;
  await rm(sessionPath(env), { force: true });
  return existed;
}

/**
 * The server and token a command uses, or that there are none: not logged in (to `server`, `''`
 * when no server is known either). The caller words it in its language.
 */
export type Connection =
  { ok: true; server: string; token: string; username: string | undefined } | { ok: false; server: string };

/**
 * Resolves the server and token: `BATON_SERVER` / `BATON_TOKEN` first, then the stored session.
 * A stored token is only used against the server it was issued by.
 */
export async function resolveConnection(env: SessionEnv): Promise<Connection> {
  const session = await readSession(env);
  const server = normalizeServer(env.BATON_SERVER?.trim() || session?.server || '');
  const envToken = env.BATON_TOKEN?.trim();
  const token = envToken || (session && normalizeServer(session.server) === server ? session.token : undefined);
  if (server === '' || !token) return { ok: false, server };
  return { ok: true, server, token, username: envToken ? undefined : session?.username };
}

/** Removes trailing slashes and a trailing `/api` so `http://host:3000/api/` and `http://host:3000` are the same server. */
export function normalizeServer(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/, '');
}
