/**
 * Copy and paste of parts of a definition, also between two models (or two browser tabs): the
 * system clipboard carries a small JSON payload, checked on paste before anything is added. Pure.
 *
 * @module
 */
import { type Edge, nodeTypes, type ProcessDefinition, type ProcessNode } from '@baton/definition';
import { freeId, type Point, usedIds } from './edits.ts';

/** The `kind` that marks a clipboard payload as Baton's. */
export const clipboardKind = 'baton/definition-fragment';

/** What the clipboard carries: nodes, and the edges between them. */
export interface Fragment {
  kind: typeof clipboardKind;
  version: 1;
  nodes: ProcessNode[];
  edges: Edge[];
}

/** The selected nodes of `definition` and the edges that join two of them, as a clipboard payload. */
export function copyFragment(definition: ProcessDefinition, nodeIds: Iterable<string>): Fragment | undefined {
  const ids = new Set(nodeIds);
  const nodes = definition.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return undefined;
  const edges = definition.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  return { kind: clipboardKind, version: 1, nodes, edges };
}

/** Why a clipboard text is not a fragment. */
export type PasteProblem = 'notJson' | 'notBaton' | 'badNode' | 'badEdge' | 'tooLarge';

/** The most characters a pasted payload may have. */
export const pasteLimit = 2_000_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kinds = new Set<string>(nodeTypes);

/**
 * The fragment in clipboard text `text`, or why there is none. Checks the shape only (an object
 * per node with a string id and a known kind, positions that are numbers, edges between nodes of
 * the fragment); the draft's live validation judges the rest once pasted.
 */
export function parseFragment(text: string): { fragment: Fragment } | { problem: PasteProblem } {
  if (text.length > pasteLimit) return { problem: 'tooLarge' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'notJson' };
  }
  if (!isRecord(value) || value.kind !== clipboardKind || value.version !== 1) return { problem: 'notBaton' };
  const { nodes, edges } = value;
  if (!Array.isArray(nodes) || nodes.length === 0 || !Array.isArray(edges)) return { problem: 'notBaton' };
  const ids = new Set<string>();
  for (const n of nodes) {
    if (!isRecord(n) || typeof n.id !== 'string' || n.id === '' || ids.has(n.id)) return { problem: 'badNode' };
    if (typeof n.type !== 'string' || !kinds.has(n.type)) return { problem: 'badNode' };
    const layout = n.layout;
    if (layout !== undefined && (!isRecord(layout) || typeof layout.x !== 'number' || typeof layout.y !== 'number'))
      return { problem: 'badNode' };
    ids.add(n.id);
  }
  for (const e of edges) {
    if (!isRecord(e) || typeof e.id !== 'string' || typeof e.from !== 'string' || typeof e.to !== 'string')
      return { problem: 'badEdge' };
    if (!ids.has(e.from) || !ids.has(e.to)) return { problem: 'badEdge' };
  }
  return { fragment: { kind: clipboardKind, version: 1, nodes: nodes as ProcessNode[], edges: edges as Edge[] } };
}

/** Ids inside a sub-process, renamed with `rename`. */
function renameInside(node: ProcessNode, rename: (id: string) => string): ProcessNode {
  if (node.type !== 'subProcess') return node;
  return {
    ...node,
    nodes: node.nodes.map((n) => renameInside({ ...n, id: rename(n.id) }, rename)),
    edges: node.edges.map((e) => ({ ...e, id: rename(e.id), from: rename(e.from), to: rename(e.to) })),
  };
}

/**
 * `definition` with `fragment` pasted: ids already taken get a free one (`task` → `task-2`), the
 * fragment's edges follow, and the nodes keep their arrangement with its centre at `at`. Also
 * returns the new nodes' ids (to select them).
 */
export function pasteFragment(
  definition: ProcessDefinition,
  fragment: Fragment,
  at: Point,
): { definition: ProcessDefinition; nodeIds: string[] } {
  const taken = usedIds(definition);
  const renamed = new Map<string, string>();
  const rename = (id: string) => {
    const known = renamed.get(id);
    if (known !== undefined) return known;
    const next = freeId(id, taken);
    taken.add(next);
    renamed.set(id, next);
    return next;
  };
  const placed = fragment.nodes.filter((n) => n.layout);
  const cx = placed.length ? placed.reduce((s, n) => s + n.layout!.x, 0) / placed.length : 0;
  const cy = placed.length ? placed.reduce((s, n) => s + n.layout!.y, 0) / placed.length : 0;
  const nodes = fragment.nodes.map((n, i) => {
    const layout = n.layout
      ? { ...n.layout, x: Math.round(n.layout.x - cx + at.x), y: Math.round(n.layout.y - cy + at.y) }
      : { x: Math.round(at.x + i * 40), y: Math.round(at.y + i * 40) };
    return renameInside({ ...n, id: rename(n.id), layout }, rename);
  });
  const edges = fragment.edges.map((e) => ({ ...e, id: rename(e.id), from: rename(e.from), to: rename(e.to) }));
  return {
    definition: { ...definition, nodes: [...definition.nodes, ...nodes], edges: [...definition.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
  };
}
