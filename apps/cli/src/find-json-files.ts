/**
 * Expands command-line paths into the JSON files under them.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { messagesFor, type LocalText, type Messages } from './i18n.ts';

/**
 * One expanded command-line path: the files found, or why the path gave none: `message` in
 * English (as `--json` reports it), `text` for the user's language.
 */
export type FoundFiles =
  { ok: true; files: string[] } | { ok: false; reason: 'unreadable' | 'empty'; message: string; text: LocalText };

/** Directory names that are never walked: installed packages and hidden folders such as `.git`. */
function isSkippedDirectory(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/**
 * Lists the JSON files a command-line path names. A file is returned as given (whatever its
 * extension); a directory is walked recursively for `*.json` files, skipping `node_modules` and
 * hidden directories, in sorted order. Returned paths are `target` joined with the relative
 * path, so they read the way the user typed them. Never throws.
 *
 * @param target - the path as typed on the command line
 * @param cwd - the directory relative paths are resolved against
 */
export async function findJsonFiles(target: string, cwd: string): Promise<FoundFiles> {
  const absolute = path.resolve(cwd, target);
  try {
    const info = await stat(absolute);
    if (!info.isDirectory()) return { ok: true, files: [target] };
    const files: string[] = [];
    await walk(absolute, target, files);
    if (files.length === 0) return notFound('empty', (m) => m.files.noJsonFiles(target));
    return { ok: true, files };
  } catch (error) {
    return notFound('unreadable', (m) => m.files.cannotRead(target, describeFsError(error, m)));
  }
}

function notFound(reason: 'unreadable' | 'empty', text: LocalText): FoundFiles {
  return { ok: false, reason, message: text(messagesFor('en')), text };
}

async function walk(absolute: string, shown: string, into: string[]): Promise<void> {
  const entries = await readdir(absolute, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const childShown = path.join(shown, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedDirectory(entry.name)) await walk(path.join(absolute, entry.name), childShown, into);
    } else if (entry.name.endsWith('.json') && (entry.isFile() || entry.isSymbolicLink())) {
      into.push(childShown);
    }
  }
}

/**
 * Turns a Node file-system error into a short phrase in the language of `messages`, e.g.
 * `no such file or directory (ENOENT)`. Codes without a phrase keep the system's own message.
 */
export function describeFsError(error: unknown, messages: Messages): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const known: Readonly<Record<string, string>> = messages.files.fsErrors;
    if (code && Object.hasOwn(known, code)) return messages.files.fsError(known[code]!, code);
    return code ? messages.files.fsError(error.message, code) : error.message;
  }
  return String(error);
}
