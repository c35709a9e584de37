/**
 * The CLI's surroundings: where it writes, which directory and environment it works in, how it
 * reaches the network and how it asks for a password. `main()` takes one, so tests capture the
 * output and inject the environment instead of spying on `process`.
 *
 * @module
 */
import { createInterface } from 'node:readline';
import type { FetchLike } from '@baton/client';

/** The CLI's view of its surroundings. */
export interface CliIo {
  /** Writes text to standard output as is (the caller adds newlines). */
  stdout: (text: string) => void;
  /** Writes text to standard error as is (the caller adds newlines). */
  stderr: (text: string) => void;
  /** Directory that relative paths on the command line are resolved against. */
  cwd: string;
  /**
   * Environment variables (`BATON_SERVER`, `BATON_TOKEN`, `BATON_PASSWORD`, `XDG_CONFIG_HOME`, `HOME`, and for the language
   * `BATON_LANG`, `LC_ALL`, `LC_MESSAGES`, `LANG`). @default {}
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** The `fetch` used to reach the server. @default globalThis.fetch */
  fetch?: FetchLike;
  /**
   * Asks the user a question on the terminal; `undefined` when there is no terminal to ask on.
   * With `secret`, the answer is not echoed.
   */
  prompt?: (question: string, options?: { secret?: boolean }) => Promise<string | undefined>;
}

/**
 * Creates the {@link CliIo} of the running Node process: `process.stdout`, `process.stderr`,
 * `process.cwd()`, `process.env`, the global `fetch`, and a prompt on the terminal (none when
 * standard input is not a TTY).
 */
export function createProcessIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    fetch: (url, init) => globalThis.fetch(url, init),
    prompt: promptOnTerminal,
  };
}

async function promptOnTerminal(question: string, options: { secret?: boolean } = {}): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (options.secret) {
    // readline echoes every key through _writeToOutput; after the question is shown, echo
    // nothing. It is an internal of readline, hence the cast; the fallback is a visible echo.
    const internal = rl as unknown as { _writeToOutput?: (text: string) => void };
    let asked = false;
    internal._writeToOutput = (text: string) => {
      if (!asked) {
        asked = true;
        process.stderr.write(text);
      }
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    if (options.secret) process.stderr.write('\n');
    rl.close();
  }
}
