/**
 * The shape every `baton` sub-command has. Commands are plain objects in the table in
 * `commands/index.ts`; `main()` looks the first argument up there and calls `run`.
 *
 * @module
 */
import type { CliIo } from '../cli-io.ts';
import type { Language, Messages } from '../i18n.ts';

/** What a command gets besides its arguments. */
export interface CommandContext {
  /** Output, working directory, environment, `fetch` and prompt (see {@link CliIo}). */
  io: CliIo;
  /** The language chosen once by `main()` from `io.env` (see `chooseLanguage`). */
  language: Language;
  /** The message catalogue of {@link CommandContext.language}: every text the command prints. */
  messages: Messages;
}

/** A `baton` sub-command. */
export interface Command {
  /** The word typed after `baton`, e.g. `validate`. */
  name: string;
  /** One line for the command list in `baton help`, in the language of `messages`. */
  summary: (messages: Messages) => string;
  /** The usage text of `baton help <name>` (synopsis, options, exit codes), in the language of `messages`. */
  usage: (messages: Messages) => string;
  /**
   * Runs the command with the arguments after its name. Resolves to the exit code:
   * 0 success, 1 the work found problems, 2 bad usage. Never rejects on user error.
   */
  run: (args: string[], context: CommandContext) => Promise<number>;
}

/** Exit codes shared by every command. */
export const exitCodes = {
  ok: 0,
  failed: 1,
  usage: 2,
} as const;
