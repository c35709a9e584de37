import {
  builtinCalendars,
  compileExpression,
  type CompiledExpression,
  createCalendar,
  parseDuration,
  validateDefinition,
  type BusinessCalendar,
  type CalendarSpec,
  type Duration,
  type Edge,
  type Owner,
  type ProcessDefinition,
  type ProcessNode,
} from '@baton/definition';
import { EngineFault } from './errors.ts';

/** A node with its edges resolved, ready for the run loop. */
export interface CompiledNode {
  node: ProcessNode;
  /** Normal outgoing edges, in definition order (the order exclusive gateways test them in). */
  outgoing: Edge[];
  /** Escalation edges leaving the node, by id. */
  escalationEdges: Map<string, Edge>;
  /** Incoming edge ids: a parallel gateway with more than one is a join. */
  incoming: string[];
  /** For a sub-process: the id of its inner start node. */
  innerStart?: string;
  /** Calendar id deadlines and timers of this node count in. */
  calendar: string;
  /** Whether a token rests here (tasks, waits, sub-processes) or ends here, as opposed to passing through. */
  waits: boolean;
}

/** A definition prepared for execution: validated once, graph indexed, durations parsed. */
export interface CompiledProcess {
  definition: ProcessDefinition;
  nodes: Map<string, CompiledNode>;
  start: string;
  calendars: Map<string, BusinessCalendar>;
  /** Parsed durations by source text. */
  durations: Map<string, Duration>;
  /** FEEL expressions prepared once, by source text. */
  expression(source: string): CompiledExpression;
  /**
   * Every `fromField` owner (task owners, byField branches, fallbacks, escalation targets) with
   * the node it belongs to and whether a fallback above or at it catches a name that is no user.
   */
  ownerFields: readonly OwnerField[];
}

/** A data field that names a user through a `fromField` owner. */
export interface OwnerField {
  /** The dotted data path (`assignedRep`, `deal.owner`). */
  field: string;
  /** The node whose owner (or escalation target) reads it. */
  node: string;
  /** Whether a `fallback` (of this owner or one above it) applies when the field names no user. */
  covered: boolean;
}

/** Options of {@link compileProcess}. */
export interface CompileOptions {
  /** Extra business calendars (company or team calendars) besides the shipped ones. */
  calendars?: readonly CalendarSpec[];
}

/**
 * Prepares a definition for {@link step}: validates it (throws {@link EngineFault}
 * `ENG_INVALID_DEFINITION` with the issues when it has errors), indexes the graph and builds the
 * calendars. Compile once per published version and reuse the result for every instance.
 */
export function compileProcess(definition: unknown, options: CompileOptions = {}): CompiledProcess {
  const extra = options.calendars ?? [];
  const result = validateDefinition(definition, { calendars: extra.map((c) => c.id) });
  if (!result.ok) {
    const errors = result.issues.filter((i) => i.severity === 'error');
    const shown = errors
      .slice(0, 3)
      .map((i) => `${i.code} at ${i.path || '(root)'}: ${i.message}`)
      .join('; ');
    throw new EngineFault(
      'ENG_INVALID_DEFINITION',
      `The definition has ${errors.length} error(s); fix them first. ${shown}`,
      result.issues,
    );
  }
  const def = result.definition;
  const calendars = new Map<string, BusinessCalendar>();
  for (const spec of [...Object.values(builtinCalendars), ...extra]) calendars.set(spec.id, createCalendar(spec));
  const nodes = new Map<string, CompiledNode>();
  const durations = new Map<string, Duration>();
  const index = (scope: { nodes: ProcessNode[]; edges: Edge[] }, calendar: string): string => {
    for (const node of scope.nodes) {
      const nodeCalendar = node.calendar ?? calendar;
      const waits = !(
        node.type === 'start' ||
        node.type === 'exclusiveGateway' ||
        node.type === 'parallelGateway' ||
        (node.type === 'automaticTask' && node.action.kind === 'compute')
      );
      nodes.set(node.id, {
        node,
        outgoing: [],
        escalationEdges: new Map(),
        incoming: [],
        calendar: nodeCalendar,
        waits,
      });
      if (node.type === 'subProcess') nodes.get(node.id)!.innerStart = index(node, nodeCalendar);
      for (const text of durationTexts(node)) {
        const parsed = parseDuration(text);
        if (parsed.ok) durations.set(text, parsed.duration);
      }
    }
    for (const edge of scope.edges) {
      const from = nodes.get(edge.from)!;
      if (edge.escalation) from.escalationEdges.set(edge.id, edge);
      else from.outgoing.push(edge);
      nodes.get(edge.to)!.incoming.push(edge.id);
    }
    return scope.nodes.find((n) => n.type === 'start')!.id;
  };
  const start = index(def, def.calendar ?? 'standard');
  const expressions = new Map<string, CompiledExpression>();
  const expression = (source: string): CompiledExpression => {
    let compiled = expressions.get(source);
    if (!compiled) {
      compiled = compileExpression(source);
      expressions.set(source, compiled);
    }
    return compiled;
  };
  const ownerFields: OwnerField[] = [];
  const visitOwner = (owner: Owner | undefined, node: string, covered: boolean, depth: number): void => {
    if (!owner || depth > 16) return;
    const safe = covered || owner.fallback !== undefined;
    if (owner.type === 'fromField') ownerFields.push({ field: owner.field, node, covered: safe });
    visitOwner(owner.fallback, node, covered, depth + 1);
    if (owner.type === 'byField') {
      for (const next of Object.values(owner.map)) visitOwner(next, node, safe, depth + 1);
      visitOwner(owner.default, node, safe, depth + 1);
    }
  };
  for (const { node } of nodes.values()) {
    visitOwner(node.owner, node.id, false, 0);
    for (const rung of node.deadline?.escalations ?? []) {
      if (rung.action.type === 'notify' || rung.action.type === 'reassign')
        visitOwner(rung.action.to, node.id, false, 0);
    }
  }
  return { definition: def, nodes, start, calendars, durations, expression, ownerFields };
}

function durationTexts(node: ProcessNode): string[] {
  const out: string[] = [];
  if (node.deadline) {
    out.push(node.deadline.duration);
    for (const r of node.deadline.escalations ?? []) if (r.after) out.push(r.after);
  }
  if (node.type === 'timer' && 'duration' in node.timer) out.push(node.timer.duration);
  if (node.type === 'automaticTask' && node.retry?.backoff) out.push(node.retry.backoff);
  return out;
}
