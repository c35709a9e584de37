/**
 * Tasks: the inbox (`GET /api/tasks`), one task with its form (`GET /api/tasks/:id`) and the task
 * commands (claim, complete with a decision, comment and cc, transfer, return, add signers (加签),
 * withdraw a completion (撤回), urge, batch approval).
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { localizedTextResponseSchema, uuidPattern, usernamePattern } from './common.ts';
import {
  freeObject,
  nullable,
  nullableString,
  nullableTimestamp,
  someObject,
  stringEnum,
  timestamp,
} from './schema.ts';

/** The lifecycle of a task. `claimed` means it has an assignee. */
export const taskStatuses = ['open', 'claimed', 'completed', 'cancelled'] as const;
/** @see taskStatuses */
export type TaskStatus = (typeof taskStatuses)[number];

/** Schema of {@link TaskCandidates}. */
export const taskCandidatesSchema = Type.Object({
  users: Type.Array(Type.String()),
  roles: Type.Array(Type.String(), { description: 'Business positions, e.g. `legal`.' }),
  teams: Type.Array(Type.String()),
});
/** Who may claim or complete an unassigned task: usernames, business positions, team keys. */
export type TaskCandidates = Static<typeof taskCandidatesSchema>;

const nullableLocalizedText = nullable(localizedTextResponseSchema);

/** A comment (审批意见): 1 to 2,000 characters. */
export const commentSchema = Type.String({ minLength: 1, maxLength: 2000 });

/** A list of distinct usernames (at most 50). */
function usernameListSchema(description: string, minItems = 0) {
  return Type.Array(Type.String({ pattern: usernamePattern }), {
    minItems,
    maxItems: 50,
    uniqueItems: true,
    description,
  });
}

/** Why a task's deadline may be off. @see Task.deadlineWarning */
export const deadlineWarnings = ['beyond-calendar'] as const;
/** @see deadlineWarnings */
export type DeadlineWarning = (typeof deadlineWarnings)[number];

/** An approval decision (会签/或签 and any task that asks for one). */
export const decisions = ['approve', 'reject'] as const;
/** @see decisions */
export type Decision = (typeof decisions)[number];

/** Where 加签 puts the added signers: before me (they decide first), after me, or beside me. */
export const signerPositions = ['before', 'after', 'parallel'] as const;
/** @see signerPositions */
export type SignerPosition = (typeof signerPositions)[number];

const approvalProperties = {
  decision: Type.Unsafe<Decision | null>({
    type: ['string', 'null'],
    enum: [...decisions, null],
    description: 'The decision given on completion; null when none was given (or the task is not completed).',
  }),
  comment: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'The comment (审批意见) given on completion; null when none.',
  }),
  onBehalfOf: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'Username of the delegating user when the task reached its assignee as their agent (委托); else null.',
  }),
  cancelReason: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description:
      'Why a cancelled task was cancelled (`decided`, `returned`, `withdrawn`, `terminated`, …); null unless cancelled.',
  }),
  group: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description:
      'The several-signer (会签/或签/依次) or multi-instance group the task belongs to; null for a lone task.',
  }),
  addedBy: Type.Unsafe<{ user: string; position: SignerPosition } | null>({
    type: ['object', 'null'],
    properties: { user: { type: 'string' }, position: { type: 'string', enum: [...signerPositions] } },
    required: ['user', 'position'],
    description: '加签: who added this signer and where; null otherwise.',
  }),
  withdrawnAt: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description:
      '撤回: when the completer withdrew this completion (the task stays `completed`; a new task reopens the work for them); else null.',
  }),
  auto: Type.Unsafe<'dedupe' | null>({
    type: ['string', 'null'],
    enum: ['dedupe', null],
    description: '`dedupe` when the engine approved the task by itself (the same person approved the previous step).',
  }),
};

const taskProperties = {
  id: Type.Integer(),
  key: Type.String({ description: "The engine's task id inside its instance, e.g. `k3`." }),
  instanceId: Type.String(),
  modelKey: Type.String(),
  businessKey: nullableString,
  nodeId: Type.String(),
  nodeName: nullableLocalizedText,
  status: stringEnum(taskStatuses),
  assignee: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'Username of the assignee; null while it waits for one of the candidates to claim it.',
  }),
  candidates: taskCandidatesSchema,
  dueAt: nullableTimestamp,
  escalationLevel: Type.Integer({ description: 'How many escalation rungs have fired.' }),
  output: Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], additionalProperties: true }),
  createdAt: timestamp,
  completedAt: nullableTimestamp,
  completedBy: nullableString,
  deadlineWarning: Type.Unsafe<DeadlineWarning | null>({
    type: ['string', 'null'],
    enum: [...deadlineWarnings, null],
    description:
      '`beyond-calendar` when `dueAt` was counted in working time across a year the business calendar has no holiday data for (public holidays then counted as working days); else null.',
  }),
  ...approvalProperties,
};

/** Schema of {@link Task}. */
export const taskSchema = Type.Object(taskProperties);
/** A task as inboxes and instance views show it. */
export type Task = Static<typeof taskSchema>;

/** The actions of the task page, in {@link TaskActions}. `cc` goes with completing (抄送 on submit). */
export const taskActionNames = [
  'claim',
  'complete',
  'transfer',
  'return',
  'addSigners',
  'urge',
  'withdraw',
  'withdrawInstance',
] as const;
/** @see taskActionNames */
export type TaskActionName = (typeof taskActionNames)[number];

/** Why an action is not offered to the caller (the web app says it in words). */
export const taskActionReasons = [
  'taskClosed',
  'notCandidate',
  'assignedToOther',
  'alreadyYours',
  'noReturnTarget',
  'multiInstance',
  'notCompleted',
  'notCompleter',
  'alreadyWithdrawn',
  'autoApproved',
  'nextStepActed',
  'branchesMerged',
  'processForbids',
  'notInitiator',
  'instanceEnded',
  'refused',
] as const;
/** @see taskActionReasons */
export type TaskActionReason = (typeof taskActionReasons)[number];

/** Schema of {@link TaskActionState}. */
export const taskActionStateSchema = Type.Object({
  allowed: Type.Boolean(),
  reason: Type.Unsafe<TaskActionReason | null>({
    type: ['string', 'null'],
    enum: [...taskActionReasons, null],
    description: 'Why not, when not allowed; null when allowed.',
  }),
  message: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: "The engine's own explanation (English), when not allowed; null when allowed.",
  }),
});
/** Whether the caller may take one action on a task now, and why not. */
export type TaskActionState = Static<typeof taskActionStateSchema>;

/** Schema of {@link TaskActions}. */
export const taskActionsSchema = Type.Object(
  Object.fromEntries(taskActionNames.map((name) => [name, taskActionStateSchema])) as Record<
    TaskActionName,
    typeof taskActionStateSchema
  >,
);
/** What the caller may do on a task now (judged by the engine on the current snapshot), each with why not. */
export type TaskActions = Static<typeof taskActionsSchema>;

/** Schema of {@link TaskDetail}. */
export const taskDetailSchema = Type.Object({
  ...taskProperties,
  form: Type.Unsafe<Record<string, unknown> | null>({
    type: ['object', 'null'],
    additionalProperties: true,
    description: 'JSON Schema of the form (`output`), or null when the task has no form.',
  }),
  inputs: freeObject({ description: "The node's declared input fields with their current values." }),
  actions: taskActionsSchema,
  returnTargets: Type.Array(Type.String(), {
    description:
      'Where the caller may return the task to now (退回): earlier node ids, and `@previous` / `@initiator` when those resolve; empty when return is not allowed.',
  }),
});
/** A task with what its form needs (the node's `outputs` schema and the values of its `inputs`) and what the caller may do on it. */
export type TaskDetail = Static<typeof taskDetailSchema>;

/** The `next` field of every command's answer: the instance's open tasks in the caller's inbox. */
export const nextTasksSchema = Type.Array(taskSchema, {
  description: "The instance's open tasks in your inbox after the command, oldest first (what to do next).",
});

/** Schema of {@link TaskResult}. */
export const taskResultSchema = Type.Object({ task: taskSchema, next: nextTasksSchema });
/** The answer of the task commands (claim, complete, transfer, return, add signers, withdraw, urge). */
export type TaskResult = Static<typeof taskResultSchema>;

/** Schema of {@link CompleteTaskBody} (the body may be left out: no form values). */
export const completeTaskBodySchema = nullable(
  Type.Object(
    {
      output: Type.Optional(someObject({ description: "The form values; checked against the node's outputs schema." })),
      decision: Type.Optional(
        stringEnum(decisions, { description: 'Approve or reject; required on a several-signer step.' }),
      ),
      comment: Type.Optional(commentSchema),
      cc: Type.Optional(
        usernameListSchema('Users to cc (抄送) with this completion; each gets the instance in their cc list.'),
      ),
    },
    { additionalProperties: false },
  ),
);
/** Body of `POST /api/tasks/:id/complete`: the form values, checked against the node's `outputs` schema (only declared fields are accepted). */
export type CompleteTaskBody = NonNullable<Static<typeof completeTaskBodySchema>>;

/** Schema of {@link TransferTaskBody}. */
export const transferTaskBodySchema = Type.Object(
  {
    to: Type.String({ pattern: usernamePattern, description: 'Username of the new assignee.' }),
    comment: Type.Optional(commentSchema),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/tasks/:id/transfer`. */
export type TransferTaskBody = Static<typeof transferTaskBodySchema>;

/** Schema of {@link ReturnTaskBody}. */
export const returnTaskBodySchema = Type.Object(
  {
    to: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'Id of an earlier node of the same scope that this instance has passed, or `@previous` (the step before this one) or `@initiator` (back to the initiator).',
    }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/tasks/:id/return`. */
export type ReturnTaskBody = Static<typeof returnTaskBodySchema>;

/** Schema of {@link AddSignersBody}. */
export const addSignersBodySchema = Type.Object(
  {
    users: usernameListSchema('The signers to add (one or several).', 1),
    position: stringEnum(signerPositions, {
      description:
        '`before`: they decide first, then it comes back to you; `after`: after you approve; `parallel`: beside you.',
    }),
    comment: Type.Optional(commentSchema),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/tasks/:id/add-signers` (加签). */
export type AddSignersBody = Static<typeof addSignersBodySchema>;

/** Schema of {@link WithdrawBody} (the body may be left out). */
export const withdrawBodySchema = nullable(
  Type.Object({ comment: Type.Optional(commentSchema) }, { additionalProperties: false }),
);
/** Body of the withdraw commands (撤回): an optional comment kept in the history. */
export type WithdrawBody = NonNullable<Static<typeof withdrawBodySchema>>;

/** Schema of {@link BatchCompleteBody}. */
export const batchCompleteBodySchema = Type.Object(
  {
    tasks: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      description: 'Task ids (1 to 100) of tasks that need no form input.',
    }),
    decision: Type.Optional(stringEnum(decisions, { description: 'Default: `approve`.' })),
    comment: Type.Optional(commentSchema),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/tasks/batch-complete` (batch approval). */
export type BatchCompleteBody = Static<typeof batchCompleteBodySchema>;

/** Schema of {@link BatchCompleteResult}. */
export const batchCompleteResultSchema = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.Integer(),
      ok: Type.Boolean(),
      task: Type.Optional(taskSchema),
      error: Type.Optional(
        Type.Object({
          statusCode: Type.Integer({ description: 'The status the task alone would have been answered with.' }),
          code: Type.String(),
          message: Type.String(),
        }),
      ),
    }),
    { description: 'One entry per requested task, in the order asked: `task` when done, `error` when not.' },
  ),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
});
/** The answer of `POST /api/tasks/batch-complete`: each task judged and recorded on its own. */
export type BatchCompleteResult = Static<typeof batchCompleteResultSchema>;

/** Path parameters `{ id }` of the task routes. */
export const taskParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
/** @see taskParamsSchema */
export type TaskParams = Static<typeof taskParamsSchema>;

/** Query string of `GET /api/tasks`. */
export const listTasksQuerySchema = Type.Object(
  {
    status: Type.Optional(stringEnum(taskStatuses, { description: 'Default: open and claimed tasks.' })),
    instance: Type.Optional(Type.String({ pattern: uuidPattern, description: 'Only tasks of this instance.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/tasks` (the caller's inbox). */
export type ListTasksQuery = Static<typeof listTasksQuerySchema>;

/** Schema of the answer of `GET /api/tasks`. */
export const taskListSchema = Type.Array(taskSchema);
