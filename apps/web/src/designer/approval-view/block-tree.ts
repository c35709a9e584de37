/**
 * The approval view's model: the top level of a process definition as a block tree, the way
 * DingTalk-style builders draw a flow (cards top to bottom, condition branches as columns).
 * Pure: the tree is derived from the definition every time and holds only ids, so the definition
 * stays the single source of truth and switching between the graph and the approval view loses
 * nothing.
 *
 * A part of the graph that is not block-structured (a loop back, an edge across branches, an
 * escalation route) becomes one {@link OpaqueBlock} covering the smallest single-entry,
 * single-exit region around it, with the reason; the view opens it in the graph view.
 *
 * Every gap between two blocks is a {@link Sequence.slots slot}: the definition edges that lead
 * from the block above into the block below. Edits ({@link ./tree-edits.ts}) insert there.
 *
 * @module
 */
import type { Edge, ProcessDefinition, ProcessNode } from '@baton/definition';

/** Why a region is shown as one opaque block. */
export type OpaqueReason = 'loop' | 'escalation' | 'crossEdge' | 'noStart';

/** A start, a task, a wait or a sub-process: one card. */
export interface StepBlock {
  kind: 'start' | 'step' | 'end';
  nodeId: string;
}

/** One branch of a split: the edge leaving the gateway and what follows it up to the merge. */
export interface Branch {
  edgeId: string;
  /** For an exclusive split: whether this is the default branch (taken when no condition holds). */
  isDefault: boolean;
  /** For an exclusive split: the FEEL condition of the branch edge. */
  condition?: string;
  /** For an exclusive split: 1 for the first condition checked, … (edge order); undefined for the default. */
  priority?: number;
  sequence: Sequence;
}

/** An exclusive (condition) or parallel split with its branches, and the gateway that merges them. */
export interface SplitBlock {
  kind: 'exclusive' | 'parallel';
  gatewayId: string;
  /** The merging gateway this block consumes; undefined when the branches meet at a plain node or end. */
  joinId?: string;
  branches: Branch[];
}

/** A region that is not block-structured, shown as one block that opens the graph view. */
export interface OpaqueBlock {
  kind: 'opaque';
  /** The region's first node. */
  entryId: string;
  /** Every node of the region, in definition order. */
  nodeIds: string[];
  reason: OpaqueReason;
  /** The edges that make it so: loop-back edges, escalation edges or edges entering mid-region. */
  edgeIds: string[];
}

/** A block of the tree. */
export type Block = StepBlock | SplitBlock | OpaqueBlock;

/** Whether a block is a split with branches. */
export function isSplit(block: Block): block is SplitBlock {
  return block.kind === 'exclusive' || block.kind === 'parallel';
}

/** Blocks one below the other. */
export interface Sequence {
  blocks: Block[];
  /**
   * `slots[i]` are the edges that lead into `blocks[i]` (for `i = blocks.length`: the edges that
   * leave the sequence, into the merge of the enclosing split). Empty where nothing can be
   * inserted: before the start, after an end.
   */
  slots: string[][];
}

/** The approval view of a definition's top level. */
export interface BlockTree {
  root: Sequence;
  /** Nodes the tree does not reach (not connected to the start). */
  unplaced: string[];
}

class Unstructured extends Error {
  constructor(readonly reason: OpaqueReason) {
    super(reason);
  }
}

/** The virtual exit every end node (and every node without outgoing edges) leads to. */
const EXIT = '\u0000exit';

interface Graph {
  byId: Map<string, ProcessNode>;
  order: Map<string, number>;
  outs: Map<string, Edge[]>;
  ins: Map<string, Edge[]>;
  reachable: Set<string>;
  ipdom: Map<string, string>;
}

function buildGraph(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>, startId: string): Graph {
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const order = new Map(definition.nodes.map((n, i) => [n.id, i]));
  const outs = new Map<string, Edge[]>(definition.nodes.map((n) => [n.id, []]));
  const ins = new Map<string, Edge[]>(definition.nodes.map((n) => [n.id, []]));
  for (const e of definition.edges) {
    if (!byId.has(e.from) || !byId.has(e.to)) continue;
    outs.get(e.from)!.push(e);
    ins.get(e.to)!.push(e);
  }
  const reachable = new Set([startId]);
  const stack = [startId];
  while (stack.length > 0)
    for (const e of outs.get(stack.pop()!)!)
      if (!reachable.has(e.to)) {
        reachable.add(e.to);
        stack.push(e.to);
      }
  for (const [id, list] of ins) ins.set(id, reachable.has(id) ? list.filter((e) => reachable.has(e.from)) : list);
  return { byId, order, outs, ins, reachable, ipdom: postDominators(definition.nodes, outs, reachable) };
}

/**
 * Immediate post-dominators of the reachable nodes (Cooper, Harvey and Kennedy's iteration on the
 * reversed graph, rooted at a virtual exit behind every node without outgoing edges). A node from
 * which no exit can be reached has none.
 */
function postDominators(nodes: ProcessNode[], outs: Map<string, Edge[]>, reachable: Set<string>): Map<string, string> {
  const ids = nodes.map((n) => n.id).filter((id) => reachable.has(id));
  const preds = new Map<string, string[]>(ids.map((id) => [id, []])); // reversed-graph successors
  const exits: string[] = [];
  for (const id of ids) {
    const targets = outs.get(id)!.map((e) => e.to);
    if (targets.length === 0) exits.push(id);
    for (const to of targets) preds.get(to)?.push(id);
  }
  // Post-order of the reversed graph from EXIT.
  const postorder: string[] = [];
  const seen = new Set<string>([EXIT]);
  const stack: Array<{ id: string; next: string[]; i: number }> = [{ id: EXIT, next: exits, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.next.length) {
      const n = top.next[top.i++]!;
      if (!seen.has(n)) {
        seen.add(n);
        stack.push({ id: n, next: preds.get(n) ?? [], i: 0 });
      }
    } else {
      postorder.push(top.id);
      stack.pop();
    }
  }
  const index = new Map(postorder.map((id, i) => [id, i]));
  const idom = new Map<string, string>([[EXIT, EXIT]]);
  const intersect = (a: string, b: string): string => {
    let x = a;
    let y = b;
    while (x !== y) {
      while (index.get(x)! < index.get(y)!) x = idom.get(x)!;
      while (index.get(y)! < index.get(x)!) y = idom.get(y)!;
    }
    return x;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = postorder.length - 2; i >= 0; i--) {
      const id = postorder[i]!;
      const succ = outs.get(id)!.map((e) => e.to);
      const candidates = succ.length === 0 ? [EXIT] : succ.filter((s) => idom.has(s));
      if (candidates.length === 0) continue;
      let next = candidates[0]!;
      for (const c of candidates.slice(1)) next = intersect(c, next);
      if (idom.get(id) !== next) {
        idom.set(id, next);
        changed = true;
      }
    }
  }
  idom.delete(EXIT);
  return idom;
}

interface Parsed {
  block: Block;
  /** The node after the block; undefined when the sequence ends (an end, or branches that all end). */
  next?: string;
  nextEdges: Edge[];
}

class Parser {
  constructor(private readonly g: Graph) {}

  /** The blocks from `first` (entered by `entry`) up to, not including, `stop`. */
  sequence(first: string | undefined, entry: Edge[], stop: string | undefined): Sequence {
    const blocks: Block[] = [];
    const slots: string[][] = [];
    let node = first;
    let edges = entry;
    while (node !== undefined && node !== stop) {
      slots.push(edges.map((e) => e.id));
      let parsed: Parsed;
      try {
        parsed = this.block(node, edges, stop);
      } catch (error) {
        if (!(error instanceof Unstructured)) throw error;
        parsed = this.region(node, edges, stop, error.reason);
      }
      blocks.push(parsed.block);
      node = parsed.next;
      edges = parsed.nextEdges;
    }
    slots.push(node === undefined ? [] : edges.map((e) => e.id));
    return { blocks, slots };
  }

  private block(id: string, entry: Edge[], stop: string | undefined): Parsed {
    const { byId, ins, outs, ipdom } = this.g;
    const node = byId.get(id)!;
    const incoming = ins.get(id)!;
    if (incoming.length !== entry.length || incoming.some((e) => !entry.includes(e)))
      throw new Unstructured(this.reachesItself(id) ? 'loop' : 'crossEdge');
    const out = outs.get(id)!;
    if (node.type === 'end') return { block: { kind: 'end', nodeId: id }, nextEdges: [] };
    if (out.some((e) => e.escalation)) throw new Unstructured('escalation');
    const isGateway = node.type === 'exclusiveGateway' || node.type === 'parallelGateway';
    if (!isGateway || out.length < 2) {
      if (out.length !== 1) throw new Unstructured('crossEdge');
      const kind = node.type === 'start' ? 'start' : 'step';
      return { block: { kind, nodeId: id }, next: out[0]!.to, nextEdges: out };
    }
    const parallel = node.type === 'parallelGateway';
    const post = ipdom.get(id);
    const join = post === undefined || post === EXIT ? undefined : post;
    // The merge must lie inside the enclosing branch (the enclosing stop post-dominates it).
    if (stop !== undefined && join !== stop && join !== undefined && !this.postDominates(stop, join))
      throw new Unstructured('crossEdge');
    let priority = 0;
    const exits: Edge[] = [];
    const branches = out.map((e): Branch => {
      const sequence = this.sequence(e.to, [e], join);
      const last = sequence.slots[sequence.slots.length - 1]!;
      for (const edgeId of last) exits.push(this.edge(edgeId));
      const branch: Branch = { edgeId: e.id, isDefault: !parallel && e.default === true, sequence };
      if (!parallel && e.condition !== undefined) branch.condition = e.condition;
      if (!parallel && e.default !== true) branch.priority = ++priority;
      return branch;
    });
    const block: SplitBlock = { kind: parallel ? 'parallel' : 'exclusive', gatewayId: id, branches };
    if (join === undefined) {
      if (parallel) throw new Unstructured('crossEdge');
      return { block, nextEdges: [] };
    }
    const joinNode = byId.get(join)!;
    const joinIns = ins.get(join)!;
    const joinOuts = outs.get(join)!;
    const consumes =
      join !== stop &&
      joinNode.type === node.type &&
      joinOuts.length === 1 &&
      joinIns.length === exits.length &&
      joinIns.every((e) => exits.includes(e));
    if (consumes) {
      block.joinId = join;
      return { block, next: joinOuts[0]!.to, nextEdges: joinOuts };
    }
    // A parallel split must be merged by its own parallel join.
    if (parallel) throw new Unstructured('crossEdge');
    return { block, next: join, nextEdges: exits };
  }

  /** The smallest single-entry, single-exit region from `entryId`, as one opaque block. */
  private region(entryId: string, entry: Edge[], stop: string | undefined, first: OpaqueReason): Parsed {
    const { ins, outs, ipdom, order } = this.g;
    for (
      let candidate = ipdom.get(entryId);
      candidate !== undefined;
      candidate = candidate === EXIT ? undefined : ipdom.get(candidate)
    ) {
      let p = candidate;
      const inside = new Set([entryId]);
      const stack = [entryId];
      while (stack.length > 0)
        for (const e of outs.get(stack.pop()!)!)
          if (e.to !== p && !inside.has(e.to)) {
            inside.add(e.to);
            stack.push(e.to);
          }
      const closed =
        (stop === undefined || !inside.has(stop)) &&
        [...inside].every((id) =>
          ins.get(id)!.every((e) => inside.has(e.from) || (id === entryId && entry.includes(e))),
        ) &&
        [...inside].every((id) => outs.get(id)!.every((e) => inside.has(e.to) || e.to === p));
      if (closed) {
        // A merging gateway right behind the region belongs to it (it merges what the region split).
        const exitNode = p === EXIT ? undefined : this.g.byId.get(p);
        const exitOuts = p === EXIT ? [] : outs.get(p)!;
        if (
          exitNode &&
          p !== stop &&
          (exitNode.type === 'exclusiveGateway' || exitNode.type === 'parallelGateway') &&
          exitOuts.length === 1 &&
          ins.get(p)!.every((e) => inside.has(e.from))
        ) {
          inside.add(p);
          p = exitOuts[0]!.to;
        }
        const nodeIds = [...inside].sort((a, b) => order.get(a)! - order.get(b)!);
        const internal = nodeIds.flatMap((id) => outs.get(id)!);
        const back = this.backEdges(entryId, inside);
        const escalations = internal.filter((e) => e.escalation);
        const reason: OpaqueReason = back.length > 0 ? 'loop' : escalations.length > 0 ? 'escalation' : first;
        const edgeIds = (reason === 'loop' ? back : reason === 'escalation' ? escalations : []).map((e) => e.id);
        const block: OpaqueBlock = { kind: 'opaque', entryId, nodeIds, reason, edgeIds };
        if (p === EXIT) return { block, nextEdges: [] };
        return { block, next: p, nextEdges: internal.filter((e) => e.to === p) };
      }
      if (candidate === stop) break;
    }
    throw new Unstructured(first);
  }

  private edge(id: string): Edge {
    for (const list of this.g.outs.values()) for (const e of list) if (e.id === id) return e;
    throw new Error(`edge ${id} not found`);
  }

  /** Whether `a` post-dominates `b` (walks `b`'s post-dominator chain). */
  private postDominates(a: string, b: string): boolean {
    for (let p: string | undefined = b; p !== undefined && p !== EXIT; p = this.g.ipdom.get(p))
      if (p === a) return true;
    return false;
  }

  private reachesItself(id: string): boolean {
    const seen = new Set<string>();
    const stack = this.g.outs.get(id)!.map((e) => e.to);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === id) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const e of this.g.outs.get(n)!) stack.push(e.to);
    }
    return false;
  }

  /** The edges that close a cycle in a depth-first walk of the region from its entry. */
  backEdges(entryId: string, inside: Set<string>): Edge[] {
    const state = new Map<string, 'open' | 'done'>([[entryId, 'open']]);
    const found: Edge[] = [];
    const stack: Array<{ id: string; i: number }> = [{ id: entryId, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = this.g.outs.get(top.id)!;
      if (top.i >= out.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const e = out[top.i++]!;
      if (!inside.has(e.to)) continue;
      const s = state.get(e.to);
      if (s === 'open') found.push(e);
      else if (s === undefined) {
        state.set(e.to, 'open');
        stack.push({ id: e.to, i: 0 });
      }
    }
    return found;
  }
}

/**
 * The block tree of `definition`'s top level. Never throws: a definition without exactly one start
 * node is one opaque block. Pure.
 */
export function definitionToBlockTree(definition: Pick<ProcessDefinition, 'nodes' | 'edges'>): BlockTree {
  const starts = definition.nodes.filter((n) => n.type === 'start');
  if (starts.length !== 1) {
    const nodeIds = definition.nodes.map((n) => n.id);
    if (nodeIds.length === 0) return { root: { blocks: [], slots: [[]] }, unplaced: [] };
    return {
      root: {
        blocks: [{ kind: 'opaque', entryId: nodeIds[0]!, nodeIds, reason: 'noStart', edgeIds: [] }],
        slots: [[], []],
      },
      unplaced: [],
    };
  }
  const start = starts[0]!;
  const graph = buildGraph(definition, start.id);
  const root = new Parser(graph).sequence(start.id, [], undefined);
  return { root, unplaced: definition.nodes.filter((n) => !graph.reachable.has(n.id)).map((n) => n.id) };
}

/** Every node id the tree shows as its own card or inside an opaque block, in tree order. Pure. */
export function blockTreeNodeIds(tree: BlockTree): string[] {
  const ids: string[] = [];
  const walk = (sequence: Sequence) => {
    for (const block of sequence.blocks) {
      if (block.kind === 'opaque') ids.push(...block.nodeIds);
      else if (isSplit(block)) {
        ids.push(block.gatewayId);
        for (const branch of block.branches) walk(branch.sequence);
        if (block.joinId !== undefined) ids.push(block.joinId);
      } else ids.push(block.nodeId);
    }
  };
  walk(tree.root);
  return ids;
}
