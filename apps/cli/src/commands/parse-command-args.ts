/**
 * Argument parsing shared by the commands: `node:util` `parseArgs` plus the usage handling every
 * command has (`--help`, unknown options, wrong number of positionals).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { exitCodes, type Command, type CommandContext } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments, or the exit code to return (help shown or bad usage reported). */
export type ParsedCommandArgs<O extends Options> =
  | {
      ok: true;
      values: ReturnType<
        typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
      >['values'];
      positionals: string[];
    }
  | { ok: false; exitCode: number };

/**
 * Parses `args` with `options` (a `-h/--help` option is added). Prints the usage on stderr and
 * returns exit code 2 for `--help`, an unknown option, a missing option value, or a number of
 * positionals outside `positionals`.
 */
export function parseCommandArgs<O extends Options>(
  { io, messages }: CommandContext,
  command: Pick<Command, 'name' | 'usage'>,
  args: string[],
  options: O,
  positionals: { min: number; max: number },
): ParsedCommandArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's own message (e.g. "Unknown option '--jsn'") is English; the usage after it is localised.
    io.stderr(
      `baton ${command.name}: ${error instanceof Error ? error.message : String(error)}\n\n${command.usage(messages)}`,
    );
    return { ok: false, exitCode: exitCodes.usage };
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stderr(command.usage(messages));
    return { ok: false, exitCode: exitCodes.usage };
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    io.stderr(
      `baton ${command.name}: ${messages.args.wrongCount(positionals.min, positionals.max, count)}\n\n${command.usage(messages)}`,
    );
    return { ok: false, exitCode: exitCodes.usage };
  }
  return { ok: true, values: parsed.values as never, positionals: parsed.positionals };
}

/** Writes a usage error for `command` (`message` already in the context's language) and returns exit code 2. */
export function usageError(
  { io, messages }: CommandContext,
  command: Pick<Command, 'name' | 'usage'>,
  message: string,
): number {
  io.stderr(`baton ${command.name}: ${message}\n\n${command.usage(messages)}`);
  return exitCodes.usage;
}
