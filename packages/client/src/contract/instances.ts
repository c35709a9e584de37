/**
 * Process instances, their incidents and history, and business events: starting
 * (`POST /api/models/:key/instances`), `/api/instances…` and `POST /api/events`.
 *
 * @module
 */
import { Type, type Static } from 'typebox';
import { modelKeyPattern, uuidPattern } from './common.ts';
import {
  freeObject,
  nullable,
  nullableString,
  nullableTimestamp,
  queryTimestampPattern,
  someObject,
  stringEnum,
  timestamp,
} from './schema.ts';
import { nextTasksSchema, taskSchema } from './tasks.ts';

/** The lifecycle of a process instance. */
export const instanceStatuses = ['running', 'completed', 'terminated'] as const;
/** @see instanceStatuses */
export type InstanceStatus = (typeof instanceStatuses)[number];

/**
 * Field names the engine supplies to expressions itself; instance data and task forms may not
 * write them (docs/reliability.md G4). The same list as `builtinFieldNames` of `@baton/definition`.
 */
export const reservedFieldNames = ['now', 'initiator', 'businessKey', 'instance'] as const;

const businessKeySchema = Type.String({ minLength: 1, maxLength: 200 });
const reasonSchema = Type.String({ maxLength: 2000 });

/** Schema of {@link Instance}. */
export const instanceSchema = Type.Object({
  id: Type.String({ description: 'A uuid.' }),
  modelKey: Type.String(),
  versionId: Type.Integer(),
  version: Type.Integer({ description: 'The version number the instance is pinned to.' }),
  status: stringEnum(instanceStatuses),
  businessKey: nullableString,
  data: freeObject({ description: "The instance data (the process's variables)." }),
  initiator: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'Username of whoever started it.' }),
  rev: Type.Integer({ description: 'The optimistic-concurrency counter: +1 per applied command.' }),
  createdAt: timestamp,
  updatedAt: timestamp,
  endedAt: nullableTimestamp,
});
/** A process instance. */
export type Instance = Static<typeof instanceSchema>;

/** Schema of {@link Incident}. */
export const incidentSchema = Type.Object({
  id: Type.String(),
  node: Type.String(),
  token: Type.String(),
  code: Type.String({ description: 'The engine error code, e.g. `ENG_SERVICE_FAILED`.' }),
  message: Type.String(),
  at: timestamp,
});
/** A failure waiting for an operator: retry or skip. */
export type Incident = Static<typeof incidentSchema>;

/** Schema of {@link HistoryEntry}. */
export const historyEntrySchema = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: 'Dotted, past tense: `task.completed`, `escalation.fired`, …' }),
  actor: Type.Unsafe<string | null>({
    type: ['string', 'null'],
    description: 'Username, or null for the system (timers, services).',
  }),
  nodeId: nullableString,
  at: timestamp,
  data: freeObject(),
});
/** One history record of an instance (append-only). */
export type HistoryEntry = Static<typeof historyEntrySchema>;

/** Schema of {@link InstanceDetail}. */
export const instanceDetailSchema = Type.Object({
  instance: instanceSchema,
  activeNodes: Type.Array(Type.String(), {
    description: 'Nodes where tokens rest now (tasks, timers, events, waits), without repeats.',
  }),
  tasks: Type.Array(taskSchema, { description: 'Every task of the instance, open and closed, oldest first.' }),
  incidents: Type.Array(incidentSchema, { description: 'Open incidents.' }),
  history: Type.Array(historyEntrySchema, { description: 'The history, oldest first.' }),
});
/** The answer of `GET /api/instances/:id`. */
export type InstanceDetail = Static<typeof instanceDetailSchema>;

/** Schema of {@link InstanceResult}. */
export const instanceResultSchema = Type.Object({ instance: instanceSchema, next: nextTasksSchema });
/** The answer of starting an instance and of the instance commands. */
export type InstanceResult = Static<typeof instanceResultSchema>;

/** Schema of {@link SendEventResult}. */
export const sendEventResultSchema = Type.Object({
  delivered: Type.Integer({ description: 'How many running instances received the event.' }),
});
/** The answer of `POST /api/events`. */
export type SendEventResult = Static<typeof sendEventResultSchema>;

/** Schema of {@link StartInstanceBody} (the body may be left out). */
export const startInstanceBodySchema = nullable(
  Type.Object(
    {
      data: Type.Optional(
        someObject({ description: "Initial instance data; checked against the definition's data schema." }),
      ),
      businessKey: Type.Optional(businessKeySchema),
    },
    { additionalProperties: false },
  ),
);
/** Body of `POST /api/models/:key/instances`; `businessKey` defaults to the data field named by the definition's `businessKeyField`. */
export type StartInstanceBody = NonNullable<Static<typeof startInstanceBodySchema>>;

/** Schema of {@link TerminateInstanceBody} (the body may be left out). */
export const terminateInstanceBodySchema = nullable(
  Type.Object({ reason: Type.Optional(reasonSchema) }, { additionalProperties: false }),
);
/** Body of `POST /api/instances/:id/terminate`. */
export type TerminateInstanceBody = NonNullable<Static<typeof terminateInstanceBodySchema>>;

/** Schema of {@link InstanceCommentBody}. */
export const instanceCommentBodySchema = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000, description: 'The comment, kept in the history.' }),
    task: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'A task of the instance it is about.',
      }),
    ),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/instances/:id/comments`. */
export type InstanceCommentBody = Static<typeof instanceCommentBodySchema>;

/** Schema of {@link SkipIncidentBody} (the body may be left out). */
export const skipIncidentBodySchema = nullable(
  Type.Object({ output: Type.Optional(someObject()) }, { additionalProperties: false }),
);
/** Body of `POST /api/instances/:id/incidents/:incident/skip`: data to merge before moving on (e.g. the result a failed service should have returned). */
export type SkipIncidentBody = NonNullable<Static<typeof skipIncidentBodySchema>>;

/** Schema of {@link SendEventBody}. */
export const sendEventBodySchema = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 200, description: 'The event name, e.g. `contract.signed`.' }),
    businessKey: businessKeySchema,
    payload: Type.Optional(Type.Unknown({ description: "Written to the waiting node's `resultField`." })),
  },
  { additionalProperties: false },
);
/** Body of `POST /api/events`. */
export type SendEventBody = Static<typeof sendEventBodySchema>;

/** Path parameters `{ id }` of the instance routes. */
export const instanceParamsSchema = Type.Object({ id: Type.String({ pattern: uuidPattern }) });
/** @see instanceParamsSchema */
export type InstanceParams = Static<typeof instanceParamsSchema>;

/** Path parameters `{ id, incident }` of the incident routes. */
export const incidentParamsSchema = Type.Object({
  id: Type.String({ pattern: uuidPattern }),
  incident: Type.String({ minLength: 1, maxLength: 100 }),
});
/** @see incidentParamsSchema */
export type IncidentParams = Static<typeof incidentParamsSchema>;

/** Query string of `GET /api/instances`. */
export const listInstancesQuerySchema = Type.Object(
  {
    model: Type.Optional(Type.String({ pattern: modelKeyPattern })),
    status: Type.Optional(stringEnum(instanceStatuses)),
    businessKey: Type.Optional(businessKeySchema),
    version: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Only this version number (with `model`).' }),
    ),
    team: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Only instances started in this team or a team below it (team key).',
      }),
    ),
    from: Type.Optional(
      Type.String({ pattern: queryTimestampPattern, description: 'Started at or after (a date or date-time).' }),
    ),
    to: Type.Optional(Type.String({ pattern: queryTimestampPattern, description: 'Started before (exclusive).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
/** Query of `GET /api/instances`. */
export type ListInstancesQuery = Static<typeof listInstancesQuerySchema>;

/** Schema of the answer of `GET /api/instances`. */
export const instanceListSchema = Type.Array(instanceSchema);
