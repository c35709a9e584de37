/**
 * `@baton/client`: a typed client for the Baton HTTP API and its websocket, plus the API contract
 * it shares with the server. Pure: the caller passes `fetch` in (and, for the live connection,
 * the `WebSocket` constructor and the timer functions), so the client runs in browsers, Node and
 * tests.
 *
 * @module
 */
import type {
  ReleasedTimer,
  StuckWork,
  AddSignersBody,
  BatchCompleteBody,
  BatchCompleteResult,
  CcEntry,
  CcListQuery,
  CcPage,
  CreateDelegationBody,
  Delegation,
  DoneListQuery,
  InstanceCommentBody,
  ListCounts,
  ListDelegationsQuery,
  StartedListQuery,
  StartedPage,
  TaskPage,
  TodoListQuery,
  TodoPage,
  WithdrawBody,
  AnalyticsQuery,
  Comparison,
  CompareQuery,
  ExportQuery,
  ProcessAnalytics,
  SimulationRequest,
  SimulationResponse,
  StepAnalytics,
  TeamAnalytics,
  ApiErrorBody,
  ApiErrorCode,
  ApiIssue,
  CreateDeploymentBody,
  CreateModelBody,
  CreateUserBody,
  CompleteTaskBody,
  CreateVersionBody,
  Deployment,
  Health,
  Instance,
  InstanceDetail,
  InstanceResult,
  ListInstancesQuery,
  ListNotificationsQuery,
  ListTasksQuery,
  LoginResult,
  ProcessModel,
  PublishResult,
  ReadAllNotificationsResult,
  ReturnTaskBody,
  SendEventBody,
  SendEventResult,
  SkipIncidentBody,
  StartInstanceBody,
  StartableProcess,
  Task,
  TaskDetail,
  TaskResult,
  Team,
  CalendarInfo,
  CalendarDetail,
  CalendarYearBody,
  MigrationBody,
  MigrationDryRun,
  MigrationOperation,
  MigrationPlan,
  TerminateInstanceBody,
  TransferTaskBody,
  UpdateVersionBody,
  User,
  UserNotification,
  Version,
  VersionDiff,
  VersionSummary,
} from './contract.ts';
import {
  createLiveConnection,
  toWebSocketUrl,
  type LiveConnection,
  type LiveOptions,
  type TimersLike,
  type WebSocketConstructorLike,
} from './live.ts';

export * from './contract.ts';
export {
  backoffDelay,
  createLiveConnection,
  isForTopic,
  isWsReply,
  toWebSocketUrl,
  type BackoffOptions,
  type LiveConnection,
  type LiveConnectionOptions,
  type LiveOptions,
  type LiveState,
  type SubscribeOptions,
  type TimersLike,
  type WebSocketConstructorLike,
  type WebSocketLike,
  type WsErrorReply,
} from './live.ts';

/** The part of a `fetch` response the client reads. */
export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}

/** The part of the `fetch` request options the client sets. */
export interface FetchInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Set only when {@link ClientOptions.credentials} is given (browsers). */
  credentials?: 'include' | 'same-origin' | 'omit';
}

/** A `fetch` function: the global one, or any stand-in (tests pass one backed by `app.inject`). */
export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the server lives, e.g. `http://127.0.0.1:3000` (no trailing `/api`). */
  baseUrl: string;
  fetch: FetchLike;
  /** A bearer token from an earlier login. */
  token?: string;
  /**
   * The WebSocket constructor for {@link BatonClient.connect}: `globalThis.WebSocket` in
   * browsers, `WebSocket` from the `ws` package in Node. Only needed to connect.
   */
  WebSocket?: WebSocketConstructorLike;
  /**
   * Timer functions for {@link BatonClient.connect} (reconnect delays, pings). Only needed to
   * connect; nothing global is used when left out.
   *
   * @example
   * { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) }
   */
  timers?: TimersLike;

  // Browser session (the web app): cookies instead of a bearer token.
  /** Passed to `fetch` as `credentials` (the web app: `'same-origin'`, so the session cookie is sent). */
  credentials?: 'include' | 'same-origin' | 'omit';
  /** Extra headers for each request, read per call (the web app: `X-CSRF-Token` from its cookie). */
  headers?: () => Record<string, string>;
}

/**
 * What was wrong with an answer that is not a Baton answer (`CLIENT_BAD_RESPONSE`), so a caller
 * can word it itself (the CLI does, in the user's language).
 */
export interface BadResponseDetail {
  /** `not-json`: the body is not JSON; `no-error-body`: a non-2xx answer without `code`/`message`. */
  reason: 'not-json' | 'no-error-body';
  method: string;
  /** The path asked for, e.g. `/api/tasks?status=open`. */
  path: string;
  /** The client's base URL. */
  baseUrl: string;
}

/**
 * The error every client method throws on a non-2xx answer: the HTTP status and the server's
 * `API_*` code, message and issues. `CLIENT_BAD_RESPONSE` (with {@link BadResponseDetail})
 * when the answer is not a Baton answer at all.
 */
export class BatonApiError extends Error {
  override readonly name = 'BatonApiError';
  readonly status: number;
  readonly code: ApiErrorCode | 'CLIENT_BAD_RESPONSE';
  readonly issues: ApiIssue[];
  /** Set for `CLIENT_BAD_RESPONSE` raised by the client. */
  readonly badResponse: BadResponseDetail | undefined;

  constructor(
    status: number,
    code: ApiErrorCode | 'CLIENT_BAD_RESPONSE',
    message: string,
    issues: ApiIssue[] = [],
    badResponse?: BadResponseDetail,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.badResponse = badResponse;
  }
}

/** Per-call options of the commands that change state. */
export interface WriteOptions {
  /**
   * Sent as `Idempotency-Key`: repeating the call with the same key (same user, same route)
   * returns the first answer and applies the change once. Use one key per intended change.
   */
  idempotencyKey?: string;
}

/** The typed Baton API client returned by {@link createClient}. */
export interface BatonClient {
  /** The bearer token in use, if any. */
  readonly token: string | undefined;
  /** Replaces the bearer token (for example after a login elsewhere). */
  setToken(token: string | undefined): void;
  /** Logs in and keeps the returned token for later calls. */
  login(username: string, password: string): Promise<LoginResult>;
  health(): Promise<Health>;
  me(): Promise<User>;
  listUsers(): Promise<User[]>;
  createUser(body: CreateUserBody): Promise<User>;
  listTeams(): Promise<Team[]>;
  /** The business calendars and the years their holiday data covers. */
  listCalendars(): Promise<CalendarInfo[]>;
  /** One calendar with every year's holidays and make-up workdays. */
  getCalendar(key: string): Promise<CalendarDetail>;
  /** Adds or replaces a year's schedule of a calendar (operator, admin); new deadlines honour it at once. */
  putCalendarYear(key: string, year: number, body: CalendarYearBody): Promise<CalendarDetail>;
  listModels(): Promise<ProcessModel[]>;
  getModel(key: string): Promise<ProcessModel>;
  createModel(body: CreateModelBody): Promise<ProcessModel>;
  listVersions(key: string): Promise<VersionSummary[]>;
  getVersion(key: string, number: number): Promise<Version>;
  /** Saves a new draft, even with validation errors (the answer's `issues` lists them); throws `API_INVALID_DEFINITION` only when its `key` is not the model key. */
  createVersion(key: string, body: CreateVersionBody): Promise<Version>;
  /** Replaces a draft's definition, even with validation errors (see `issues`); throws `API_VERSION_NOT_DRAFT` once published. */
  updateVersion(key: string, number: number, body: UpdateVersionBody): Promise<Version>;
  /** Publishes a draft; `API_INVALID_DEFINITION` with every issue when it has a validation error (it stays a draft); `created: false` (and the draft deleted) when identical content was already published; `API_VERSION_STATE_MISMATCH` when under the other state label. */
  publishVersion(key: string, number: number): Promise<PublishResult>;
  /** Creates a draft and publishes it in one transaction (what `baton deploy` uses). */
  publish(key: string, body: CreateVersionBody): Promise<PublishResult>;
  diff(key: string, from: number, to: number): Promise<VersionDiff>;
  listDeployments(key: string): Promise<Deployment[]>;
  deploy(key: string, body: CreateDeploymentBody): Promise<Deployment>;
  rollbackDeployment(key: string, id: number): Promise<Deployment>;
  /** The processes the caller may start (a deployment's cohort includes them), each with its start form. */
  listStartable(): Promise<StartableProcess[]>;
  /** The proposed mapping of the active nodes of version `from` onto version `to` (operator, admin). */
  getMigrationPlan(key: string, from: number, to: number): Promise<MigrationPlan>;
  /** Which of the chosen instances would move and which cannot, with every reason; changes nothing (operator, admin). */
  dryRunMigration(key: string, body: MigrationBody): Promise<MigrationDryRun>;
  /** Starts moving the chosen instances in batches; poll {@link BatonClient.getMigration} for progress (operator, admin). */
  startMigration(key: string, body: MigrationBody): Promise<MigrationOperation>;
  /** A migration operation and its progress. */
  getMigration(id: number): Promise<MigrationOperation>;
  /** Starts an instance of the version deployed to the caller; `API_NO_DEPLOYMENT` when there is none. */
  startInstance(key: string, body?: StartInstanceBody, options?: WriteOptions): Promise<InstanceResult>;
  /** Instances the caller may see, newest first. */
  listInstances(query?: ListInstancesQuery): Promise<Instance[]>;
  /** An instance with its active nodes, tasks, incidents and history. */
  getInstance(id: string): Promise<InstanceDetail>;
  /** Terminates a running instance (operator, admin). */
  terminateInstance(id: string, body?: TerminateInstanceBody, options?: WriteOptions): Promise<InstanceResult>;
  /** Retries the node of an open incident (operator, admin). */
  retryIncident(id: string, incident: string, options?: WriteOptions): Promise<InstanceResult>;
  /** Skips the node of an open incident, merging `output` first (operator, admin). */
  skipIncident(id: string, incident: string, body?: SkipIncidentBody, options?: WriteOptions): Promise<InstanceResult>;
  /** 撤回: the initiator withdraws the instance while no later approver has acted. */
  withdrawInstance(id: string, body?: WithdrawBody, options?: WriteOptions): Promise<InstanceResult>;
  /** Adds a comment to the instance (or one of its tasks), kept in its history. */
  commentInstance(id: string, body: InstanceCommentBody, options?: WriteOptions): Promise<InstanceResult>;
  /** Delivers a business event to the running instances with its business key (operator, admin). */
  sendEvent(body: SendEventBody): Promise<SendEventResult>;
  /** The caller's inbox (open and claimed tasks by default). */
  listTasks(query?: ListTasksQuery): Promise<Task[]>;
  /** A task with its form and input values. */
  getTask(id: number): Promise<TaskDetail>;
  claimTask(id: number, options?: WriteOptions): Promise<TaskResult>;
  /** Completes a task; `API_INVALID_FORM` lists every problem of the form with its path. */
  completeTask(id: number, body?: CompleteTaskBody, options?: WriteOptions): Promise<TaskResult>;
  transferTask(id: number, body: TransferTaskBody, options?: WriteOptions): Promise<TaskResult>;
  returnTask(id: number, body: ReturnTaskBody, options?: WriteOptions): Promise<TaskResult>;
  urgeTask(id: number, options?: WriteOptions): Promise<TaskResult>;
  /** 加签: adds signers before, after or beside the caller on their task. */
  addSigners(id: number, body: AddSignersBody, options?: WriteOptions): Promise<TaskResult>;
  /** 撤回: the completer withdraws their completion of task `id` while the next task is untouched. */
  withdrawTask(id: number, body?: WithdrawBody, options?: WriteOptions): Promise<TaskResult>;
  /** Batch approval: completes tasks that need no form input, each on its own; per-task results. */
  batchCompleteTasks(body: BatchCompleteBody): Promise<BatchCompleteResult>;
  /** 待办: tasks assigned or offered to the caller (by username, position or team), soonest deadline first. */
  listTodo(query?: TodoListQuery): Promise<TodoPage>;
  /** 已办: tasks the caller completed, newest first. */
  listDone(query?: DoneListQuery): Promise<TaskPage>;
  /** 我发起的: instances the caller started, newest first. */
  listStarted(query?: StartedListQuery): Promise<StartedPage>;
  /** 抄送我的: instances cc'd to the caller, newest first, with read state. */
  listCc(query?: CcListQuery): Promise<CcPage>;
  /** The badge counts of the four lists. */
  listCounts(): Promise<ListCounts>;
  /** Marks one of the caller's cc entries read. */
  markCcRead(id: number): Promise<CcEntry>;
  /** Marks one of the caller's cc entries unread again. */
  markCcUnread(id: number): Promise<CcEntry>;
  /** 委托: the caller's delegations (as user or agent); `all: true` for admins. */
  listDelegations(query?: ListDelegationsQuery): Promise<Delegation[]>;
  /** 委托: sets the caller's agent for a period (admins: for `user`). */
  createDelegation(body: CreateDelegationBody): Promise<Delegation>;
  /** Ends a delegation now (its user, or an admin). */
  endDelegation(id: number): Promise<Delegation>;
  /** The caller's own notifications, newest first (`unread: true` for only the unread ones). */
  listNotifications(query?: ListNotificationsQuery): Promise<UserNotification[]>;
  /** Marks one of the caller's notifications read (idempotent); `API_NOTIFICATION_NOT_FOUND` for anyone else's. */
  markNotificationRead(id: number): Promise<UserNotification>;
  /** Marks every unread notification of the caller read; answers how many were. */
  markAllNotificationsRead(): Promise<ReadAllNotificationsResult>;
  /**
   * Opens the live connection to `GET /api/ws` (see {@link LiveConnection}) with the client's
   * token (read again on every reconnect). Needs `WebSocket` and `timers` in the
   * {@link ClientOptions}; throws a `TypeError` saying so without them.
   *
   * @example
   * const live = client.connect();
   * live.onStateChange((s) => setBanner(s.type === 'open' ? undefined : s.type));
   * const stop = live.subscribe({ topic: 'inbox' }, (message) => refreshInbox(message));
   */
  connect(options?: LiveOptions): LiveConnection;

  // Browser session (the web app)
  /** Logs in from a browser: the server sets the `HttpOnly` session cookie and the CSRF cookie; answers the user. */
  /** Per-step measures of a model's instances (filters: version, team, cohort, period). */
  getStepAnalytics(key: string, query?: AnalyticsQuery): Promise<StepAnalytics>;
  /** Per-process measures: cycle time, throughput, WIP, abandoned share, first-pass yield, variants, Little's law. */
  getProcessAnalytics(key: string, query?: AnalyticsQuery): Promise<ProcessAnalytics>;
  /** Team performance per person and per team. */
  getTeamAnalytics(key: string, query?: AnalyticsQuery): Promise<TeamAnalytics>;
  /** Compares population B with A (bootstrap interval of b − a and a verdict per measure). */
  compareAnalytics(key: string, query?: CompareQuery): Promise<Comparison>;
  /** A table as CSV, or the event log as CSV or XES: the file's text. */
  exportAnalytics(key: string, query: ExportQuery): Promise<string>;
  /** Stuck work (operator, admin): failing timers, deliveries in incident, tasks no one can act on. */
  getStuckWork(): Promise<StuckWork>;
  /** Frees a stuck timer's claim and makes it due now, for the next poll to fire (operator, admin). */
  releaseTimer(id: number): Promise<ReleasedTimer>;
  /** Monte Carlo of cycle time: current and target state, what-if edits, each with its backtest. */
  simulateModel(key: string, body?: SimulationRequest): Promise<SimulationResponse>;
  startSession(username: string, password: string): Promise<User>;
  /** Logs out from a browser: the server deletes the session cookies. */
  endSession(): Promise<void>;
}

/** Builds a query string (`?a=1&b=x`) from the defined values; empty when none. */
function toQuery(query: object | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/**
 * Creates a typed client for the Baton HTTP API.
 *
 * Pure: all I/O goes through the `fetch` passed in. Every method throws a
 * {@link BatonApiError} on a non-2xx answer.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000', fetch: globalThis.fetch });
 * await client.login('admin', password);
 * const models = await client.listModels();
 */
export function createClient(options: ClientOptions): BatonClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  let token = options.token;

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    write?: WriteOptions,
    accept?: 'text',
  ): Promise<T> {
    const headers: Record<string, string> = {
      accept: accept === 'text' ? 'text/csv, application/xml, application/json' : 'application/json',
      ...options.headers?.(),
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (write?.idempotencyKey !== undefined) headers['idempotency-key'] = write.idempotencyKey;
    const init: FetchInitLike = { method, headers };
    if (options.credentials !== undefined) init.credentials = options.credentials;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await options.fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    if (accept === 'text' && response.status >= 200 && response.status <= 299) return text as T;
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new BatonApiError(
        response.status,
        'CLIENT_BAD_RESPONSE',
        `${method} ${path}: the server answered ${response.status} with a body that is not JSON. Check baseUrl (${baseUrl}) points at a Baton server.`,
        [],
        { reason: 'not-json', method, path, baseUrl },
      );
    }
    if (response.status < 200 || response.status > 299) {
      const error = parsed as Partial<ApiErrorBody> | undefined;
      if (error && typeof error.code === 'string' && typeof error.message === 'string') {
        throw new BatonApiError(response.status, error.code, error.message, error.issues ?? []);
      }
      throw new BatonApiError(
        response.status,
        'CLIENT_BAD_RESPONSE',
        `${method} ${path}: the server answered ${response.status} without a Baton error body.`,
        [],
        { reason: 'no-error-body', method, path, baseUrl },
      );
    }
    return parsed as T;
  }

  const seg = encodeURIComponent;

  return {
    get token() {
      return token;
    },
    setToken(next) {
      token = next;
    },
    async login(username, password) {
      const result = await call<LoginResult>('POST', '/api/auth/login', { username, password });
      token = result.token;
      return result;
    },
    health: () => call('GET', '/api/health'),
    me: () => call('GET', '/api/me'),
    listUsers: () => call('GET', '/api/users'),
    createUser: (body) => call('POST', '/api/users', body),
    listTeams: () => call('GET', '/api/teams'),
    listCalendars: () => call('GET', '/api/calendars'),
    getCalendar: (key) => call('GET', `/api/calendars/${seg(key)}`),
    putCalendarYear: (key, year, body) => call('PUT', `/api/calendars/${seg(key)}/years/${year}`, body),
    listModels: () => call('GET', '/api/models'),
    listStartable: () => call('GET', '/api/startable'),
    getModel: (key) => call('GET', `/api/models/${seg(key)}`),
    createModel: (body) => call('POST', '/api/models', body),
    listVersions: (key) => call('GET', `/api/models/${seg(key)}/versions`),
    getVersion: (key, number) => call('GET', `/api/models/${seg(key)}/versions/${number}`),
    createVersion: (key, body) => call('POST', `/api/models/${seg(key)}/versions`, body),
    updateVersion: (key, number, body) => call('PUT', `/api/models/${seg(key)}/versions/${number}`, body),
    publishVersion: (key, number) => call('POST', `/api/models/${seg(key)}/versions/${number}/publish`),
    publish: (key, body) => call('POST', `/api/models/${seg(key)}/publish`, body),
    diff: (key, from, to) => call('GET', `/api/models/${seg(key)}/diff?from=${from}&to=${to}`),
    listDeployments: (key) => call('GET', `/api/models/${seg(key)}/deployments`),
    deploy: (key, body) => call('POST', `/api/models/${seg(key)}/deployments`, body),
    rollbackDeployment: (key, id) => call('POST', `/api/models/${seg(key)}/deployments/${id}/rollback`),
    getMigrationPlan: (key, from, to) => call('GET', `/api/models/${seg(key)}/migration-plan${toQuery({ from, to })}`),
    dryRunMigration: (key, body) => call('POST', `/api/models/${seg(key)}/migrations/dry-run`, body),
    startMigration: (key, body) => call('POST', `/api/models/${seg(key)}/migrations`, body),
    getMigration: (id) => call('GET', `/api/migrations/${id}`),
    startInstance: (key, body, options) => call('POST', `/api/models/${seg(key)}/instances`, body ?? {}, options),
    listInstances: (query) => call('GET', `/api/instances${toQuery(query)}`),
    getInstance: (id) => call('GET', `/api/instances/${seg(id)}`),
    terminateInstance: (id, body, options) => call('POST', `/api/instances/${seg(id)}/terminate`, body ?? {}, options),
    retryIncident: (id, incident, options) =>
      call('POST', `/api/instances/${seg(id)}/incidents/${seg(incident)}/retry`, undefined, options),
    skipIncident: (id, incident, body, options) =>
      call('POST', `/api/instances/${seg(id)}/incidents/${seg(incident)}/skip`, body ?? {}, options),
    withdrawInstance: (id, body, options) => call('POST', `/api/instances/${seg(id)}/withdraw`, body ?? {}, options),
    commentInstance: (id, body, options) => call('POST', `/api/instances/${seg(id)}/comments`, body, options),
    sendEvent: (body) => call('POST', '/api/events', body),
    listTasks: (query) => call('GET', `/api/tasks${toQuery(query)}`),
    getTask: (id) => call('GET', `/api/tasks/${id}`),
    claimTask: (id, options) => call('POST', `/api/tasks/${id}/claim`, undefined, options),
    completeTask: (id, body, options) => call('POST', `/api/tasks/${id}/complete`, body ?? {}, options),
    transferTask: (id, body, options) => call('POST', `/api/tasks/${id}/transfer`, body, options),
    returnTask: (id, body, options) => call('POST', `/api/tasks/${id}/return`, body, options),
    urgeTask: (id, options) => call('POST', `/api/tasks/${id}/urge`, undefined, options),
    addSigners: (id, body, options) => call('POST', `/api/tasks/${id}/add-signers`, body, options),
    withdrawTask: (id, body, options) => call('POST', `/api/tasks/${id}/withdraw`, body ?? {}, options),
    batchCompleteTasks: (body) => call('POST', '/api/tasks/batch-complete', body),
    listTodo: (query) => call('GET', `/api/lists/todo${toQuery(query)}`),
    listDone: (query) => call('GET', `/api/lists/done${toQuery(query)}`),
    listStarted: (query) => call('GET', `/api/lists/started${toQuery(query)}`),
    listCc: (query) => call('GET', `/api/lists/cc${toQuery(query)}`),
    listCounts: () => call('GET', '/api/lists/counts'),
    markCcRead: (id) => call('POST', `/api/cc/${id}/read`),
    markCcUnread: (id) => call('POST', `/api/cc/${id}/unread`),
    listDelegations: (query) => call('GET', `/api/delegations${toQuery(query)}`),
    createDelegation: (body) => call('POST', '/api/delegations', body),
    endDelegation: (id) => call('POST', `/api/delegations/${id}/end`),
    listNotifications: (query) => call('GET', `/api/notifications${toQuery(query)}`),
    markNotificationRead: (id) => call('POST', `/api/notifications/${id}/read`),
    markAllNotificationsRead: () => call('POST', '/api/notifications/read-all'),
    getStepAnalytics: (key, query) => call('GET', `/api/analytics/models/${seg(key)}/steps${toQuery(query)}`),
    getProcessAnalytics: (key, query) => call('GET', `/api/analytics/models/${seg(key)}/process${toQuery(query)}`),
    getTeamAnalytics: (key, query) => call('GET', `/api/analytics/models/${seg(key)}/team${toQuery(query)}`),
    compareAnalytics: (key, query) => call('GET', `/api/analytics/models/${seg(key)}/compare${toQuery(query)}`),
    exportAnalytics: (key, query) =>
      call('GET', `/api/analytics/models/${seg(key)}/export${toQuery(query)}`, undefined, undefined, 'text'),
    getStuckWork: () => call('GET', '/api/ops/stuck'),
    releaseTimer: (id) => call('POST', `/api/ops/timers/${id}/release`),
    simulateModel: (key, body) => call('POST', `/api/analytics/models/${seg(key)}/simulate`, body ?? {}),
    connect(live) {
      if (options.WebSocket === undefined || options.timers === undefined) {
        throw new TypeError(
          'client.connect() needs createClient({ WebSocket, timers }): pass the WebSocket constructor and { setTimeout, clearTimeout }.',
        );
      }
      return createLiveConnection({
        ...live,
        url: toWebSocketUrl(baseUrl),
        getToken: () => token,
        WebSocket: options.WebSocket,
        timers: options.timers,
      });
    },

    // Browser session (the web app)
    startSession: (username, password) => call('POST', '/api/auth/session', { username, password }),
    endSession: () => call('DELETE', '/api/auth/session'),
  };
}
