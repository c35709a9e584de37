/**
 * The entry point of the `baton` command (`bin/baton.mjs` calls {@link main}).
 *
 * @module
 */
import { createProcessIo, type CliIo } from './cli-io.ts';
import { commands, exitCodes, findCommand } from './commands/index.ts';
import { chooseLanguage, messagesFor } from './i18n.ts';
import { formatUsage, suggestCommand } from './usage.ts';

/**
 * Runs `baton` with the arguments after the program name and resolves to the exit code:
 * 0 success, 1 the command found problems (e.g. an invalid definition), 2 bad usage (help,
 * unknown command or option, unsupported `BATON_LANG`). Never rejects: an unexpected failure is
 * reported on stderr with exit code 1.
 *
 * The language of everything printed is chosen here, once, from `io.env` (`BATON_LANG`, else
 * `LC_ALL`/`LC_MESSAGES`/`LANG`) and handed to the command on its context.
 *
 * @param argv - the arguments, e.g. `['validate', 'examples']`
 * @param io - where to write, the working directory and the environment. @default the running process's
 *
 * @example
 * const out: string[] = [];
 * const code = await main(['validate', 'examples'], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), cwd: '.' });
 */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  const choice = chooseLanguage(io.env ?? {});
  if (!choice.ok) {
    io.stderr(`${messagesFor(choice.fallback).main.badLanguage(choice.value)}\n`);
    return exitCodes.usage;
  }
  const language = choice.language;
  const messages = messagesFor(language);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stderr(formatUsage(commands, messages));
    return exitCodes.usage;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : findCommand(rest[0]);
    io.stderr(topic ? topic.usage(messages) : formatUsage(commands, messages));
    return exitCodes.usage;
  }
  const command = findCommand(name);
  if (!command) {
    const hint = suggestCommand(
      name,
      commands.map((c) => c.name),
    );
    io.stderr(`${messages.main.unknownCommand(name, hint)}\n\n${formatUsage(commands, messages)}`);
    return exitCodes.usage;
  }
  try {
    return await command.run(rest, { io, language, messages });
  } catch (error) {
    io.stderr(
      `${messages.main.unexpectedFailure(command.name, error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    return exitCodes.failed;
  }
}
