/**
 * Tasks: the inbox (`GET /api/tasks`), one task with its form (`GET /api/tasks/:id`) and the task
 * commands (claim, complete, transfer, return, urge).
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

/** Why a task's deadline may be off. @see Task.deadlineWarning */
export const deadlineWarnings = ['beyond-calendar'] as const;
/** @see deadlineWarnings */
export type DeadlineWarning = (typeof deadlineWarnings)[number];

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
};

/** Schema of {@link Task}. */
export const taskSchema = Type.Object(taskProperties);
/** A task as inboxes and instance views show it. */
export type Task = Static<typeof taskSchema>;

/** Schema of {@link TaskDetail}. */
export const taskDetailSchema = Type.Object({
  ...taskProperties,
  form: Type.Unsafe<Record<string, unknown> | null>({
    type: ['object', 'null'],
    additionalProperties: true,
    description: 'JSON Schema of the form (`output`), or null when the task has no form.',
  }),
  inputs: freeObject({ description: "The node's declared input fields with their current values." }),
});
/** A task with what its form needs: the node's `outputs` schema and the values of its `inputs`. */
export type TaskDetail = Static<typeof taskDetailSchema>;

/** The `next` field of every command's answer: the instance's open tasks in the caller's inbox. */
export const nextTasksSchema = Type.Array(taskSchema, {
  description: "The instance's open tasks in your inbox after the command, oldest first (what to do next).",
});

/** Schema of {@link TaskResult}. */
export const taskResultSchema = Type.Object({ task: taskSchema, next: nextTasksSchema });
/** The answer of the task commands (claim, complete, transfer, return, urge). */
export type TaskResult = Static<typeof taskResultSchema>;

/** Schema of {@link CompleteTaskBody} (the body may be left out: no form values). */
export const completeTaskBodySchema = nullable(
  Type.Object(
    {
      output: Type.Optional(someObject({ description: "The form values; checked against the node's outputs schema." })),
    },
    { additionalProperties: false },
  ),
);
/** Body of `POST /api/tasks/:id/complete`: the form values, checked against the node's `outputs` schema (only declared fields are accepted). */
export type CompleteTaskBody = NonNullable<Static<typeof completeTaskBodySchema>>;

/** Schema of {@link TransferTaskBody}. */
export const transferTaskBodySchema = Type.Object(
  { to: Type.String({ pattern: usernamePattern, description: 'Username of the new assignee.' }) },
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
      description: 'Id of an earlier node of the same scope that this instance has passed.',
    }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/tasks/:id/return`. */
export type ReturnTaskBody = Static<typeof returnTaskBodySchema>;

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
