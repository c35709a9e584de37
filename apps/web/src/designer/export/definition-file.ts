/**
 * Definition JSON files: export (pretty JSON named after the key) and import (parsed, checked
 * and validated, every problem with a JSON Pointer and a hint). Pure: the validator is passed in,
 * since the browser's must run without `eval` (see WEBAPP.md) while tests use the package's own.
 *
 * @module
 */
import type { DefinitionIssue, ProcessDefinition, ValidateDefinitionResult } from '@baton/definition';

/** One reason an import was refused. `issue` carries a validator issue (code, path, message). */
export type ImportProblem =
  /** `message`: the parser's own words (English), for logs; the UI says it in the user's language. */
  | { kind: 'notJson'; path: ''; message: string }
  | { kind: 'notDefinition'; path: string; rule: StructureRule; field?: string }
  | { kind: 'keyMismatch'; path: '/key'; found: string; expected: string }
  | { kind: 'issue'; path: string; issue: DefinitionIssue };

/** What the structural check found wrong (shown in the user's language from the catalogues). */
export type StructureRule = 'object' | 'schemaVersion' | 'string' | 'array';

/** What {@link parseDefinitionFile} found. */
export type ImportResult =
  | {
      ok: true;
      definition: ProcessDefinition;
      /** Warnings of the validator, shown but not blocking. */
      warnings: DefinitionIssue[];
      /** False when the validator could not run here; the server validates when the draft is saved. */
      validated: boolean;
    }
  | { ok: false; problems: ImportProblem[] };

/** The file name a definition is exported under. */
export function definitionFileName(definition: Pick<ProcessDefinition, 'key'>): string {
  return `${definition.key.replace(/[^a-z0-9-]/gi, '-') || 'definition'}.json`;
}

/** The definition as the file's text: two-space JSON with a final newline, as the examples are written. */
export function serializeDefinition(definition: ProcessDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The minimum the canvas needs to draw a definition, checked when the full validator cannot run:
 * an object with schema version 1, a key, and arrays of nodes and edges with string ids and ends.
 */
function structuralProblems(input: unknown): ImportProblem[] {
  if (!isObject(input)) return [{ kind: 'notDefinition', path: '', rule: 'object' }];
  const problems: ImportProblem[] = [];
  if (input.schemaVersion !== 1)
    problems.push({ kind: 'notDefinition', path: '/schemaVersion', rule: 'schemaVersion' });
  if (typeof input.key !== 'string')
    problems.push({ kind: 'notDefinition', path: '/key', rule: 'string', field: 'key' });
  for (const list of ['nodes', 'edges'] as const) {
    const items = input[list];
    if (!Array.isArray(items)) {
      problems.push({ kind: 'notDefinition', path: `/${list}`, rule: 'array', field: list });
      continue;
    }
    items.forEach((item: unknown, i) => {
      const fields = list === 'nodes' ? ['id', 'type'] : ['id', 'from', 'to'];
      for (const field of fields)
        if (!isObject(item) || typeof item[field] !== 'string')
          problems.push({ kind: 'notDefinition', path: `/${list}/${i}/${field}`, rule: 'string', field });
    });
  }
  return problems;
}

/**
 * Reads a definition file: JSON, then (when `expectedKey` is given) the same process key, then the
 * validator. Errors refuse the import; warnings come back with the definition. When the validator
 * could not run at all (`DEF_INTERNAL`), a structural check stands in and `validated` is false.
 * Pure.
 */
export function parseDefinitionFile(
  text: string,
  options: { expectedKey?: string; validate: (input: unknown) => ValidateDefinitionResult },
): ImportResult {
  let input: unknown;
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return {
      ok: false,
      problems: [{ kind: 'notJson', path: '', message: error instanceof Error ? error.message : String(error) }],
    };
  }
  if (
    options.expectedKey !== undefined &&
    isObject(input) &&
    typeof input.key === 'string' &&
    input.key !== options.expectedKey
  )
    return {
      ok: false,
      problems: [{ kind: 'keyMismatch', path: '/key', found: input.key, expected: options.expectedKey }],
    };
  const result = options.validate(input);
  if (!result.ok && result.issues.length === 1 && result.issues[0]!.code === 'DEF_INTERNAL') {
    const problems = structuralProblems(input);
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, definition: input as ProcessDefinition, warnings: [], validated: false };
  }
  if (!result.ok)
    return {
      ok: false,
      problems: result.issues
        .filter((i) => i.severity === 'error')
        .map((issue) => ({ kind: 'issue', path: issue.path, issue })),
    };
  return { ok: true, definition: result.definition, warnings: result.issues, validated: true };
}
