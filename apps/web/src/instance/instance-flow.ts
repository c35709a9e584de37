/**
 * An instance drawn on its definition: the path taken, the active steps, the waiting tokens and
 * the steps one may pick (e.g. to return to), as classes and data on the React Flow nodes and
 * edges of {@link definitionToFlow}; and the path itself, read from the instance's history. Pure.
 *
 * @module
 */
import type { Edge as DefinitionEdge, ProcessDefinition, ProcessNode } from '@baton/definition';
import type { HistoryEntry } from '@baton/client';
import type { Language } from '../i18n/index.ts';
import { definitionToFlow, type LinkEdge, type StepData, type StepNode } from '../designer/definition-to-flow.ts';

/** What a token waits for, shown as a marker on its node. */
export const waitingKinds = ['timer', 'event', 'incident', 'task'] as const;
/** @see waitingKinds */
export type WaitingKind = (typeof waitingKinds)[number];

/** The state of one node in an instance. */
export type NodeState = 'done' | 'active' | 'idle';

/** What an instance node shows on top of the designer's {@link StepData}. */
export interface InstanceStepData extends StepData {
  state: NodeState;
  /** A token resting here waits for this. */
  waiting?: WaitingKind;
  /** One may pick this node (e.g. as the step to return to). */
  pickable?: boolean;
  /** The picked node. */
  picked?: boolean;
}

/** A node of the instance diagram. */
export type InstanceNode = Omit<StepNode, 'data'> & { data: InstanceStepData };

/** The instance's state the diagram shows. */
export interface InstanceFlowState {
  /** Nodes the instance has passed (completed). */
  completedNodes?: readonly string[];
  /** Edges the instance has taken. */
  takenEdges?: readonly string[];
  /** Nodes where tokens rest now (the current steps). */
  activeNodes?: readonly string[];
  /** What the tokens resting on nodes wait for, by node id. */
  waiting?: Readonly<Record<string, WaitingKind>>;
  /** Nodes one may pick. */
  pickable?: readonly string[];
  /** The node picked. */
  picked?: string | null;
}

/**
 * The definition's top level as read-only React Flow nodes and edges with the instance's state:
 * node classes `is-done`, `is-active`, `is-pickable`, `is-picked`; edge class `is-taken`. Pure.
 */
export function instanceFlow(
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>,
  state: InstanceFlowState,
  locale: Language,
): { nodes: InstanceNode[]; edges: LinkEdge[] } {
  const flow = definitionToFlow(definition, { locale });
  const done = new Set(state.completedNodes ?? []);
  const active = new Set(state.activeNodes ?? []);
  const pickable = new Set(state.pickable ?? []);
  const taken = new Set(state.takenEdges ?? []);
  const nodes = flow.nodes.map((node): InstanceNode => {
    const nodeState: NodeState = active.has(node.id) ? 'active' : done.has(node.id) ? 'done' : 'idle';
    const data: InstanceStepData = { ...node.data, state: nodeState };
    const waiting = state.waiting?.[node.id];
    if (waiting !== undefined) data.waiting = waiting;
    const classes = [`is-${nodeState}`];
    if (pickable.has(node.id)) {
      data.pickable = true;
      classes.push('is-pickable');
    }
    if (state.picked === node.id) {
      data.picked = true;
      classes.push('is-picked');
    }
    return { ...node, data, className: classes.join(' '), draggable: false, connectable: false, deletable: false };
  });
  const edges = flow.edges.map((edge): LinkEdge => ({
    ...edge,
    className: taken.has(edge.id) ? 'is-taken' : 'is-idle',
    focusable: false,
    deletable: false,
    reconnectable: false,
  }));
  return { nodes, edges };
}

const visitTypes = new Set([
  'node.entered',
  'node.left',
  'gateway.decided',
  'task.created',
  'task.completed',
  'task.autoApproved',
  'timer.fired',
  'event.received',
  'service.called',
  'service.completed',
]);

/**
 * The path an instance has taken, from its history: the nodes it visited (the start node, every
 * node a history entry names, the active nodes) and the edges it took (`via` of `node.entered`,
 * `edge` of `gateway.decided`, and any edge between two visited nodes that leaves a node which
 * is not active — pass-through nodes such as gateways leave no entry of their own). Completed
 * nodes are the visited ones that are not active. Pure.
 */
export function instancePath(
  definition: { nodes: readonly Pick<ProcessNode, 'id' | 'type'>[]; edges: readonly DefinitionEdge[] },
  history: readonly Pick<HistoryEntry, 'type' | 'nodeId' | 'data'>[],
  activeNodes: readonly string[],
): { completedNodes: string[]; takenEdges: string[] } {
  const known = new Set(definition.nodes.map((n) => n.id));
  const active = new Set(activeNodes);
  const visited = new Set<string>();
  const taken = new Set<string>();
  if (history.length > 0) for (const n of definition.nodes) if (n.type === 'start') visited.add(n.id);
  for (const entry of history) {
    if (entry.nodeId !== null && known.has(entry.nodeId) && visitTypes.has(entry.type)) visited.add(entry.nodeId);
    const via =
      entry.type === 'node.entered' ? entry.data.via : entry.type === 'gateway.decided' ? entry.data.edge : undefined;
    if (typeof via === 'string') taken.add(via);
  }
  for (const id of active) if (known.has(id)) visited.add(id);
  const edgeById = new Map(definition.edges.map((e) => [e.id, e]));
  for (const id of taken) {
    const e = edgeById.get(id);
    if (e) {
      visited.add(e.from);
      visited.add(e.to);
    }
  }
  // A gateway that decided took only the edge it names; other edges count when both ends were visited.
  const decided = new Set(
    history.filter((h) => h.type === 'gateway.decided' && h.nodeId !== null).map((h) => h.nodeId as string),
  );
  for (const e of definition.edges)
    if (visited.has(e.from) && visited.has(e.to) && !active.has(e.from) && !decided.has(e.from)) taken.add(e.id);
  return {
    completedNodes: definition.nodes.map((n) => n.id).filter((id) => visited.has(id) && !active.has(id)),
    takenEdges: definition.edges.map((e) => e.id).filter((id) => taken.has(id)),
  };
}
