/**
 * The approval view's edits, as changes of the definition itself: insert a step or a split at a
 * slot (the "+" between two cards), add a branch, move a condition branch up or down in priority
 * (edge order), delete a step or a branch. Pure: each takes a definition and returns a new one;
 * nodes and edges it does not touch keep their ids, fields and positions.
 *
 * @module
 */
import type { Edge, Layout, LocalizedText, ProcessDefinition, ProcessNode } from '@baton/definition';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-cn.ts';
import { blockTreeNodeIds, type SplitBlock } from './block-tree.ts';

type Definition = Pick<ProcessDefinition, 'nodes' | 'edges'>;

/** The kinds of step the "+" menu inserts. */
export const insertableSteps = ['approval', 'automatic', 'exclusive', 'parallel'] as const;
/** @see insertableSteps */
export type InsertableStep = (typeof insertableSteps)[number];

/** The placeholder condition of a new condition branch: never true until the modeller writes one. */
export const placeholderCondition = 'false';

const names = (key: keyof typeof en.views.newNames): LocalizedText => ({
  'zh-CN': zhCN.views.newNames[key],
  en: en.views.newNames[key],
});

/** A new approval step: the initiator's manager approves, as in DingTalk's default. */
function approvalNode(id: string): ProcessNode {
  return { id, type: 'userTask', name: names('approval'), owner: { type: 'managerOf', of: 'initiator' } };
}

function automaticNode(id: string): ProcessNode {
  return { id, type: 'automaticTask', name: names('automatic'), action: { kind: 'compute' } };
}

/** Every id of the definition, in every scope (node and edge ids share one namespace). */
function usedIds(definition: Definition): Set<string> {
  const ids = new Set<string>();
  const visit = (nodes: ProcessNode[], edges: Edge[]) => {
    for (const n of nodes) {
      ids.add(n.id);
      if (n.type === 'subProcess') visit(n.nodes, n.edges);
    }
    for (const e of edges) ids.add(e.id);
  };
  visit(definition.nodes, definition.edges);
  return ids;
}

/** Hands out ids `prefix-1`, `prefix-2`, … not used in the definition. */
function idMaker(definition: Definition): (prefix: string) => string {
  const ids = usedIds(definition);
  return (prefix) => {
    let i = 1;
    while (ids.has(`${prefix}-${i}`)) i++;
    const id = `${prefix}-${i}`;
    ids.add(id);
    return id;
  };
}

function layoutOf(definition: Definition, id: string): Layout | undefined {
  return definition.nodes.find((n) => n.id === id)?.layout;
}

/** A point a share `t` of the way from node `a` to node `b`, moved down by `dy`; undefined without both positions. */
function between(definition: Definition, a: string, b: string, t: number, dy = 0): Layout | undefined {
  const from = layoutOf(definition, a);
  const to = layoutOf(definition, b);
  if (!from || !to) return undefined;
  return { x: Math.round(from.x + (to.x - from.x) * t), y: Math.round(from.y + (to.y - from.y) * t + dy) };
}

function place<T extends ProcessNode>(node: T, layout: Layout | undefined): T {
  return layout ? { ...node, layout } : node;
}

function slotTarget(definition: Definition, slot: readonly string[]): { edges: Edge[]; from: string; to: string } {
  const edges = slot.map((id) => definition.edges.find((e) => e.id === id));
  if (edges.length === 0 || edges.some((e) => e === undefined)) throw new Error(`unknown slot ${slot.join(',')}`);
  const list = edges as Edge[];
  const to = list[0]!.to;
  if (list.some((e) => e.to !== to)) throw new Error('the edges of a slot lead to one node');
  return { edges: list, from: list[0]!.from, to };
}

/**
 * Inserts a step (or a split with its merge) where the edges of `slot` lead: they are redirected
 * into the new part, which leads on to their old target. The edges keep their ids, names and
 * conditions, so a condition branch stays the same branch. Returns the new definition and the id
 * of the inserted node (the split's gateway for a split). Pure.
 */
export function insertAt<D extends Definition>(
  definition: D,
  slot: readonly string[],
  kind: InsertableStep,
): { definition: D; nodeId: string } {
  const { from, to } = slotTarget(definition, slot);
  const newId = idMaker(definition);
  const nodes: ProcessNode[] = [];
  const edges: Edge[] = [];
  let entry: string;
  let exit: string;
  if (kind === 'approval' || kind === 'automatic') {
    entry = exit = newId(kind === 'approval' ? 'approval' : 'auto');
    const node = kind === 'approval' ? approvalNode(entry) : automaticNode(entry);
    nodes.push(place(node, between(definition, from, to, 0.5)));
  } else {
    const parallel = kind === 'parallel';
    entry = newId(parallel ? 'fork' : 'branch');
    exit = newId(parallel ? 'join' : 'merge');
    const type = parallel ? 'parallelGateway' : 'exclusiveGateway';
    nodes.push(
      place({ id: entry, type, name: names(parallel ? 'fork' : 'split') }, between(definition, from, to, 0.25)),
    );
    const first = approvalNode(newId('approval'));
    nodes.push(place(first, between(definition, from, to, 0.5, -90)));
    nodes.push(
      place({ id: exit, type, name: names(parallel ? 'join' : 'merge') }, between(definition, from, to, 0.75)),
    );
    edges.push({ id: newId('e'), from: entry, to: first.id, ...(parallel ? {} : { condition: placeholderCondition }) });
    edges.push({ id: newId('e'), from: first.id, to: exit });
    if (parallel) {
      const second = approvalNode(newId('approval'));
      nodes.push(place(second, between(definition, from, to, 0.5, 90)));
      edges.push({ id: newId('e'), from: entry, to: second.id }, { id: newId('e'), from: second.id, to: exit });
    } else {
      edges.push({ id: newId('e'), from: entry, to: exit, default: true });
    }
  }
  edges.push({ id: newId('e'), from: exit, to });
  // A slot where several branches of a condition meet without a merge gateway: a parallel split
  // placed there would wait for all of them (a join that never fires), so they meet first.
  let target = entry;
  if (kind === 'parallel' && slot.length > 1) {
    target = newId('merge');
    nodes.push(
      place({ id: target, type: 'exclusiveGateway', name: names('merge') }, between(definition, from, to, 0.1)),
    );
    edges.push({ id: newId('e'), from: target, to: entry });
  }
  const redirected = new Set(slot);
  return {
    definition: {
      ...definition,
      nodes: [...definition.nodes, ...nodes],
      edges: [...definition.edges.map((e) => (redirected.has(e.id) ? { ...e, to: target } : e)), ...edges],
    },
    nodeId: entry,
  };
}

/** Where a split's branches come together: its merge, else the node they all lead to, else none (they all end). */
function meetingPoint(definition: Definition, block: SplitBlock): string | undefined {
  if (block.joinId !== undefined) return block.joinId;
  for (const branch of block.branches) {
    const last = branch.sequence.slots[branch.sequence.slots.length - 1]!;
    const edge = definition.edges.find((e) => e.id === last[0]);
    if (edge) return edge.to;
  }
  return undefined;
}

/**
 * Adds a branch with one new approval step to a split. A condition branch gets the placeholder
 * condition and the lowest priority before the default (its edge goes after the split's last
 * conditional edge). Where the branches all end, the new one gets its own end. Pure.
 */
export function addBranch<D extends Definition>(definition: D, block: SplitBlock): { definition: D; nodeId: string } {
  const newId = idMaker(definition);
  const gateway = block.gatewayId;
  const parallel = block.kind === 'parallel';
  const step = approvalNode(newId('approval'));
  const nodes: ProcessNode[] = [];
  let target = meetingPoint(definition, block);
  const gatewayLayout = layoutOf(definition, gateway);
  const lowest = Math.max(
    gatewayLayout?.y ?? 0,
    ...block.branches
      .flatMap((b) => blockTreeNodeIds({ root: b.sequence, unplaced: [] }))
      .map((id) => layoutOf(definition, id)?.y ?? -Infinity),
  );
  const stepLayout = gatewayLayout ? { x: gatewayLayout.x + 180, y: lowest + 140 } : undefined;
  nodes.push(place(step, stepLayout));
  if (target === undefined) {
    target = newId('end');
    nodes.push(
      place({ id: target, type: 'end', name: names('end') }, stepLayout && { ...stepLayout, x: stepLayout.x + 180 }),
    );
  }
  const branchEdge: Edge = {
    id: newId('e'),
    from: gateway,
    to: step.id,
    ...(parallel ? {} : { condition: placeholderCondition }),
  };
  const onward: Edge = { id: newId('e'), from: step.id, to: target };
  const edges = [...definition.edges];
  const outgoing = edges.map((e, i) => [e, i] as const).filter(([e]) => e.from === gateway);
  const conditional = outgoing.filter(([e]) => !e.default);
  const after =
    conditional.length > 0 ? conditional[conditional.length - 1]![1] : (outgoing[0]?.[1] ?? edges.length - 1);
  edges.splice(after + 1, 0, branchEdge);
  edges.push(onward);
  return { definition: { ...definition, nodes: [...definition.nodes, ...nodes], edges }, nodeId: step.id };
}

/**
 * Moves a condition branch one place up (`-1`, checked earlier) or down (`+1`) among its
 * gateway's conditional edges by swapping two edges in the edge list; the default stays last.
 * Returns the definition unchanged at either end. Pure.
 */
export function moveBranch<D extends Definition>(definition: D, gatewayId: string, edgeId: string, delta: -1 | 1): D {
  const positions = definition.edges
    .map((e, i) => [e, i] as const)
    .filter(([e]) => e.from === gatewayId && !e.default && !e.escalation)
    .map(([, i]) => i);
  const at = positions.findIndex((i) => definition.edges[i]!.id === edgeId);
  const other = positions[at + delta];
  if (at < 0 || other === undefined) return definition;
  const edges = [...definition.edges];
  const here = positions[at]!;
  [edges[here], edges[other]] = [edges[other]!, edges[here]!];
  return { ...definition, edges };
}

/** Whether {@link deleteStep} can remove the node: a task or wait with one way on. */
export function canDeleteStep(definition: Definition, nodeId: string): boolean {
  const node = definition.nodes.find((n) => n.id === nodeId);
  if (!node || node.type === 'start' || node.type === 'end') return false;
  if (node.type === 'exclusiveGateway' || node.type === 'parallelGateway') return false;
  return definition.edges.filter((e) => e.from === nodeId && !e.escalation).length === 1;
}

/**
 * Deletes a step: the edges into it lead to its successor instead (keeping their ids and
 * conditions), its outgoing edges go. Returns the definition unchanged when
 * {@link canDeleteStep} says no. Pure.
 */
export function deleteStep<D extends Definition>(definition: D, nodeId: string): D {
  if (!canDeleteStep(definition, nodeId)) return definition;
  const out = definition.edges.find((e) => e.from === nodeId && !e.escalation)!;
  return {
    ...definition,
    nodes: definition.nodes.filter((n) => n.id !== nodeId),
    edges: definition.edges.filter((e) => e.from !== nodeId).map((e) => (e.to === nodeId ? { ...e, to: out.to } : e)),
  };
}

/** Whether {@link deleteBranch} can remove the branch: the split keeps one, and the process keeps an end. */
export function canDeleteBranch(definition: Definition, block: SplitBlock, edgeId: string): boolean {
  const branch = block.branches.find((b) => b.edgeId === edgeId);
  if (!branch || block.branches.length < 2) return false;
  const doomed = new Set(blockTreeNodeIds({ root: branch.sequence, unplaced: [] }));
  return definition.nodes.some((n) => n.type === 'end' && !doomed.has(n.id));
}

/**
 * Deletes a branch with everything on it. A split left with one branch is dissolved: its gateway
 * and merge go and the remaining branch joins the sequence. Pure; unchanged when
 * {@link canDeleteBranch} says no.
 */
export function deleteBranch<D extends Definition>(definition: D, block: SplitBlock, edgeId: string): D {
  if (!canDeleteBranch(definition, block, edgeId)) return definition;
  const branch = block.branches.find((b) => b.edgeId === edgeId)!;
  const doomed = new Set(blockTreeNodeIds({ root: branch.sequence, unplaced: [] }));
  let nodes = definition.nodes.filter((n) => !doomed.has(n.id));
  let edges = definition.edges.filter((e) => e.id !== edgeId && !doomed.has(e.from) && !doomed.has(e.to));
  const rest = block.branches.filter((b) => b !== branch);
  if (rest.length === 1) {
    // Dissolve the split: into the gateway means into the remaining branch, into the merge means past it.
    const keep = edges.find((e) => e.id === rest[0]!.edgeId)!;
    edges = edges.filter((e) => e !== keep).map((e) => (e.to === block.gatewayId ? { ...e, to: keep.to } : e));
    nodes = nodes.filter((n) => n.id !== block.gatewayId);
    const join = block.joinId;
    if (join !== undefined) {
      const out = edges.find((e) => e.from === join)!;
      edges = edges.filter((e) => e !== out).map((e) => (e.to === join ? { ...e, to: out.to } : e));
      // An edge that now runs from the split's predecessor straight on keeps its own attributes.
      nodes = nodes.filter((n) => n.id !== join);
    }
  }
  return { ...definition, nodes, edges };
}
