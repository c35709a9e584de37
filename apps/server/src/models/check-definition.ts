import type { ApiIssue } from '@baton/client/contract';
import { type ProcessDefinition, validateDefinition } from '@baton/definition';
import type { CalendarRegistry } from '../calendars/calendar-registry.ts';
import { ApiError } from '../errors.ts';

/** What {@link checkDefinition} checks against besides the definition itself. */
export interface CheckDefinitionOptions {
  /** The server's calendars (`CALENDARS_DIR` included): ids definitions may name, and their coverage. */
  calendars?: CalendarRegistry;
  /** Today on the server's clock (`YYYY-MM-DD`): a calendar ending within 60 days is a `DEF_CALENDAR_ENDING` warning. */
  today?: string;
}

/** Errors first (what blocks publishing), then warnings such as DEF_CALENDAR_ENDING; stable otherwise. */
function ordered(issues: ApiIssue[]): ApiIssue[] {
  return [...issues.filter((i) => i.severity !== 'warning'), ...issues.filter((i) => i.severity === 'warning')];
}

/**
 * The `/key` issue when the definition's `key` is not the model key (missing, not a string, or
 * another key), else undefined. This is the structural guard of a draft: a body whose key is wrong
 * is not a draft of this model at all.
 */
function keyIssue(modelKey: string, json: unknown): ApiIssue | undefined {
  const key = (json as { key?: unknown } | null)?.key;
  if (key === modelKey) return undefined;
  return {
    path: '/key',
    code: 'API_DEFINITION_KEY_MISMATCH',
    severity: 'error',
    message:
      typeof key === 'string'
        ? `At /key: the definition's key "${key}" differs from the model key "${modelKey}". Set "key" to "${modelKey}" or save it under model "${key}".`
        : `At /key: the definition has no string "key". Set "key" to "${modelKey}".`,
  };
}

/**
 * Every issue `validateDefinition` reports for a definition of model `modelKey` (errors first,
 * then warnings), plus the `/key` issue when its key is not the model key. Paths are JSON Pointers
 * into the definition. Empty when the definition is valid without warnings.
 */
export function definitionIssues(modelKey: string, json: unknown, options: CheckDefinitionOptions = {}): ApiIssue[] {
  const result = validateDefinition(json, {
    ...(options.calendars
      ? { calendars: options.calendars.extra.map((c) => c.id), calendarCoverage: options.calendars.coverage }
      : {}),
    ...(options.today !== undefined ? { today: options.today } : {}),
  });
  const issues: ApiIssue[] = result.issues.map((i) => ({
    path: i.path,
    code: i.code,
    message: i.message,
    severity: i.severity,
  }));
  const wrongKey = keyIssue(modelKey, json);
  // validateDefinition reports a missing key itself; add ours only for a key it accepts.
  if (wrongKey && typeof (json as { key?: unknown } | null)?.key === 'string') issues.push(wrongKey);
  return ordered(issues);
}

/**
 * Checks a draft sent for model `modelKey` and returns its issues (errors first, then warnings).
 * A draft is stored even with errors, so only what is not a draft of this model at all is
 * refused: a definition whose `key` is missing or is not the model key throws 400
 * `API_INVALID_DEFINITION` with the `/key` issue. (The request schema already requires a JSON
 * object and rejects unknown request fields; the body limit caps its size with 413.)
 */
export function checkDraft(modelKey: string, json: unknown, options: CheckDefinitionOptions = {}): ApiIssue[] {
  const wrongKey = keyIssue(modelKey, json);
  if (wrongKey) throw new ApiError('API_INVALID_DEFINITION', { count: 1 }, { issues: [wrongKey] });
  return definitionIssues(modelKey, json, options);
}

/**
 * Validates a definition for model `modelKey` and returns it typed, or throws 400
 * `API_INVALID_DEFINITION` listing every issue (errors first, then warnings) when it has an
 * error. Publishing and seeding use it: only a definition without errors is published. Issue
 * paths are JSON Pointers into the definition itself (as `validateDefinition` gives them, so the
 * designer can map them to nodes). The definition's `key` must equal the model key.
 */
export function checkDefinition(
  modelKey: string,
  json: unknown,
  options: CheckDefinitionOptions = {},
): ProcessDefinition {
  const issues = definitionIssues(modelKey, json, options);
  const errorCount = issues.filter((i) => i.severity === 'error').length;
  if (errorCount > 0) throw new ApiError('API_INVALID_DEFINITION', { count: errorCount }, { issues });
  return json as ProcessDefinition;
}
