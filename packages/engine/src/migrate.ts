import type { NodeType, ProcessNode } from '@baton/definition';
import type { CompiledNode, CompiledProcess } from './compile.ts';
import type { EngineErrorCode } from './errors.ts';
import type { Effect, HistoryEvent, Instant, InstanceSnapshot, TaskState, TimerState, Token } from './types.ts';

/** Source node id → target node id. Source nodes left out keep their id when the target has it. */
export type MigrationMapping = Readonly<Record<string, string>>;

/** One row of a {@link proposeMapping} answer: a source node where an instance can rest. */
export interface MappingRow {
  source: string;
  sourceType: NodeType;
  /** The proposed target node: the node with the same id when its kind fits, otherwise null (to be chosen). */
  target: string | null;
  /** Target nodes of a fitting kind the user may choose from (at the same level: root or the same sub-process). */
  candidates: string[];
}

/** Why one instance cannot move (a {@link migrateInstance} refusal names every reason). */
export interface MigrationProblem {
  code: EngineErrorCode;
  message: string;
  /** The source node at fault, when one is. */
  node?: string;
  /** The target node the mapping chose for it, when it chose one. */
  target?: string;
  /** JSON Pointer into the instance (`/data/amount`) when one value is at fault. */
  path?: string;
}

/** Everything {@link migrateInstance} needs from outside. */
export interface MigrateEnv {
  /** The transaction's instant (the database clock on the server; simulated in tests). */
  now: Instant;
  /** Who migrates (recorded in history). */
  actor?: string | null;
  /** The version numbers, recorded in the history entries. */
  fromVersion?: number;
  toVersion?: number;
  /**
   * Checks the instance data against the target's `data` schema; returns the problems with
   * paths under `/data`. The server passes its schema validator; omitted, data is not checked.
   */
  validateData?(data: Record<string, unknown>): ReadonlyArray<{ path: string; message: string }>;
}

/** The result of {@link migrateInstance}. */
export type MigrateResult =
  { ok: true; snapshot: InstanceSnapshot; effects: Effect[] } | { ok: false; problems: MigrationProblem[] };

/** Node kinds a token can rest on (or a join can count arrivals at): the nodes a mapping is about. */
const restingTypes: ReadonlySet<NodeType> = new Set([
  'userTask',
  'automaticTask',
  'timer',
  'event',
  'subProcess',
  'parallelGateway',
]);

/** How a user task decides: one task, several signers (with their policy), or one task per element. */
function taskShape(node: ProcessNode): string {
  if (node.type !== 'userTask') return node.type;
  if (node.signers) return `signers:${node.signers.policy ?? 'all'}`;
  if (node.multiInstance) return `multi:${node.multiInstance.sequential === true ? 'seq' : 'par'}`;
  return 'single';
}

/** Whether a token resting at `source` can rest at `target` (same kind; a user task of the same shape). */
function fits(source: ProcessNode, target: ProcessNode): boolean {
  if (source.type !== target.type) return false;
  if (source.type === 'automaticTask' && target.type === 'automaticTask')
    return (source.action.kind === 'compute') === (target.action.kind === 'compute');
  return taskShape(source) === taskShape(target);
}

/** The sub-process each node sits in (null at the root), by node id. */
function parentsOf(process: CompiledProcess): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const visit = (nodes: readonly ProcessNode[], parent: string | null): void => {
    for (const node of nodes) {
      out.set(node.id, parent);
      if (node.type === 'subProcess') visit(node.nodes, node.id);
    }
  };
  visit(process.definition.nodes, null);
  return out;
}

/**
 * Proposes a mapping from `source` to `target` (Camunda's "generate migration plan"): every
 * source node an instance can rest on, mapped to the target node with the same id when its kind
 * fits; the others are left for the user, with the target nodes they may choose from.
 *
 * Pure. Never throws.
 *
 * @example
 * const rows = proposeMapping(v1, v2);
 * const unmapped = rows.filter((r) => r.target === null).map((r) => r.source);
 */
export function proposeMapping(source: CompiledProcess, target: CompiledProcess): MappingRow[] {
  const sourceParents = parentsOf(source);
  const targetParents = parentsOf(target);
  const rows: MappingRow[] = [];
  for (const [id, cn] of source.nodes) {
    const node = cn.node;
    if (!restingTypes.has(node.type) || (node.type === 'automaticTask' && node.action.kind === 'compute')) continue;
    const parent = sourceParents.get(id) ?? null;
    // A node inside a sub-process may move to the sub-process its parent maps to by id.
    const targetParent = parent === null ? null : target.nodes.has(parent) ? parent : undefined;
    const candidates = [...target.nodes.values()]
      .filter(
        (t) => fits(node, t.node) && (targetParent === undefined || targetParents.get(t.node.id) === targetParent),
      )
      .map((t) => t.node.id);
    const same = target.nodes.get(id);
    rows.push({
      source: id,
      sourceType: node.type,
      target: same && candidates.includes(id) ? id : null,
      candidates,
    });
  }
  return rows;
}

/** Where a source node goes: the mapping's choice, else the same id when the target has it. */
function targetOf(mapping: MigrationMapping, target: CompiledProcess, node: string): string | undefined {
  const chosen = mapping[node];
  if (chosen !== undefined) return chosen;
  return target.nodes.has(node) ? node : undefined;
}

interface PlannedToken {
  token: Token;
  to: CompiledNode;
  timers: TimerState[];
  dueAt: Instant | null;
  /** Whether the new deadline runs past the calendar's holiday data. */
  beyondCalendar: boolean;
}

/**
 * Moves a running instance from the `source` version to the `target` version (process instance
 * migration). Every token moves to the node `mapping` names for its node (or the node with the
 * same id); open tasks, signer groups, incidents and join arrivals go with it. Deadlines,
 * escalation rungs and timers are computed afresh from the target nodes, counted from when the
 * token reached its node (so time already spent counts, and a deadline that has already passed
 * in the target falls due at once); rungs and deadlines that had already fired are not fired
 * again. The instance data is checked against the target's schema (`env.validateData`). Each
 * moved token gets a `token.migrated` history entry and the instance an `instance.migrated` one.
 *
 * Pure and deterministic; the input snapshot is never mutated. When the instance cannot move,
 * returns every reason (nothing changes): a node without a target, a target of another kind,
 * several-signer state the target cannot hold, data the target's schema refuses, a token that
 * would leave its sub-process, join arrivals on edges the target lacks.
 *
 * @example
 * const r = migrateInstance(v1, v2, snapshot, { review: 'check' }, { now });
 * if (!r.ok) console.log(r.problems.map((p) => p.message));
 */
export function migrateInstance(
  source: CompiledProcess,
  target: CompiledProcess,
  snapshot: InstanceSnapshot,
  mapping: MigrationMapping,
  env: MigrateEnv,
): MigrateResult {
  const problems: MigrationProblem[] = [];
  if (snapshot.status !== 'running')
    return {
      ok: false,
      problems: [
        { code: 'ENG_INSTANCE_ENDED', message: `The instance has ${snapshot.status}; only running instances move.` },
      ],
    };
  const targetParents = parentsOf(target);
  const tokensById = new Map(snapshot.tokens.map((t) => [t.id, t]));
  const planned: PlannedToken[] = [];
  for (const token of snapshot.tokens) {
    const from = source.nodes.get(token.node);
    const toId = targetOf(mapping, target, token.node);
    if (toId === undefined) {
      problems.push({
        code: 'ENG_MIGRATION_UNMAPPED',
        node: token.node,
        message: `Node "${token.node}" is active but the target version has no node "${token.node}" and the mapping names none. Map it to a node of the target.`,
      });
      continue;
    }
    const to = target.nodes.get(toId);
    if (!to) {
      problems.push({
        code: 'ENG_MIGRATION_UNKNOWN_TARGET',
        node: token.node,
        target: toId,
        message: `The mapping sends "${token.node}" to "${toId}", which the target version does not have.`,
      });
      continue;
    }
    if (from && !fits(from.node, to.node)) {
      problems.push({
        code: 'ENG_MIGRATION_INCOMPATIBLE',
        node: token.node,
        target: toId,
        message: `"${token.node}" (${taskShape(from.node)}) cannot become "${toId}" (${taskShape(to.node)}): map it to a node of the same kind.`,
      });
      continue;
    }
    const group = token.wait.kind === 'signers' ? snapshot.groups?.[token.wait.group] : undefined;
    if (group?.adhoc !== true && group && to.node.type === 'userTask') {
      const policy = group.kind === 'signers' && to.node.signers ? (to.node.signers.policy ?? 'all') : undefined;
      if (
        (group.kind === 'signers' && policy !== group.policy) ||
        (group.kind === 'multiInstance' && !to.node.multiInstance)
      ) {
        problems.push({
          code: 'ENG_MIGRATION_SIGNERS',
          node: token.node,
          target: toId,
          message: `The signers of "${token.node}" (${group.kind} ${group.policy}, ${group.slots.length} signer(s)) cannot continue at "${toId}", which decides differently.`,
        });
        continue;
      }
    }
    const scope = token.scope === 'root' ? null : tokensById.get(token.scope);
    const wantParent = scope ? (targetOf(mapping, target, scope.node) ?? null) : null;
    if ((targetParents.get(toId) ?? null) !== wantParent) {
      problems.push({
        code: 'ENG_MIGRATION_SCOPE',
        node: token.node,
        target: toId,
        message: `"${toId}" is not ${wantParent === null ? 'at the top level' : `inside sub-process "${wantParent}"`} where the token of "${token.node}" lives; map it to a node at the same level.`,
      });
      continue;
    }
    const timed = planTimers(source, target, snapshot, token, to, problems);
    if (timed) planned.push({ token, to, ...timed });
  }
  for (const [key, counts] of Object.entries(snapshot.joins)) {
    const slash = key.lastIndexOf('/');
    const node = key.slice(slash + 1);
    const toId = targetOf(mapping, target, node);
    const incoming = toId === undefined ? undefined : target.nodes.get(toId)?.incoming;
    const missing = Object.entries(counts)
      .filter(([edge, n]) => n > 0 && !incoming?.includes(edge))
      .map(([edge]) => edge);
    if (incoming === undefined || missing.length > 0)
      problems.push({
        code: 'ENG_MIGRATION_JOIN',
        node,
        ...(toId !== undefined ? { target: toId } : {}),
        message: `Parallel join "${node}" has branches waiting (${Object.keys(counts).join(', ')}) that ${toId === undefined ? 'have no join in the target' : `"${toId}" has no incoming edge for (${missing.join(', ')})`}.`,
      });
  }
  for (const issue of env.validateData?.(snapshot.data) ?? [])
    problems.push({
      code: 'ENG_MIGRATION_DATA_INVALID',
      path: issue.path,
      message: `The instance data does not fit the target's schema at ${issue.path || '/data'}: ${issue.message}`,
    });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, ...apply(target, snapshot, planned, mapping, env) };
}

/** Computes the token's timers at its target node; null (with a problem) when a calendar or duration is missing. */
function planTimers(
  source: CompiledProcess,
  target: CompiledProcess,
  snapshot: InstanceSnapshot,
  token: Token,
  to: CompiledNode,
  problems: MigrationProblem[],
): Omit<PlannedToken, 'token' | 'to'> | null {
  const pending = (id: string) => snapshot.timers[id];
  const timers: TimerState[] = [];
  const sourceNode = source.nodes.get(token.node)?.node;
  const span = (text: string, mode: 'working' | 'clock', calendarId: string | undefined, from: Instant) => {
    const calendar = target.calendars.get(calendarId ?? to.calendar);
    const duration = target.durations.get(text);
    if (!calendar || !duration) {
      problems.push({
        code: 'ENG_UNKNOWN_CALENDAR',
        node: token.node,
        target: to.node.id,
        message: `Calendar "${calendarId ?? to.calendar}" of "${to.node.id}" is not registered.`,
      });
      return undefined;
    }
    return calendar.addDuration(from, duration, mode);
  };
  // The timer of a timer node: counted afresh for a duration; a date timer keeps its instant.
  const timerId = `${token.id}:timer`;
  if (token.wait.kind === 'timer' && pending(timerId) && to.node.type === 'timer') {
    const t = to.node.timer;
    const dueAt =
      'duration' in t ? span(t.duration, t.time ?? 'working', t.calendar, token.since) : pending(timerId)!.dueAt;
    if (dueAt === undefined) return null;
    timers.push({ id: timerId, kind: 'timer', token: token.id, dueAt });
  }
  const deadline = to.node.deadline;
  let dueAt: Instant | null = null;
  let beyondCalendar = false;
  // A deadline that already fired at the source does not fire again.
  const fired = sourceNode?.deadline !== undefined && !pending(`${token.id}:due`);
  const restsWithDeadline = token.wait.kind !== 'trigger' && token.wait.kind !== 'incident';
  if (deadline && restsWithDeadline) {
    const mode = deadline.time ?? 'working';
    const due = span(deadline.duration, mode, deadline.calendar, token.since);
    if (due === undefined) return null;
    dueAt = due;
    const calendar = target.calendars.get(deadline.calendar ?? to.calendar)!;
    beyondCalendar = mode === 'working' && !calendar.covers(token.since, due);
    if (!fired) timers.push({ id: `${token.id}:due`, kind: 'deadline', token: token.id, dueAt: due });
    const working = mode === 'working' ? calendar.workingMillisBetween(token.since, due) : due - token.since;
    const sourceRungs = sourceNode?.deadline?.escalations?.length ?? 0;
    (deadline.escalations ?? []).forEach((rung, i) => {
      const id = `${token.id}:esc:${i}`;
      // A rung the source had and that is no longer pending has fired: not again.
      if (i < sourceRungs && !pending(id)) return;
      let at: Instant | undefined;
      if (rung.at !== undefined) {
        const share = Math.round(working * rung.at);
        at = mode === 'working' ? calendar.addWorkingTime(token.since, share) : token.since + share;
      } else if (rung.after !== undefined) at = span(rung.after, mode, deadline.calendar, token.since);
      if (at !== undefined) timers.push({ id, kind: 'escalation', token: token.id, dueAt: at, rung: i });
    });
  }
  return { timers, dueAt, beyondCalendar };
}

/** Writes the planned moves into a copy of the snapshot and lists the effects. */
function apply(
  target: CompiledProcess,
  snapshot: InstanceSnapshot,
  planned: readonly PlannedToken[],
  mapping: MigrationMapping,
  env: MigrateEnv,
): { snapshot: InstanceSnapshot; effects: Effect[] } {
  const s = JSON.parse(JSON.stringify(snapshot)) as InstanceSnapshot;
  const effects: Effect[] = [];
  const history = (event: Omit<HistoryEvent, 'at'>) =>
    effects.push({ type: 'history', event: { ...event, at: env.now, actor: env.actor ?? null } });
  const versions = {
    ...(env.fromVersion !== undefined ? { fromVersion: env.fromVersion } : {}),
    ...(env.toVersion !== undefined ? { toVersion: env.toVersion } : {}),
  };
  const nodeName = (id: string) => target.nodes.get(id)?.node.name;
  for (const { token, to, timers, dueAt, beyondCalendar } of planned) {
    const toId = to.node.id;
    const live = s.tokens.find((t) => t.id === token.id)!;
    live.node = toId;
    if (live.wait.kind === 'event' && to.node.type === 'event' && live.wait.event !== to.node.event) {
      live.wait = { kind: 'event', event: to.node.event };
      effects.push({ type: 'event.awaited', event: to.node.event, node: toId });
    }
    // Timers: the token's deadline, rungs and timer are replaced by the target's (a retry stays).
    for (const [id, timer] of Object.entries(s.timers)) {
      if (timer.token !== token.id || timer.kind === 'retry') continue;
      delete s.timers[id];
      effects.push({ type: 'timer.cancelled', timer: id });
    }
    for (const timer of timers) {
      s.timers[timer.id] = timer;
      effects.push({ type: 'timer.scheduled', timer });
    }
    const groupId = token.wait.kind === 'signers' ? token.wait.group : undefined;
    const group = groupId === undefined ? undefined : s.groups?.[groupId];
    if (group) {
      group.node = toId;
      if (group.dueAt !== undefined) group.dueAt = dueAt;
    }
    for (const task of Object.values(s.tasks)) {
      const mine = task.token === token.id || (groupId !== undefined && task.group === groupId);
      if (!mine || (task.status !== 'open' && task.status !== 'claimed')) continue;
      const next: TaskState = { ...task, node: toId, dueAt };
      if (beyondCalendar) next.deadlineWarning = 'beyond-calendar';
      else delete next.deadlineWarning;
      s.tasks[task.id] = next;
      const name = nodeName(toId);
      effects.push({ type: 'task.updated', task: name ? { ...next, nodeName: name } : { ...next } });
    }
    for (const incident of Object.values(s.incidents)) if (incident.token === token.id) incident.node = toId;
    history({
      type: 'token.migrated',
      node: toId,
      token: token.id,
      data: { from: token.node, to: toId, ...versions, ...(dueAt !== null ? { dueAt } : {}) },
    });
  }
  const joins: InstanceSnapshot['joins'] = {};
  for (const [key, counts] of Object.entries(s.joins)) {
    const slash = key.lastIndexOf('/');
    const node = key.slice(slash + 1);
    joins[`${key.slice(0, slash)}/${targetOf(mapping, target, node) ?? node}`] = counts;
  }
  s.joins = joins;
  // Return-to-earlier-step reads `visited`: keep the steps the target has, under their target ids.
  const visited: string[] = [];
  for (const id of s.visited) {
    const to = targetOf(mapping, target, id);
    if (to !== undefined && target.nodes.has(to) && !visited.includes(to)) visited.push(to);
  }
  s.visited = visited;
  history({
    type: 'instance.migrated',
    data: { ...versions, moves: planned.map((p) => ({ from: p.token.node, to: p.to.node.id })) },
  });
  return { snapshot: s, effects };
}
