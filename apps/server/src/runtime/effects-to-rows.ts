import type {
  Candidates,
  CompiledProcess,
  Directory,
  Effect,
  HistoryEvent,
  InstanceSnapshot,
  TaskState,
  TaskView,
} from '@baton/engine';
import type { Audience, HubMessage } from '../ws/hub.ts';

/**
 * The pure half of writing a step: which rows one applied step of one instance comes to
 * (instance row, history events, task rows, timer upserts and deletes, outbox rows,
 * notifications, round-robin cursors, the fired timer) and which websocket messages it owes.
 * No I/O; `write-step.ts` turns the rows into one SQL statement.
 *
 * @module
 */

/** The instance row a step writes: a new one (start) or the existing one, guarded by its rev. */
export type InstanceWrite =
  | {
      kind: 'insert';
      modelId: number;
      versionId: number;
      businessKey: string | null;
      initiatorId: number | null;
      teamId: number | null;
    }
  | {
      kind: 'update';
      rev: number;
      /**
       * The step's instant is the process's estimate of the database clock (the command skipped
       * its read): the write applies only while that instant is not ahead of the database clock
       * nor more than `estimatedInstantSlackSeconds` (write-step.ts) behind it; otherwise it is
       * refused like a stale rev and the command is read and stepped again.
       */
      estimatedInstant?: boolean;
    };

/** What {@link effectsToRows} needs to know about one applied step of one instance. */
export interface StepRowsInput {
  instanceId: string;
  instance: InstanceWrite;
  /** The snapshot after the step. */
  snapshot: InstanceSnapshot;
  /** The step's effects, in the order the engine emitted them. */
  effects: readonly Effect[];
  /** The step's instant (epoch ms, database clock). */
  now: number;
  /** People and teams, for the recipients of notifications. */
  directory: Directory;
  /** User ids by username; a username without one gets no notification and null ids. */
  userIds: ReadonlyMap<string, number>;
  /** The claimed timer this step fires: its row is marked fired while the claim holds. */
  firedTimer?: { id: number; key: string; attempt: number; workerId: string };
  /**
   * The instance's compiled process: the calendars the analytics facts (working durations) are
   * counted on and which nodes are user tasks (the path). Without it those columns stay null and
   * the reports compute them when they read them.
   */
  process?: Pick<CompiledProcess, 'nodes' | 'calendars' | 'start'>;
}

/** Options of {@link effectsToRows}. */
export interface EffectsToRowsOptions {
  /** A timer due sooner than this many ms after the step's instant sets {@link StepRows.wake}. */
  wakeWindowMs: number;
}

/** The `instances` row of a start (inserted). Timestamps are ISO strings. */
export interface InstanceInsertRecord {
  kind: 'insert';
  id: string;
  model_id: number;
  version_id: number;
  status: string;
  business_key: string | null;
  data: unknown;
  snapshot: InstanceSnapshot;
  initiator_id: number | null;
  team_id: number | null;
  /** created_at = updated_at. */
  at: string;
  ended_at: string | null;
  /** Analytics facts (see {@link InstanceFacts}). */
  path_add: string | null;
  end_node: string | null;
  cycle_working_ms: number | null;
}

/**
 * The analytics facts a step adds to its instance row: the user-task nodes it entered (appended to
 * `path`), the last node it entered (`end_node`, kept when it entered none) and, once the instance
 * ends, its working time on the process's calendar.
 */
export interface InstanceFacts {
  path_add: string | null;
  end_node: string | null;
  cycle_working_ms: number | null;
}

/** The `instances` row of a later step (updated while `rev` matches and, for a fired timer, its claim holds). */
export interface InstanceUpdateRecord {
  kind: 'update';
  id: string;
  rev: number;
  snapshot: InstanceSnapshot;
  data: unknown;
  status: string;
  /** updated_at. */
  at: string;
  ended_at: string | null;
  /** Whether `at` is an estimate of the database clock (see {@link InstanceWrite}). */
  est: boolean;
  timer_id: number | null;
  worker: string | null;
  attempt: number | null;
  path_add: string | null;
  end_node: string | null;
  cycle_working_ms: number | null;
}

/** The `instances` row a step writes. */
export type InstanceRecord = InstanceInsertRecord | InstanceUpdateRecord;

/** One `events` (history) row. */
export interface EventRecord {
  instance_id: string;
  type: string;
  actor: string | null;
  actor_id: number | null;
  node_id: string | null;
  at: string;
  data: Record<string, unknown>;
}

/** One row of the `tasks` table as a step leaves it. */
export interface TaskRecord {
  instance_id: string;
  key: string;
  node_id: string;
  node_name: unknown;
  token_id: string;
  status: string;
  assignee: string | null;
  assignee_id: number | null;
  candidates: Candidates;
  due_at: string | null;
  escalation_level: number;
  created_at: string;
  updated_at: string;
  output: unknown;
  completed_at: string | null;
  completed_by: number | null;
  completed_by_username: string | null;
  /** `beyond-calendar` when the deadline was counted past the calendar's holiday data. */
  deadline_warning: string | null;
  /** The decision given on completion (`approve`/`reject`). */
  decision: string | null;
  /** The comment (审批意见) given on completion. */
  comment: string | null;
  /** The delegating user when the task reached its assignee as their agent (委托). */
  on_behalf_of: string | null;
  /** Why the task was cancelled. */
  cancel_reason: string | null;
  /** The several-signer or multi-instance group. */
  signer_group: string | null;
  /** 加签: who added this signer and where. */
  added_by: unknown;
  /** `dedupe` when the engine approved the task by itself. */
  auto: string | null;
  /** Multi-instance: the element this task works on. */
  item: unknown;
  /** 撤回: when the completer withdrew this completion (ISO). */
  withdrawn_at: string | null;
  /** The first claim of a task offered to a group (ISO). */
  claimed_at: string | null;
  /** Who held it first: the assignee it was created with, else its first claimer (never overwritten). */
  first_holder: string | null;
  /** Whether this step completed the task (only then are the completion columns written). */
  completes: boolean;
  /** On completion: working ms from creation to completion on the step's calendar (null without a process). */
  duration_working_ms: number | null;
  /** On completion after a claim: working ms from creation to the claim (else the statement decides: 0 or the duration). */
  waiting_working_ms: number | null;
}

/** One `cc_entries` row (抄送): upserted by (user, instance), unread again. */
export interface CcRecord {
  user_id: number;
  instance_id: string;
  node_id: string;
  task_key: string | null;
  by_username: string | null;
  reason: string;
  created_at: string;
}

/** One `timers` row to insert or reset, keyed `<instance>:<timer id>`. */
export interface TimerRecord {
  instance_id: string;
  key: string;
  kind: string;
  due_at: string;
  payload: unknown;
}

/** One `outbox` row: a service call, keyed `<instance>:<call id>`. */
export interface OutboxRecord {
  instance_id: string;
  key: string;
  kind: string;
  payload: unknown;
}

/** One `notifications` row; `task_key` is resolved to the task's row id by the statement. */
export interface NotificationRecord {
  user_id: number;
  instance_id: string;
  task_key: string | null;
  kind: string;
  payload: unknown;
  created_at: string;
}

/** Everything one applied step comes to, before the statement runs. Arrays keep effect order. */
export interface StepRows {
  instanceRow: InstanceRecord;
  /** History, in the order the engine emitted it (ids are assigned in this order). */
  events: EventRecord[];
  /** Tasks the step created (a task created and changed by one step is one row, as it ends). */
  newTasks: TaskRecord[];
  /** Existing tasks the step changed (and those a reminder moved up a rung). */
  changedTasks: TaskRecord[];
  timerUpserts: TimerRecord[];
  /** Timers the step cancelled (pending rows are deleted). */
  timerDeletes: Array<{ instance_id: string; key: string }>;
  outbox: OutboxRecord[];
  notifications: NotificationRecord[];
  /** cc entries, one per user (the last cc of the step wins for a user cc'd twice). */
  cc: CcRecord[];
  /** Tasks named by notifications (their row ids are read back). */
  referenced: Array<{ instance_id: string; key: string }>;
  /** Round-robin cursors the step advanced (last value per key). */
  cursors: Array<{ key: string; cursor: number }>;
  /** The claimed timer row to mark fired (absent when the step rescheduled or cancelled that very timer). */
  fired: Array<{ instance_id: string; timer_id: number; worker: string; attempt: number }>;
  /** Notifications with their recipients, for the websocket messages after commit. */
  notes: Array<{ effect: Extract<Effect, { type: 'notify' }>; usernames: string[] }>;
  /** Incident messages to publish after commit. */
  incidentMessages: Array<{ message: HubMessage; audience: Audience }>;
  /** `cc.created` messages to publish after commit, one per cc effect, to its recipients. */
  ccMessages: Array<{ message: HubMessage; audience: Audience }>;
  /** Whether a timer falls due within the wake window (the statement then NOTIFYs the pollers). */
  wake: boolean;
}

/**
 * Folds one step's effects into the rows it writes ({@link StepRows}). Pure and deterministic:
 * the same step gives the same rows. Effects are folded per key, since one statement may not
 * change a row twice: a task's rows become one (its final state from the snapshot), a timer
 * scheduled then cancelled is one delete, a cursor keeps its last value. History events,
 * outbox rows and notifications keep the engine's order.
 *
 * @example
 * const rows = effectsToRows({ instanceId, instance: { kind: 'update', rev: 3 }, snapshot, effects, now, directory, userIds }, { wakeWindowMs: 1000 });
 * rows.events.map((e) => e.type); // ['task.completed', 'task.created', …]
 */
export function effectsToRows(w: StepRowsInput, options: EffectsToRowsOptions): StepRows {
  const { instanceId, effects, snapshot } = w;
  const at = new Date(w.now).toISOString();
  const tasks = new Map<
    string,
    {
      view: TaskView;
      created: boolean;
      completion?: { output: unknown; by: string | null };
      /** The reason of the step's `task.cancelled` (the engine's task state may not carry it). */
      cancelReason?: string;
    }
  >();
  const timers = new Map<string, { op: 'upsert'; row: TimerRecord } | { op: 'delete' }>();
  const out: Omit<StepRows, 'instanceRow'> = {
    events: [],
    newTasks: [],
    changedTasks: [],
    timerUpserts: [],
    timerDeletes: [],
    outbox: [],
    notifications: [],
    cc: [],
    referenced: [],
    cursors: [],
    fired: [],
    notes: [],
    incidentMessages: [],
    ccMessages: [],
    wake: false,
  };
  const cursors = new Map<string, number>();
  const history: HistoryEvent[] = [];
  const cc = new Map<number, CcRecord>();

  for (const effect of effects) {
    switch (effect.type) {
      case 'task.created':
      case 'task.updated':
      case 'task.completed':
      case 'task.cancelled': {
        const prior = tasks.get(effect.task.id);
        tasks.set(effect.task.id, {
          view: effect.task,
          created: (prior?.created ?? false) || effect.type === 'task.created',
          ...(effect.type === 'task.completed'
            ? { completion: { output: effect.output, by: effect.by } }
            : prior?.completion
              ? { completion: prior.completion }
              : {}),
          ...(effect.type === 'task.cancelled' ? { cancelReason: effect.reason } : {}),
        });
        break;
      }
      case 'timer.scheduled': {
        const t = effect.timer;
        const key = `${instanceId}:${t.id}`;
        timers.set(key, {
          op: 'upsert',
          row: {
            instance_id: instanceId,
            key,
            kind: t.kind,
            due_at: new Date(t.dueAt).toISOString(),
            payload: { timer: t.id, token: t.token, kind: t.kind, ...(t.rung !== undefined ? { rung: t.rung } : {}) },
          },
        });
        if (t.dueAt - w.now < options.wakeWindowMs) out.wake = true;
        break;
      }
      case 'timer.cancelled':
        timers.set(`${instanceId}:${effect.timer}`, { op: 'delete' });
        break;
      case 'service.call':
        out.outbox.push({
          instance_id: instanceId,
          key: `${instanceId}:${effect.call}`,
          kind: 'service',
          payload: {
            call: effect.call,
            node: effect.node,
            attempt: effect.attempt,
            action: effect.action,
            ...(effect.body !== undefined ? { body: effect.body } : {}),
          },
        });
        break;
      case 'notify': {
        const usernames = resolveRecipients(w.directory, effect.to).filter((u) => w.userIds.has(u));
        if (usernames.length === 0) break;
        const payload = notificationPayload(effect);
        for (const username of usernames) {
          out.notifications.push({
            user_id: w.userIds.get(username)!,
            instance_id: instanceId,
            task_key: effect.task ?? null,
            kind: effect.reason,
            payload,
            created_at: at,
          });
        }
        if (effect.task !== undefined) out.referenced.push({ instance_id: instanceId, key: effect.task });
        out.notes.push({ effect, usernames });
        break;
      }
      case 'cc': {
        const recipients: string[] = [];
        for (const username of resolveCcRecipients(w.directory, effect.to, effect.by)) {
          const userId = w.userIds.get(username);
          if (userId === undefined) continue;
          recipients.push(username);
          cc.delete(userId); // keeps the order of the last cc per user
          cc.set(userId, {
            user_id: userId,
            instance_id: instanceId,
            node_id: effect.node,
            task_key: effect.task ?? null,
            by_username: effect.by,
            reason: effect.reason,
            created_at: at,
          });
        }
        if (recipients.length > 0)
          out.ccMessages.push({
            message: { type: 'cc.created', instanceId, nodeId: effect.node, by: effect.by, reason: effect.reason },
            audience: { users: recipients },
          });
        break;
      }
      case 'assignment.advanced':
        cursors.set(effect.key, effect.cursor);
        break;
      case 'incident.raised':
        out.incidentMessages.push({
          message: { type: 'incident.raised', instanceId, incident: effect.incident },
          audience: { instanceId },
        });
        break;
      case 'incident.resolved':
        out.incidentMessages.push({
          message: { type: 'incident.resolved', instanceId, incident: effect.incident, how: effect.how },
          audience: { instanceId },
        });
        break;
      case 'history':
        history.push(effect.event);
        break;
      case 'event.awaited':
      case 'instance.finished':
        // Awaited events live in the snapshot; the instance row's status is written below.
        break;
    }
  }

  // A reminder moves a task's escalation level without a task effect: write its row too.
  for (const event of history) {
    if (event.type !== 'escalation.fired' || event.task === undefined || tasks.has(event.task)) continue;
    const state = snapshot.tasks[event.task];
    if (state) tasks.set(event.task, { view: state, created: false });
  }

  for (const [key, { view, created, completion, cancelReason }] of tasks) {
    // The snapshot holds the task's final state after the step; the view carries its node name.
    const state: TaskState = snapshot.tasks[key] ?? view;
    const record: TaskRecord = {
      instance_id: instanceId,
      key,
      node_id: state.node,
      node_name: view.nodeName ?? null,
      token_id: state.token,
      status: state.status,
      assignee: state.assignee,
      assignee_id: state.assignee === null ? null : (w.userIds.get(state.assignee) ?? null),
      candidates: state.candidates,
      due_at: state.dueAt === null ? null : new Date(state.dueAt).toISOString(),
      escalation_level: state.escalationLevel,
      created_at: new Date(state.createdAt).toISOString(),
      updated_at: at,
      output: completion ? completion.output : null,
      completed_at: completion ? at : null,
      completed_by: completion?.by ? (w.userIds.get(completion.by) ?? null) : null,
      completed_by_username: completion ? completion.by : null,
      deadline_warning: state.deadlineWarning ?? null,
      decision: state.decision ?? null,
      comment: state.comment ?? null,
      on_behalf_of: state.onBehalfOf ?? null,
      cancel_reason: state.status === 'cancelled' ? (state.cancelReason ?? cancelReason ?? null) : null,
      signer_group: state.group ?? null,
      added_by: state.addedBy ?? null,
      auto: state.auto ?? null,
      item: state.item ?? null,
      withdrawn_at: state.withdrawnAt === undefined ? null : new Date(state.withdrawnAt).toISOString(),
      claimed_at: state.claimedAt === undefined ? null : new Date(state.claimedAt).toISOString(),
      first_holder: created ? (state.claimedBy ?? state.assignee) : (state.claimedBy ?? null),
      completes: completion !== undefined,
      duration_working_ms: completion ? workingMs(state.node, state.createdAt, w.now) : null,
      waiting_working_ms:
        completion && state.claimedAt !== undefined ? workingMs(state.node, state.createdAt, state.claimedAt) : null,
    };
    (created ? out.newTasks : out.changedTasks).push(record);
  }
  for (const [key, t] of timers) {
    if (t.op === 'upsert') out.timerUpserts.push(t.row);
    else out.timerDeletes.push({ instance_id: instanceId, key });
  }
  out.cc = [...cc.values()];
  out.cursors = [...cursors].map(([key, cursor]) => ({ key, cursor }));
  out.events = history.map((event) => ({
    instance_id: instanceId,
    type: event.type,
    actor: event.actor ?? null,
    actor_id: event.actor ? (w.userIds.get(event.actor) ?? null) : null,
    node_id: event.node ?? null,
    at: new Date(event.at).toISOString(),
    data: {
      ...(event.data ?? {}),
      ...(event.task !== undefined ? { task: event.task } : {}),
      ...(event.token !== undefined ? { token: event.token } : {}),
    },
  }));
  // A step that reschedules or cancels the very timer it fires leaves that row as the upsert or
  // delete says (one statement may not change a row twice); otherwise the row is marked fired.
  if (w.firedTimer && !timers.has(w.firedTimer.key)) {
    out.fired.push({
      instance_id: instanceId,
      timer_id: w.firedTimer.id,
      worker: w.firedTimer.workerId,
      attempt: w.firedTimer.attempt,
    });
  }
  const endedAt = snapshot.endedAt === null ? null : new Date(snapshot.endedAt).toISOString();
  const facts = instanceFacts(w.process, history, snapshot);
  const instanceRow: InstanceRecord =
    w.instance.kind === 'insert'
      ? {
          kind: 'insert',
          id: instanceId,
          model_id: w.instance.modelId,
          version_id: w.instance.versionId,
          status: snapshot.status,
          business_key: w.instance.businessKey,
          data: snapshot.data,
          snapshot,
          initiator_id: w.instance.initiatorId,
          team_id: w.instance.teamId,
          at,
          ended_at: endedAt,
          ...facts,
        }
      : {
          kind: 'update',
          id: instanceId,
          rev: w.instance.rev,
          snapshot,
          data: snapshot.data,
          status: snapshot.status,
          at,
          ended_at: endedAt,
          est: w.instance.estimatedInstant === true,
          // A step firing a claimed timer applies only while the claim holds and the timer is due.
          timer_id: w.firedTimer?.id ?? null,
          worker: w.firedTimer?.workerId ?? null,
          attempt: w.firedTimer?.attempt ?? null,
          ...facts,
        };
  return { ...out, instanceRow };

  /** Working ms between two instants on the calendar of `node` (null without a process or calendar). */
  function workingMs(node: string, from: number, to: number): number | null {
    const calendarId = w.process?.nodes.get(node)?.calendar;
    const calendar = calendarId === undefined ? undefined : w.process?.calendars.get(calendarId);
    return calendar ? calendar.workingMillisBetween(from, Math.max(from, to)) : null;
  }
}

/** The analytics facts of one step (see {@link InstanceFacts}). */
export function instanceFacts(
  process: StepRowsInput['process'],
  history: readonly HistoryEvent[],
  snapshot: InstanceSnapshot,
): InstanceFacts {
  const entered = history.filter((e) => e.type === 'node.entered' && e.node !== undefined).map((e) => e.node!);
  const userTasks = process ? entered.filter((n) => process.nodes.get(n)?.node.type === 'userTask') : [];
  let cycle: number | null = null;
  if (process && snapshot.endedAt !== null) {
    const calendar = process.calendars.get(process.nodes.get(process.start)?.calendar ?? '');
    if (calendar)
      cycle = calendar.workingMillisBetween(snapshot.startedAt, Math.max(snapshot.startedAt, snapshot.endedAt));
  }
  return {
    path_add: userTasks.length > 0 ? userTasks.join('>') : null,
    end_node: entered.length > 0 ? entered[entered.length - 1]! : null,
    cycle_working_ms: cycle,
  };
}

/** The payload a notification row and its websocket message carry. */
export function notificationPayload(effect: Extract<Effect, { type: 'notify' }>) {
  return {
    reason: effect.reason,
    node: effect.node,
    ...(effect.task !== undefined ? { task: effect.task } : {}),
    ...(effect.action ? { action: effect.action } : {}),
  };
}

/**
 * The usernames a cc goes to (抄送): every user named, holding one of the positions or in one of
 * the teams (or below), except the actor who sent it; each once, sorted.
 */
export function resolveCcRecipients(directory: Directory, to: Candidates, actor: string | null): string[] {
  return resolveRecipients(directory, to).filter((u) => u !== actor);
}

/**
 * The usernames a notification goes to: the assignee when there is one, otherwise every user
 * named in the candidates, holding one of their positions, or in one of their teams (or below).
 */
export function resolveRecipients(directory: Directory, to: Candidates & { assignee?: string | null }): string[] {
  if (to.assignee) return [to.assignee];
  const out = new Set<string>(to.users);
  for (const [username, user] of Object.entries(directory.users)) {
    if (user.roles.some((r) => to.roles.includes(r)) || user.teams.some((t) => to.teams.includes(t))) out.add(username);
  }
  return [...out].sort();
}
