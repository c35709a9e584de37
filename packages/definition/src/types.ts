/**
 * The TypeScript shape of a Baton process definition. `schema/definition.schema.json` is the
 * published contract; `types.test.ts` keeps the two in step.
 *
 * @module
 */

/** A label in both UI languages. At least one of the two is required; the other falls back to it. */
export interface LocalizedText {
  'zh-CN'?: string;
  en?: string;
}

/** A JSON Schema object (draft 2020-12) describing process data or a task's form. */
export interface DataSchema {
  type: 'object';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  title?: string;
  description?: string;
  [keyword: string]: unknown;
}

/** Any JSON Schema fragment. */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

/** Whether a duration counts in the calendar's working time or in plain clock time. */
export const timeModes = ['working', 'clock'] as const;
/** @see timeModes */
export type TimeMode = (typeof timeModes)[number];

/**
 * A length of time: an ISO 8601 duration (`PT48H`, `P3D`, `P1DT4H`), counted in working time
 * (the default: "P3D" is three working days) or clock time.
 */
export interface TimeSpan {
  duration: string;
  /** @default "working" */
  time?: TimeMode;
  /** Calendar id; defaults to the node's, then the definition's, then `standard`. */
  calendar?: string;
}

/** Who does a piece of work. Every strategy may name a fallback for when the pick is out of office. */
export type Owner =
  | { type: 'user'; user: string; fallback?: Owner }
  | { type: 'role'; role: string; fallback?: Owner }
  | { type: 'team'; team: string; fallback?: Owner }
  | { type: 'initiator'; fallback?: Owner }
  /** The user whose id a data field holds, e.g. the rep a manager picked in an earlier form. */
  | { type: 'fromField'; field: string; fallback?: Owner }
  | { type: 'roundRobin'; role: string; team?: string; fallback?: Owner }
  | { type: 'leastLoaded'; role: string; team?: string; fallback?: Owner }
  | {
      type: 'byField';
      /** Data field (dotted path) whose value picks the entry, e.g. `territory`. */
      field: string;
      map: Record<string, Owner>;
      default?: Owner;
      fallback?: Owner;
    }
  | { type: 'managerOf'; of: 'initiator' | 'previousAssignee'; fallback?: Owner };

/** The owner strategy names. */
export const ownerTypes = [
  'user',
  'role',
  'team',
  'initiator',
  'fromField',
  'roundRobin',
  'leastLoaded',
  'byField',
  'managerOf',
] as const;
/** @see ownerTypes */
export type OwnerType = (typeof ownerTypes)[number];

/** What a rung of an escalation ladder does when its time comes. */
export type EscalationAction =
  | { type: 'remind' }
  | { type: 'notify'; to: Owner }
  | { type: 'reassign'; to: Owner }
  | { type: 'leave'; edge: string }
  | { type: 'complete'; output: Record<string, unknown> };

/** The escalation action names. */
export const escalationActionTypes = ['remind', 'notify', 'reassign', 'leave', 'complete'] as const;
/** @see escalationActionTypes */
export type EscalationActionType = (typeof escalationActionTypes)[number];

/**
 * One rung of an escalation ladder. `at` is a share of the deadline (0.5 = half-way, 1 = at the
 * deadline, 1.5 = half as long again); `after` is a time span from activation. Exactly one of
 * the two is given.
 */
export interface EscalationRung {
  id?: string;
  at?: number;
  after?: string;
  action: EscalationAction;
}

/** A response deadline with its escalation ladder. */
export interface Deadline extends TimeSpan {
  escalations?: EscalationRung[];
}

/** The three problem classes of the current-state diagnosis. */
export const problemClasses = ['processDesign', 'resources', 'managementMechanism'] as const;
/** @see problemClasses */
export type ProblemClass = (typeof problemClasses)[number];

/** Current-state survey and diagnosis data for one node. */
export interface Assessment {
  measuredDuration?: TimeSpan;
  scores?: {
    efficiency?: number;
    effectiveness?: number;
    compliance?: number;
    customerExperience?: number;
  };
  problems?: { class: ProblemClass; note: string }[];
  notes?: string;
  /** Ids of nodes in the paired current-state definition that this target-state node replaces. */
  replaces?: string[];
}

/** Where the designer draws a node. */
export interface Layout {
  x: number;
  y: number;
  width?: number;
  height?: number;
}

/** Fields every node kind may carry. */
export interface NodeBase {
  id: string;
  name?: LocalizedText;
  description?: LocalizedText;
  owner?: Owner;
  /** Data fields (dotted paths) the node reads and shows. */
  inputs?: string[];
  /** What the node writes into the instance data: its form, for a user task. */
  outputs?: DataSchema;
  /** FEEL over instance data that must hold before the node activates. */
  trigger?: { condition: string };
  deadline?: Deadline;
  calendar?: string;
  assessment?: Assessment;
  layout?: Layout;
  /** 抄送: who is sent a copy (read-only, with read/unread) when the node activates or completes. */
  cc?: CcRule[];
}

/**
 * 抄送: a copy of the instance for users, roles, teams or the initiator, when a node activates
 * (`activated`) or completes (`completed`). The engine emits a `cc` effect; the server expands
 * roles and teams to users and keeps one unread entry per user.
 */
export interface CcRule {
  when: 'activated' | 'completed';
  users?: string[];
  roles?: string[];
  teams?: string[];
  /** Also the instance's initiator. */
  initiator?: boolean;
}

/** Where the signers of a several-signer step come from; several sources are merged in order, duplicates dropped. */
export type SignerSource =
  | { type: 'users'; users: string[] }
  /** Every member of the role (in the team, or below it, when given), in id order, from the directory. */
  | { type: 'role'; role: string; team?: string }
  /** Every member of the team or a team below it, in id order, from the directory. */
  | { type: 'team'; team: string }
  /** A data field (dotted path) holding a user id or a list of user ids, e.g. picked on an earlier form. */
  | { type: 'field'; field: string }
  /** The chain of managers of the initiator or the previous assignee, nearest first, up to `levels`. */
  | { type: 'managers'; of: 'initiator' | 'previousAssignee'; levels: number }
  | { type: 'initiator' };

/** The signer source names. */
export const signerSourceTypes = ['users', 'role', 'team', 'field', 'managers', 'initiator'] as const;

/** How the signers of one step decide it. */
export const signerPolicies = ['all', 'any', 'sequence', 'threshold'] as const;
/** 会签 `all` / 或签 `any` / 依次 `sequence` / `threshold`. @see signerPolicies */
export type SignerPolicy = (typeof signerPolicies)[number];

/**
 * How many approvals a `threshold` step needs, out of the n signers resolved at activation:
 * `count` (capped at n), `atLeast` a share (ceil(share × n)) or `moreThan` a share
 * (floor(share × n) + 1; `{ "moreThan": 0.5 }` is "more than half"). Exactly one key.
 */
export type SignerThreshold = { count: number } | { atLeast: number } | { moreThan: number };

/** What happens when a several-signer step resolves to nobody. */
export type WhenNoSigners =
  /** Pass the step, with outcome `skipped` and a note in the history. */
  | { action: 'skip' }
  /** Give the step to this owner instead, as one signer's task. */
  | { action: 'fallback'; owner: Owner }
  /** Stop with an `ENG_NO_SIGNERS` incident (retry resolves the signers again; skip passes the step). */
  | { action: 'incident' };

/**
 * Several signers on one user task: each signer gets a task of their own; the step completes once
 * the outcome is decided and the remaining signers' tasks are cancelled (reason `decided`).
 */
export interface Signers {
  from: SignerSource[];
  /** @default "all" */
  policy?: SignerPolicy;
  /** Required with policy `threshold`, not allowed otherwise. */
  threshold?: SignerThreshold;
  /**
   * `veto` (the default): one rejection rejects the step. `count`: rejections only count against
   * the approvals needed; the step is rejected once they can no longer be reached.
   */
  rejection?: 'veto' | 'count';
  /** @default { "action": "incident" } */
  whenEmpty?: WhenNoSigners;
  /** 去重: a signer who approved the immediately preceding step is approved at once (recorded `auto: "dedupe"`). */
  dedupe?: boolean;
}

/** One task per element of a list in the data (BPMN multi-instance). */
export interface MultiInstance {
  /** Data field (dotted path) holding the list; each task carries its element as `item`. */
  collection: string;
  /** One at a time, in list order (`true`), or all at once (the default). */
  sequential?: boolean;
  /**
   * FEEL over the data plus `nrOfInstances`, `nrOfCompletedInstances` and `nrOfActiveInstances`:
   * once true after a completion, the remaining tasks are cancelled and the step completes.
   */
  completionCondition?: string;
  /** Field that receives the list of results, one per element in list order. */
  resultField?: string;
}

/** What the initiator and the completer of a task may withdraw (撤回). */
export interface WithdrawPolicy {
  /**
   * The initiator withdrawing the instance while no later approver has acted: `cancel` ends it
   * (terminated, reason withdrawn), `restart` sends it back to the start, `never` refuses.
   * @default "cancel"
   */
  initiator?: 'cancel' | 'restart' | 'never';
  /** Whether the last completer may take back a completion while the next task is untouched. @default true */
  completer?: boolean;
}

/** Retry policy of an automatic task. */
export interface RetryPolicy {
  /** @default 3 */
  maxAttempts?: number;
  /** First back-off, ISO 8601 clock duration. @default "PT10S" */
  backoff?: string;
  /** @default 2 */
  factor?: number;
}

/** What an automatic task does. */
export type AutomaticAction =
  | {
      kind: 'http';
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      url: string;
      headers?: Record<string, string>;
      /** FEEL producing the request body from instance data. */
      body?: string;
    }
  | { kind: 'action'; name: string; params?: Record<string, unknown> }
  /** Sets fields from FEEL expressions and moves on at once (no I/O, no wait). */
  | { kind: 'compute'; set?: Record<string, string> };

export interface StartNode extends NodeBase {
  type: 'start';
}
export interface EndNode extends NodeBase {
  type: 'end';
  /**
   * Terminate: when reached, end every other token, open task and timer of this end's scope (the
   * sub-process it is in, or the whole instance at the top level, which then completes).
   */
  terminate?: boolean;
}
export interface UserTaskNode extends NodeBase {
  type: 'userTask';
  /** Several signers (会签 / 或签 / 依次 / threshold); replaces `owner` as who does the work. */
  signers?: Signers;
  /** One task per element of a list (not together with `signers`); each task goes to `owner`. */
  multiInstance?: MultiInstance;
  /**
   * Field that receives the step's approval result: `{ outcome, approvals, rejections, signers }`
   * with every signer's decision and comment; counts as declared for expressions.
   */
  resultField?: string;
}
export interface AutomaticTaskNode extends NodeBase {
  type: 'automaticTask';
  action: AutomaticAction;
  retry?: RetryPolicy;
  /** Field the result is written to. */
  resultField?: string;
}
export interface ExclusiveGatewayNode extends NodeBase {
  type: 'exclusiveGateway';
}
export interface ParallelGatewayNode extends NodeBase {
  type: 'parallelGateway';
}
export interface TimerNode extends NodeBase {
  type: 'timer';
  /** Wait a time span, or until an instant (a FEEL expression yielding an ISO date-time). */
  timer: TimeSpan | { date: string };
}
export interface EventNode extends NodeBase {
  type: 'event';
  /** A named business event, e.g. `contract.signed`, correlated by the instance's business key. */
  event: string;
  /** Field the event payload is written to. */
  resultField?: string;
}
export interface SubProcessNode extends NodeBase {
  type: 'subProcess';
  nodes: ProcessNode[];
  edges: Edge[];
}

/** A node of a process graph, discriminated on `type`. */
export type ProcessNode =
  | StartNode
  | EndNode
  | UserTaskNode
  | AutomaticTaskNode
  | ExclusiveGatewayNode
  | ParallelGatewayNode
  | TimerNode
  | EventNode
  | SubProcessNode;

/** The node kind names. */
export const nodeTypes = [
  'start',
  'end',
  'userTask',
  'automaticTask',
  'exclusiveGateway',
  'parallelGateway',
  'timer',
  'event',
  'subProcess',
] as const;
/** @see nodeTypes */
export type NodeType = (typeof nodeTypes)[number];

/** A directed edge (sequence flow). */
export interface Edge {
  id: string;
  from: string;
  to: string;
  name?: LocalizedText;
  /** FEEL condition, on edges leaving an exclusive gateway (checked in edge order). */
  condition?: string;
  /** Taken when no condition holds; at most one per exclusive gateway. */
  default?: boolean;
  /** Only taken by an escalation ladder's `leave` action, never on normal completion. */
  escalation?: boolean;
}

/** A whole process definition. */
export interface ProcessDefinition {
  $schema?: string;
  schemaVersion: 1;
  /** Stable identifier shared by every version, e.g. `lead-to-contract`. */
  key: string;
  name: LocalizedText;
  description?: LocalizedText;
  /** Whether this draws how the process runs today or how it should run. */
  state?: 'current' | 'target';
  /** Default calendar for deadlines and timers. @default "standard" */
  calendar?: string;
  /** Schema of the instance data, the fields FEEL expressions may read. */
  data?: DataSchema;
  /** Data field that carries the business key used to correlate events. */
  businessKeyField?: string;
  /** 撤回: what the initiator and completers may withdraw. */
  withdraw?: WithdrawPolicy;
  nodes: ProcessNode[];
  edges: Edge[];
}
