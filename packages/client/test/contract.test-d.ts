/**
 * Type tests of the contract (checked by `tsc -p tsconfig.test.json`, part of `npm test`): the
 * types derived from the schemas are exactly the shapes the API promises. A schema edit that
 * changes a type fails here and must be made on purpose, in both places.
 */
import type { Static } from 'typebox';
import { expectTypeOf } from 'vitest';
import type {
  AddSignersBody,
  CcEntry,
  Delegation,
  TaskPage,
  TodoPage,
  StartedItem,
  AnalyticsQuery,
  ComparedMeasure,
  Spread,
  ApiErrorBody,
  ApiErrorCode,
  Cohort,
  CompleteTaskBody,
  CreateVersionBody,
  Instance,
  InstanceDetail,
  ListTasksQuery,
  LocalizedText,
  Task,
  TaskDetail,
  User,
  UserNotification,
  Version,
  VersionSummary,
  WsClientMessage,
  WsPushMessage,
  WsReply,
  WsServerMessage,
  WsTopic,
  taskSchema,
} from '../src/contract/index.ts';

type Stamp = string;

expectTypeOf<Static<typeof taskSchema>>().toEqualTypeOf<Task>();

expectTypeOf<User>().toEqualTypeOf<{
  id: number;
  username: string;
  displayName: string;
  roles: Array<'admin' | 'owner' | 'operator' | 'participant'>;
  positions: string[];
  teamId: number | null;
  teamKey: string | null;
  managerId: number | null;
  locale: 'zh-CN' | 'en';
  outOfOffice: boolean;
}>();

expectTypeOf<Task>().toEqualTypeOf<{
  id: number;
  key: string;
  instanceId: string;
  modelKey: string;
  businessKey: string | null;
  nodeId: string;
  nodeName: LocalizedText | null;
  status: 'open' | 'claimed' | 'completed' | 'cancelled';
  assignee: string | null;
  candidates: { users: string[]; roles: string[]; teams: string[] };
  dueAt: Stamp | null;
  escalationLevel: number;
  output: Record<string, unknown> | null;
  createdAt: Stamp;
  completedAt: Stamp | null;
  completedBy: string | null;
  deadlineWarning: 'beyond-calendar' | null;
  decision: 'approve' | 'reject' | null;
  comment: string | null;
  onBehalfOf: string | null;
  cancelReason: string | null;
  group: string | null;
  addedBy: { user: string; position: 'before' | 'after' | 'parallel' } | null;
  withdrawnAt: string | null;
  auto: 'dedupe' | null;
}>();
expectTypeOf<Omit<TaskDetail, 'form' | 'inputs' | 'actions' | 'returnTargets'>>().toEqualTypeOf<Task>();
expectTypeOf<Pick<TaskDetail, 'form' | 'inputs'>>().toEqualTypeOf<{
  form: Record<string, unknown> | null;
  inputs: Record<string, unknown>;
}>();

expectTypeOf<Instance['status']>().toEqualTypeOf<'running' | 'completed' | 'terminated'>();
expectTypeOf<InstanceDetail['tasks']>().toEqualTypeOf<Task[]>();
expectTypeOf<UserNotification['kind']>().toEqualTypeOf<'reminder' | 'escalation' | 'urge' | 'assigned'>();
expectTypeOf<ApiErrorBody['code']>().toEqualTypeOf<ApiErrorCode>();
expectTypeOf<ApiErrorBody['issues']>().toEqualTypeOf<
  Array<{ path: string; code: string; message: string; severity?: 'error' | 'warning' }> | undefined
>();
// A version carries its validation issues (a draft may be stored with errors); a summary does not.
expectTypeOf<Version['issues']>().toEqualTypeOf<
  Array<{ path: string; code: string; message: string; severity?: 'error' | 'warning' }>
>();
expectTypeOf<VersionSummary>().not.toHaveProperty('issues');
expectTypeOf<Cohort>().toEqualTypeOf<
  { type: 'all' } | { type: 'teams'; teams: string[] } | { type: 'share'; percent: number }
>();

// Request bodies: optional fields stay optional; a left-out body is `null` only on the wire.
expectTypeOf<CompleteTaskBody>().toEqualTypeOf<{
  output?: Record<string, unknown>;
  decision?: 'approve' | 'reject';
  comment?: string;
  cc?: string[];
}>();
expectTypeOf<AddSignersBody>().toEqualTypeOf<{
  users: string[];
  position: 'before' | 'after' | 'parallel';
  comment?: string;
}>();
expectTypeOf<TaskPage>().toEqualTypeOf<{ items: Task[]; count: number; nextCursor: string | null }>();
expectTypeOf<Omit<TodoPage['items'][number], 'timeLeft'>>().toEqualTypeOf<Task>();
expectTypeOf<TodoPage['items'][number]['timeLeft']>().toEqualTypeOf<{
  calendar: string;
  workingMs: number;
  totalWorkingMs: number;
  at: string;
} | null>();
expectTypeOf<StartedItem['current'][number]>().toEqualTypeOf<{
  taskId: number;
  nodeId: string;
  nodeName: Task['nodeName'];
  assignee: string | null;
  dueAt: string | null;
}>();
expectTypeOf<CcEntry['reason']>().toEqualTypeOf<'activated' | 'completed' | 'chosen'>();
expectTypeOf<Delegation['state']>().toEqualTypeOf<'scheduled' | 'active' | 'ended'>();
expectTypeOf<CreateVersionBody>().toEqualTypeOf<{ definition: unknown; state: 'current' | 'target'; notes?: string }>();
expectTypeOf<ListTasksQuery>().toEqualTypeOf<{
  status?: Task['status'];
  instance?: string;
  limit?: number;
  offset?: number;
}>();

// The websocket.
expectTypeOf<WsTopic>().toEqualTypeOf<{ topic: 'inbox' } | { topic: 'instance'; instanceId: string }>();
expectTypeOf<WsClientMessage>().toEqualTypeOf<
  | { type: 'subscribe'; topic: 'inbox' }
  | { type: 'subscribe'; topic: 'instance'; instanceId: string }
  | { type: 'unsubscribe'; topic: 'inbox' }
  | { type: 'unsubscribe'; topic: 'instance'; instanceId: string }
  | { type: 'ping' }
>();
expectTypeOf<WsServerMessage>().toEqualTypeOf<WsPushMessage | WsReply>();
expectTypeOf<WsPushMessage['type']>().toEqualTypeOf<
  | 'task.created'
  | 'task.updated'
  | 'task.completed'
  | 'task.cancelled'
  | 'instance.updated'
  | 'incident.raised'
  | 'incident.resolved'
  | 'notification.created'
  | 'notification.read'
  | 'cc.created'
>();
expectTypeOf<Extract<WsPushMessage, { type: 'cc.created' }>>().toEqualTypeOf<{
  type: 'cc.created';
  instanceId: string;
  nodeId: string;
  by: string | null;
  reason: 'activated' | 'completed' | 'chosen';
}>();
expectTypeOf<Extract<WsPushMessage, { type: 'instance.updated' }>>().toEqualTypeOf<{
  type: 'instance.updated';
  instanceId: string;
  rev: number;
  status: Instance['status'];
}>();

// Analytics (issue 12): the filters and the comparison row.
expectTypeOf<AnalyticsQuery>().toEqualTypeOf<{
  version?: number;
  team?: string;
  cohort?: number;
  from?: string;
  to?: string;
}>();
expectTypeOf<Spread>().toEqualTypeOf<{ p50: number | null; p90: number | null; mean: number | null }>();
expectTypeOf<ComparedMeasure>().toEqualTypeOf<{
  measure: 'cycleWorkingHoursMedian' | 'cycleWorkingHoursMean' | 'firstPassYield' | 'dealAmountPerInstance';
  a: number | null;
  b: number | null;
  nA: number;
  nB: number;
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  verdict: 'better' | 'worse' | 'noDifference' | 'tooFewData';
  text: LocalizedText;
}>();
