/**
 * The version diff as the diff view draws it: the server's `DefinitionDiff` (from
 * `GET /api/models/:key/diff`) turned into a status per node and edge of each side, the list of
 * changed elements with their fields, and the vertical offset that stacks the two diagrams. Pure.
 *
 * @module
 */
import type { DefinitionDiff, Edge, ElementChange, FieldChange, LocalizedText, ProcessNode } from '@baton/definition';
import type { Language } from '../../i18n/index.ts';
import { deadlineText, localizedText, ownerText } from '../describe.ts';

/** What happened to an element between the two versions. */
export type ChangeKind = 'added' | 'removed' | 'changed';

/** One changed element, as the side panel lists it. */
export interface DiffEntry {
  element: 'node' | 'edge';
  id: string;
  kind: ChangeKind;
  /** The element's name (nodes), from the side that has it. */
  name?: LocalizedText;
  /** The changed fields (`changed` entries only). */
  fields: FieldChange[];
}

/** The diff indexed for drawing: statuses per side and the entries in panel order. */
export interface DiffIndex {
  /** Status of each node and edge of the `from` side (removed or changed; absent: the same). */
  from: Map<string, ChangeKind>;
  /** Status of each node and edge of the `to` side (added or changed; absent: the same). */
  to: Map<string, ChangeKind>;
  entries: DiffEntry[];
  counts: Record<ChangeKind, number>;
}

/** Options of {@link indexDiff}. */
export interface IndexDiffOptions {
  /** Count a node that only moved (`layout`) as changed. @default false */
  includeLayout?: boolean;
}

const kinds: ChangeKind[] = ['added', 'removed', 'changed'];

/** Indexes `diff` (see {@link DiffIndex}); layout-only changes are left out unless asked for. */
export function indexDiff(diff: DefinitionDiff, { includeLayout = false }: IndexDiffOptions = {}): DiffIndex {
  const from = new Map<string, ChangeKind>();
  const to = new Map<string, ChangeKind>();
  const entries: DiffEntry[] = [];
  const counts: Record<ChangeKind, number> = { added: 0, removed: 0, changed: 0 };
  const take = (element: 'node' | 'edge', groups: Record<ChangeKind, ElementChange<ProcessNode | Edge>[]>) => {
    for (const kind of kinds) {
      for (const change of groups[kind]) {
        const fields = includeLayout ? change.fields : change.fields.filter((f) => f.field !== 'layout');
        if (kind === 'changed' && fields.length === 0) continue;
        if (kind !== 'added') from.set(change.id, kind);
        if (kind !== 'removed') to.set(change.id, kind);
        const source = (change.after ?? change.before) as { name?: LocalizedText } | undefined;
        entries.push({
          element,
          id: change.id,
          kind,
          ...(source?.name ? { name: source.name } : {}),
          fields: kind === 'changed' ? fields : [],
        });
        counts[kind] += 1;
      }
    }
  };
  take('node', diff.nodes);
  take('edge', diff.edges);
  return { from, to, entries, counts };
}

/**
 * How far down the `to` diagram goes so that it sits `gap` below the `from` one: the lowest
 * `from` y minus the highest `to` y, plus `gap`.
 */
export function stackOffset(fromYs: readonly number[], toYs: readonly number[], gap: number): number {
  if (fromYs.length === 0 || toYs.length === 0) return 0;
  return Math.max(...fromYs) - Math.min(...toYs) + gap;
}

/** The node and edge fields the panel names in words (others show their key). */
export const knownFields = [
  'name',
  'description',
  'owner',
  'deadline',
  'trigger',
  'assessment',
  'outputs',
  'inputs',
  'layout',
  'signers',
  'calendar',
  'cc',
  'condition',
  'default',
  'from',
  'to',
  'action',
  'scope',
  'type',
  'escalation',
  'state',
  'resultField',
  'multiInstance',
  'timer',
  'event',
  'retry',
  'terminate',
  'withdraw',
  'data',
] as const;
/** @see knownFields */
export type KnownField = (typeof knownFields)[number];

/** Whether `field` has a label in the catalogue. */
export function isKnownField(field: string): field is KnownField {
  return (knownFields as readonly string[]).includes(field);
}

/** Fields whose values are structures (forms, signers, layout, …): the panel names them without values. */
const structured = new Set([
  'outputs',
  'signers',
  'cc',
  'layout',
  'action',
  'inputs',
  'multiInstance',
  'retry',
  'withdraw',
  'data',
  'timer',
]);

/** Whether the panel shows the before and after values of `field` (not for structures). */
export function showsValues(field: string): boolean {
  return !structured.has(field);
}

/** At most `max` characters of `text`, with an ellipsis when cut. */
function clip(text: string, max = 90): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A field's value in one short line: names in the user's language, owners and deadlines in
 * words, conditions as written, anything else as compact JSON; `undefined` when absent.
 */
export function fieldValueText(field: string, value: unknown, locale: Language): string | undefined {
  if (value === null || value === undefined) return undefined;
  if ((field === 'name' || field === 'description') && typeof value === 'object')
    return clip(localizedText(value, locale, ''));
  if (field === 'owner' && typeof value === 'object') return clip(ownerText(value as never, locale));
  if (field === 'deadline' && typeof value === 'object') return clip(deadlineText(value as never, locale) ?? '');
  if (field === 'trigger' && typeof value === 'object')
    return clip(String((value as { condition?: unknown }).condition));
  if (typeof value === 'string') return clip(value);
  return clip(JSON.stringify(value));
}
