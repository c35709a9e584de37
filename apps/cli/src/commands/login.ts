/**
 * `baton login`: logs in and stores the session; `baton logout` forgets it.
 *
 * @module
 */
import { normalizeServer, defaultServer, deleteSession, readSession, sessionPath, writeSession } from '../session.ts';
import { createCliApi, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

const loginUsage = `Usage: baton login [--server URL] [--username NAME] [--password PASSWORD]

Logs in to a Baton server and stores the session (server, token, username) in
$XDG_CONFIG_HOME/baton/session.json, else ~/.config/baton/session.json (mode 0600).
The token is valid for 12 hours.

Options:
  --server URL       The server, e.g. http://127.0.0.1:3000. Default: BATON_SERVER, then the
                     stored session's server, then ${defaultServer}
  --username NAME    Default: the stored session's user; asked for on a terminal
  --password PASS    Prefer BATON_PASSWORD or the prompt: a password on the command line
                     stays in the shell history and is visible to other local users
  -h, --help         Show this help

Exit codes: 0 logged in, 1 refused or the server is unreachable, 2 bad usage.
`;

const logoutUsage = `Usage: baton logout

Deletes the stored session file. (The token itself stays valid until it expires.)

Exit codes: 0 done, 2 bad usage.
`;

/** The `login` command. */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Log in to a Baton server and store the session',
  usage: loginUsage,
  run: runLogin,
};

/** The `logout` command. */
export const logoutCommand: Command = {
  name: 'logout',
  summary: 'Forget the stored session',
  usage: logoutUsage,
  run: runLogout,
};

async function runLogin(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, loginCommand, args, { server: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } }, { min: 0, max: 0 });
  if (!parsed.ok) return parsed.exitCode;
  const env = io.env ?? {};
  const stored = await readSession(env);
  const server = normalizeServer(parsed.values.server ?? (env.BATON_SERVER?.trim() || stored?.server || defaultServer));
  if (!/^https?:\/\/[^/]+/.test(server)) return usageError(io, loginCommand, `"${server}" is not a server URL; use e.g. http://127.0.0.1:3000.`);

  const username = parsed.values.username ?? (stored?.username || (await io.prompt?.('Username: ')))?.trim();
  if (!username) return usageError(io, loginCommand, 'no username: pass --username NAME.');
  const password = parsed.values.password ?? (env.BATON_PASSWORD || (await io.prompt?.(`Password for ${username}@${server}: `, { secret: true })));
  if (!password) {
    return usageError(io, loginCommand, 'no password: set BATON_PASSWORD, run in a terminal to be asked, or pass --password.');
  }

  const api = createCliApi(io, server);
  try {
    const result = await api.client.login(username, password);
    const file = await writeSession(env, { server, token: result.token, username: result.user.username });
    io.stdout(`Logged in to ${server} as ${result.user.username} (${result.user.roles.join(', ') || 'no role'}). Session saved to ${file}.\n`);
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(io, 'login', error);
  }
}

async function runLogout(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, logoutCommand, args, {}, { min: 0, max: 0 });
  if (!parsed.ok) return parsed.exitCode;
  const env = io.env ?? {};
  const existed = await deleteSession(env);
  io.stdout(existed ? `Logged out; removed ${sessionPath(env)}.\n` : 'Not logged in; nothing to remove.\n');
  if (env.BATON_TOKEN) io.stderr('Note: BATON_TOKEN is still set in the environment and is used by every command.\n');
  return exitCodes.ok;
}
