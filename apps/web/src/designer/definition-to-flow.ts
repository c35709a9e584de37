/**
 * A process definition as React Flow nodes and edges, for the designer's canvas. Pure: the same
 * definition and language give the same nodes, at the same places, every time.
 *
 * Positions are the definition's own (`layout` on each node, saved by the designer), so nothing
 * moves by itself when a model is reopened. A node without one is placed by
 * {@link layeredLayout}: topological layers from left to right, computed from the graph alone.
 *
 * @module
 */
import type { Edge as DefinitionEdge, NodeType, ProcessDefinition, ProcessNode } from '@baton/definition';
import type { Edge, Node } from '@xyflow/react';
import type { Language } from '../i18n/index.ts';
import { deadlineText, edgeLabel, localizedText, ownerText } from './describe.ts';

/** What a node of the canvas shows: data only, so node components never read the whole definition. */
export interface StepData extends Record<string, unknown> {
  /** The node kind (`userTask`, `exclusiveGateway`, …). */
  kind: NodeType;
  /** The name in the current language, else the other one, else the node id. */
  name: string;
  /** Who does the work, in one line; only on nodes that name an owner. */
  owner?: string;
  /** The response deadline in one line, e.g. "48 h of working time". */
  deadline?: string;
  /** The FEEL trigger condition, as written. */
  condition?: string;
  /** Number of steps inside a sub-process. */
  inside?: number;
  /** How several signers of a user task decide (会签 / 或签 / …), when the task names signers. */
  signers?: SignerPolicy;
}

/** The policies of a user task's `signers` the canvas shows a badge for. */
export const signerPolicies = ['all', 'any', 'sequence', 'threshold'] as const;
/** A signer policy (see {@link signerPolicies}). */
export type SignerPolicy = (typeof signerPolicies)[number];

/**
 * The policy of a user task's `signers` (absent: `all`, 会签, the definition's default); undefined
 * without signers or when the draft holds something that is not a known policy.
 */
export function signerPolicyOf(node: ProcessNode): SignerPolicy | undefined {
  const signers: unknown = node.type === 'userTask' ? node.signers : undefined;
  if (typeof signers !== 'object' || signers === null) return undefined;
  const policy = (signers as { policy?: unknown }).policy ?? 'all';
  return signerPolicies.find((p) => p === policy);
}

/** The React Flow node types the canvas registers (see `flow-nodes.tsx`). */
export type StepNodeType = 'step' | 'gateway' | 'terminal';

/** A canvas node. */
export type StepNode = Node<StepData, StepNodeType>;

/** What an edge of the canvas carries. */
export interface LinkData extends Record<string, unknown> {
  condition?: string;
  isDefault?: boolean;
  escalation?: boolean;
}

/** A canvas edge. */
export type LinkEdge = Edge<LinkData>;

/**
 * The handles every node component has: edges enter on the left and leave on the right; an edge
 * that goes back to the left (a rework loop) leaves and enters at the bottom, so it runs under
 * the nodes instead of back through them.
 */
export const handleIds = { in: 'in', out: 'out', loopIn: 'loop-in', loopOut: 'loop-out' } as const;

/** Horizontal distance between two layers of the computed layout, in canvas pixels. */
export const layerGap = 200;
/** Vertical distance between two nodes of one layer of the computed layout. */
export const rowGap = 140;

/** The React Flow node type that draws a node kind. */
export function nodeTypeOf(kind: NodeType): StepNodeType {
  if (kind === 'exclusiveGateway' || kind === 'parallelGateway') return 'gateway';
  if (kind === 'start' || kind === 'end') return 'terminal';
  return 'step';
}

/**
 * Positions for every node from the graph alone: a node's layer is the length of the longest
 * path to it from a node without incoming edges, ignoring edges that close a loop (found by a
 * depth-first search in definition order); layers go left to right, nodes of a layer top to
 * bottom in definition order, centred on y = 0. Deterministic: no randomness, no measuring. Pure.
 */
export function layeredLayout(
  nodes: readonly Pick<ProcessNode, 'id'>[],
  edges: readonly Pick<DefinitionEdge, 'from' | 'to'>[],
): Map<string, { x: number; y: number }> {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const hasIncoming = new Set<string>();
  for (const e of edges) {
    if (!known.has(e.from) || !known.has(e.to) || e.from === e.to) continue;
    out.get(e.from)?.push(e.to);
    hasIncoming.add(e.to);
  }
  // Depth-first search from the sources (then from anything left, for cycles without a source):
  // an edge to a node still on the stack closes a loop and does not count for layering.
  const state = new Map<string, 'open' | 'done'>();
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  const visit = (start: string) => {
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = out.get(top.id) ?? [];
      if (top.next >= targets.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const to = targets[top.next++]!;
      const seen = state.get(to);
      if (seen === 'open') continue;
      forward.get(top.id)?.push(to);
      if (seen === undefined) {
        state.set(to, 'open');
        stack.push({ id: to, next: 0 });
      }
    }
  };
  for (const id of ids) if (!hasIncoming.has(id) && !state.has(id)) visit(id);
  for (const id of ids) if (!state.has(id)) visit(id);
  // Longest path over the forward edges, in topological order (Kahn, ties in definition order).
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const targets of forward.values()) for (const to of targets) indegree.set(to, (indegree.get(to) ?? 0) + 1);
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const ready = ids.filter((id) => indegree.get(id) === 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    for (const to of forward.get(id) ?? []) {
      layer.set(to, Math.max(layer.get(to) ?? 0, (layer.get(id) ?? 0) + 1));
      const left = (indegree.get(to) ?? 0) - 1;
      indegree.set(to, left);
      if (left === 0) ready.push(to);
    }
  }
  const byLayer = new Map<number, string[]>();
  for (const id of ids) {
    const l = layer.get(id) ?? 0;
    byLayer.set(l, [...(byLayer.get(l) ?? []), id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const [l, members] of byLayer)
    members.forEach((id, index) => {
      positions.set(id, { x: l * layerGap, y: (index - (members.length - 1) / 2) * rowGap });
    });
  return positions;
}

/** The canvas data of one definition node. Pure. */
export function stepData(node: ProcessNode, locale: Language): StepData {
  const data: StepData = { kind: node.type, name: localizedText(node.name, locale, node.id) };
  if (node.owner !== undefined) data.owner = ownerText(node.owner, locale);
  const deadline = deadlineText(node.deadline, locale);
  if (deadline !== undefined) data.deadline = deadline;
  if (node.trigger !== undefined) data.condition = node.trigger.condition;
  if (node.type === 'subProcess') data.inside = node.nodes.length;
  const signers = node.type === 'userTask' ? signerPolicyOf(node) : undefined;
  if (signers !== undefined) data.signers = signers;
  return data;
}

/** Options of {@link definitionToFlow}. */
export interface FlowOptions {
  /** The language names and summaries are given in. */
  locale: Language;
}

/**
 * The top level of `definition` as React Flow nodes and edges: one node per definition node and
 * one edge per definition edge, with the same ids; positions from each node's `layout`, else from
 * {@link layeredLayout}. An edge leaves on the right and enters on the left, except one that goes
 * back to the left, which uses the bottom handles ({@link handleIds}). A sub-process is one node
 * that says how many steps it holds. Pure.
 */
export function definitionToFlow(
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>,
  { locale }: FlowOptions,
): { nodes: StepNode[]; edges: LinkEdge[] } {
  const needsLayout = definition.nodes.some((n) => n.layout === undefined);
  const computed = needsLayout ? layeredLayout(definition.nodes, definition.edges) : new Map<string, never>();
  const nodes = definition.nodes.map((node): StepNode => {
    const position = node.layout ? { x: node.layout.x, y: node.layout.y } : (computed.get(node.id) ?? { x: 0, y: 0 });
    return { id: node.id, type: nodeTypeOf(node.type), position, data: stepData(node, locale) };
  });
  const positions = new Map(nodes.map((n) => [n.id, n.position]));
  const edges = definition.edges.map((edge): LinkEdge => {
    const data: LinkData = {};
    if (edge.condition !== undefined) data.condition = edge.condition;
    if (edge.default === true) data.isDefault = true;
    if (edge.escalation === true) data.escalation = true;
    const from = positions.get(edge.from);
    const to = positions.get(edge.to);
    const loop = from !== undefined && to !== undefined && to.x < from.x;
    const link: LinkEdge = {
      id: edge.id,
      source: edge.from,
      target: edge.to,
      sourceHandle: loop ? handleIds.loopOut : handleIds.out,
      targetHandle: loop ? handleIds.loopIn : handleIds.in,
      data,
    };
    // A loop drops a little further below the nodes than a step's corner, to clear their captions.
    if (loop) Object.assign(link, { type: 'smoothstep', pathOptions: { offset: 36 } });
    const label = edgeLabel(edge, locale);
    if (label !== undefined) link.label = label;
    return link;
  });
  return { nodes, edges };
}
