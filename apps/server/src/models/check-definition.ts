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

/**
 * Validates a definition sent for model `modelKey` and returns it typed, or throws 400
 * `API_INVALID_DEFINITION` listing every issue (errors first, then warnings). Issue paths are JSON
 * Pointers into the definition itself (as `validateDefinition` gives them, so the designer can map
 * them to nodes). The definition's `key` must equal the model key.
 */
export function checkDefinition(
  modelKey: string,
  json: unknown,
  options: CheckDefinitionOptions = {},
): ProcessDefinition {
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
  const key = (json as { key?: unknown } | null)?.key;
  if (typeof key === 'string' && key !== modelKey) {
    issues.push({
      path: '/key',
      code: 'API_DEFINITION_KEY_MISMATCH',
      severity: 'error',
      message: `At /key: the definition's key "${key}" differs from the model key "${modelKey}". Set "key" to "${modelKey}" or save it under model "${key}".`,
    });
  }
  const errorCount = issues.filter((i) => i.severity === 'error').length;
  if (!result.ok || errorCount > 0) {
    // Errors first (what blocks saving), then warnings such as DEF_CALENDAR_ENDING; stable otherwise.
    const ordered = [
      ...issues.filter((i) => i.severity !== 'warning'),
      ...issues.filter((i) => i.severity === 'warning'),
    ];
    throw new ApiError('API_INVALID_DEFINITION', { count: errorCount }, { issues: ordered });
  }
  return result.definition;
}
