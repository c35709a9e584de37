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
  /** Set when the task reached its assignee as the agent of a delegating user (委托): that user's id. */
  onBehalfOf?: string;
  /** The approval decision given on completion, when the step asks for one (or the completer gave one). */
  decision?: 'approve' | 'reject';
  /** The comment (审批意见) given on completion. */
  comment?: string;
  /** Who completed the task (the assignee or a privileged actor), and when. */
  completedBy?: string | null;
  completedAt?: Instant;
  /** Why the task was cancelled (`decided`, `returned`, `withdrawn`, `terminated`, …). */
  cancelReason?: string;
  /** Several-signer steps (会签/或签/依次/threshold) and multi-instance: the group this task belongs to. */
  group?: string;
  /** 加签: who added this signer and where. */
  addedBy?: { user: string; position: 'before' | 'after' | 'parallel' };
  /** Set when the engine approved this task by itself (去重: the same person approved the previous step). */
  auto?: 'dedupe';
  /** Several signers: the signer this task stands for (kept when the task is transferred, reassigned or delegated). */
  signer?: string;
  /** Multi-instance over a collection: the element this task works on. */
  item?: unknown;
  /** The first claim of the task while it was offered to a group: who took it, and when (waiting vs working time). */
  claimedBy?: string;
  claimedAt?: Instant;
  /** The first person who acted on the open task (claim, transfer, return, 加签), and when: it is no longer "untouched" (撤回); a completion shows in `completedBy`. */
  touchedBy?: string;
  touchedAt?: Instant;
  /** The instance's id counter when the task was completed: tasks and tokens numbered above it came after (撤回). */
  completedSeq?: number;
  /**
   * The id counter once the completing command was done: ids above `completedSeq` up to this were
   * opened by the completion (the "next" tasks of 撤回). Absent when the completion merged parallel
   * branches at a join, or was the engine's: such a completion cannot be withdrawn.
   */
  nextSeq?: number;
  /** Set when the completer withdrew this completion (撤回); the task then counts as not given. */
  withdrawnAt?: Instant;
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
  /** A several-signer or multi-instance step: waiting for the group's outcome (`InstanceSnapshot.groups`). */
  | { kind: 'signers'; group: string }
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
  /** Set when the incident stopped a signer group (a failing completion condition): retry re-checks it, skip ends it. */
  group?: string;
}

/**
 * One several-signer step (会签 / 或签 / 依次 / threshold), a multi-instance step, or a single
 * task that got signers added (加签, `adhoc`). Each slot is one vote; a slot is a chain of
 * stages, each stage a set of users who must all approve (加签 before/after add stages, in
 * parallel adds users to the current stage).
 */
export interface SignerGroup {
  id: string;
  node: string;
  token: string;
  kind: 'signers' | 'multiInstance';
  policy: 'all' | 'any' | 'sequence' | 'threshold';
  /** Approvals needed to approve the step (signers) or the number of elements (multi-instance). */
  needed: number;
  /** Whether one rejection rejects the step. */
  veto: boolean;
  /** A plain task turned into a group by 加签: no decision is required of its owner. */
  adhoc?: boolean;
  /** The step's deadline, given to every signer's task (also to those opened after it passed). */
  dueAt?: Instant | null;
  slots: SignerSlot[];
}

/** One vote of a signer group. */
export interface SignerSlot {
  /** The signer this slot counts for (null for a task offered to candidates). */
  user: string | null;
  /** Multi-instance: the element, and its position in the list. */
  item?: unknown;
  /** The active stage; -1 before the slot starts (依次 and sequential multi-instance). */
  at: number;
  stages: SignerStage[];
  result?: 'approve' | 'reject';
  auto?: 'dedupe';
  /** Multi-instance: the output of the completed task. */
  output?: Record<string, unknown>;
}

/** A set of users who must all approve before the slot moves on; `tasks` are created when it starts. */
export interface SignerStage {
  users: string[];
  tasks: string[];
  addedBy?: { user: string; position: 'before' | 'after' | 'parallel' };
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
  /** Open signer groups by id (absent in snapshots written before issue 9). */
  groups?: Record<string, SignerGroup>;
  /** Who approved the most recently completed user-task step (去重 reads it); absent before issue 9. */
  lastApprovers?: string[];
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
      /** 委托: the agent who takes this user's new tasks now (the server fills it from delegations active at `now`). */
      delegateTo?: string | null;
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
  | {
      type: 'complete';
      task: string;
      actor: Actor;
      output?: Record<string, unknown>;
      /** Approve or reject (required on a several-signer step; recorded on any task). */
      decision?: 'approve' | 'reject';
      /** 审批意见. */
      comment?: string;
      /** 抄送: users the completer chooses to cc. */
      cc?: string[];
    }
  | { type: 'transfer'; task: string; actor: Actor; to: string; comment?: string }
  /** 退回: `to` is an earlier node id, or `@previous` (the step before this one) or `@initiator` (back to the start's first step, for the initiator). */
  | { type: 'return'; task: string; actor: Actor; to: string; reason?: string }
  /** 加签: add signers before me (they decide first, then it comes back to me), after me, or in parallel with me. */
  | {
      type: 'addSigners';
      task: string;
      actor: Actor;
      users: string[];
      position: 'before' | 'after' | 'parallel';
      comment?: string;
    }
  /**
   * 撤回: without `task`, the initiator withdraws the instance while no later approver has acted;
   * with `task`, the completer of that completed task withdraws the completion while the next
   * task is untouched.
   */
  | { type: 'withdraw'; actor: Actor; task?: string; comment?: string }
  /** A comment on the instance (or on one of its tasks), kept in the history. */
  | { type: 'comment'; actor: Actor; text: string; task?: string }
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
  | 'task.signersAdded'
  | 'task.withdrawn'
  | 'task.autoApproved'
  | 'signers.resolved'
  | 'signers.decided'
  | 'instance.withdrawn'
  | 'comment.added'
  | 'cc.sent'
  | 'deadline.reached'
  | 'escalation.fired'
  | 'timer.fired'
  | 'event.received'
  | 'service.called'
  | 'service.completed'
  | 'service.failed'
  | 'incident.raised'
  | 'incident.resolved'
  | 'gateway.decided'
  /** Process instance migration: one per token moved to the target version's node, and one for the instance. */
  | 'token.migrated'
  | 'instance.migrated';

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
  /**
   * 抄送: the server expands roles and teams to users (never the actor) and keeps one unread
   * entry per user; `reason` says whether the node's cc rule fired or the completer chose them.
   */
  | {
      type: 'cc';
      node: string;
      task?: string;
      to: Candidates;
      by: string | null;
      reason: 'activated' | 'completed' | 'chosen';
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
