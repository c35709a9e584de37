/**
 * Where the CLI writes and which directory it works in. `main()` takes one, so tests capture the
 * output by passing their own write functions instead of spying on `process.stdout`.
 *
 * @module
 */

/** The CLI's view of its surroundings: two output streams and a working directory. */
export interface CliIo {
  /** Writes text to standard output as is (the caller adds newlines). */
  stdout: (text: string) => void;
  /** Writes text to standard error as is (the caller adds newlines). */
  stderr: (text: string) => void;
  /** Directory that relative paths on the command line are resolved against. */
  cwd: string;
}

/**
 * Creates the {@link CliIo} of the running Node process: `process.stdout`, `process.stderr` and
 * `process.cwd()`.
 */
export function createProcessIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
  };
}
