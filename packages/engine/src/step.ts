import type { Duration, EscalationAction } from '@baton/definition';
import { isCandidate, readPath, resolveOwner } from './assign.ts';
import type { CompiledNode, CompiledProcess } from './compile.ts';
import type { EngineErrorCode } from './errors.ts';
import type {
  Actor,
  Command,
  Directory,
  Effect,
  HistoryEvent,
  Instant,
  InstanceSnapshot,
  StepEnv,
  StepResult,
  TaskState,
  TaskView,
  TimerState,
  Token,
  TokenWait,
} from './types.ts';

/** Most node visits one command may cause before the engine calls it an endless loop. */
export const MAX_MOVES_PER_STEP = 10_000;

const DEFAULT_RETRY = { maxAttempts: 3, backoff: 'PT10S', factor: 2 };

/**
 * Applies one command to an instance: the whole engine in one pure function.
 *
 * Pure and deterministic: the same process, snapshot, command and `env.now` always give the same
 * result; the input snapshot is never mutated. Rejected commands return `{ ok: false, error }` and
 * leave nothing changed. Effects are data for the caller (create task rows, schedule timers, call
 * services, notify, record history) — the engine never performs them.
 *
 * @example
 * let r = step(process, null, { type: 'start', data: { amount: 10 }, initiator: 'rep1' }, { now: t0 });
 * if (r.ok) r = step(process, r.snapshot, { type: 'complete', task: 'k2', actor: { id: 'rep1' } }, { now: t1 });
 */
export function step(
  process: CompiledProcess,
  snapshot: InstanceSnapshot | null,
  command: Command,
  env: StepEnv,
): StepResult {
  if (command.type === 'start') {
    if (snapshot)
      return reject('ENG_ALREADY_STARTED', 'This instance has already started; send start only with no snapshot.');
    const run = new Run(process, newSnapshot(command, env.now), env);
    return run.start();
  }
  if (!snapshot)
    return reject(
      'ENG_NOT_STARTED',
      `Cannot ${command.type}: the instance has not started. Send a start command first.`,
    );
  if (snapshot.status !== 'running')
    return reject('ENG_INSTANCE_ENDED', `Cannot ${command.type}: the instance has ${snapshot.status}.`);
  return new Run(process, snapshot, env).apply(command);
}

function reject(code: EngineErrorCode, message: string, path?: string): StepResult {
  return { ok: false, error: path === undefined ? { code, message } : { code, message, path } };
}

function newSnapshot(command: Extract<Command, { type: 'start' }>, now: Instant): InstanceSnapshot {
  return {
    v: 1,
    status: 'running',
    data: { ...(command.data ?? {}) },
    initiator: command.initiator ?? null,
    businessKey: command.businessKey ?? null,
    startedAt: now,
    endedAt: null,
    seq: 0,
    tokens: [],
    joins: {},
    tasks: {},
    timers: {},
    incidents: {},
    visited: [],
    lastAssignee: null,
  };
}

class Rejection {
  constructor(
    readonly code: EngineErrorCode,
    readonly message: string,
    readonly path?: string,
  ) {}
}

/** One step's working copy of the snapshot. Collections are copied on entry, never shared. */
class Run {
  private readonly s: InstanceSnapshot;
  private readonly effects: Effect[] = [];
  private readonly now: Instant;
  private readonly directory: Directory | undefined;
  private cursors: Record<string, number> | undefined;
  private moves = 0;
  /** Set when instance data changed, so tokens held by trigger conditions are re-checked. */
  private dataChanged = false;
  /** Instance data plus the built-in names, as expressions see it; rebuilt after data changes. */
  private feelCache: Record<string, unknown> | undefined;
  /** Tokens that arrived at a node and still have to be entered. */
  private readonly arrivals: { token: Token; via: string | null }[] = [];

  constructor(
    private readonly p: CompiledProcess,
    from: InstanceSnapshot,
    env: StepEnv,
  ) {
    this.now = env.now;
    this.directory = env.directory;
    this.cursors = env.directory?.cursors ? { ...env.directory.cursors } : undefined;
    this.s = {
      ...from,
      tokens: from.tokens.slice(),
      joins: { ...from.joins },
      tasks: { ...from.tasks },
      timers: { ...from.timers },
      incidents: { ...from.incidents },
      visited: from.visited.slice(),
    };
  }

  start(): StepResult {
    try {
      this.checkOwnerFields(this.s.data, '/data');
    } catch (e) {
      if (e instanceof Rejection) return reject(e.code, e.message, e.path);
      throw e;
    }
    this.history({ type: 'instance.started', actor: this.s.initiator, data: { businessKey: this.s.businessKey } });
    this.arrive(this.spawn(this.p.start, 'root'), null);
    return this.finish();
  }

  apply(command: Exclude<Command, { type: 'start' }>): StepResult {
    try {
      switch (command.type) {
        case 'claim':
          this.claim(command.task, command.actor);
          break;
        case 'complete':
          this.complete(command.task, command.actor, command.output ?? {});
          break;
        case 'transfer':
          this.transfer(command.task, command.actor, command.to);
          break;
        case 'return':
          this.returnTo(command.task, command.actor, command.to, command.reason);
          break;
        case 'urge':
          this.urge(command.task, command.actor);
          break;
        case 'fireTimer':
          this.fireTimer(command.timer);
          break;
        case 'signal':
          this.signal(command.event, command.payload);
          break;
        case 'serviceResult':
          this.serviceResult(command);
          break;
        case 'retryIncident':
          this.resolveIncident(command.incident, command.actor, 'retried');
          break;
        case 'skipIncident':
          this.resolveIncident(command.incident, command.actor, 'skipped', command.output);
          break;
        case 'terminate':
          this.terminate(command.actor?.id ?? null, command.reason);
          break;
      }
    } catch (e) {
      if (e instanceof Rejection) return reject(e.code, e.message, e.path);
      throw e;
    }
    return this.finish();
  }

  // ---------------------------------------------------------------- commands

  private openTask(id: string): TaskState {
    const task = this.s.tasks[id];
    if (!task) throw new Rejection('ENG_TASK_NOT_FOUND', `Task "${id}" does not exist in this instance.`);
    if (task.status !== 'open' && task.status !== 'claimed') {
      throw new Rejection(
        'ENG_TASK_NOT_OPEN',
        `Task "${id}" is already ${task.status}; the work has moved on. Reload the inbox.`,
      );
    }
    return task;
  }

  private mayAct(task: TaskState, actor: Actor): void {
    if (actor.privileged || isCandidate(task, actor)) return;
    if (task.assignee !== null && task.assignee !== actor.id) {
      throw new Rejection(
        'ENG_NOT_ALLOWED',
        `Task "${task.id}" is assigned to "${task.assignee}", not to "${actor.id}".`,
      );
    }
    throw new Rejection('ENG_NOT_ALLOWED', `"${actor.id}" is not a candidate for task "${task.id}".`);
  }

  private claim(id: string, actor: Actor): void {
    const task = this.openTask(id);
    if (task.assignee !== null) {
      if (task.assignee === actor.id) return;
      throw new Rejection('ENG_TASK_ALREADY_CLAIMED', `Task "${id}" is already claimed by "${task.assignee}".`);
    }
    this.mayAct(task, actor);
    this.updateTask(task, { assignee: actor.id, status: 'claimed' });
    this.history({ type: 'task.claimed', node: task.node, task: id, actor: actor.id });
  }

  private complete(id: string, actor: Actor, output: Record<string, unknown>): void {
    const task = this.openTask(id);
    this.mayAct(task, actor);
    this.checkOwnerFields(output, '/output');
    this.closeTask(task, actor.id, output);
  }

  /**
   * Refuses data that names, in a field a `fromField` owner reads, a user the directory does not
   * know, when no fallback would catch it: the task would go to nobody who can act (issue 8).
   * Only fields the data writes are judged; without a directory nothing is checked.
   */
  private checkOwnerFields(written: Record<string, unknown>, prefix: '/output' | '/data'): void {
    const users = this.directory?.users;
    if (!users) return;
    for (const { field, node, covered } of this.p.ownerFields) {
      if (covered) continue;
      const segments = field.split('.');
      if (!Object.prototype.hasOwnProperty.call(written, segments[0]!)) continue;
      const value = readPath(written, field);
      if (typeof value !== 'string' || value === '' || Object.prototype.hasOwnProperty.call(users, value)) continue;
      const path = `${prefix}/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
      throw new Rejection(
        'ENG_UNKNOWN_USER',
        `At ${path}: there is no user "${value}", and the owner of "${node}" is taken from this field, so its task would go to nobody. Enter an existing username.`,
        path,
      );
    }
  }

  private closeTask(task: TaskState, by: string | null, output: Record<string, unknown>): void {
    const assignee = task.assignee ?? by;
    const done = { ...task, status: 'completed' as const, assignee };
    this.s.tasks[task.id] = done;
    this.mergeData(output);
    this.s.lastAssignee = assignee;
    this.effects.push({ type: 'task.completed', task: this.view(done), output, by });
    this.history({ type: 'task.completed', node: task.node, task: task.id, actor: by, data: { output } });
    const token = this.tokenById(task.token);
    if (token) this.leave(token, null);
  }

  private transfer(id: string, actor: Actor, to: string): void {
    const task = this.openTask(id);
    this.mayAct(task, actor);
    this.updateTask(task, { assignee: to, status: 'claimed' });
    this.history({
      type: 'task.transferred',
      node: task.node,
      task: id,
      actor: actor.id,
      data: { from: task.assignee, to },
    });
    this.notifyTask(this.s.tasks[id]!, 'assigned');
  }

  private returnTo(id: string, actor: Actor, to: string, reason: string | undefined): void {
    const task = this.openTask(id);
    this.mayAct(task, actor);
    const target = this.p.nodes.get(to);
    const token = this.tokenById(task.token)!;
    const here = this.p.nodes.get(task.node)!;
    const sameScope = target && this.scopeOfNode(to) === this.scopeOfNode(here.node.id);
    if (!target || !sameScope || !this.s.visited.includes(to) || to === task.node || target.node.type === 'start') {
      throw new Rejection(
        'ENG_RETURN_TARGET_INVALID',
        `Cannot return task "${id}" to "${to}": only an earlier step of the same scope that this instance has passed can be returned to. Passed: ${this.s.visited.join(', ') || '(none)'}.`,
      );
    }
    this.cancelTask(task, 'returned');
    this.history({
      type: 'task.returned',
      node: task.node,
      task: id,
      actor: actor.id,
      data: { to, reason: reason ?? null },
    });
    this.removeToken(token);
    this.arrive(this.spawn(to, token.scope), null);
  }

  private urge(id: string, actor: Actor): void {
    const task = this.openTask(id);
    this.history({ type: 'task.urged', node: task.node, task: id, actor: actor.id });
    this.notifyTask(task, 'urge');
  }

  private fireTimer(id: string): void {
    const timer = this.s.timers[id];
    if (!timer) throw new Rejection('ENG_TIMER_NOT_FOUND', `Timer "${id}" was cancelled or has already fired.`);
    delete this.s.timers[id];
    const token = this.tokenById(timer.token);
    if (!token) return;
    const cn = this.p.nodes.get(token.node)!;
    this.history({ type: 'timer.fired', node: token.node, token: token.id, data: { timer: id, kind: timer.kind } });
    switch (timer.kind) {
      case 'timer':
        this.leave(token, null);
        return;
      case 'deadline':
        this.history({
          type: 'deadline.reached',
          node: token.node,
          token: token.id,
          ...(token.wait.kind === 'task' ? { task: token.wait.task } : {}),
        });
        return;
      case 'escalation':
        this.escalate(token, cn, timer.rung ?? 0);
        return;
      case 'retry':
        if (token.wait.kind === 'service') this.callService(token, cn, token.wait.attempt + 1);
        return;
    }
  }

  private escalate(token: Token, cn: CompiledNode, rung: number): void {
    const action = cn.node.deadline?.escalations?.[rung]?.action;
    if (!action) return;
    const task = token.wait.kind === 'task' ? this.s.tasks[token.wait.task] : undefined;
    if (task) this.updateTask(task, { escalationLevel: task.escalationLevel + 1 }, false);
    this.history({
      type: 'escalation.fired',
      node: cn.node.id,
      token: token.id,
      ...(task ? { task: task.id } : {}),
      data: { rung, action: action.type },
    });
    this.runEscalation(token, cn, action, task ? this.s.tasks[task.id]! : undefined);
  }

  private runEscalation(token: Token, cn: CompiledNode, action: EscalationAction, task: TaskState | undefined): void {
    switch (action.type) {
      case 'remind':
        if (task) this.notifyTask(task, 'reminder', 'remind');
        return;
      case 'notify': {
        const a = this.assign(action.to);
        this.effects.push({
          type: 'notify',
          reason: 'escalation',
          action: 'notify',
          to: { ...a.candidates, assignee: a.assignee },
          node: cn.node.id,
          ...(task ? { task: task.id } : {}),
        });
        return;
      }
      case 'reassign': {
        if (!task) return;
        const a = this.assign(action.to);
        this.updateTask(task, {
          assignee: a.assignee,
          candidates: a.candidates,
          status: a.assignee ? 'claimed' : 'open',
        });
        this.history({
          type: 'task.reassigned',
          node: task.node,
          task: task.id,
          data: { from: task.assignee, to: a.assignee, candidates: a.candidates },
        });
        this.notifyTask(this.s.tasks[task.id]!, 'escalation', 'reassign');
        return;
      }
      case 'leave': {
        if (task) this.cancelTask(task, 'escalated');
        this.leave(token, cn.escalationEdges.get(action.edge)?.id ?? null, true);
        return;
      }
      case 'complete':
        if (task) this.closeTask(task, null, action.output);
        else {
          this.mergeData(action.output);
          this.leave(token, null);
        }
        return;
    }
  }

  private signal(event: string, payload: unknown): void {
    const waiting = this.s.tokens.filter((t) => t.wait.kind === 'event' && t.wait.event === event);
    for (const token of waiting) {
      const node = this.p.nodes.get(token.node)!.node;
      if (node.type === 'event' && node.resultField) this.mergeData({ [node.resultField]: payload ?? null });
      this.history({ type: 'event.received', node: token.node, token: token.id, data: { event } });
      this.leave(token, null);
    }
  }

  private serviceResult(command: Extract<Command, { type: 'serviceResult' }>): void {
    const token = this.s.tokens.find((t) => t.wait.kind === 'service' && t.wait.call === command.call);
    if (!token || token.wait.kind !== 'service')
      throw new Rejection(
        'ENG_CALL_NOT_FOUND',
        `Call "${command.call}" is not awaited (already answered or cancelled).`,
      );
    const cn = this.p.nodes.get(token.node)!;
    const node = cn.node;
    if (command.ok) {
      if (node.type === 'automaticTask' && node.resultField)
        this.mergeData({ [node.resultField]: command.result ?? null });
      this.history({ type: 'service.completed', node: node.id, token: token.id, data: { call: command.call } });
      this.leave(token, null);
      return;
    }
    const attempt = token.wait.attempt;
    const policy = { ...DEFAULT_RETRY, ...(node.type === 'automaticTask' ? node.retry : {}) };
    this.history({
      type: 'service.failed',
      node: node.id,
      token: token.id,
      data: { call: command.call, attempt, error: command.error },
    });
    if (command.retryable !== false && attempt < policy.maxAttempts) {
      const backoff = this.p.durations.get(policy.backoff) ?? { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 10 };
      const delay = durationMs(backoff) * Math.pow(policy.factor, attempt - 1);
      this.schedule({ id: `${token.id}:retry:${attempt}`, kind: 'retry', token: token.id, dueAt: this.now + delay });
      return;
    }
    this.raiseIncident(
      token,
      'ENG_SERVICE_FAILED',
      `Automatic task "${node.id}" failed after ${attempt} attempt(s): ${command.error}`,
    );
  }

  private resolveIncident(
    id: string,
    actor: Actor,
    how: 'retried' | 'skipped',
    output?: Record<string, unknown>,
  ): void {
    const incident = this.s.incidents[id];
    if (!incident) throw new Rejection('ENG_INCIDENT_NOT_FOUND', `No open incident "${id}" in this instance.`);
    delete this.s.incidents[id];
    const token = this.tokenById(incident.token);
    this.effects.push({ type: 'incident.resolved', incident: id, how });
    this.history({
      type: 'incident.resolved',
      node: incident.node,
      token: incident.token,
      actor: actor.id,
      data: { incident: id, how },
    });
    if (!token) return;
    if (how === 'skipped') {
      if (output) this.mergeData(output);
      const cn = this.p.nodes.get(token.node)!;
      // A gateway has no single way out to skip to: re-enter it with the (possibly fixed) data.
      if (cn.node.type === 'exclusiveGateway') this.reenter(token);
      else this.leave(token, null);
      return;
    }
    this.reenter(token);
  }

  private terminate(actor: string | null, reason: string | undefined): void {
    for (const token of this.s.tokens.slice()) this.dropToken(token, 'terminated');
    this.s.status = 'terminated';
    this.s.endedAt = this.now;
    this.history({ type: 'instance.terminated', actor, data: { reason: reason ?? null } });
    this.effects.push({ type: 'instance.finished', status: 'terminated' });
  }

  // ---------------------------------------------------------------- token movement

  private spawn(node: string, scope: string): Token {
    return { id: `t${++this.s.seq}`, node, scope, wait: { kind: 'trigger' }, since: this.now };
  }

  private tokenById(id: string): Token | undefined {
    return this.s.tokens.find((t) => t.id === id);
  }

  private scopeOfNode(id: string): string {
    for (const [sid, cn] of this.p.nodes) {
      if (cn.node.type === 'subProcess' && cn.node.nodes.some((n) => n.id === id)) return sid;
    }
    return 'root';
  }

  private setWait(token: Token, wait: TokenWait): Token {
    const next = { ...token, wait };
    const i = this.s.tokens.findIndex((t) => t.id === token.id);
    if (i >= 0) this.s.tokens[i] = next;
    else this.s.tokens.push(next);
    return next;
  }

  private removeToken(token: Token): void {
    const i = this.s.tokens.findIndex((t) => t.id === token.id);
    if (i >= 0) this.s.tokens.splice(i, 1);
    this.cancelTimersOf(token.id);
  }

  /** Queues a token's arrival at its node and runs the queue to quiescence. */
  private arrive(token: Token, via: string | null): void {
    this.arrivals.push({ token, via });
    if (this.arrivals.length > 1) return; // an outer drain loop is running
    while (this.arrivals.length > 0) {
      const next = this.arrivals[0]!;
      this.enter(next.token, next.via);
      this.arrivals.shift();
      if (this.s.status !== 'running') {
        this.arrivals.length = 0;
        return;
      }
    }
  }

  private reenter(token: Token): void {
    this.removeToken(token);
    this.arrive({ ...token, wait: { kind: 'trigger' }, since: this.now }, null);
  }

  private enter(token: Token, via: string | null): void {
    if (++this.moves > MAX_MOVES_PER_STEP) {
      this.raiseIncident(
        this.setWait(token, { kind: 'trigger' }),
        'ENG_LOOP_LIMIT',
        `More than ${MAX_MOVES_PER_STEP} moves in one command: an endless loop through "${token.node}".`,
      );
      return;
    }
    const cn = this.p.nodes.get(token.node)!;
    const node = cn.node;
    if (node.trigger) {
      const r = this.p.expression(node.trigger.condition).condition(this.feelData());
      if (!r.ok) {
        this.raiseIncident(
          this.setWait(token, { kind: 'trigger' }),
          'ENG_EXPRESSION_FAILED',
          `Trigger condition of "${node.id}" failed: ${r.error.message}`,
        );
        return;
      }
      if (!r.value) {
        if (token.wait.kind !== 'trigger' || !this.tokenById(token.id)) {
          this.history({
            type: 'node.blocked',
            node: node.id,
            token: token.id,
            data: { condition: node.trigger.condition },
          });
        }
        this.setWait(token, via ? { kind: 'trigger', via } : { kind: 'trigger' });
        return;
      }
    }
    // Pass-through nodes (start, gateways, compute tasks) leave no entered/left pair: the
    // gateway's decision is its own event, and analytics measure the nodes where work waits.
    if (cn.waits)
      this.history(
        via
          ? { type: 'node.entered', node: node.id, token: token.id, data: { via } }
          : { type: 'node.entered', node: node.id, token: token.id },
      );
    switch (node.type) {
      case 'start':
        this.leave(token, null, false, true);
        return;
      case 'end':
        this.reachEnd(token, node.terminate === true);
        return;
      case 'userTask':
        this.createTask(token, cn);
        return;
      case 'automaticTask':
        if (node.action.kind === 'compute') {
          this.compute(token, node.id, node.action.set ?? {});
          return;
        }
        this.callService(token, cn, 1);
        this.startDeadline(token, cn);
        return;
      case 'exclusiveGateway':
        this.decide(token, cn);
        return;
      case 'parallelGateway':
        this.parallel(token, cn, via);
        return;
      case 'timer': {
        const dueAt = this.timerDue(token, cn);
        if (dueAt === undefined) return;
        const t = this.setWait(token, { kind: 'timer', timer: `${token.id}:timer` });
        this.schedule({ id: `${t.id}:timer`, kind: 'timer', token: t.id, dueAt });
        this.startDeadline(t, cn);
        return;
      }
      case 'event': {
        const t = this.setWait(token, { kind: 'event', event: node.event });
        this.effects.push({ type: 'event.awaited', event: node.event, node: node.id });
        this.startDeadline(t, cn);
        return;
      }
      case 'subProcess': {
        const t = this.setWait(token, { kind: 'scope' });
        this.startDeadline(t, cn);
        this.arrive(this.spawn(cn.innerStart!, t.id), null);
        return;
      }
    }
  }

  /** Moves a token out of its node along its (single) outgoing edge, or a named one. */
  private leave(token: Token, edgeId: string | null, escalated = false, silent = false): void {
    const cn = this.p.nodes.get(token.node)!;
    // Leaving early (an escalation) abandons whatever still hangs off the token.
    if (token.wait.kind === 'scope') {
      for (const inner of this.s.tokens.slice()) if (inner.scope === token.id) this.dropToken(inner, 'escalated');
    }
    if (token.wait.kind === 'incident') delete this.s.incidents[token.wait.incident];
    this.removeToken(token);
    if (!silent && cn.waits)
      this.history({
        type: 'node.left',
        node: cn.node.id,
        token: token.id,
        data: escalated ? { since: token.since, escalated: true } : { since: token.since },
      });
    this.markVisited(cn.node.id);
    const edge = edgeId ? (cn.escalationEdges.get(edgeId) ?? cn.outgoing.find((e) => e.id === edgeId)) : cn.outgoing[0];
    if (!edge) {
      this.checkScopeDone(token.scope);
      return;
    }
    this.arrive({ ...token, node: edge.to, wait: { kind: 'trigger' }, since: this.now }, edge.id);
  }

  private markVisited(id: string): void {
    const i = this.s.visited.indexOf(id);
    if (i >= 0) this.s.visited.splice(i, 1);
    this.s.visited.push(id);
  }

  private reachEnd(token: Token, terminate: boolean): void {
    this.markVisited(token.node);
    this.removeToken(token);
    if (terminate) {
      for (let i = this.arrivals.length - 1; i >= 1; i--)
        if (this.inScope(this.arrivals[i]!.token, token.scope)) this.arrivals.splice(i, 1);
      for (const other of this.s.tokens.slice())
        if (this.inScope(other, token.scope)) this.dropToken(other, 'terminated');
      for (const key of Object.keys(this.s.joins)) if (key.startsWith(`${token.scope}/`)) delete this.s.joins[key];
    }
    this.checkScopeDone(token.scope);
  }

  /** Whether a token lives in a scope or in a sub-process nested inside it. */
  private inScope(token: Token, scope: string): boolean {
    let current = token.scope;
    for (let i = 0; i < 64; i++) {
      if (current === scope) return true;
      if (current === 'root') return false;
      const owner = this.tokenById(current);
      if (!owner) return false;
      current = owner.scope;
    }
    return false;
  }

  private checkScopeDone(scope: string): void {
    if (this.s.tokens.some((t) => t.scope === scope)) return;
    if (this.arrivals.some((a, i) => i > 0 && a.token.scope === scope)) return;
    for (const key of Object.keys(this.s.joins)) if (key.startsWith(`${scope}/`)) delete this.s.joins[key];
    if (scope === 'root') {
      this.s.status = 'completed';
      this.s.endedAt = this.now;
      this.history({ type: 'instance.completed' });
      this.effects.push({ type: 'instance.finished', status: 'completed' });
      return;
    }
    const owner = this.tokenById(scope);
    if (owner) this.leave(owner, null);
  }

  /** Drops a token and everything that hangs off it (its task, timers, inner scope). */
  private dropToken(token: Token, reason: string): void {
    if (!this.tokenById(token.id)) return;
    if (token.wait.kind === 'task') {
      const task = this.s.tasks[token.wait.task];
      if (task && (task.status === 'open' || task.status === 'claimed')) this.cancelTask(task, reason);
    }
    if (token.wait.kind === 'scope') {
      for (const inner of this.s.tokens.slice()) if (inner.scope === token.id) this.dropToken(inner, reason);
    }
    if (token.wait.kind === 'incident') delete this.s.incidents[token.wait.incident];
    this.removeToken(token);
  }

  // ---------------------------------------------------------------- node kinds

  private decide(token: Token, cn: CompiledNode): void {
    const data = this.feelData();
    let chosen = cn.outgoing.length === 1 && cn.outgoing[0]!.condition === undefined ? cn.outgoing[0] : undefined;
    if (!chosen) {
      for (const edge of cn.outgoing) {
        if (edge.condition === undefined) continue;
        const r = this.p.expression(edge.condition).condition(data);
        if (!r.ok) {
          this.raiseIncident(
            this.setWait(token, { kind: 'trigger' }),
            'ENG_EXPRESSION_FAILED',
            `Condition of edge "${edge.id}" failed: ${r.error.message}`,
          );
          return;
        }
        if (r.value) {
          chosen = edge;
          break;
        }
      }
    }
    chosen ??= cn.outgoing.find((e) => e.default);
    if (!chosen) {
      this.raiseIncident(
        this.setWait(token, { kind: 'trigger' }),
        'ENG_NO_PATH',
        `Exclusive gateway "${cn.node.id}" found no condition true and has no default edge.`,
      );
      return;
    }
    this.history({ type: 'gateway.decided', node: cn.node.id, token: token.id, data: { edge: chosen.id } });
    this.leave(token, chosen.id, false, true);
  }

  private parallel(token: Token, cn: CompiledNode, via: string | null): void {
    if (cn.incoming.length > 1) {
      const key = `${token.scope}/${cn.node.id}`;
      const arrived = { ...(this.s.joins[key] ?? {}) };
      const edge = via ?? cn.incoming[0]!;
      arrived[edge] = (arrived[edge] ?? 0) + 1;
      this.removeToken(token);
      if (!cn.incoming.every((e) => (arrived[e] ?? 0) > 0)) {
        this.s.joins[key] = arrived;
        return;
      }
      for (const e of cn.incoming) arrived[e]! -= 1;
      if (Object.values(arrived).every((n) => n === 0)) delete this.s.joins[key];
      else this.s.joins[key] = arrived;
      this.history({ type: 'node.entered', node: cn.node.id, token: token.id, data: { joined: cn.incoming.length } });
    } else {
      this.removeToken(token);
    }
    this.markVisited(cn.node.id);
    // The first branch keeps the token id; each further branch gets a fresh token.
    cn.outgoing.forEach((edge, i) => {
      const t =
        i === 0
          ? { ...token, node: edge.to, wait: { kind: 'trigger' } as TokenWait, since: this.now }
          : { ...this.spawn(edge.to, token.scope) };
      this.arrive(t, edge.id);
    });
  }

  private createTask(token: Token, cn: CompiledNode): void {
    const a = cn.node.owner
      ? this.assign(cn.node.owner)
      : { assignee: null, candidates: { users: [], roles: [], teams: [] } };
    const id = `k${++this.s.seq}`;
    const task: TaskState = {
      id,
      node: cn.node.id,
      token: token.id,
      status: a.assignee ? 'claimed' : 'open',
      assignee: a.assignee,
      candidates: a.candidates,
      createdAt: this.now,
      dueAt: null,
      escalationLevel: 0,
    };
    const t = this.setWait(token, { kind: 'task', task: id });
    task.dueAt = this.startDeadline(t, cn);
    const deadline = cn.node.deadline;
    // A deadline counted past the calendar's holiday data is flagged, on the task and in history (issue 8).
    if (
      deadline &&
      task.dueAt !== null &&
      (deadline.time ?? 'working') === 'working' &&
      this.p.calendars.get(deadline.calendar ?? cn.calendar)?.covers(this.now, task.dueAt) === false
    ) {
      task.deadlineWarning = 'beyond-calendar';
    }
    this.s.tasks[id] = task;
    this.effects.push({ type: 'task.created', task: this.view(task) });
    this.history({
      type: 'task.created',
      node: cn.node.id,
      token: t.id,
      task: id,
      data: {
        assignee: task.assignee,
        candidates: task.candidates,
        dueAt: task.dueAt,
        ...(task.deadlineWarning ? { deadlineWarning: task.deadlineWarning } : {}),
      },
    });
  }

  private callService(token: Token, cn: CompiledNode, attempt: number): void {
    const node = cn.node;
    if (node.type !== 'automaticTask') return;
    // Unique per call, never reused (an operator's retry starts again at attempt 1), so a late
    // result of an earlier call can never be taken for the current one.
    const call = `${token.id}:${++this.s.seq}`;
    let body: unknown;
    if (node.action.kind === 'http' && node.action.body !== undefined) {
      const r = this.p.expression(node.action.body).evaluate(this.feelData());
      if (!r.ok) {
        this.raiseIncident(
          this.setWait(token, { kind: 'service', call, attempt }),
          'ENG_EXPRESSION_FAILED',
          `Body of automatic task "${node.id}" failed: ${r.error.message}`,
        );
        return;
      }
      body = r.value;
    }
    this.setWait(token, { kind: 'service', call, attempt });
    this.effects.push({
      type: 'service.call',
      call,
      node: node.id,
      attempt,
      action: node.action,
      ...(body !== undefined ? { body } : {}),
    });
    this.history({ type: 'service.called', node: node.id, token: token.id, data: { call, attempt } });
  }

  /** A compute task: evaluates its expressions against the data as it was on entry, then moves on. */
  private compute(token: Token, nodeId: string, set: Record<string, string>): void {
    const fields = Object.keys(set);
    if (fields.length > 0) {
      const data = this.feelData();
      const patch: Record<string, unknown> = {};
      for (const field of fields) {
        const r = this.p.expression(set[field]!).evaluate(data);
        if (!r.ok) {
          this.raiseIncident(
            this.setWait(token, { kind: 'trigger' }),
            'ENG_EXPRESSION_FAILED',
            `Field "${field}" of compute task "${nodeId}" failed: ${r.error.message}`,
          );
          return;
        }
        patch[field] = r.value;
      }
      this.mergeData(patch);
    }
    this.leave(token, null);
  }

  private timerDue(token: Token, cn: CompiledNode): Instant | undefined {
    const node = cn.node;
    if (node.type !== 'timer') return undefined;
    if ('date' in node.timer) {
      const r = this.p.expression(node.timer.date).evaluate(this.feelData());
      const at = r.ok && typeof r.value === 'string' ? Date.parse(r.value) : NaN;
      if (!Number.isFinite(at)) {
        this.raiseIncident(
          this.setWait(token, { kind: 'trigger' }),
          'ENG_EXPRESSION_FAILED',
          `Timer date of "${node.id}" is not a date-time: ${r.ok ? JSON.stringify(r.value) : r.error.message}`,
        );
        return undefined;
      }
      return at;
    }
    return this.addSpan(token, cn, node.timer.duration, node.timer.time ?? 'working', node.timer.calendar);
  }

  private addSpan(
    token: Token,
    cn: CompiledNode,
    text: string,
    mode: 'working' | 'clock',
    calendarId: string | undefined,
    from = this.now,
  ): Instant | undefined {
    const calendar = this.p.calendars.get(calendarId ?? cn.calendar);
    const duration = this.p.durations.get(text);
    if (!calendar || !duration) {
      this.raiseIncident(
        this.setWait(token, { kind: 'trigger' }),
        'ENG_UNKNOWN_CALENDAR',
        `Calendar "${calendarId ?? cn.calendar}" of "${cn.node.id}" is not registered.`,
      );
      return undefined;
    }
    return calendar.addDuration(from, duration, mode);
  }

  /** Schedules the deadline and each escalation rung of a waiting node; returns the due instant. */
  private startDeadline(token: Token, cn: CompiledNode): Instant | null {
    const deadline = cn.node.deadline;
    if (!deadline) return null;
    const mode = deadline.time ?? 'working';
    const dueAt = this.addSpan(token, cn, deadline.duration, mode, deadline.calendar);
    if (dueAt === undefined) return null;
    this.schedule({ id: `${token.id}:due`, kind: 'deadline', token: token.id, dueAt });
    const calendar = this.p.calendars.get(deadline.calendar ?? cn.calendar)!;
    const working = mode === 'working' ? calendar.workingMillisBetween(this.now, dueAt) : dueAt - this.now;
    (deadline.escalations ?? []).forEach((rung, i) => {
      let at: Instant | undefined;
      if (rung.at !== undefined) {
        const share = Math.round(working * rung.at);
        at = mode === 'working' ? calendar.addWorkingTime(this.now, share) : this.now + share;
      } else if (rung.after !== undefined) {
        at = this.addSpan(token, cn, rung.after, mode, deadline.calendar);
      }
      if (at !== undefined)
        this.schedule({ id: `${token.id}:esc:${i}`, kind: 'escalation', token: token.id, dueAt: at, rung: i });
    });
    return dueAt;
  }

  // ---------------------------------------------------------------- helpers

  private assign(owner: Parameters<typeof resolveOwner>[0]) {
    const directory = this.directory
      ? { ...this.directory, ...(this.cursors ? { cursors: this.cursors } : {}) }
      : undefined;
    const a = resolveOwner(owner, {
      data: this.s.data,
      initiator: this.s.initiator,
      previousAssignee: this.s.lastAssignee,
      directory,
    });
    if (a.cursor) {
      this.cursors = { ...(this.cursors ?? {}), [a.cursor.key]: a.cursor.value };
      this.effects.push({ type: 'assignment.advanced', key: a.cursor.key, cursor: a.cursor.value });
    }
    return a;
  }

  private schedule(timer: TimerState): void {
    this.s.timers[timer.id] = timer;
    this.effects.push({ type: 'timer.scheduled', timer });
  }

  private cancelTimersOf(tokenId: string): void {
    for (const [id, timer] of Object.entries(this.s.timers)) {
      if (timer.token === tokenId) {
        delete this.s.timers[id];
        this.effects.push({ type: 'timer.cancelled', timer: id });
      }
    }
  }

  private updateTask(task: TaskState, patch: Partial<TaskState>, announce = true): void {
    const next = { ...task, ...patch };
    this.s.tasks[task.id] = next;
    if (announce) this.effects.push({ type: 'task.updated', task: this.view(next) });
  }

  private cancelTask(task: TaskState, reason: string): void {
    const next = { ...task, status: 'cancelled' as const };
    this.s.tasks[task.id] = next;
    this.effects.push({ type: 'task.cancelled', task: this.view(next), reason });
    this.history({ type: 'task.cancelled', node: task.node, task: task.id, data: { reason } });
  }

  private notifyTask(
    task: TaskState,
    reason: 'reminder' | 'escalation' | 'urge' | 'assigned',
    action?: EscalationAction['type'],
  ): void {
    this.effects.push({
      type: 'notify',
      reason,
      to: { ...task.candidates, assignee: task.assignee },
      task: task.id,
      node: task.node,
      ...(action ? { action } : {}),
    });
  }

  private raiseIncident(token: Token, code: EngineErrorCode, message: string): void {
    const id = `i${++this.s.seq}`;
    const incident = { id, token: token.id, node: token.node, code, message, at: this.now };
    this.s.incidents[id] = incident;
    this.setWait(token, { kind: 'incident', incident: id });
    this.effects.push({ type: 'incident.raised', incident });
    this.history({ type: 'incident.raised', node: token.node, token: token.id, data: { incident: id, code, message } });
  }

  private mergeData(patch: Record<string, unknown>): void {
    if (Object.keys(patch).length === 0) return;
    this.s.data = { ...this.s.data, ...patch };
    this.dataChanged = true;
    this.feelCache = undefined;
  }

  private feelData(): Record<string, unknown> {
    this.feelCache ??= {
      ...this.s.data,
      now: new Date(this.now).toISOString(),
      initiator: this.s.initiator,
      businessKey: this.s.businessKey,
    };
    return this.feelCache;
  }

  private view(task: TaskState): TaskView {
    const name = this.p.nodes.get(task.node)?.node.name;
    return name ? { ...task, nodeName: name } : { ...task };
  }

  private history(event: Omit<HistoryEvent, 'at'>): void {
    // Callers pass a fresh literal: stamp it in place rather than copy it (hot path).
    (event as HistoryEvent).at = this.now;
    this.effects.push({ type: 'history', event: event as HistoryEvent });
  }

  /** Re-checks tokens held by trigger conditions after data changed, then returns the result. */
  private finish(): StepResult {
    for (let round = 0; this.dataChanged && this.s.status === 'running' && round < 100; round++) {
      this.dataChanged = false;
      for (const token of this.s.tokens.slice()) {
        if (token.wait.kind !== 'trigger' || !this.tokenById(token.id)) continue;
        const node = this.p.nodes.get(token.node)!.node;
        if (!node.trigger) continue;
        const r = this.p.expression(node.trigger.condition).condition(this.feelData());
        if (r.ok && r.value) {
          this.removeToken(token);
          this.arrive(token, token.wait.via ?? null);
        }
      }
    }
    return { ok: true, snapshot: this.s, effects: this.effects };
  }
}

/** Milliseconds of a clock duration (weeks and days as 24-hour days). */
export function durationMs(d: Duration): number {
  return ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

/** Read a data field (dotted path); re-exported for callers that show node inputs. */
export { readPath };
