/**
 * Test helpers: a {@link CliIo} that records what the CLI writes, and the repository paths.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/cli-io.ts';

/** The repository root, so tests can name files the way a user at the root would. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A recording {@link CliIo}: everything written to stdout and stderr, in order. */
export interface CapturedIo {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
  /** The non-empty stdout lines. */
  lines: () => string[];
}

/**
 * Creates a {@link CapturedIo} working in `cwd` (the repository root by default). The
 * environment is empty unless given, so tests never read the real session or `BATON_*`.
 */
export function captureIo(cwd: string = repoRoot, extra: Pick<CliIo, 'env' | 'fetch' | 'prompt'> = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, ...extra },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
  };
}
