/**
 * The entry point of the `baton` command (`bin/baton.mjs` calls {@link main}).
 *
 * @module
 */
import { createProcessIo, type CliIo } from './cli-io.ts';
import { commands, exitCodes, findCommand } from './commands/index.ts';
import { formatUsage, suggestCommand } from './usage.ts';

/**
 * Runs `baton` with the arguments after the program name and resolves to the exit code:
 * 0 success, 1 the command found problems (e.g. an invalid definition), 2 bad usage (help,
 * unknown command or option). Never rejects: an unexpected failure is reported on stderr with
 * exit code 1.
 *
 * @param argv - the arguments, e.g. `['validate', 'examples']`
 * @param io - where to write and the working directory. @default the running process's
 *
 * @example
 * const out: string[] = [];
 * const code = await main(['validate', 'examples'], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), cwd: '.' });
 */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stderr(formatUsage(commands));
    return exitCodes.usage;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stderr(topic ? topic.usage : formatUsage(commands));
    return exitCodes.usage;
  }
  const command = findCommand(name);
  if (!command) {
    const hint = suggestCommand(name, commands.map((c) => c.name));
    io.stderr(`baton: unknown command "${name}".${hint ? ` Did you mean "${hint}"?` : ''}\n\n${formatUsage(commands)}`);
    return exitCodes.usage;
  }
  try {
    return await command.run(rest, { io });
  } catch (error) {
    io.stderr(`baton ${command.name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this with the command you ran.\n`);
    return exitCodes.failed;
  }
}
