/**
 * `baton validate FILE…`: checks process definitions with `validateDefinition`.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { validateDefinition, type DefinitionIssue } from '@baton/definition';
import type { CliIssueCode } from '../errors.ts';
import { describeFsError, findJsonFiles } from '../find-json-files.ts';
import { messagesFor, type LocalText, type Messages } from '../i18n.ts';
import { parseJsonText } from '../parse-json-text.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';

/** An issue as `baton validate` reports it: a definition issue, or a CLI one about the file itself. */
export interface FileIssue extends Omit<DefinitionIssue, 'code'> {
  code: DefinitionIssue['code'] | CliIssueCode;
  /** 1-based position in the file, for `CLI_JSON_SYNTAX`. */
  line?: number;
  column?: number;
}

/** The verdict on one file; `--json` prints an array of these. */
export interface FileResult {
  /** The path as typed, or as found under a directory that was typed. */
  file: string;
  /** `true` when the file has no issue of severity `error`. */
  ok: boolean;
  issues: FileIssue[];
}

/** The `validate` command. */
export const validateCommand: Command = {
  name: 'validate',
  summary: (m) => m.commands.validate.summary,
  usage: (m) => m.commands.validate.usage,
  run: runValidate,
};

/**
 * The CLI's own wording of its `CLI_*` issues, by issue: their `message` is English (the `--json`
 * contract), the text line shows this in the user's language. Definition issues have none: the
 * validator's messages are English by design.
 */
const issueTexts = new WeakMap<FileIssue, LocalText>();

async function runValidate(args: string[], { io, messages }: CommandContext): Promise<number> {
  const usage = messages.commands.validate.usage;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    io.stderr(`baton validate: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return exitCodes.usage;
  }
  if (parsed.values.help) {
    io.stderr(usage);
    return exitCodes.usage;
  }
  if (parsed.positionals.length === 0) {
    io.stderr(`baton validate: ${messages.validate.noPaths}\n\n${usage}`);
    return exitCodes.usage;
  }

  const results = await validatePaths(parsed.positionals, io.cwd);
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    for (const result of results) {
      for (const i of result.issues) io.stdout(`${formatIssueLine(result.file, i, messages)}\n`);
    }
    io.stdout(`${formatSummary(results, messages)}\n`);
  }
  return results.every((r) => r.ok) ? exitCodes.ok : exitCodes.failed;
}

/**
 * Validates every file the paths name (directories are walked for `*.json`), in the order given,
 * each file once. Never throws: unreadable paths and bad JSON become issues.
 */
export async function validatePaths(targets: readonly string[], cwd: string): Promise<FileResult[]> {
  const results: FileResult[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    const found = await findJsonFiles(target, cwd);
    if (!found.ok) {
      results.push(fail(target, cliIssue(found.reason === 'empty' ? 'CLI_NO_FILES' : 'CLI_READ_ERROR', found.text)));
      continue;
    }
    for (const file of found.files) {
      const absolute = path.resolve(cwd, file);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      results.push(await validateFile(file, absolute));
    }
  }
  return results;
}

async function validateFile(file: string, absolute: string): Promise<FileResult> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    return fail(
      file,
      cliIssue('CLI_READ_ERROR', (m) => m.files.cannotRead(file, describeFsError(error, m))),
    );
  }
  const json = parseJsonText(text);
  if (!json.ok) {
    const { line, column } = json;
    return fail(
      file,
      cliIssue('CLI_JSON_SYNTAX', (m) => m.files.notJson(line, column, json.message), { line, column }),
    );
  }
  const result = validateDefinition(json.value);
  return { file, ok: result.ok, issues: result.issues };
}

function fail(file: string, issue: FileIssue): FileResult {
  return { file, ok: false, issues: [issue] };
}

/** An error about the file itself: its `message` in English, its `text` remembered for the text output. */
function cliIssue(code: CliIssueCode, text: LocalText, position?: { line: number; column: number }): FileIssue {
  const issue: FileIssue = { code, severity: 'error', path: '', ...position, message: text(messagesFor('en')) };
  issueTexts.set(issue, text);
  return issue;
}

/**
 * Formats one issue as `FILE  PATH  CODE  message` in the language of `messages`: the CLI's
 * own issues are worded in it, definition issues keep the validator's English message; warnings
 * get a `warning:` prefix. PATH is `(root)` for the whole file.
 */
export function formatIssueLine(file: string, issue: FileIssue, messages: Messages): string {
  const where = issue.path === '' ? '(root)' : issue.path;
  const text = issueTexts.get(issue)?.(messages) ?? issue.message;
  const message = issue.severity === 'warning' ? messages.validate.warning(text) : text;
  return `${file}  ${where}  ${issue.code}  ${message}`;
}

/** Formats the summary line in the language of `messages`, e.g. `Checked 3 files: 2 valid, 1 invalid; 3 errors, 1 warning.` */
export function formatSummary(results: readonly FileResult[], messages: Messages): string {
  const invalid = results.filter((r) => !r.ok).length;
  const issues = results.flatMap((r) => r.issues);
  const errors = issues.filter((i) => i.severity === 'error').length;
  return messages.validate.summary({
    files: results.length,
    valid: results.length - invalid,
    invalid,
    errors,
    warnings: issues.length - errors,
  });
}
