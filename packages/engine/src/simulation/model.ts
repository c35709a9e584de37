/**
 * The simulated graph of a definition, and the analyst's what-if edits on a fitted model.
 * Pure: no I/O, no clock.
 *
 * @module
 */
import { parseDuration } from '@baton/definition';
import type { DurationModel, SimEdge, SimNode, SimulationModel } from './simulate.ts';

/** Working hours a working day counts for when a deadline is written in days (P1D). */
export const hoursPerWorkingDay = 8;
/** How long an escalated task takes after its deadline unless the edit says otherwise. */
export const defaultEscalationHours = 4;

/** The parts of a definition the simulation reads. */
export interface DefinitionGraph {
  nodes: ReadonlyArray<{ id: string; type: string; owner?: unknown; deadline?: { duration: string; time?: string } }>;
  edges: ReadonlyArray<{ id?: string; from: string; to: string }>;
}

/** A node of the definition as the simulation sees it, with its capacity pool and deadline. */
export interface GraphNode {
  id: string;
  kind: SimNode['kind'];
  /** The owner's role (the first `role` in its rule, fallbacks included), else `step:<id>`. */
  role: string | null;
  deadlineHours: number | null;
}

/** The first `role` named in an owner rule (fallbacks and per-field maps included). */
function roleOf(owner: unknown): string | null {
  if (owner === null || typeof owner !== 'object') return null;
  const o = owner as Record<string, unknown>;
  if (typeof o.role === 'string') return o.role;
  for (const value of Object.values(o)) {
    const found = roleOf(value);
    if (found) return found;
  }
  return null;
}

/** The deadline in working hours (`P1D` working = {@link hoursPerWorkingDay}; a clock deadline: 24 h a day). */
export function deadlineHoursOf(deadline: { duration: string; time?: string } | undefined): number | null {
  if (!deadline) return null;
  const parsed = parseDuration(deadline.duration);
  if (!parsed.ok) return null;
  const d = parsed.duration;
  const perDay = deadline.time === 'clock' ? 24 : hoursPerWorkingDay;
  return (
    (d.weeks * (deadline.time === 'clock' ? 7 : 5) + d.days) * perDay + d.hours + d.minutes / 60 + d.seconds / 3600
  );
}

/** The definition's nodes as the simulation sees them: user tasks take time, ends end, the rest pass. */
export function graphOf(definition: DefinitionGraph): GraphNode[] {
  return definition.nodes.map((n) => {
    const kind: SimNode['kind'] = n.type === 'userTask' ? 'task' : n.type === 'end' ? 'end' : 'pass';
    return {
      id: n.id,
      kind,
      role: kind === 'task' ? (roleOf(n.owner) ?? `step:${n.id}`) : null,
      deadlineHours: kind === 'task' ? deadlineHoursOf(n.deadline) : null,
    };
  });
}

/**
 * The ways from node `from` to a task or end node `to` through pass nodes only, each as the list
 * of edges taken (loops through pass nodes are not followed twice).
 */
export function pathsBetween(definition: DefinitionGraph, graph: readonly GraphNode[], from: string, to: string) {
  const kinds = new Map(graph.map((n) => [n.id, n.kind]));
  const found: Array<Array<{ from: string; to: string }>> = [];
  const walk = (at: string, path: Array<{ from: string; to: string }>, seen: Set<string>) => {
    for (const e of definition.edges) {
      if (e.from !== at) continue;
      const step = [...path, { from: e.from, to: e.to }];
      if (e.to === to) found.push(step);
      else if (kinds.get(e.to) === 'pass' && !seen.has(e.to)) walk(e.to, step, new Set([...seen, e.to]));
    }
  };
  walk(from, [], new Set([from]));
  return found;
}

/** A what-if edit on a fitted model. */
export type WhatIfEdit =
  | { type: 'deadline'; step: string; hours: number | null; escalationHours?: number }
  | { type: 'duration'; step: string; medianHours: number; sigma?: number }
  | { type: 'holders'; role: string; add: number }
  | { type: 'remove'; step: string }
  | { type: 'arrivals'; perWorkingHour: number };

/** The edits a model refuses: the step or role it names does not exist. */
export interface WhatIfProblem {
  index: number;
  field: 'step' | 'role';
  value: string;
}

/** Names in edits that the model does not have (each a 422 for the caller). */
export function checkEdits(model: SimulationModel, edits: readonly WhatIfEdit[]): WhatIfProblem[] {
  const tasks = new Set(model.nodes.filter((n) => n.kind === 'task').map((n) => n.id));
  const problems: WhatIfProblem[] = [];
  edits.forEach((e, index) => {
    if ('step' in e && !tasks.has(e.step)) problems.push({ index, field: 'step', value: e.step });
    if (e.type === 'holders' && !(e.role in model.roles)) problems.push({ index, field: 'role', value: e.role });
  });
  return problems;
}

/** The median of a duration model, in hours. */
function medianOf(d: DurationModel | undefined): number {
  if (!d) return 0;
  if (d.kind === 'fixed') return d.hours;
  if (d.kind === 'lognormal') return d.medianHours;
  const h = d.hours;
  if (h.length === 0) return 0;
  const mid = (h.length - 1) / 2;
  return (h[Math.floor(mid)]! + h[Math.ceil(mid)]!) / 2;
}

/**
 * Applies what-if edits: a deadline (a longer task escalates and ends `escalationHours` after
 * it), a step's median duration (the fitted shape scaled to it; a lognormal with `sigma`, default
 * 0.8, for a step without history), holders added to a role, a step removed (cases pass through
 * it), an arrival rate. Returns a new model.
 */
export function applyEdits(model: SimulationModel, edits: readonly WhatIfEdit[]): SimulationModel {
  let nodes: SimNode[] = model.nodes.map((n) => ({ ...n }));
  const roles = Object.fromEntries(Object.entries(model.roles).map(([k, v]) => [k, { ...v }]));
  let arrivals = model.arrivalsPerWorkingHour;
  for (const edit of edits) {
    if (edit.type === 'holders') {
      const role = roles[edit.role];
      if (role) role.holders = Math.max(0, role.holders + edit.add);
      continue;
    }
    if (edit.type === 'arrivals') {
      arrivals = edit.perWorkingHour;
      continue;
    }
    nodes = nodes.map((n) => {
      if (n.id !== edit.step) return n;
      switch (edit.type) {
        case 'remove':
          return { id: n.id, kind: 'pass' };
        case 'deadline':
          return {
            ...n,
            deadlineHours: edit.hours,
            escalationHours: edit.escalationHours ?? n.escalationHours ?? defaultEscalationHours,
          };
        case 'duration': {
          const d = n.duration;
          const median = medianOf(d);
          if (d?.kind === 'empirical' && d.hours.length > 0 && median > 0 && edit.sigma === undefined) {
            const f = edit.medianHours / median;
            return { ...n, duration: { kind: 'empirical', hours: d.hours.map((h) => h * f) } };
          }
          return { ...n, duration: { kind: 'lognormal', medianHours: edit.medianHours, sigma: edit.sigma ?? 0.8 } };
        }
      }
    });
  }
  return { ...model, nodes, roles, arrivalsPerWorkingHour: arrivals };
}

/** Normalised edges: the weights of each node's outgoing edges sum to 1 (equal when all are 0). */
export function normaliseEdges(edges: readonly SimEdge[]): SimEdge[] {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const e of edges) {
    const t = totals.get(e.from) ?? { sum: 0, count: 0 };
    t.sum += e.weight;
    t.count++;
    totals.set(e.from, t);
  }
  return edges.map((e) => {
    const t = totals.get(e.from)!;
    return { ...e, weight: t.sum > 0 ? e.weight / t.sum : 1 / t.count };
  });
}
