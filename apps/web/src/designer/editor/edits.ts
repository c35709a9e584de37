/**
 * The edits the designer makes to a draft definition, as pure functions `(definition, …) →
 * definition`. They never mutate their input and keep every node and edge they do not touch (the
 * same objects), so the canvas re-renders only what changed.
 *
 * Positions live in each node's `layout` (the node's centre, as `definition-to-flow.ts` reads it).
 *
 * @module
 */
import type { Edge, Layout, NodeType, ProcessDefinition, ProcessNode } from '@baton/definition';
import type { Language } from '../../i18n/index.ts';
import { layeredLayout } from '../definition-to-flow.ts';
import { editorCatalogue } from './texts.ts';

/** A point on the canvas. */
export interface Point {
  x: number;
  y: number;
}

/** A patch of a node: the fields to set; a field set to `undefined` is removed. */
export type NodePatch = { [K in keyof ProcessNode]?: ProcessNode[K] | undefined } & Record<string, unknown>;
/** A patch of an edge: the fields to set; a field set to `undefined` is removed. */
export type EdgePatch = { [K in keyof Edge]?: Edge[K] | undefined };

/** Every id the definition uses (nodes and edges, inside sub-processes too). */
export function usedIds(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>): Set<string> {
  const ids = new Set<string>();
  const walk = (nodes: readonly ProcessNode[], edges: readonly Edge[]) => {
    for (const n of nodes) {
      ids.add(n.id);
      if (n.type === 'subProcess') walk(n.nodes, n.edges);
    }
    for (const e of edges) ids.add(e.id);
  };
  walk(definition.nodes, definition.edges);
  return ids;
}

/** `base` when no id in `taken` is `base`, else `base-2`, `base-3`, … (the first free one). */
export function freeId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

const idBases: Record<NodeType, string> = {
  start: 'start',
  end: 'end',
  userTask: 'task',
  automaticTask: 'auto',
  exclusiveGateway: 'choice',
  parallelGateway: 'fork',
  timer: 'wait',
  event: 'event',
  subProcess: 'sub',
};

/**
 * A new node of `kind` at `at`, with a name in both languages and the least each kind needs to be
 * valid (an automatic task computes nothing, a timer waits one working hour, an event waits for
 * `event`, a sub-process holds a start and an end). A user task gets no owner: the Problems panel
 * asks for one. Its id is free in `taken`.
 */
export function newNode(kind: NodeType, at: Point, taken: ReadonlySet<string>): ProcessNode {
  const id = freeId(idBases[kind], taken);
  const name = { 'zh-CN': editorCatalogue('zh-CN').newName[kind], en: editorCatalogue('en').newName[kind] };
  const layout: Layout = { x: Math.round(at.x), y: Math.round(at.y) };
  switch (kind) {
    case 'automaticTask':
      return { id, type: kind, name, layout, action: { kind: 'compute', set: {} } };
    case 'timer':
      return { id, type: kind, name, layout, timer: { duration: 'PT1H', time: 'working' } };
    case 'event':
      return { id, type: kind, name, layout, event: id };
    case 'subProcess': {
      const start = freeId(`${id}-start`, taken);
      const end = freeId(`${id}-end`, taken);
      return {
        id,
        type: kind,
        name,
        layout,
        nodes: [
          { id: start, type: 'start' },
          { id: end, type: 'end' },
        ],
        edges: [{ id: freeId(`${id}-flow`, taken), from: start, to: end }],
      };
    }
    default:
      return { id, type: kind, name, layout };
  }
}

/**
 * `definition` with a `layout` on every top-level node: those without one get the computed
 * layered position the canvas already shows, so that nothing moves once the draft is saved.
 */
export function withLayout(definition: ProcessDefinition): ProcessDefinition {
  if (definition.nodes.every((n) => n.layout !== undefined)) return definition;
  const computed = layeredLayout(definition.nodes, definition.edges);
  return {
    ...definition,
    nodes: definition.nodes.map((n) =>
      n.layout !== undefined ? n : { ...n, layout: { ...(computed.get(n.id) ?? { x: 0, y: 0 }) } },
    ),
  };
}

/** `definition` with `node` added at the end. */
export function addNode(definition: ProcessDefinition, node: ProcessNode): ProcessDefinition {
  return { ...definition, nodes: [...definition.nodes, node] };
}

/** `definition` with the nodes of `positions` moved there (rounded to whole pixels). */
export function moveNodes(definition: ProcessDefinition, positions: ReadonlyMap<string, Point>): ProcessDefinition {
  let changed = false;
  const nodes = definition.nodes.map((n) => {
    const p = positions.get(n.id);
    if (!p) return n;
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (n.layout?.x === x && n.layout.y === y) return n;
    changed = true;
    return { ...n, layout: { ...n.layout, x, y } };
  });
  return changed ? { ...definition, nodes } : definition;
}

/** `definition` without the given nodes (and every edge touching them) and edges. */
export function removeElements(
  definition: ProcessDefinition,
  nodeIds: Iterable<string>,
  edgeIds: Iterable<string> = [],
): ProcessDefinition {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keptNodes = definition.nodes.filter((n) => !nodes.has(n.id));
  const keptEdges = definition.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from) && !nodes.has(e.to));
  if (keptNodes.length === definition.nodes.length && keptEdges.length === definition.edges.length) return definition;
  return { ...definition, nodes: keptNodes, edges: keptEdges };
}

/** Whether an edge `from` → `to` may be drawn: both exist, differ, and are not joined that way already. */
export function canConnect(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>, from: string, to: string): boolean {
  if (from === to) return false;
  const source = definition.nodes.find((n) => n.id === from);
  const target = definition.nodes.find((n) => n.id === to);
  if (!source || !target || source.type === 'end' || target.type === 'start') return false;
  return !definition.edges.some((e) => e.from === from && e.to === to);
}

/** `definition` with a new edge `from` → `to` (unchanged when {@link canConnect} says no). */
export function connect(definition: ProcessDefinition, from: string, to: string): ProcessDefinition {
  if (!canConnect(definition, from, to)) return definition;
  const id = freeId(`e-${from}-${to}`, usedIds(definition));
  return { ...definition, edges: [...definition.edges, { id, from, to }] };
}

/** `definition` with edge `edgeId` moved to run `from` → `to` (its id, name and condition kept). */
export function reconnect(definition: ProcessDefinition, edgeId: string, from: string, to: string): ProcessDefinition {
  const edge = definition.edges.find((e) => e.id === edgeId);
  if (!edge || (edge.from === from && edge.to === to)) return definition;
  const others = { ...definition, edges: definition.edges.filter((e) => e.id !== edgeId) };
  if (!canConnect(others, from, to)) return definition;
  return { ...definition, edges: definition.edges.map((e) => (e.id === edgeId ? { ...e, from, to } : e)) };
}

/** Horizontal room {@link insertOnEdge} makes for a new step, in canvas pixels. */
export const insertGap = 180;

/**
 * `definition` with `node` inserted on edge `edgeId` (A → B): the edge now ends at the new node
 * (keeping its id, name and condition) and a new edge leads on to B. When A is left of B and there
 * is not room between them, B and everything at or right of it moves right by {@link insertGap}
 * first, as approval builders do; the node goes midway. Unchanged when the edge does not exist.
 */
export function insertOnEdge(definition: ProcessDefinition, edgeId: string, node: ProcessNode): ProcessDefinition {
  const edge = definition.edges.find((e) => e.id === edgeId);
  if (!edge) return definition;
  const laid = withLayout(definition);
  const a = laid.nodes.find((n) => n.id === edge.from)?.layout;
  const b = laid.nodes.find((n) => n.id === edge.to)?.layout;
  let nodes = laid.nodes;
  let at: Point = { x: 0, y: 0 };
  if (a && b) {
    if (b.x > a.x && b.x - a.x < 2 * insertGap - 1) {
      const threshold = b.x;
      nodes = nodes.map((n) =>
        n.id !== edge.from && n.layout && n.layout.x >= threshold
          ? { ...n, layout: { ...n.layout, x: n.layout.x + insertGap } }
          : n,
      );
      at = { x: a.x + insertGap, y: (a.y + b.y) / 2 };
    } else at = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  const placed = { ...node, layout: { ...node.layout, x: Math.round(at.x), y: Math.round(at.y) } } as ProcessNode;
  const taken = usedIds(laid);
  taken.add(node.id);
  const onward: Edge = { id: freeId(`e-${node.id}-${edge.to}`, taken), from: node.id, to: edge.to };
  const edges = laid.edges.flatMap((e) => (e.id === edgeId ? [{ ...e, to: node.id }, onward] : [e]));
  return { ...laid, nodes: [...nodes, placed], edges };
}

/** The fields of `patch` set on `target`; those set to `undefined` removed. */
function patched<T extends object>(target: T, patch: Record<string, unknown>): T {
  const next: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return next as T;
}

/** `definition` with top-level node `id` patched (see {@link NodePatch}); its id and kind cannot change here. */
export function patchNode(definition: ProcessDefinition, id: string, patch: NodePatch): ProcessDefinition {
  const { id: _id, type: _type, ...rest } = patch;
  if (!definition.nodes.some((n) => n.id === id)) return definition;
  return { ...definition, nodes: definition.nodes.map((n) => (n.id === id ? patched(n, rest) : n)) };
}

/** `definition` with edge `id` patched (see {@link EdgePatch}); its id cannot change here. */
export function patchEdge(definition: ProcessDefinition, id: string, patch: EdgePatch): ProcessDefinition {
  const { id: _id, ...rest } = patch;
  if (!definition.edges.some((e) => e.id === id)) return definition;
  return { ...definition, edges: definition.edges.map((e) => (e.id === id ? patched(e, rest) : e)) };
}

/** A node kind's name for a new node, in `locale`. */
export function kindName(kind: NodeType, locale: Language): string {
  return editorCatalogue(locale).newName[kind];
}
