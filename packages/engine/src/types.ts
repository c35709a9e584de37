import type { EscalationAction, Owner } from '@baton/definition';
import type { EngineErrorCode } from './errors.ts';

/** Epoch milliseconds. The engine never reads a clock: every instant comes in from the caller. */
export type Instant = number;

/** Who is acting: the server fills it from the authenticated user. */
export interface Actor {
  id: string;
  roles?: readonly string[];
  teams?: readonly string[];
  /** Admins and operators may act on any task (e.g. to unstick an instance). */
  privileged?: boolean;
}

/** Who may work on a task: a named assignee, or any user matching the candidates. */
export interface Candidates {
  users: string[];
  roles: string[];
  teams: string[];
}

/** The state of one task (a user task's activation) inside an instance snapshot. */
export interface TaskState {
  id: string;
  node: string;
  token: string;
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  assignee: string | null;
  candidates: Candidates;
  createdAt: Instant;
  dueAt: Instant | null;
  /** How many escalation rungs have fired. */
  escalationLevel: number;
  /**
   * `beyond-calendar` when the deadline was counted in working time across a year the
   * calendar has no holiday data for (public holidays then count as working days). Absent otherwise.
   */
  deadlineWarning?: 'beyond-calendar';
}

/** Why a token is resting. */
export type TokenWait =
  | { kind: 'task'; task: string }
  | { kind: 'timer'; timer: string }
  | { kind: 'event'; event: string }
  | { kind: 'service'; call: string; attempt: number }
  | { kind: 'scope' }
  /** Held by a trigger condition (or just arrived); `via` is the edge it came by, for joins. */
  | { kind: 'trigger'; via?: string }
  | { kind: 'incident'; incident: string };

/** A token: one thread of control resting at a node. */
export interface Token {
  id: string;
  node: string;
  /** `root`, or the id of the sub-process token whose inner scope holds this token. */
  scope: string;
  wait: TokenWait;
  /** When the token reached the node. */
  since: Instant;
}

/** A timer the server must fire back as a `fireTimer` command at `dueAt`. */
export interface TimerState {
  id: string;
  kind: 'deadline' | 'escalation' | 'timer' | 'retry';
  token: string;
  dueAt: Instant;
  /** For escalation timers: the rung index. */
  rung?: number;
}

/** A failure that needs an operator: retry or skip. */
export interface Incident {
  id: string;
  token: string;
  node: string;
  code: EngineErrorCode;
  message: string;
  at: Instant;
}

/** The whole persisted state of one process instance. Plain JSON: round-trips through `JSON.stringify`. */
export interface InstanceSnapshot {
  v: 1;
  status: 'running' | 'completed' | 'terminated';
  data: Record<string, unknown>;
  initiator: string | null;
  businessKey: string | null;
  startedAt: Instant;
  endedAt: Instant | null;
  /** Counter for deterministic ids of tokens, tasks and incidents. */
  seq: number;
  tokens: Token[];
  /** Parallel-join arrivals: key `${scope}/${node}` → count per incoming edge id. */
  joins: Record<string, Record<string, number>>;
  tasks: Record<string, TaskState>;
  timers: Record<string, TimerState>;
  incidents: Record<string, Incident>;
  /** Nodes completed so far (most recent last, no repeats), for return-to-earlier-node. */
  visited: string[];
  /** Assignee of the most recently completed task (`managerOf: previousAssignee`). */
  lastAssignee: string | null;
}

/** The people and teams assignment strategies choose from. Supplied by the server; optional. */
export interface Directory {
  users: Record<
    string,
    {
      roles: readonly string[];
      teams: readonly string[];
      manager?: string | null;
      outOfOffice?: boolean;
      openTasks?: number;
    }
  >;
  teams: Record<string, { manager?: string | null; parent?: string | null }>;
  /** Round-robin cursors by key (see the `assignment.advanced` effect). */
  cursors?: Record<string, number>;
}

/** Everything a step needs from outside, besides the snapshot and command. */
export interface StepEnv {
  /** The transaction's instant (the database clock on the server). */
  now: Instant;
  directory?: Directory;
}

/** Commands: everything that can happen to an instance. */
export type Command =
  | { type: 'start'; data?: Record<string, unknown>; initiator?: string | null; businessKey?: string | null }
  | { type: 'claim'; task: string; actor: Actor }
  | { type: 'complete'; task: string; actor: Actor; output?: Record<string, unknown> }
  | { type: 'transfer'; task: string; actor: Actor; to: string }
  | { type: 'return'; task: string; actor: Actor; to: string; reason?: string }
  | { type: 'urge'; task: string; actor: Actor }
  | { type: 'fireTimer'; timer: string }
  | { type: 'signal'; event: string; payload?: unknown }
  | { type: 'serviceResult'; call: string; ok: true; result?: unknown }
  | { type: 'serviceResult'; call: string; ok: false; error: string; retryable?: boolean }
  | { type: 'retryIncident'; incident: string; actor: Actor }
  | { type: 'skipIncident'; incident: string; actor: Actor; output?: Record<string, unknown> }
  | { type: 'terminate'; actor?: Actor; reason?: string };

/** The command type names. */
export type CommandType = Command['type'];

/** A task as the outside world sees it (inbox rows). */
export interface TaskView extends TaskState {
  nodeName?: { 'zh-CN'?: string; en?: string };
}

/** History event types. Dotted, past tense. */
export type HistoryType =
  | 'instance.started'
  | 'instance.completed'
  | 'instance.terminated'
  | 'node.entered'
  | 'node.left'
  | 'node.blocked'
  | 'task.created'
  | 'task.claimed'
  | 'task.completed'
  | 'task.transferred'
  | 'task.returned'
  | 'task.reassigned'
  | 'task.cancelled'
  | 'task.urged'
  | 'deadline.reached'
  | 'escalation.fired'
  | 'timer.fired'
  | 'event.received'
  | 'service.called'
  | 'service.completed'
  | 'service.failed'
  | 'incident.raised'
  | 'incident.resolved'
  | 'gateway.decided';

/** One history record: the audit trail and the source for analytics. */
export interface HistoryEvent {
  type: HistoryType;
  at: Instant;
  node?: string;
  token?: string;
  task?: string;
  actor?: string | null;
  data?: Record<string, unknown>;
}

/** Effects: data describing what the caller must do. The engine never performs them. */
export type Effect =
  | { type: 'task.created'; task: TaskView }
  | { type: 'task.updated'; task: TaskView }
  | { type: 'task.completed'; task: TaskView; output: Record<string, unknown>; by: string | null }
  | { type: 'task.cancelled'; task: TaskView; reason: string }
  | { type: 'timer.scheduled'; timer: TimerState }
  | { type: 'timer.cancelled'; timer: string }
  | { type: 'service.call'; call: string; node: string; attempt: number; action: unknown; body?: unknown }
  | { type: 'event.awaited'; event: string; node: string }
  | {
      type: 'notify';
      reason: 'reminder' | 'escalation' | 'urge' | 'assigned';
      to: Candidates & { assignee?: string | null };
      task?: string;
      node: string;
      action?: EscalationAction['type'];
    }
  | { type: 'assignment.advanced'; key: string; cursor: number }
  | { type: 'incident.raised'; incident: Incident }
  | { type: 'incident.resolved'; incident: string; how: 'retried' | 'skipped' }
  | { type: 'history'; event: HistoryEvent }
  | { type: 'instance.finished'; status: 'completed' | 'terminated' };

/** The typed error of a rejected command: the snapshot stays as it was. */
export interface EngineError {
  code: EngineErrorCode;
  message: string;
  /** JSON Pointer into the command's data (`/output/assignedRep`, `/data/rep`) when one value is at fault. */
  path?: string;
}

/** The result of {@link step}. */
export type StepResult =
  { ok: true; snapshot: InstanceSnapshot; effects: Effect[] } | { ok: false; error: EngineError };

/** Re-exported for owners in effects. */
export type { Owner };
