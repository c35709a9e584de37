/**
 * Validation issues as the designer shows them: each {@link Problem} knows the node or edge it is
 * about (so the canvas can badge it and a click can select it) and the properties section that
 * holds the faulty field. Pure.
 *
 * @module
 */
import type { DefinitionIssue, ProcessDefinition } from '@baton/definition';

/** The sections of the properties panel a problem's field lives in. */
export const propertySections = ['basics', 'owner', 'form', 'conditions', 'deadline', 'automatic'] as const;
/** @see propertySections */
export type PropertySection = (typeof propertySections)[number];

/** One issue of `validateDefinition`, placed on the diagram. */
export interface Problem extends DefinitionIssue {
  /** The node or edge the issue is about (the innermost one on its path); absent for the process itself. */
  element?: { kind: 'node' | 'edge'; id: string };
  /** The rest of the path inside the element (`/owner/role`, `/condition`); `''` for the element itself. */
  field: string;
  /** The properties section that edits `field`. */
  section: PropertySection;
}

/** The problems of one element, for its badge. */
export interface ElementProblems {
  errors: number;
  warnings: number;
  problems: Problem[];
}

const segmentsOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

function sectionOf(kind: 'node' | 'edge' | undefined, field: string[]): PropertySection {
  const [first] = field;
  if (kind === 'edge') return first === 'condition' || first === 'default' ? 'conditions' : 'basics';
  switch (first) {
    case 'owner':
    case 'signers':
    case 'cc':
      return 'owner';
    case 'outputs':
    case 'inputs':
      return 'form';
    case 'trigger':
      return 'conditions';
    case 'deadline':
    case 'calendar':
      return 'deadline';
    case 'action':
    case 'retry':
    case 'resultField':
    case 'timer':
    case 'event':
      return 'automatic';
    default:
      return 'basics';
  }
}

/**
 * Places one issue: walks its JSON Pointer through `nodes/i`, `edges/i` (sub-processes too) to the
 * innermost node or edge of `definition`. Pure; an issue whose path leaves the definition (or
 * names no element) is about the process.
 */
export function toProblem(issue: DefinitionIssue, definition: unknown): Problem {
  const segments = segmentsOf(issue.path);
  let graph = definition as { nodes?: unknown; edges?: unknown } | undefined;
  let element: Problem['element'];
  let elementType: unknown;
  let rest = segments;
  for (let i = 0; i + 1 < segments.length; i += 2) {
    const list = segments[i];
    if (list !== 'nodes' && list !== 'edges') break;
    const items = graph?.[list];
    const item = Array.isArray(items) ? (items[Number(segments[i + 1])] as { id?: unknown } | undefined) : undefined;
    if (!item || typeof item.id !== 'string') break;
    element = { kind: list === 'nodes' ? 'node' : 'edge', id: item.id };
    elementType = (item as { type?: unknown }).type;
    rest = segments.slice(i + 2);
    if (list === 'edges') break;
    graph = item as typeof graph;
  }
  // A missing owner is reported on the node itself; its fix is the owner.
  if (issue.code === 'DEF_MISSING_OWNER' && rest.length === 0) rest = ['owner'];
  // Several signers without a result field: the fix is the result field, beside the signers.
  if (issue.code === 'DEF_SIGNERS_RESULT_UNUSED' && rest.length === 0) rest = ['resultField'];
  const field = rest.length === 0 ? '' : `/${rest.join('/')}`;
  // A user task's result field and multi-instance settings are edited with its signers (and cc).
  const section =
    elementType === 'userTask' && (rest[0] === 'resultField' || rest[0] === 'multiInstance')
      ? 'owner'
      : sectionOf(element?.kind, rest);
  return { ...issue, ...(element ? { element } : {}), field, section };
}

/** Places every issue (see {@link toProblem}), errors first, then warnings, each in the validator's order. Pure. */
export function toProblems(issues: readonly DefinitionIssue[], definition: ProcessDefinition): Problem[] {
  return issues
    .map((i) => toProblem(i, definition))
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/**
 * The problems of each node and edge by id, for badges on the canvas. Problems about the
 * process itself are under the key `''`. Pure.
 *
 * @example
 * const byElement = problemsByElement(problems);
 * byElement.get('legal-review')?.errors; // 1
 */
export function problemsByElement(problems: readonly Problem[]): Map<string, ElementProblems> {
  const out = new Map<string, ElementProblems>();
  for (const p of problems) {
    const key = p.element?.id ?? '';
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { errors: 0, warnings: 0, problems: [] }));
    entry.problems.push(p);
    if (p.severity === 'error') entry.errors++;
    else entry.warnings++;
  }
  return out;
}

/** The problems of one element whose field starts with `prefix` (`/trigger`), for a field's error line. Pure. */
export function problemsAt(problems: readonly Problem[], elementId: string, prefix: string): Problem[] {
  return problems.filter(
    (p) => p.element?.id === elementId && (p.field === prefix || p.field.startsWith(`${prefix}/`)),
  );
}
