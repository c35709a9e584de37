/**
 * Argument parsing shared by the commands: `node:util` `parseArgs` plus the usage handling every
 * command has (`--help`, unknown options, wrong number of positionals).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from '../cli-io.ts';
import { exitCodes } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments, or the exit code to return (help shown or bad usage reported). */
export type ParsedCommandArgs<O extends Options> =
  | { ok: true; values: ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>['values']; positionals: string[] }
  | { ok: false; exitCode: number };

/**
 * Parses `args` with `options` (a `-h/--help` option is added). Prints the usage on stderr and
 * returns exit code 2 for `--help`, an unknown option, a missing option value, or a number of
 * positionals outside `positionals`.
 */
export function parseCommandArgs<O extends Options>(
  io: CliIo,
  command: { name: string; usage: string },
  args: string[],
  options: O,
  positionals: { min: number; max: number },
): ParsedCommandArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`baton ${command.name}: ${error instanceof Error ? error.message : String(error)}\n\n${command.usage}`);
    return { ok: false, exitCode: exitCodes.usage };
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stderr(command.usage);
    return { ok: false, exitCode: exitCodes.usage };
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    const expected = positionals.min === positionals.max ? `${positionals.min}` : `${positionals.min} to ${positionals.max}`;
    io.stderr(`baton ${command.name}: expected ${expected} argument(s), got ${count}.\n\n${command.usage}`);
    return { ok: false, exitCode: exitCodes.usage };
  }
  return { ok: true, values: parsed.values as never, positionals: parsed.positionals };
}

/** Writes a usage error for `command` and returns exit code 2. */
export function usageError(io: CliIo, command: { name: string; usage: string }, message: string): number {
  io.stderr(`baton ${command.name}: ${message}\n\n${command.usage}`);
  return exitCodes.usage;
}
