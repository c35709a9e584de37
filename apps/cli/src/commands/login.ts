/**
 * `baton login`: logs in and stores the session; `baton logout` forgets it.
 *
 * @module
 */
import { normalizeServer, defaultServer, deleteSession, readSession, sessionPath, writeSession } from '../session.ts';
import { createCliApi, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';

/** The `login` command. */
export const loginCommand: Command = {
  name: 'login',
  summary: (m) => m.commands.login.summary,
  usage: (m) => m.commands.login.usage,
  run: runLogin,
};

/** The `logout` command. */
export const logoutCommand: Command = {
  name: 'logout',
  summary: (m) => m.commands.logout.summary,
  usage: (m) => m.commands.logout.usage,
  run: runLogout,
};

async function runLogin(args: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const m = context.messages.login;
  const parsed = parseCommandArgs(
    context,
    loginCommand,
    args,
    { server: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' } },
    { min: 0, max: 0 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const env = io.env ?? {};
  const stored = await readSession(env);
  const server = normalizeServer(parsed.values.server ?? (env.BATON_SERVER?.trim() || stored?.server || defaultServer));
  if (!/^https?:\/\/[^/]+/.test(server)) return usageError(context, loginCommand, m.badServer(server));

  const username = parsed.values.username ?? (stored?.username || (await io.prompt?.(m.usernamePrompt)))?.trim();
  if (!username) return usageError(context, loginCommand, m.noUsername);
  const password =
    parsed.values.password ??
    (env.BATON_PASSWORD || (await io.prompt?.(m.passwordPrompt(username, server), { secret: true })));
  if (!password) return usageError(context, loginCommand, m.noPassword);

  const api = createCliApi(context, server);
  try {
    const result = await api.client.login(username, password);
    const file = await writeSession(env, { server, token: result.token, username: result.user.username });
    io.stdout(`${m.loggedIn(server, result.user.username, result.user.roles, file)}\n`);
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'login', error);
  }
}

async function runLogout(args: string[], context: CommandContext): Promise<number> {
  const { io } = context;
  const m = context.messages.login;
  const parsed = parseCommandArgs(context, logoutCommand, args, {}, { min: 0, max: 0 });
  if (!parsed.ok) return parsed.exitCode;
  const env = io.env ?? {};
  const existed = await deleteSession(env);
  io.stdout(`${existed ? m.loggedOut(sessionPath(env)) : m.notLoggedIn}\n`);
  if (env.BATON_TOKEN) io.stderr(`${m.tokenStillSet}\n`);
  return exitCodes.ok;
}
