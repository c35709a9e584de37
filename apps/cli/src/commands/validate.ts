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

const usage = `Usage: baton validate [--json] FILE|DIR...

Validates process definitions. A directory is searched recursively for *.json files
(node_modules and hidden directories are skipped).

Prints one line per issue, "FILE  PATH  CODE  message", where PATH is a JSON Pointer into
the file ("(root)" for the whole file), then a summary line.

Options:
  --json      Print a JSON array [{ "file", "ok", "issues" }] instead
  -h, --help  Show this help

Exit codes: 0 no errors (warnings allowed), 1 a file has an error or could not be read,
2 bad usage.
`;

/** The `validate` command. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check process definition files (or every *.json under a directory)',
  usage,
  run: runValidate,
};

async function runValidate(args: string[], { io }: CommandContext): Promise<number> {
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
    io.stderr(`baton validate: name at least one file or directory.\n\n${usage}`);
    return exitCodes.usage;
  }

  const results = await validatePaths(parsed.positionals, io.cwd);
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    for (const result of results) {
      for (const i of result.issues) io.stdout(`${formatIssueLine(result.file, i)}\n`);
    }
    io.stdout(`${formatSummary(results)}\n`);
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
      const code: CliIssueCode = found.reason === 'empty' ? 'CLI_NO_FILES' : 'CLI_READ_ERROR';
      results.push({ file: target, ok: false, issues: [{ code, severity: 'error', path: '', message: found.message }] });
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
    return fail(file, { code: 'CLI_READ_ERROR', severity: 'error', path: '', message: `Cannot read "${file}": ${describeFsError(error)}. Check the path and its permissions.` });
  }
  const json = parseJsonText(text);
  if (!json.ok) {
    return fail(file, {
      code: 'CLI_JSON_SYNTAX',
      severity: 'error',
      path: '',
      line: json.line,
      column: json.column,
      message: `At line ${json.line}, column ${json.column}: the file is not valid JSON (${json.message}). Correct the syntax there; trailing commas and unquoted names are the usual causes.`,
    });
  }
  const result = validateDefinition(json.value);
  return { file, ok: result.ok, issues: result.issues };
}

function fail(file: string, issue: FileIssue): FileResult {
  return { file, ok: false, issues: [issue] };
}

/** Formats one issue as `FILE  PATH  CODE  message`; warnings get a `warning:` prefix. */
export function formatIssueLine(file: string, issue: FileIssue): string {
  const where = issue.path === '' ? '(root)' : issue.path;
  const message = issue.severity === 'warning' ? `warning: ${issue.message}` : issue.message;
  return `${file}  ${where}  ${issue.code}  ${message}`;
}

/** Formats the summary line, e.g. `Checked 3 files: 2 valid, 1 invalid; 3 errors, 1 warning.` */
export function formatSummary(results: readonly FileResult[]): string {
  const invalid = results.filter((r) => !r.ok).length;
  const issues = results.flatMap((r) => r.issues);
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  return `Checked ${plural(results.length, 'file')}: ${results.length - invalid} valid, ${invalid} invalid; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
