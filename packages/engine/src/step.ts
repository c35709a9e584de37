import type { Duration, EscalationAction, MultiInstance, ProcessNode, Signers } from '@baton/definition';
import { isCandidate, readPath, resolveOwner } from './assign.ts';
import { MAX_SIGNERS, neededApprovals, resolveSigners } from './signers.ts';
import type { CompiledNode, CompiledProcess } from './compile.ts';
import type { EngineErrorCode } from './errors.ts';
import type {
  Actor,
  Candidates,
  Command,
  Directory,
  Effect,
  HistoryEvent,
  Incident,
  Instant,
  InstanceSnapshot,
  SignerGroup,
  StepEnv,
  StepResult,
  TaskState,
  TaskView,
  TimerState,
  Token,
  TokenWait,
} from './types.ts';

const NO_EXTRA: Partial<TaskState> = {};

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
  /** Tokens whose next task goes to a given user, whatever the owner (return to the initiator, 撤回). */
  private forcedAssignee: Map<string, string> | undefined;
  /** Signer groups created or copied in this step (safe to change in place). */
  private ownGroups: Set<string> | undefined;
  /** Tasks completed by a person in this step: `finish` records what their completion opened. */
  private completedNow: string[] | undefined;
  /** Completions in this step that merged parallel branches at a join. */
  private joinedCompletions: Set<string> | undefined;
  /** Parallel joins that fired in this step (a completion that merged branches cannot be withdrawn). */
  private joinsFired = 0;

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
    if (from.groups) this.s.groups = { ...from.groups };
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
          this.complete(command);
          break;
        case 'transfer':
          this.transfer(command.task, command.actor, command.to, command.comment);
          break;
        case 'addSigners':
          this.addSigners(command);
          break;
        case 'withdraw':
          if (command.task === undefined) this.withdrawInstance(command.actor, command.comment);
          else this.withdrawTask(command.task, command.actor, command.comment);
          break;
        case 'comment':
          this.comment(command.actor, command.text, command.task);
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
    // The delegating user may still act on a task their agent holds (委托 ended early, or back in the office).
    if (actor.privileged || isCandidate(task, actor) || task.onBehalfOf === actor.id) return;
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
      if (task.assignee === actor.id) {
        // The assignee opening their own task: nothing changes but it counts as acted on (撤回).
        if (task.touchedBy === undefined) this.s.tasks[id] = { ...task, ...this.touch(task, actor.id) };
        return;
      }
      throw new Rejection('ENG_TASK_ALREADY_CLAIMED', `Task "${id}" is already claimed by "${task.assignee}".`);
    }
    this.mayAct(task, actor);
    const first = task.claimedAt === undefined ? { claimedBy: actor.id, claimedAt: this.now } : {};
    this.updateTask(task, { assignee: actor.id, status: 'claimed', ...this.touch(task, actor.id), ...first });
    this.history({ type: 'task.claimed', node: task.node, task: id, actor: actor.id });
  }

  /** The fields that mark a task as acted on by a person, unless it already is. */
  private touch(task: TaskState, by: string): Partial<TaskState> {
    return task.touchedBy === undefined ? { touchedBy: by, touchedAt: this.now } : {};
  }

  private complete(command: Extract<Command, { type: 'complete' }>): void {
    const { task: id, actor } = command;
    const output = command.output ?? {};
    const task = this.openTask(id);
    this.mayAct(task, actor);
    const group = task.group ? this.s.groups?.[task.group] : undefined;
    if (group && group.kind === 'signers' && !group.adhoc && command.decision === undefined) {
      throw new Rejection(
        'ENG_DECISION_REQUIRED',
        `Task "${id}" is one signer's part of a several-signer step: send "decision": "approve" or "reject".`,
        '/decision',
      );
    }
    if (command.comment !== undefined) this.checkComment(command.comment, '/comment');
    this.checkOwnerFields(output, '/output');
    const cc = command.cc?.filter((u) => typeof u === 'string' && u !== '') ?? [];
    this.closeTask(task, actor.id, output, command.decision, command.comment);
    if (cc.length > 0)
      this.sendCc(task.node, { users: [...new Set(cc)], roles: [], teams: [] }, 'chosen', actor.id, id);
  }

  private checkComment(text: unknown, path: string): void {
    if (typeof text !== 'string' || text.trim() === '' || text.length > 2000)
      throw new Rejection('ENG_COMMENT_INVALID', `At ${path}: write a comment of 1 to 2,000 characters.`, path);
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

  private closeTask(
    task: TaskState,
    by: string | null,
    output: Record<string, unknown>,
    decision?: 'approve' | 'reject',
    comment?: string,
  ): void {
    const assignee = task.assignee ?? by;
    const done: TaskState = {
      ...task,
      status: 'completed',
      assignee,
      completedBy: by,
      completedAt: this.now,
      completedSeq: this.s.seq,
    };
    if (decision !== undefined) done.decision = decision;
    if (comment !== undefined) done.comment = comment;
    this.s.tasks[task.id] = done;
    if (by !== null) (this.completedNow ??= []).push(task.id);
    const group = task.group ? this.s.groups?.[task.group] : undefined;
    // A multi-instance task's output goes to its element's result, not over the other elements' data.
    if (group?.kind !== 'multiInstance') this.mergeData(output);
    this.s.lastAssignee = assignee;
    this.effects.push({ type: 'task.completed', task: this.view(done), output, by });
    this.history({
      type: 'task.completed',
      node: task.node,
      task: task.id,
      actor: by,
      data:
        decision === undefined && comment === undefined
          ? { output }
          : { output, ...(decision ? { decision } : {}), ...(comment !== undefined ? { comment } : {}) },
    });
    if (group) {
      this.groupTaskDone(group.id, done, output);
      return;
    }
    const token = this.tokenById(task.token);
    if (!token) return;
    const node = this.p.nodes.get(task.node)!.node;
    if (node.type === 'userTask' && node.resultField) {
      this.mergeData({
        [node.resultField]: {
          outcome: decision === 'reject' ? 'rejected' : 'approved',
          approvals: decision === 'reject' ? 0 : 1,
          rejections: decision === 'reject' ? 1 : 0,
          needed: 1,
          signers: [this.signerEntry(done)],
        },
      });
    }
    this.s.lastApprovers =
      decision === 'reject' || by === null
        ? []
        : done.onBehalfOf && done.onBehalfOf !== by
          ? [by, done.onBehalfOf]
          : [by];
    const joins = this.joinsFired;
    this.leave(token, null);
    // Merged with other branches at a join: the join cannot be unwound, so no 撤回 (no nextSeq, see withdrawTask).
    if (this.joinsFired !== joins) (this.joinedCompletions ??= new Set()).add(task.id);
  }

  private transfer(id: string, actor: Actor, to: string, comment?: string): void {
    const task = this.openTask(id);
    this.mayAct(task, actor);
    if (comment !== undefined) this.checkComment(comment, '/comment');
    const d = this.deliver(to);
    this.updateTask(task, {
      assignee: d.assignee,
      status: 'claimed',
      ...this.touch(task, actor.id),
      ...(d.onBehalfOf ? { onBehalfOf: d.onBehalfOf } : {}),
    });
    if (!d.onBehalfOf && task.onBehalfOf !== undefined) delete this.s.tasks[id]!.onBehalfOf;
    this.history({
      type: 'task.transferred',
      node: task.node,
      task: id,
      actor: actor.id,
      data: {
        from: task.assignee,
        to: d.assignee,
        ...(d.onBehalfOf ? { onBehalfOf: d.onBehalfOf } : {}),
        ...(comment !== undefined ? { comment } : {}),
      },
    });
    this.notifyTask(this.s.tasks[id]!, 'assigned');
  }

  /** 委托: where a task for `user` goes: to their agent when the directory names one, marked on behalf of them. */
  private deliver(user: string): { assignee: string; onBehalfOf?: string } {
    const agent = this.directory?.users[user]?.delegateTo;
    return agent && agent !== user ? { assignee: agent, onBehalfOf: user } : { assignee: user };
  }

  private returnTo(id: string, actor: Actor, requested: string, reason: string | undefined): void {
    const task = this.openTask(id);
    this.mayAct(task, actor);
    const token = this.tokenById(task.token)!;
    const here = this.p.nodes.get(task.node)!;
    const scope = this.scopeOfNode(here.node.id);
    // Named targets: the step before this one, or the initiator's first step (the earliest passed user task).
    const passedSteps = this.s.visited.filter(
      (v) => v !== task.node && this.p.nodes.get(v)?.node.type === 'userTask' && this.scopeOfNode(v) === scope,
    );
    const to = requested === '@previous' ? passedSteps.at(-1) : requested === '@initiator' ? passedSteps[0] : requested;
    const target = to === undefined ? undefined : this.p.nodes.get(to);
    const sameScope = target && to !== undefined && this.scopeOfNode(to) === scope;
    if (
      to === undefined ||
      !target ||
      !sameScope ||
      !this.s.visited.includes(to) ||
      to === task.node ||
      target.node.type === 'start'
    ) {
      throw new Rejection(
        'ENG_RETURN_TARGET_INVALID',
        `Cannot return task "${id}" to "${requested}": only an earlier step of the same scope that this instance has passed can be returned to ("@previous" and "@initiator" need a user task passed before). Passed: ${this.s.visited.join(', ') || '(none)'}.`,
        '/to',
      );
    }
    if (this.crossesJoin(to, task.node)) {
      throw new Rejection(
        'ENG_RETURN_TARGET_INVALID',
        `Cannot return task "${id}" to "${to}": it lies inside a branch of a parallel block that "${task.node}" is not on, so its join would wait for the other branches forever. Return to a step before the parallel split, or on the same branch.`,
        '/to',
      );
    }
    this.s.tasks[id] = { ...this.s.tasks[id]!, ...this.touch(task, actor.id) };
    this.releaseWait(token, 'returned', id);
    this.history({
      type: 'task.returned',
      node: task.node,
      task: id,
      actor: actor.id,
      data: requested === to ? { to, reason: reason ?? null } : { to, via: requested, reason: reason ?? null },
    });
    this.removeToken(token);
    this.dropDownstream(token.scope, to);
    const next = this.spawn(to, token.scope);
    if (requested === '@initiator' && this.s.initiator) {
      // Back to the initiator: the step's task goes to them, whoever its owner is.
      (this.forcedAssignee ??= new Map()).set(next.id, this.s.initiator);
    }
    this.arrive(next, null);
  }

  /**
   * Whether returning from `here` to `target` would re-run one branch of a parallel block alone:
   * the target reaches a parallel join before any split (it is inside a branch), and `here` is not
   * further down that same branch (it is after the join, or on another branch).
   */
  private crossesJoin(target: string, here: string): boolean {
    const beforeSplit = this.reachFrom(target, (id) => this.isSplit(id));
    const insideBranch = [...beforeSplit].some((id) => this.isJoin(id));
    if (!insideBranch) return false;
    const sameBranch = this.reachFrom(target, (id) => this.p.nodes.get(id)!.node.type === 'parallelGateway');
    return !sameBranch.has(here);
  }

  private isSplit(id: string): boolean {
    const cn = this.p.nodes.get(id)!;
    return cn.node.type === 'parallelGateway' && cn.outgoing.length > 1;
  }

  private isJoin(id: string): boolean {
    const cn = this.p.nodes.get(id)!;
    return cn.node.type === 'parallelGateway' && cn.incoming.length > 1;
  }

  /** Nodes reachable from `from` by normal and escalation edges, not walking on from nodes where `stop` holds. */
  private reachFrom(from: string, stop: (id: string) => boolean = () => false): Set<string> {
    const seen = new Set<string>([from]);
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (id !== from && stop(id)) continue;
      const cn = this.p.nodes.get(id)!;
      for (const e of [...cn.outgoing, ...cn.escalationEdges.values()])
        if (!seen.has(e.to)) {
          seen.add(e.to);
          stack.push(e.to);
        }
    }
    return seen;
  }

  /**
   * A return to an earlier step re-runs everything after it: parallel branches of the same scope
   * resting downstream of the target are dropped (their tasks cancelled, reason `returned`) and
   * half-filled joins there are cleared, so the returned token does not meet stale branches.
   */
  private dropDownstream(scope: string, target: string): void {
    const reach = this.reachFrom(target);
    // Joins of the branch the target is on keep their other branches' arrivals.
    const ownBranch = this.reachFrom(target, (id) => this.isSplit(id));
    for (const other of this.s.tokens.slice())
      if (other.scope === scope && reach.has(other.node) && !ownBranch.has(other.node))
        this.dropToken(other, 'returned');
    for (const key of Object.keys(this.s.joins)) {
      const node = key.slice(scope.length + 1);
      if (key.startsWith(`${scope}/`) && reach.has(node) && !ownBranch.has(node)) delete this.s.joins[key];
    }
  }

  /**
   * Cancels whatever the token waits on among tasks (its task, or every open task of its signer
   * group, which is then dropped); `first` is cancelled first.
   */
  private releaseWait(token: Token, reason: string, first?: string): void {
    if (token.wait.kind === 'task') {
      const task = this.s.tasks[token.wait.task];
      if (task && (task.status === 'open' || task.status === 'claimed')) this.cancelTask(task, reason);
      return;
    }
    if (token.wait.kind !== 'signers') return;
    const group = this.s.groups?.[token.wait.group];
    if (!group) return;
    if (first) {
      const t = this.s.tasks[first];
      if (t && (t.status === 'open' || t.status === 'claimed')) this.cancelTask(t, reason);
    }
    this.endGroup(group, reason);
  }

  /** Ends an undecided group early (return, withdraw, escalation, terminate, skip): its open tasks are cancelled and the history lists every signer. */
  private endGroup(group: SignerGroup, reason: string): void {
    this.cancelGroupTasks(group, reason);
    const token = this.tokenById(group.token);
    this.history({
      type: 'signers.decided',
      node: group.node,
      ...(token ? { token: token.id } : {}),
      data:
        group.kind === 'signers'
          ? { group: group.id, outcome: reason, ...this.groupSummary(group) }
          : {
              group: group.id,
              outcome: reason,
              completed: group.slots.filter((sl) => sl.result !== undefined).length,
              instances: group.slots.length,
            },
    });
    this.dropGroup(group.id);
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
    if (token.wait.kind === 'signers')
      for (const t of this.openGroupTasks(token.wait.group))
        this.updateTask(t, { escalationLevel: t.escalationLevel + 1 }, false);
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
    // A signer group: remind and reassign apply to each open signer's task.
    if (!task && token.wait.kind === 'signers' && (action.type === 'remind' || action.type === 'reassign')) {
      for (const t of this.openGroupTasks(token.wait.group)) this.runEscalation(token, cn, action, t);
      return;
    }
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
        const d = a.assignee ? this.deliver(a.assignee) : undefined;
        this.updateTask(task, {
          assignee: d ? d.assignee : null,
          candidates: a.candidates,
          status: a.assignee ? 'claimed' : 'open',
        });
        if (d?.onBehalfOf) this.s.tasks[task.id]!.onBehalfOf = d.onBehalfOf;
        else if (task.onBehalfOf !== undefined) delete this.s.tasks[task.id]!.onBehalfOf;
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
          if (token.wait.kind === 'signers') {
            const group = this.s.groups?.[token.wait.group];
            if (group) this.writeGroupResult(group, 'escalated');
          }
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
    const group = incident.group ? this.s.groups?.[incident.group] : undefined;
    if (group) {
      if (how === 'retried') {
        this.setWait(token, { kind: 'signers', group: group.id });
        this.advanceGroup(group.id);
        return;
      }
      if (output) this.mergeData(output);
      this.cancelGroupTasks(group, 'skipped');
      this.writeGroupResult(group, 'skipped');
      this.endGroup(group, 'skipped');
      this.leave(this.tokenById(token.id)!, null);
      return;
    }
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
    if (node.cc) this.ccRules(node, 'activated');
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
    if (token.wait.kind === 'signers') this.releaseWait(token, 'escalated');
    this.removeToken(token);
    if (!silent && cn.waits)
      this.history({
        type: 'node.left',
        node: cn.node.id,
        token: token.id,
        data: escalated ? { since: token.since, escalated: true } : { since: token.since },
      });
    this.markVisited(cn.node.id);
    if (cn.node.cc) this.ccRules(cn.node, 'completed');
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
    if (token.wait.kind === 'task' || token.wait.kind === 'signers') this.releaseWait(token, reason);
    if (token.wait.kind === 'incident') {
      const group = this.s.incidents[token.wait.incident]?.group;
      if (group && this.s.groups?.[group]) {
        this.endGroup(this.s.groups[group], reason);
      }
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
      this.joinsFired++;
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
    const forced = this.forcedAssignee?.get(token.id);
    if (forced !== undefined) this.forcedAssignee!.delete(token.id);
    const node = cn.node;
    if (forced === undefined && node.type === 'userTask') {
      if (node.signers) return this.activateSigners(token, cn, node.signers);
      if (node.multiInstance) return this.activateMultiInstance(token, cn, node.multiInstance);
    }
    const a =
      forced !== undefined
        ? { assignee: forced, candidates: emptyCandidates() }
        : node.owner
          ? this.assign(node.owner)
          : { assignee: null, candidates: emptyCandidates() };
    const id = `k${++this.s.seq}`;
    const t = this.setWait(token, { kind: 'task', task: id });
    const dueAt = this.startDeadline(t, cn);
    this.newTask(t, cn, a, dueAt, NO_EXTRA, forced === undefined, id);
  }

  /** Creates one task of a node (a plain task or one signer's) and announces it. */
  private newTask(
    token: Token,
    cn: CompiledNode,
    a: { assignee: string | null; candidates: Candidates },
    dueAt: Instant | null,
    extra: Partial<TaskState>,
    delegate = true,
    presetId?: string,
  ): TaskState {
    const id = presetId ?? `k${++this.s.seq}`;
    const d = a.assignee !== null && delegate ? this.deliver(a.assignee) : undefined;
    const task: TaskState = {
      id,
      node: cn.node.id,
      token: token.id,
      status: a.assignee ? 'claimed' : 'open',
      assignee: d ? d.assignee : a.assignee,
      candidates: a.candidates,
      createdAt: this.now,
      dueAt,
      escalationLevel: 0,
    };
    for (const key in extra)
      if (key !== 'id') (task as unknown as Record<string, unknown>)[key] = extra[key as keyof TaskState];
    if (d?.onBehalfOf) task.onBehalfOf = d.onBehalfOf;
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
      token: token.id,
      task: id,
      data: taskCreatedData(task),
    });
    return task;
  }

  // ---------------------------------------------------------------- signer groups (issue 9)

  /** Several signers: resolve them, auto-approve duplicates (去重), open the first tasks. */
  private activateSigners(token: Token, cn: CompiledNode, signers: Signers): void {
    const users = resolveSigners(signers.from, {
      data: this.s.data,
      initiator: this.s.initiator,
      previousAssignee: this.s.lastAssignee,
      directory: this.directory,
    });
    const node = cn.node;
    if (users.length > MAX_SIGNERS) {
      this.raiseIncident(token, 'ENG_NO_SIGNERS', `Step "${node.id}" resolved to more than ${MAX_SIGNERS} signers.`);
      return;
    }
    const policy = signers.policy ?? 'all';
    if (users.length === 0) {
      const empty = signers.whenEmpty ?? { action: 'incident' };
      this.history({
        type: 'signers.resolved',
        node: node.id,
        token: token.id,
        data: { signers: [], policy, whenEmpty: empty.action },
      });
      if (empty.action === 'incident') {
        this.raiseIncident(
          token,
          'ENG_NO_SIGNERS',
          `Step "${node.id}" found no signers (sources: ${signers.from.map((f) => f.type).join(', ')}). Fix the directory or data and retry, or skip.`,
        );
        return;
      }
      if (empty.action === 'skip') {
        if (node.type === 'userTask' && node.resultField)
          this.mergeData({
            [node.resultField]: { outcome: 'skipped', approvals: 0, rejections: 0, needed: 0, signers: [] },
          });
        this.leave(token, null);
        return;
      }
      // A fallback owner: one slot, decided by its one task.
      const a = this.assign(empty.owner);
      const gid = `g${++this.s.seq}`;
      const group: SignerGroup = {
        id: gid,
        node: node.id,
        token: token.id,
        kind: 'signers',
        policy: 'all',
        needed: 1,
        veto: true,
        slots: [{ user: a.assignee, at: 0, stages: [{ users: a.assignee ? [a.assignee] : [], tasks: [] }] }],
      };
      this.putGroup(group);
      const t = this.setWait(token, { kind: 'signers', group: gid });
      const dueAt = this.startDeadline(t, cn);
      group.dueAt = dueAt;
      const task = this.newTask(this.tokenById(t.id) ?? t, cn, a, dueAt, { group: gid });
      group.slots[0]!.stages[0]!.tasks.push(task.id);
      return;
    }
    const veto = (signers.rejection ?? 'veto') === 'veto';
    const gid = `g${++this.s.seq}`;
    const group: SignerGroup = {
      id: gid,
      node: node.id,
      token: token.id,
      kind: 'signers',
      policy,
      needed: neededApprovals(signers, users.length),
      veto,
      slots: users.map((u) => ({ user: u, at: -1, stages: [{ users: [u], tasks: [] }] })),
    };
    this.putGroup(group);
    const t = this.setWait(token, { kind: 'signers', group: gid });
    this.history({
      type: 'signers.resolved',
      node: node.id,
      token: t.id,
      data: { group: gid, signers: users, policy, needed: group.needed, rejection: veto ? 'veto' : 'count' },
    });
    const due = this.startDeadline(t, cn);
    if (!this.tokenById(t.id) || this.tokenById(t.id)!.wait.kind !== 'signers') return;
    group.dueAt = due;
    if (signers.dedupe) {
      const previous = new Set(this.s.lastApprovers ?? []);
      for (const slot of group.slots) {
        if (slot.user === null || !previous.has(slot.user)) continue;
        slot.at = 0;
        slot.result = 'approve';
        slot.auto = 'dedupe';
        const task = this.newTask(
          t,
          cn,
          { assignee: slot.user, candidates: emptyCandidates() },
          due,
          { group: gid, signer: slot.user },
          false,
        );
        const done: TaskState = {
          ...task,
          status: 'completed',
          decision: 'approve',
          auto: 'dedupe',
          completedBy: null,
          completedAt: this.now,
          completedSeq: this.s.seq,
        };
        this.s.tasks[task.id] = done;
        slot.stages[0]!.tasks.push(task.id);
        this.effects.push({ type: 'task.completed', task: this.view(done), output: {}, by: null });
        this.history({
          type: 'task.autoApproved',
          node: node.id,
          token: t.id,
          task: task.id,
          data: { user: slot.user, reason: 'dedupe' },
        });
      }
    }
    this.advanceGroup(gid);
  }

  /** Multi-instance: one task per element of the collection, all at once or in turn. */
  private activateMultiInstance(token: Token, cn: CompiledNode, mi: MultiInstance): void {
    const list = readPath(this.s.data, mi.collection);
    if (!Array.isArray(list) || list.length > MAX_SIGNERS) {
      this.raiseIncident(
        token,
        'ENG_NOT_A_LIST',
        `Collection "${mi.collection}" of multi-instance step "${cn.node.id}" ${Array.isArray(list) ? `has ${list.length} elements, more than ${MAX_SIGNERS}` : `is ${list === undefined ? 'missing' : 'not a list'}`}.`,
      );
      return;
    }
    const gid = `g${++this.s.seq}`;
    const group: SignerGroup = {
      id: gid,
      node: cn.node.id,
      token: token.id,
      kind: 'multiInstance',
      policy: mi.sequential ? 'sequence' : 'all',
      needed: list.length,
      veto: false,
      slots: list.map((item: unknown) => ({ user: null, item, at: -1, stages: [{ users: [], tasks: [] }] })),
    };
    this.putGroup(group);
    const t = this.setWait(token, { kind: 'signers', group: gid });
    this.history({
      type: 'signers.resolved',
      node: cn.node.id,
      token: t.id,
      data: { group: gid, instances: list.length, sequential: mi.sequential === true },
    });
    const due = this.startDeadline(t, cn);
    if (!this.tokenById(t.id) || this.tokenById(t.id)!.wait.kind !== 'signers') return;
    group.dueAt = due;
    this.advanceGroup(gid);
  }

  private putGroup(group: SignerGroup): void {
    this.s.groups = { ...(this.s.groups ?? {}), [group.id]: group };
    (this.ownGroups ??= new Set()).add(group.id);
  }

  /** The group, copied on first write in this step so the input snapshot is never changed. */
  private groupForWrite(id: string): SignerGroup | undefined {
    const g = this.s.groups?.[id];
    if (!g) return undefined;
    if (this.ownGroups?.has(id)) return g;
    const copy: SignerGroup = {
      ...g,
      slots: g.slots.map((sl) => ({
        ...sl,
        stages: sl.stages.map((st) => ({ ...st, users: st.users.slice(), tasks: st.tasks.slice() })),
      })),
    };
    this.s.groups = { ...this.s.groups, [id]: copy };
    (this.ownGroups ??= new Set()).add(id);
    return copy;
  }

  private dropGroup(id: string): void {
    if (!this.s.groups?.[id]) return;
    const rest = { ...this.s.groups };
    delete rest[id];
    this.s.groups = rest;
  }

  private openGroupTasks(id: string): TaskState[] {
    const group = this.s.groups?.[id];
    if (!group) return [];
    const out: TaskState[] = [];
    for (const slot of group.slots)
      for (const stage of slot.stages)
        for (const tid of stage.tasks) {
          const t = this.s.tasks[tid];
          if (t && (t.status === 'open' || t.status === 'claimed')) out.push(t);
        }
    return out;
  }

  private cancelGroupTasks(group: SignerGroup, reason: string): void {
    for (const t of this.openGroupTasks(group.id)) this.cancelTask(t, reason);
  }

  /** Where a task sits in its group: slot and stage indexes. */
  private locate(group: SignerGroup, taskId: string): { slot: number; stage: number } | undefined {
    for (let i = 0; i < group.slots.length; i++) {
      const stages = group.slots[i]!.stages;
      for (let k = 0; k < stages.length; k++) if (stages[k]!.tasks.includes(taskId)) return { slot: i, stage: k };
    }
    return undefined;
  }

  /** Opens the tasks of a slot's stage: one per user, or (multi-instance) one for the node's owner. */
  private startStage(group: SignerGroup, slotIndex: number, k: number): void {
    const slot = group.slots[slotIndex]!;
    const stage = slot.stages[k]!;
    slot.at = k;
    const token = this.tokenById(group.token);
    const cn = this.p.nodes.get(group.node)!;
    if (!token) return;
    const due = group.dueAt ?? null;
    const base: Partial<TaskState> = { group: group.id, ...(stage.addedBy ? { addedBy: stage.addedBy } : {}) };
    if (stage.users.length === 0) {
      const owner = cn.node.owner;
      const a = owner
        ? this.assignWith(owner, group.kind === 'multiInstance' ? { ...this.s.data, item: slot.item } : this.s.data)
        : { assignee: null, candidates: emptyCandidates() };
      const extra = group.kind === 'multiInstance' ? { ...base, item: slot.item } : base;
      stage.tasks.push(this.newTask(token, cn, a, due, extra).id);
      return;
    }
    for (const u of stage.users)
      stage.tasks.push(
        this.newTask(token, cn, { assignee: u, candidates: emptyCandidates() }, due, { ...base, signer: u }).id,
      );
  }

  /** A task of a group was completed: move its slot on, then see whether the step is decided. */
  private groupTaskDone(id: string, task: TaskState, output: Record<string, unknown>): void {
    const group = this.groupForWrite(id);
    if (!group) return;
    const at = this.locate(group, task.id);
    if (!at) return;
    const slot = group.slots[at.slot]!;
    if (group.kind === 'multiInstance') {
      slot.result = task.decision ?? 'approve';
      slot.output = output;
    } else if (task.decision === 'reject') {
      slot.result = 'reject';
      for (const stage of slot.stages)
        for (const tid of stage.tasks) {
          const t = this.s.tasks[tid]!;
          if (t.status === 'open' || t.status === 'claimed') this.cancelTask(t, 'decided');
        }
    } else {
      const stage = slot.stages[at.stage]!;
      const live = stage.tasks.map((tid) => this.s.tasks[tid]!).filter(isLive);
      if (live.every((t) => t.status === 'completed' && t.decision !== 'reject')) {
        if (at.stage + 1 < slot.stages.length) this.startStage(group, at.slot, at.stage + 1);
        else slot.result = 'approve';
      }
    }
    this.advanceGroup(id);
  }

  /** Decides the step when its outcome is known; otherwise opens the next slot (依次 / sequential). */
  private advanceGroup(id: string): void {
    const group = this.groupForWrite(id);
    if (!group) return;
    const token = this.tokenById(group.token);
    if (!token || token.wait.kind !== 'signers' || token.wait.group !== id) return;
    const n = group.slots.length;
    let approvals = 0;
    let rejections = 0;
    let active = 0;
    for (const slot of group.slots) {
      if (slot.result === 'approve') approvals++;
      else if (slot.result === 'reject') rejections++;
      else if (slot.at >= 0) active++;
    }
    let outcome: 'approved' | 'rejected' | 'completed' | undefined;
    if (group.kind === 'multiInstance') {
      const done = approvals + rejections;
      if (done === n) outcome = 'completed';
      else {
        const node = this.p.nodes.get(group.node)!.node;
        const condition = node.type === 'userTask' ? node.multiInstance?.completionCondition : undefined;
        if (condition !== undefined && done > 0) {
          const r = this.p.expression(condition).condition({
            ...this.feelData(),
            nrOfInstances: n,
            nrOfCompletedInstances: done,
            nrOfActiveInstances: active,
          });
          if (!r.ok) {
            this.raiseIncident(
              token,
              'ENG_EXPRESSION_FAILED',
              `Completion condition of multi-instance step "${group.node}" failed: ${r.error.message}`,
              id,
            );
            return;
          }
          if (r.value) outcome = 'completed';
        }
      }
    } else {
      const remaining = n - approvals - rejections;
      if (approvals >= group.needed) outcome = 'approved';
      else if ((group.veto && rejections > 0) || approvals + remaining < group.needed) outcome = 'rejected';
    }
    if (outcome === undefined) {
      const sequential = group.policy === 'sequence';
      for (let i = 0; i < n; i++) {
        const slot = group.slots[i]!;
        if (slot.result !== undefined || slot.at >= 0) {
          if (sequential && slot.result === undefined) return; // the current signer is still deciding
          continue;
        }
        this.startStage(group, i, 0);
        if (sequential) return;
      }
      if (active > 0 || group.slots.some((sl) => sl.result === undefined && sl.at >= 0)) return;
      // Nothing left to wait for (cannot happen with consistent counts): end the step rather than stall.
      outcome = group.kind === 'multiInstance' ? 'completed' : approvals >= group.needed ? 'approved' : 'rejected';
    }
    this.cancelGroupTasks(group, 'decided');
    this.writeGroupResult(group, outcome);
    const approvers: string[] = [];
    if (group.kind === 'signers' && outcome === 'approved') {
      const done: TaskState[] = [];
      for (const slot of group.slots)
        for (const stage of slot.stages)
          for (const tid of stage.tasks) {
            const t = this.s.tasks[tid]!;
            if (t.status === 'completed' && !t.withdrawnAt && t.decision !== 'reject') done.push(t);
          }
      approvers.push(...approversOf(done));
    }
    this.history({
      type: 'signers.decided',
      node: group.node,
      token: token.id,
      data:
        group.kind === 'signers'
          ? { group: id, outcome, ...this.groupSummary(group) }
          : { group: id, outcome, completed: approvals + rejections, instances: n },
    });
    this.dropGroup(id);
    this.s.lastApprovers = approvers;
    this.setWait(token, { kind: 'trigger' });
    this.leave(this.tokenById(token.id)!, null);
  }

  /** Writes the step's result field: the outcome and every signer's decision and comment (or the multi-instance list). */
  private writeGroupResult(group: SignerGroup, outcome: string): void {
    const node = this.p.nodes.get(group.node)!.node;
    if (node.type !== 'userTask') return;
    if (group.kind === 'multiInstance') {
      const field = node.multiInstance?.resultField;
      if (!field) return;
      this.mergeData({
        [field]: group.slots.map((slot) => {
          const tid = slot.stages[0]!.tasks.at(-1);
          const t = tid ? this.s.tasks[tid] : undefined;
          return {
            item: slot.item ?? null,
            status: slot.result !== undefined ? 'completed' : t ? 'cancelled' : 'notStarted',
            user: t && t.status === 'completed' ? (t.completedBy ?? t.assignee) : null,
            decision: t?.decision ?? null,
            comment: t?.comment ?? null,
            output: slot.output ?? null,
          };
        }),
      });
      return;
    }
    if (!node.resultField) return;
    this.mergeData({ [node.resultField]: { outcome, ...this.groupSummary(group) } });
  }

  /** Every signer of a group with their decision and comment (null when they never decided), in slot order. */
  private groupSummary(group: SignerGroup): {
    approvals: number;
    rejections: number;
    needed: number;
    signers: Record<string, unknown>[];
  } {
    const signers: Record<string, unknown>[] = [];
    let approvals = 0;
    let rejections = 0;
    for (const slot of group.slots) {
      if (slot.result === 'approve') approvals++;
      if (slot.result === 'reject') rejections++;
      slot.stages.forEach((stage, k) => {
        if (k > slot.at || slot.at < 0) {
          // Not reached (依次, or 加签 before/after that never came): listed, undecided.
          for (const u of stage.users)
            signers.push({
              user: u,
              decision: null,
              comment: null,
              ...(stage.addedBy ? { addedBy: stage.addedBy } : {}),
            });
          return;
        }
        for (const tid of stage.tasks) {
          const t = this.s.tasks[tid]!;
          // Tasks replaced by another (加签 before me, 撤回) are not a signer's line; cancelled undecided ones are.
          if (t.withdrawnAt === undefined && t.cancelReason !== 'addedBefore') signers.push(this.signerEntry(t));
        }
      });
    }
    return { approvals, rejections, needed: group.needed, signers };
  }

  /** One signer's line in a result field. */
  private signerEntry(t: TaskState): Record<string, unknown> {
    const signer = t.signer ?? t.onBehalfOf ?? t.assignee;
    return {
      user: signer,
      decision: t.status === 'completed' ? (t.decision ?? 'approve') : null,
      comment: t.comment ?? null,
      ...(t.completedBy && t.completedBy !== signer ? { by: t.completedBy } : {}),
      ...(t.auto ? { auto: t.auto } : {}),
      ...(t.addedBy ? { addedBy: t.addedBy } : {}),
      ...(t.status === 'cancelled' ? { cancelled: true } : {}),
    };
  }

  // ---------------------------------------------------------------- 加签, 撤回, comments, cc (issue 9)

  private addSigners(command: Extract<Command, { type: 'addSigners' }>): void {
    const { actor, position } = command;
    const task = this.openTask(command.task);
    this.mayAct(task, actor);
    const users = command.users;
    const owner = task.assignee ?? actor.id;
    if (!Array.isArray(users) || users.length === 0 || users.length > 50)
      throw new Rejection('ENG_ADD_SIGNERS_INVALID', 'Name 1 to 50 users to add.', '/users');
    users.forEach((u, i) => {
      if (typeof u !== 'string' || u === '' || users.indexOf(u) !== i || u === owner || u === actor.id)
        throw new Rejection(
          'ENG_ADD_SIGNERS_INVALID',
          `At /users/${i}: ${JSON.stringify(u)} is empty, named twice, or yourself. Name each other user once.`,
          `/users/${i}`,
        );
    });
    if (position !== 'before' && position !== 'after' && position !== 'parallel')
      throw new Rejection('ENG_ADD_SIGNERS_INVALID', 'Position must be "before", "after" or "parallel".', '/position');
    if (command.comment !== undefined) this.checkComment(command.comment, '/comment');
    let gid = task.group;
    const signer = task.signer ?? task.onBehalfOf ?? owner;
    if (gid && this.s.groups?.[gid]?.kind === 'multiInstance')
      throw new Rejection(
        'ENG_ADD_SIGNERS_INVALID',
        `Task "${task.id}" is one of a multi-instance step; it takes no added signers.`,
      );
    const token = this.tokenById(task.token)!;
    if (!gid) {
      // A single task becomes a group of one vote, so added signers take part in deciding it.
      gid = `g${++this.s.seq}`;
      this.putGroup({
        id: gid,
        node: task.node,
        token: token.id,
        kind: 'signers',
        policy: 'all',
        needed: 1,
        veto: true,
        adhoc: true,
        dueAt: task.dueAt,
        slots: [{ user: signer, at: 0, stages: [{ users: [signer], tasks: [task.id] }] }],
      });
      this.setWait(token, { kind: 'signers', group: gid });
      this.s.tasks[task.id] = { ...this.s.tasks[task.id]!, group: gid, signer };
    }
    // The actor keeps their own part: an offered task becomes theirs.
    this.s.tasks[task.id] = {
      ...this.s.tasks[task.id]!,
      ...this.touch(task, actor.id),
      ...(task.assignee === null ? { assignee: actor.id, status: 'claimed' as const } : {}),
    };
    const group = this.groupForWrite(gid)!;
    const at = this.locate(group, task.id)!;
    const slot = group.slots[at.slot]!;
    const stage = slot.stages[at.stage]!;
    const addedBy = { user: actor.id, position };
    this.history({
      type: 'task.signersAdded',
      node: task.node,
      task: task.id,
      actor: actor.id,
      data: { group: gid, users, position, ...(command.comment !== undefined ? { comment: command.comment } : {}) },
    });
    const cn = this.p.nodes.get(task.node)!;
    const due = task.dueAt;
    const open = (list: string[]) => {
      for (const u of list)
        stage.tasks.push(
          this.newTask(token, cn, { assignee: u, candidates: emptyCandidates() }, due, {
            group: gid,
            addedBy,
            signer: u,
          }).id,
        );
    };
    if (position === 'after') {
      slot.stages.splice(at.stage + 1, 0, { users: users.slice(), tasks: [], addedBy });
      return;
    }
    if (position === 'parallel') {
      stage.users.push(...users);
      open(users);
      return;
    }
    // Before me: they decide now; my part comes back to me as a new task once they approved.
    const mine = this.s.tasks[task.id]!;
    const me = mine.signer ?? signer;
    stage.users = stage.users.filter((u) => u !== me);
    stage.users.push(...users);
    slot.stages.splice(at.stage + 1, 0, {
      users: [me],
      tasks: [],
      ...(mine.addedBy ? { addedBy: mine.addedBy } : {}),
    });
    this.cancelTask(mine, 'addedBefore');
    open(users);
  }

  /** 撤回 by the initiator: while no one else has acted, cancel the instance or send it back to the start. */
  private withdrawInstance(actor: Actor, comment: string | undefined): void {
    const policy = this.p.definition.withdraw?.initiator ?? 'cancel';
    if (comment !== undefined) this.checkComment(comment, '/comment');
    if (this.s.initiator === null || actor.id !== this.s.initiator)
      throw new Rejection(
        'ENG_NOT_ALLOWED',
        `Only the initiator ("${this.s.initiator ?? 'none'}") may withdraw this instance.`,
      );
    if (policy === 'never')
      throw new Rejection('ENG_WITHDRAW_NOT_ALLOWED', 'This process does not let the initiator withdraw an instance.');
    const who = this.s.initiator;
    for (const t of Object.values(this.s.tasks)) {
      if (t.auto) continue;
      const acted =
        (t.touchedBy !== undefined && t.touchedBy !== who) ||
        (t.status === 'completed' && !t.withdrawnAt && t.completedBy != null && t.completedBy !== who);
      if (acted)
        throw new Rejection(
          'ENG_WITHDRAW_NOT_ALLOWED',
          `"${t.touchedBy ?? t.completedBy}" has already acted on task "${t.id}" (${t.node}); the instance can no longer be withdrawn. Ask them to return it instead.`,
        );
    }
    for (const token of this.s.tokens.slice()) this.dropToken(token, 'withdrawn');
    this.history({
      type: 'instance.withdrawn',
      actor: actor.id,
      data: { then: policy, ...(comment !== undefined ? { comment } : {}) },
    });
    if (policy === 'cancel') {
      this.s.status = 'terminated';
      this.s.endedAt = this.now;
      this.effects.push({ type: 'instance.finished', status: 'terminated' });
      return;
    }
    this.s.joins = {};
    this.s.visited = [];
    this.arrive(this.spawn(this.p.start, 'root'), null);
  }

  /** 撤回 by the completer of a task: while the next task is untouched, the task comes back to them. */
  private withdrawTask(id: string, actor: Actor, comment: string | undefined): void {
    const task = this.s.tasks[id];
    if (!task) throw new Rejection('ENG_TASK_NOT_FOUND', `Task "${id}" does not exist in this instance.`);
    if (comment !== undefined) this.checkComment(comment, '/comment');
    if (this.p.definition.withdraw?.completer === false)
      throw new Rejection('ENG_WITHDRAW_NOT_ALLOWED', 'This process does not let a completer withdraw a completion.');
    if (task.status !== 'completed' || task.withdrawnAt !== undefined || task.auto)
      throw new Rejection(
        'ENG_WITHDRAW_NOT_ALLOWED',
        `Task "${id}" is ${task.withdrawnAt !== undefined ? 'already withdrawn' : task.auto ? 'approved by the engine' : task.status}; only a completion can be withdrawn.`,
      );
    if (task.completedBy !== actor.id)
      throw new Rejection(
        'ENG_NOT_ALLOWED',
        `Only "${task.completedBy ?? 'the engine'}", who completed task "${id}", may withdraw it.`,
      );
    if (task.completedSeq === undefined || task.nextSeq === undefined)
      throw new Rejection(
        'ENG_WITHDRAW_NOT_ALLOWED',
        `The completion of "${id}" merged parallel branches (or predates withdrawal support); it can no longer be withdrawn.`,
      );
    const after = task.completedSeq;
    const upTo = task.nextSeq;
    const opened = (id: string) => seqOf(id) > after && seqOf(id) <= upTo;
    // The next tasks: those this completion opened.
    const later = Object.values(this.s.tasks).filter((t) => opened(t.id) && !t.auto);
    const touched = later.find(
      (t) => t.touchedBy !== undefined || (t.status === 'completed' && t.completedBy != null && !t.withdrawnAt),
    );
    if (touched)
      throw new Rejection(
        'ENG_WITHDRAW_NOT_ALLOWED',
        `The next task "${touched.id}" (${touched.node}) has already been acted on; the completion of "${id}" can no longer be withdrawn.`,
      );
    const cn = this.p.nodes.get(task.node)!;
    const group = task.group ? this.groupForWrite(task.group) : undefined;
    if (group) {
      // Still deciding: the signer's vote is taken back and their task opens again.
      const at = this.locate(group, id)!;
      const slot = group.slots[at.slot]!;
      // Unless another signer of the same part (an added parallel signer) has rejected it since:
      // that rejection decided the part whatever this vote is, and taking the vote back would
      // reopen a part nobody could decide again.
      const rejector = slot.stages
        .flatMap((st) => st.tasks)
        .map((tid) => this.s.tasks[tid]!)
        .find((t) => t.id !== id && t.status === 'completed' && t.decision === 'reject' && !t.withdrawnAt);
      if (rejector)
        throw new Rejection(
          'ENG_WITHDRAW_NOT_ALLOWED',
          `"${rejector.assignee ?? rejector.id}" has since rejected the part of the several-signer step that "${id}" approved; the approval can no longer be withdrawn.`,
        );
      for (const t of later) if (t.group === group.id && isOpen(t)) this.cancelTask(t, 'withdrawn');
      for (let i = 0; i < group.slots.length; i++) {
        const sl = group.slots[i]!;
        const all = sl.stages.flatMap((st) => st.tasks);
        if (i !== at.slot && sl.at >= 0 && all.length > 0 && all.every(opened)) {
          sl.at = -1; // a later signer (依次) whose turn my approval brought: not yet
          for (const st of sl.stages) st.tasks = [];
        }
        for (const st of sl.stages) st.tasks = st.tasks.filter((tid) => !opened(tid));
      }
      delete slot.result;
      slot.at = at.stage;
      this.markWithdrawn(task, actor.id, comment);
      const token = this.tokenById(group.token)!;
      const stage = slot.stages[at.stage]!;
      stage.tasks.push(
        this.newTask(
          token,
          cn,
          { assignee: actor.id, candidates: emptyCandidates() },
          group.dueAt ?? task.dueAt,
          {
            group: group.id,
            ...(task.addedBy ? { addedBy: task.addedBy } : {}),
            ...(task.signer ? { signer: task.signer } : {}),
            ...('item' in task ? { item: task.item } : {}),
          },
          false,
        ).id,
      );
      return;
    }
    if (task.group)
      throw new Rejection(
        'ENG_WITHDRAW_NOT_ALLOWED',
        `Task "${id}" was part of a several-signer step that has been decided; ask the next approver to return it instead.`,
      );
    const token = this.tokenById(task.token);
    const rest = token ? this.p.nodes.get(token.node)!.node : undefined;
    const spawned = this.s.tokens.some((t) => t.id !== task.token && opened(t.id));
    if (!token || rest?.type !== 'userTask' || (token.wait.kind !== 'task' && token.wait.kind !== 'signers') || spawned)
      throw new Rejection(
        'ENG_WITHDRAW_NOT_ALLOWED',
        `The process has moved past the step after "${task.node}" (or started parallel work); the completion of "${id}" can no longer be withdrawn.`,
      );
    this.releaseWait(token, 'withdrawn');
    this.cancelTimersOf(token.id);
    this.history({
      type: 'node.left',
      node: token.node,
      token: token.id,
      data: { since: token.since, withdrawn: true },
    });
    this.markWithdrawn(task, actor.id, comment);
    const back = { ...token, node: task.node, wait: { kind: 'trigger' } as TokenWait, since: this.now };
    this.removeToken(token);
    (this.forcedAssignee ??= new Map()).set(back.id, actor.id);
    this.arrive(back, null);
  }

  private markWithdrawn(task: TaskState, by: string, comment: string | undefined): void {
    const next = { ...this.s.tasks[task.id]!, withdrawnAt: this.now };
    this.s.tasks[task.id] = next;
    this.effects.push({ type: 'task.updated', task: this.view(next) });
    this.history({
      type: 'task.withdrawn',
      node: task.node,
      task: task.id,
      actor: by,
      data: comment !== undefined ? { comment } : {},
    });
  }

  private comment(actor: Actor, text: string, taskId: string | undefined): void {
    this.checkComment(text, '/text');
    const task = taskId === undefined ? undefined : this.s.tasks[taskId];
    if (taskId !== undefined && !task)
      throw new Rejection('ENG_TASK_NOT_FOUND', `Task "${taskId}" does not exist in this instance.`, '/task');
    this.history(
      task
        ? { type: 'comment.added', node: task.node, task: task.id, actor: actor.id, data: { text } }
        : { type: 'comment.added', actor: actor.id, data: { text } },
    );
  }

  /** The node's cc rules for this moment (抄送). */
  private ccRules(node: ProcessNode, when: 'activated' | 'completed', task?: string): void {
    for (const rule of node.cc ?? []) {
      if (rule.when !== when) continue;
      const users = [...(rule.users ?? [])];
      if (rule.initiator && this.s.initiator && !users.includes(this.s.initiator)) users.push(this.s.initiator);
      this.sendCc(node.id, { users, roles: [...(rule.roles ?? [])], teams: [...(rule.teams ?? [])] }, when, null, task);
    }
  }

  private sendCc(
    node: string,
    to: Candidates,
    reason: 'activated' | 'completed' | 'chosen',
    by: string | null,
    task?: string,
  ): void {
    if (to.users.length + to.roles.length + to.teams.length === 0) return;
    this.effects.push({ type: 'cc', node, ...(task ? { task } : {}), to, by, reason });
    this.history({
      type: 'cc.sent',
      node,
      ...(task ? { task } : {}),
      actor: by,
      data: { to, reason },
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
    return this.assignWith(owner, this.s.data);
  }

  private assignWith(owner: Parameters<typeof resolveOwner>[0], data: Record<string, unknown>) {
    const directory = this.directory
      ? { ...this.directory, ...(this.cursors ? { cursors: this.cursors } : {}) }
      : undefined;
    const a = resolveOwner(owner, {
      data,
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
    const next = { ...task, status: 'cancelled' as const, cancelReason: reason };
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

  private raiseIncident(token: Token, code: EngineErrorCode, message: string, group?: string): void {
    const id = `i${++this.s.seq}`;
    const incident: Incident = { id, token: token.id, node: token.node, code, message, at: this.now };
    if (group !== undefined) incident.group = group;
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
    // Completed in this step, so created in it: safe to stamp in place.
    for (const id of this.completedNow ?? []) {
      const t = this.s.tasks[id];
      if (t?.completedSeq !== undefined && !this.joinedCompletions?.has(id)) t.nextSeq = this.s.seq;
    }
    return { ok: true, snapshot: this.s, effects: this.effects };
  }
}

const emptyCandidates = (): Candidates => ({ users: [], roles: [], teams: [] });

/** The `task.created` history data: who, the due time, and the marks of delegation, groups and 加签. */
function taskCreatedData(task: TaskState): Record<string, unknown> {
  const data: Record<string, unknown> = { assignee: task.assignee, candidates: task.candidates, dueAt: task.dueAt };
  if (task.deadlineWarning) data.deadlineWarning = task.deadlineWarning;
  if (task.onBehalfOf) data.onBehalfOf = task.onBehalfOf;
  if (task.group) data.group = task.group;
  if (task.addedBy) data.addedBy = task.addedBy;
  if ('item' in task) data.item = task.item;
  return data;
}

/** Whether a group task still counts: not cancelled and not withdrawn. */
const isLive = (t: TaskState): boolean => t.status !== 'cancelled' && t.withdrawnAt === undefined;

const isOpen = (t: TaskState): boolean => t.status === 'open' || t.status === 'claimed';

/** The number in an engine id (`k12`, `t3`, `g7`): ids are numbered in creation order. */
const seqOf = (id: string): number => {
  const n = Number(id.slice(1));
  return Number.isFinite(n) ? n : -1;
};

/** Who approved these tasks: the completer and, for an agent, the user they acted for. */
function approversOf(tasks: readonly TaskState[]): string[] {
  const out = new Set<string>();
  for (const t of tasks) {
    if (t.completedBy) out.add(t.completedBy);
    else if (t.auto && t.assignee) out.add(t.assignee);
    if (t.onBehalfOf) out.add(t.onBehalfOf);
  }
  return [...out];
}

/** Milliseconds of a clock duration (weeks and days as 24-hour days). */
export function durationMs(d: Duration): number {
  return ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

/** Read a data field (dotted path); re-exported for callers that show node inputs. */
export { readPath };
