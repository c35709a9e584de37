/**
 * The four lists of the inbox (Feishu/DingTalk convention): to do (待办), done by me (已办),
 * started by me (我发起的) and cc'd to me (抄送我的), with their counts, filters and keyset cursors;
 * plus marking a cc entry read or unread.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { emptyBodySchema, localizedTextResponseSchema, modelKeyPattern } from './common.ts';
import { instanceSchema, instanceStatuses } from './instances.ts';
import { nullable, nullableString, nullableTimestamp, queryTimestampPattern, stringEnum, timestamp } from './schema.ts';
import { taskSchema } from './tasks.ts';

export { queryTimestampPattern } from './schema.ts';

const filterProperties = {
  process: Type.Optional(Type.String({ pattern: modelKeyPattern, description: 'Only this process model (key).' })),
  step: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this step (node id).' })),
  from: Type.Optional(
    Type.String({
      pattern: queryTimestampPattern,
      description: 'Period start (inclusive), on the list’s own time (see each list).',
    }),
  ),
  to: Type.Optional(Type.String({ pattern: queryTimestampPattern, description: 'Period end (exclusive).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The `nextCursor` of the previous page; pages stay correct while new items arrive.',
    }),
  ),
};

/** How a task list is ordered: `deadline` (soonest first, none last) or `recent` (newest first). */
export const taskListSorts = ['deadline', 'recent'] as const;
/** @see taskListSorts */
export type TaskListSort = (typeof taskListSorts)[number];

/** Schema of {@link TodoListQuery}. */
export const todoListQuerySchema = Type.Object(
  {
    ...filterProperties,
    overdue: Type.Optional(Type.Boolean({ description: 'Only tasks past their deadline (true) or not (false).' })),
    sort: Type.Optional(
      stringEnum(taskListSorts, { description: 'Default `deadline`; `recent` orders by arrival, newest first.' }),
    ),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/lists/todo`; the period is when the task arrived. */
export type TodoListQuery = Static<typeof todoListQuerySchema>;

/** Schema of {@link DoneListQuery}. */
export const doneListQuerySchema = Type.Object(
  {
    ...filterProperties,
    overdue: Type.Optional(Type.Boolean({ description: 'Only tasks completed after their deadline (true) or not.' })),
    sort: Type.Optional(
      stringEnum(taskListSorts, { description: 'Default `recent` (completion, newest first); or `deadline`.' }),
    ),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/lists/done`; the period is when the task was completed. */
export type DoneListQuery = Static<typeof doneListQuerySchema>;

/** Schema of {@link StartedListQuery}. */
export const startedListQuerySchema = Type.Object(
  {
    ...filterProperties,
    status: Type.Optional(stringEnum(instanceStatuses)),
    overdue: Type.Optional(Type.Boolean({ description: 'Only instances with an open task past its deadline.' })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/lists/started` (newest first; `step`: instances with an open task there; the period is the start). */
export type StartedListQuery = Static<typeof startedListQuerySchema>;

/** Schema of {@link CcListQuery}. */
export const ccListQuerySchema = Type.Object(
  {
    ...filterProperties,
    unread: Type.Optional(Type.Boolean({ description: 'Only unread (true) or only read (false) entries.' })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/lists/cc` (newest cc first; `step`: the node that cc'd; the period is the cc's time). */
export type CcListQuery = Static<typeof ccListQuerySchema>;

const nextCursor = Type.Unsafe<string | null>({
  type: ['string', 'null'],
  description: 'Pass as `cursor` for the next page; null on the last page.',
});
const count = Type.Integer({ minimum: 0, description: 'How many items match the filters (all pages).' });

/** Schema of {@link TaskPage}. */
export const taskPageSchema = Type.Object({ items: Type.Array(taskSchema), count, nextCursor });
/** A page of the to-do or done list. */
export type TaskPage = Static<typeof taskPageSchema>;

/** Schema of {@link TimeLeft}. */
export const timeLeftSchema = Type.Object(
  {
    calendar: Type.String({ description: 'The business calendar the task’s deadline counts in (its node’s).' }),
    workingMs: Type.Integer({
      description:
        'Working milliseconds from the answer’s instant to `dueAt` on that calendar; negative once overdue (the working time past the deadline).',
    }),
    totalWorkingMs: Type.Integer({
      minimum: 0,
      description: 'Working milliseconds from the task’s arrival to its deadline (to judge the last quarter).',
    }),
    at: Type.String({ description: 'The instant (ISO 8601, the run loop’s clock) `workingMs` was counted at.' }),
  },
  { additionalProperties: false },
);
/** The working time left to a task's deadline, counted on the task's calendar. */
export type TimeLeft = Static<typeof timeLeftSchema>;

/** Schema of {@link TodoItem}. */
export const todoItemSchema = Type.Object({
  ...taskSchema.properties,
  timeLeft: nullable(timeLeftSchema),
});
/** A task of the to-do list: the task with the working time left to its deadline (null without a deadline). */
export type TodoItem = Static<typeof todoItemSchema>;

/** Schema of {@link TodoPage}. */
export const todoPageSchema = Type.Object({ items: Type.Array(todoItemSchema), count, nextCursor });
/** A page of the to-do list. */
export type TodoPage = Static<typeof todoPageSchema>;

/** Schema of {@link CurrentStep}. */
export const currentStepSchema = Type.Object(
  {
    taskId: Type.Integer(),
    nodeId: Type.String(),
    nodeName: nullable(localizedTextResponseSchema),
    assignee: nullableString,
    dueAt: nullableTimestamp,
  },
  { additionalProperties: false },
);
/** An open task of an instance: where the instance stands. */
export type CurrentStep = Static<typeof currentStepSchema>;

/** Schema of {@link StartedItem}. */
export const startedItemSchema = Type.Object({
  ...instanceSchema.properties,
  current: Type.Array(currentStepSchema, {
    description: 'The instance’s open tasks (its current steps), oldest first; empty when it waits elsewhere or ended.',
  }),
});
/** An instance of the started-by-me list with its current steps. */
export type StartedItem = Static<typeof startedItemSchema>;

/** Schema of {@link StartedPage}. */
export const startedPageSchema = Type.Object({ items: Type.Array(startedItemSchema), count, nextCursor });
/** A page of the started-by-me list. */
export type StartedPage = Static<typeof startedPageSchema>;

/** Why someone was cc'd: the node's rule on activation or completion, or the completer chose them. */
export const ccReasons = ['activated', 'completed', 'chosen'] as const;
/** @see ccReasons */
export type CcReason = (typeof ccReasons)[number];

/** Schema of {@link CcEntry}. */
export const ccEntrySchema = Type.Object({
  id: Type.Integer(),
  instanceId: Type.String(),
  modelKey: Type.String(),
  businessKey: nullableString,
  instanceStatus: stringEnum(instanceStatuses),
  nodeId: Type.String({ description: 'The node whose rule or completer cc’d you.' }),
  /** That node's name in the instance's version; null when it has none (show `nodeId`). */
  nodeName: nullable(localizedTextResponseSchema),
  taskKey: nullableString,
  by: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'Who cc’d you; null for a node rule.' }),
  reason: stringEnum(ccReasons),
  createdAt: timestamp,
  readAt: nullableTimestamp,
});
/** One instance cc'd to the caller (抄送), read or unread; a later cc of the same instance makes it unread again. */
export type CcEntry = Static<typeof ccEntrySchema>;

/** Schema of {@link CcPage}. */
export const ccPageSchema = Type.Object({
  items: Type.Array(ccEntrySchema),
  count,
  unread: Type.Integer({ minimum: 0, description: 'Unread entries of the caller (whatever the filters).' }),
  nextCursor,
});
/** A page of the cc'd-to-me list. */
export type CcPage = Static<typeof ccPageSchema>;

/** Schema of {@link ListCounts}. */
export const listCountsSchema = Type.Object({
  todo: Type.Integer({ minimum: 0 }),
  todoOverdue: Type.Integer({ minimum: 0 }),
  done: Type.Integer({ minimum: 0 }),
  started: Type.Integer({ minimum: 0, description: 'Instances you started that are still running.' }),
  cc: Type.Integer({ minimum: 0 }),
  ccUnread: Type.Integer({ minimum: 0 }),
});
/** The badge counts of the four lists (`GET /api/lists/counts`). */
export type ListCounts = Static<typeof listCountsSchema>;

/** Path parameters `{ id }` of the cc routes. */
export const ccParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });
/** @see ccParamsSchema */
export type CcParams = Static<typeof ccParamsSchema>;

/** Body of `POST /api/cc/:id/read` and `/unread`: none. */
export const markCcBodySchema = emptyBodySchema;
