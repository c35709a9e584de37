/**
 * "Tidy up": the definition (or a selection of its nodes) as an ELK graph, and ELK's answer as
 * new `layout` positions. Pure: the layout itself runs in a Web Worker ({@link ./tidy-client.ts});
 * these functions only translate, so they are tested without a browser.
 *
 * Positions are node centres, as the canvas places them (node origin ½, ½).
 *
 * @module
 */
import type { Layout, NodeType, ProcessDefinition } from '@baton/definition';

/** The part of an ELK graph this module writes and reads (elkjs's `ElkNode`, structurally). */
export interface TidyGraph {
  id: string;
  layoutOptions: Record<string, string>;
  children: { id: string; width: number; height: number; x?: number; y?: number }[];
  edges: { id: string; sources: string[]; targets: string[] }[];
}

/** The size ELK reserves for a node of each kind: the card, or the symbol with its caption. */
export function tidySize(kind: NodeType): { width: number; height: number } {
  if (kind === 'exclusiveGateway' || kind === 'parallelGateway') return { width: 120, height: 80 };
  if (kind === 'start' || kind === 'end') return { width: 120, height: 80 };
  return { width: 160, height: 96 };
}

/** ELK's options: layered, left to right, orthogonal-friendly spacing. */
export const tidyOptions: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Back edges are the ones that close a loop when the flow is walked from its start (rework routes).
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
};

/**
 * The ELK graph of the definition's top level, or of the nodes in `selection` and the edges
 * between them. Pure.
 */
export function toTidyGraph(
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>,
  selection?: ReadonlySet<string>,
): TidyGraph {
  const nodes = definition.nodes.filter((n) => !selection || selection.has(n.id));
  const ids = new Set(nodes.map((n) => n.id));
  return {
    id: 'root',
    layoutOptions: tidyOptions,
    children: nodes.map((n) => ({ id: n.id, ...tidySize(n.type) })),
    edges: definition.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
      .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
}

function centreOfBox(points: { x: number; y: number }[]): { x: number; y: number } {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 };
}

/**
 * New positions from ELK's answer, moved so the arranged nodes stay where they were: the centre
 * of their bounding box is kept (nodes without a saved position count at the origin). Rounded to
 * whole pixels. Pure.
 */
export function tidyPositions(
  definition: Pick<ProcessDefinition, 'nodes'>,
  laidOut: Pick<TidyGraph, 'children'>,
): Map<string, { x: number; y: number }> {
  const placed = laidOut.children.map((c) => ({ id: c.id, x: (c.x ?? 0) + c.width / 2, y: (c.y ?? 0) + c.height / 2 }));
  if (placed.length === 0) return new Map();
  const ids = new Set(placed.map((p) => p.id));
  const before = definition.nodes
    .filter((n) => ids.has(n.id))
    .map((n) => ({ x: n.layout?.x ?? 0, y: n.layout?.y ?? 0 }));
  const from = centreOfBox(placed);
  const to = centreOfBox(before);
  return new Map(placed.map((p) => [p.id, { x: Math.round(p.x - from.x + to.x), y: Math.round(p.y - from.y + to.y) }]));
}

/**
 * The definition with the given positions written into `layout` (other layout fields, such as a
 * saved size, kept). Nodes not in `positions` are the same objects as before. Pure.
 */
export function applyPositions<D extends Pick<ProcessDefinition, 'nodes'>>(
  definition: D,
  positions: ReadonlyMap<string, { x: number; y: number }>,
): D {
  return {
    ...definition,
    nodes: definition.nodes.map((n) => {
      const p = positions.get(n.id);
      if (!p) return n;
      const layout: Layout = { ...n.layout, x: p.x, y: p.y };
      return { ...n, layout };
    }),
  };
}
