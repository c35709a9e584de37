/**
 * The designer's editing commands on an {@link EditorStore}: each is one undo step with its label,
 * shared by the palette, the command palette, the "+" on edges and the keyboard.
 *
 * @module
 */
import type { NodeType, ProcessDefinition } from '@baton/definition';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';
import { copyFragment, type Fragment, pasteFragment } from './clipboard.ts';
import { addNode, connect, insertGap, insertOnEdge, newNode, type Point, removeElements, usedIds } from './edits.ts';
import type { EditorStore } from './store.ts';

/** The kinds the palette offers, in its order. */
export const paletteKinds: readonly NodeType[] = [
  'start',
  'userTask',
  'automaticTask',
  'exclusiveGateway',
  'parallelGateway',
  'timer',
  'event',
  'subProcess',
  'end',
];

/** The words a kind is found by: its names in both languages, its new-node names, its key. */
const kindWords: Record<NodeType, string> = Object.fromEntries(
  paletteKinds.map((k) => [
    k,
    [k, en.designer.kinds[k], zhCN.designer.kinds[k], en.editor.newName[k], zhCN.editor.newName[k]]
      .join(' ')
      .toLowerCase(),
  ]),
) as Record<NodeType, string>;

/** The kinds matching `query` (every word of it found), in palette order. Pure. */
export function matchKinds(query: string, kinds: readonly NodeType[] = paletteKinds): NodeType[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return kinds.filter((k) => words.every((w) => kindWords[k].includes(w)));
}

/** The grid new nodes are placed on (their centres), in canvas pixels. */
export const placementGrid = 20;

/**
 * A point near `at`, on the {@link placementGrid}, that no node centre of `definition` is within
 * 30 px of (stepping down-right).
 */
export function freeSpot(definition: ProcessDefinition, at: Point): Point {
  const snap = (v: number) => Math.round(v / placementGrid) * placementGrid;
  let p = { x: snap(at.x), y: snap(at.y) };
  for (let i = 0; i < 50; i++) {
    const q = p;
    if (!definition.nodes.some((n) => n.layout && Math.abs(n.layout.x - q.x) < 30 && Math.abs(n.layout.y - q.y) < 30))
      return p;
    p = { x: p.x + 40, y: p.y + 40 };
  }
  return p;
}

const nameOf = (definition: ProcessDefinition, id: string) => ({
  text: definition.nodes.find((n) => n.id === id)?.name,
  fallback: id,
});

/** Adds a `kind` node at `at` (or the nearest free spot) and selects it. */
export function addKind(store: EditorStore, kind: NodeType, at: Point): void {
  let id = '';
  store.apply(
    (d) => {
      const node = newNode(kind, freeSpot(d, at), usedIds(d));
      id = node.id;
      return addNode(d, node);
    },
    { key: 'editor.history.add', values: { kind: { key: `designer.kinds.${kind}` } } },
  );
  if (id) store.select({ nodes: [id] });
}

/** Inserts a `kind` node on edge `edgeId` (see {@link insertOnEdge}) and selects it. */
export function insertKind(store: EditorStore, kind: NodeType, edgeId: string): void {
  let id = '';
  store.apply(
    (d) => {
      const node = newNode(kind, { x: 0, y: 0 }, usedIds(d));
      id = node.id;
      return insertOnEdge(d, edgeId, node);
    },
    { key: 'editor.history.insert', values: { kind: { key: `designer.kinds.${kind}` } } },
  );
  if (id) store.select({ nodes: [id] });
}

/**
 * Adds a `kind` node after node `afterId`: on its outgoing edge when it has exactly one, else to
 * its right, connected from it. Selects the new node.
 */
export function appendKind(store: EditorStore, kind: NodeType, afterId: string): void {
  const definition = store.getState().definition;
  const outgoing = definition.edges.filter((e) => e.from === afterId);
  if (outgoing.length === 1) {
    insertKind(store, kind, outgoing[0]!.id);
    return;
  }
  const after = definition.nodes.find((n) => n.id === afterId);
  if (!after) return;
  let id = '';
  store.apply(
    (d) => {
      const from = d.nodes.find((n) => n.id === afterId)?.layout ?? { x: 0, y: 0 };
      const node = newNode(kind, freeSpot(d, { x: from.x + insertGap, y: from.y }), usedIds(d));
      id = node.id;
      return connect(addNode(d, node), afterId, node.id);
    },
    { key: 'editor.history.add', values: { kind: { key: `designer.kinds.${kind}` } } },
  );
  if (id) store.select({ nodes: [id] });
}

/** Connects `from` → `to` as one step (nothing when the edge is not allowed). */
export function connectNodes(store: EditorStore, from: string, to: string): void {
  const d = store.getState().definition;
  store.apply((def) => connect(def, from, to), {
    key: 'editor.history.connect',
    values: { from: nameOf(d, from), to: nameOf(d, to) },
  });
}

/** Deletes the given nodes (with their edges) and edges as one step. */
export function removeSelection(store: EditorStore, nodeIds: readonly string[], edgeIds: readonly string[]) {
  const count = nodeIds.length + edgeIds.length;
  if (count === 0) return;
  store.apply((d) => removeElements(d, nodeIds, edgeIds), { key: 'editor.history.remove', values: { count } });
}

/** The selected nodes as a clipboard fragment (undefined when none is selected). */
export function copySelection(store: EditorStore): Fragment | undefined {
  const { definition, selection } = store.getState();
  return copyFragment(definition, selection.nodes);
}

/** Pastes `fragment` centred at `at` as one step and selects what was pasted. */
export function pasteAt(store: EditorStore, fragment: Fragment, at: Point): void {
  let ids: string[] = [];
  store.apply(
    (d) => {
      const pasted = pasteFragment(d, fragment, at);
      ids = pasted.nodeIds;
      return pasted.definition;
    },
    { key: 'editor.history.paste', values: { count: fragment.nodes.length } },
  );
  store.select({ nodes: ids });
}
