/**
 * The words for form problems, by JSON Schema keyword (browser) or by the server's issue: the
 * browser's problems in the current language, the server's with its own message.
 *
 * @module
 */
import type { ApiIssue } from '@baton/client';
import type { TFunction } from 'i18next';
import type { FieldProblem } from './schema-form.tsx';
import type { FormIssue } from './validate.ts';

const keywords = [
  'required',
  'type',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'additionalProperties',
] as const;

/** A browser problem in words. */
export function issueText(issue: FormIssue, t: TFunction): string {
  const known = (keywords as readonly string[]).includes(issue.keyword)
    ? (issue.keyword as (typeof keywords)[number])
    : undefined;
  const params = {
    limit: issue.params.limit as number | undefined,
    format: issue.params.format as string | undefined,
    allowed: Array.isArray(issue.params.allowed) ? issue.params.allowed.map(String).join(' / ') : '',
  };
  return known ? t(`start.form.problems.${known}`, params) : t('start.form.problems.other');
}

/** The browser's problems as field problems. */
export function browserProblems(issues: readonly FormIssue[], t: TFunction): FieldProblem[] {
  return issues.map((i) => ({ path: i.path, text: issueText(i, t) }));
}

/** The server's issues (already under the form's root) as field problems. */
export function serverProblems(issues: readonly ApiIssue[], known: ReadonlySet<string>, t: TFunction): FieldProblem[] {
  return issues.map((i) => ({
    path: known.has(i.path) ? i.path : '',
    text: t('start.form.problems.server', { message: i.message }),
  }));
}
