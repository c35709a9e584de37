/**
 * Lanes derived from owners: the flow as a cross-functional chart (跨职能流程图), one lane per
 * role, team or user doing the work, the way process owners draw the current state in Visio.
 * Pure: computed from the definition every time, never saved; nodes keep their horizontal place
 * and get a vertical one inside their lane.
 *
 * @module
 */
import type { Owner, ProcessDefinition, ProcessNode } from '@baton/definition';

/** What a lane stands for. `unassigned` holds automatic work and anything without an owner. */
export type LaneKind = 'role' | 'team' | 'user' | 'initiator' | 'manager' | 'byData' | 'unassigned';

/** One lane of the chart. */
export interface Lane {
  /** Stable key, e.g. `role:legal`. */
  key: string;
  kind: LaneKind;
  /** The role, team or user id, or the data field that picks the owner. */
  name?: string;
  /** Top edge and height of the band, in canvas pixels. */
  y: number;
  height: number;
  /** The lane's nodes, in definition order. */
  nodeIds: string[];
}

/** The lanes and every node's position (its centre) in the chart. */
export interface LaneChart {
  lanes: Lane[];
  positions: Map<string, { x: number; y: number }>;
}

/** Height of one row of nodes inside a lane. */
export const laneRowHeight = 110;
/** Space above the first and below the last row of a lane. */
export const lanePadding = 20;
/** Nodes of one lane closer than this horizontally go on separate rows. */
export const laneMinGap = 170;

/** A lane's key, kind and name. */
export type LaneInfo = Pick<Lane, 'key' | 'kind' | 'name'>;

const laneOf = (kind: LaneKind, name?: string): LaneInfo =>
  name === undefined ? { key: kind, kind } : { key: `${kind}:${name}`, kind, name };

/**
 * The lane of an owner: its role, team or user. A pick made at run time (the initiator, their
 * manager, a user named in a field) goes to the lane of its fallback when it names one, since
 * that is who does the work when the pick fails; a pick by a field's value goes to the lane of
 * its default, else to the one lane all its entries share, else to a lane of its own. Pure.
 */
export function ownerLane(owner: Owner): LaneInfo {
  switch (owner.type) {
    case 'role':
      return laneOf('role', owner.role);
    case 'team':
      return laneOf('team', owner.team);
    case 'user':
      return laneOf('user', owner.user);
    case 'roundRobin':
    case 'leastLoaded':
      return owner.team === undefined ? laneOf('role', owner.role) : laneOf('team', owner.team);
    case 'initiator':
      return owner.fallback ? ownerLane(owner.fallback) : laneOf('initiator');
    case 'managerOf':
      return owner.fallback ? ownerLane(owner.fallback) : laneOf('manager');
    case 'fromField':
      return owner.fallback ? ownerLane(owner.fallback) : laneOf('byData', owner.field);
    case 'byField': {
      if (owner.default) return ownerLane(owner.default);
      const keys = Object.values(owner.map).map(ownerLane);
      if (keys.length > 0 && keys.every((k) => k.key === keys[0]!.key)) return keys[0]!;
      return owner.fallback ? ownerLane(owner.fallback) : laneOf('byData', owner.field);
    }
  }
}

/**
 * The lane of a several-signer step without an owner (会签 / 或签; the draft's `signers`, read
 * defensively): the lane of its first signer source.
 */
export function signersLane(node: ProcessNode): LaneInfo | undefined {
  const signers = (node as unknown as { signers?: { from?: unknown } }).signers;
  const first: unknown = Array.isArray(signers?.from) ? (signers.from as unknown[])[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const source = first as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (source.type) {
    case 'role':
      return text(source.team) !== undefined ? laneOf('team', text(source.team)) : laneOf('role', text(source.role));
    case 'team':
      return laneOf('team', text(source.team));
    case 'users':
      return Array.isArray(source.users) && typeof source.users[0] === 'string'
        ? laneOf('user', source.users[0])
        : undefined;
    case 'managers':
      return laneOf('manager');
    case 'initiator':
      return laneOf('initiator');
    case 'field':
      return laneOf('byData', text(source.field));
    default:
      return undefined;
  }
}

const inherits = (node: ProcessNode) =>
  node.owner === undefined &&
  signersLane(node) === undefined &&
  (node.type === 'exclusiveGateway' || node.type === 'parallelGateway' || node.type === 'start' || node.type === 'end');

/**
 * Each node's lane key: from its owner; a gateway or an end without one stands in the lane of the
 * step before it (the one that decides or finishes), a start and a merge in the lane of the step
 * after it;
 * other nodes without an owner (automatic work, waits) are `unassigned`. Pure.
 */
export function nodeLanes(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>): {
  /** Each node's lane key. */
  byNode: Map<string, string>;
  /** What each lane key stands for. */
  info: Map<string, LaneInfo>;
} {
  const info = new Map<string, LaneInfo>();
  const result = new Map<string, string>();
  for (const node of definition.nodes) {
    if (inherits(node)) continue;
    const lane = node.owner ? ownerLane(node.owner) : (signersLane(node) ?? laneOf('unassigned'));
    info.set(lane.key, lane);
    result.set(node.id, lane.key);
  }
  // Inherit along edges until nothing changes (chains of gateways included).
  for (let changed = true; changed;) {
    changed = false;
    for (const node of definition.nodes) {
      if (result.has(node.id) || !inherits(node)) continue;
      const ins = definition.edges.filter((e) => e.to === node.id);
      const outs = definition.edges.filter((e) => e.from === node.id);
      const forward = node.type === 'start' || (ins.length > 1 && outs.length <= 1);
      const neighbour = forward ? outs.find((e) => result.has(e.to))?.to : ins.find((e) => result.has(e.from))?.from;
      if (neighbour !== undefined) {
        result.set(node.id, result.get(neighbour)!);
        changed = true;
      }
    }
  }
  for (const node of definition.nodes)
    if (!result.has(node.id)) {
      const lane = laneOf('unassigned');
      info.set(lane.key, lane);
      result.set(node.id, lane.key);
    }
  return { byNode: result, info };
}

/** The order nodes are first met walking the flow from the start (breadth first), then the rest. */
function flowOrder(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>): string[] {
  const start = definition.nodes.find((n) => n.type === 'start');
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = start ? [start.id] : [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const e of definition.edges) if (e.from === id && !seen.has(e.to)) queue.push(e.to);
  }
  for (const n of definition.nodes) if (!seen.has(n.id)) order.push(n.id);
  return order;
}

/**
 * The cross-functional chart of `definition`: lanes top to bottom in the order the flow first
 * reaches them, each node at its own `x` (from `xOf`, e.g. its saved layout) and on a row of its
 * lane; nodes of one lane that would overlap (closer than {@link laneMinGap}) take further rows.
 * Pure.
 */
export function laneChart(
  definition: Pick<ProcessDefinition, 'nodes' | 'edges'>,
  xOf: (id: string) => number,
): LaneChart {
  const { byNode, info: laneInfo } = nodeLanes(definition);
  const order = flowOrder(definition);
  const laneKeys: string[] = [];
  for (const id of order) {
    const key = byNode.get(id)!;
    if (!laneKeys.includes(key)) laneKeys.push(key);
  }
  const positions = new Map<string, { x: number; y: number }>();
  const lanes: Lane[] = [];
  let top = 0;
  for (const key of laneKeys) {
    const members = definition.nodes.filter((n) => byNode.get(n.id) === key).map((n) => n.id);
    // Rows: each node on the first row whose nodes are all far enough away horizontally.
    const rows: number[][] = [];
    const rowOf = new Map<string, number>();
    for (const id of [...members].sort((a, b) => xOf(a) - xOf(b) || order.indexOf(a) - order.indexOf(b))) {
      const x = xOf(id);
      let row = rows.findIndex((xs) => xs.every((other) => Math.abs(other - x) >= laneMinGap));
      if (row < 0) row = rows.push([]) - 1;
      rows[row]!.push(x);
      rowOf.set(id, row);
    }
    const height = Math.max(1, rows.length) * laneRowHeight + 2 * lanePadding;
    for (const id of members)
      positions.set(id, { x: xOf(id), y: top + lanePadding + (rowOf.get(id)! + 0.5) * laneRowHeight });
    const info = laneInfo.get(key)!;
    lanes.push({ ...info, y: top, height, nodeIds: members });
    top += height;
  }
  return { lanes, positions };
}
