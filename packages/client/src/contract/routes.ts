/**
 * The route table: every route of the Baton API with the `createClient` method that calls it, and
 * whether it accepts an `Idempotency-Key`. The server's drift test checks it against the routes
 * the app registers, the OpenAPI document and the client, so a route without a client method (or
 * a stale row) fails the build.
 *
 * @module
 */

/** One row of {@link clientRoutes}. */
export interface ClientRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** The route as the server registers it, with `:name` path parameters. */
  url: string;
  /** The `BatonClient` method that calls it. */
  clientMethod: string;
  /** True for commands that accept an `Idempotency-Key` header (replayed, applied once). */
  idempotent?: true;
  /** True for the websocket (`GET` upgraded to a websocket; see `./ws.ts`). */
  websocket?: true;
}

/** Every route of the API and the client method that calls it. */
export const clientRoutes = [
  { method: 'GET', url: '/api/health', clientMethod: 'health' },
  { method: 'POST', url: '/api/auth/login', clientMethod: 'login' },
  { method: 'POST', url: '/api/auth/session', clientMethod: 'startSession' },
  { method: 'DELETE', url: '/api/auth/session', clientMethod: 'endSession' },
  { method: 'GET', url: '/api/me', clientMethod: 'me' },
  { method: 'GET', url: '/api/users', clientMethod: 'listUsers' },
  { method: 'POST', url: '/api/users', clientMethod: 'createUser' },
  { method: 'GET', url: '/api/teams', clientMethod: 'listTeams' },
  { method: 'GET', url: '/api/calendars', clientMethod: 'listCalendars' },
  { method: 'GET', url: '/api/calendars/:key', clientMethod: 'getCalendar' },
  { method: 'PUT', url: '/api/calendars/:key/years/:year', clientMethod: 'putCalendarYear' },
  { method: 'GET', url: '/api/models', clientMethod: 'listModels' },
  { method: 'POST', url: '/api/models', clientMethod: 'createModel' },
  { method: 'GET', url: '/api/models/:key', clientMethod: 'getModel' },
  { method: 'GET', url: '/api/models/:key/versions', clientMethod: 'listVersions' },
  { method: 'POST', url: '/api/models/:key/versions', clientMethod: 'createVersion' },
  { method: 'GET', url: '/api/models/:key/versions/:number', clientMethod: 'getVersion' },
  { method: 'PUT', url: '/api/models/:key/versions/:number', clientMethod: 'updateVersion' },
  { method: 'POST', url: '/api/models/:key/versions/:number/publish', clientMethod: 'publishVersion' },
  { method: 'POST', url: '/api/models/:key/publish', clientMethod: 'publish' },
  { method: 'GET', url: '/api/models/:key/diff', clientMethod: 'diff' },
  { method: 'GET', url: '/api/models/:key/deployments', clientMethod: 'listDeployments' },
  { method: 'POST', url: '/api/models/:key/deployments', clientMethod: 'deploy' },
  { method: 'POST', url: '/api/models/:key/deployments/:id/rollback', clientMethod: 'rollbackDeployment' },
  { method: 'GET', url: '/api/startable', clientMethod: 'listStartable' },
  { method: 'GET', url: '/api/models/:key/migration-plan', clientMethod: 'getMigrationPlan' },
  { method: 'POST', url: '/api/models/:key/migrations/dry-run', clientMethod: 'dryRunMigration' },
  { method: 'POST', url: '/api/models/:key/migrations', clientMethod: 'startMigration' },
  { method: 'GET', url: '/api/migrations/:id', clientMethod: 'getMigration' },
  { method: 'POST', url: '/api/models/:key/instances', clientMethod: 'startInstance', idempotent: true },
  { method: 'GET', url: '/api/instances', clientMethod: 'listInstances' },
  { method: 'GET', url: '/api/instances/:id', clientMethod: 'getInstance' },
  { method: 'POST', url: '/api/instances/:id/terminate', clientMethod: 'terminateInstance', idempotent: true },
  {
    method: 'POST',
    url: '/api/instances/:id/incidents/:incident/retry',
    clientMethod: 'retryIncident',
    idempotent: true,
  },
  {
    method: 'POST',
    url: '/api/instances/:id/incidents/:incident/skip',
    clientMethod: 'skipIncident',
    idempotent: true,
  },
  {
    method: 'POST',
    url: '/api/instances/:id/withdraw',
    clientMethod: 'withdrawInstance',
    idempotent: true,
  },
  { method: 'POST', url: '/api/instances/:id/comments', clientMethod: 'commentInstance', idempotent: true },
  { method: 'POST', url: '/api/events', clientMethod: 'sendEvent' },
  { method: 'GET', url: '/api/tasks', clientMethod: 'listTasks' },
  { method: 'GET', url: '/api/tasks/:id', clientMethod: 'getTask' },
  { method: 'POST', url: '/api/tasks/:id/claim', clientMethod: 'claimTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/complete', clientMethod: 'completeTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/transfer', clientMethod: 'transferTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/return', clientMethod: 'returnTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/urge', clientMethod: 'urgeTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/add-signers', clientMethod: 'addSigners', idempotent: true },
  { method: 'POST', url: '/api/tasks/:id/withdraw', clientMethod: 'withdrawTask', idempotent: true },
  { method: 'POST', url: '/api/tasks/batch-complete', clientMethod: 'batchCompleteTasks' },
  { method: 'GET', url: '/api/lists/todo', clientMethod: 'listTodo' },
  { method: 'GET', url: '/api/lists/done', clientMethod: 'listDone' },
  { method: 'GET', url: '/api/lists/started', clientMethod: 'listStarted' },
  { method: 'GET', url: '/api/lists/cc', clientMethod: 'listCc' },
  { method: 'GET', url: '/api/lists/counts', clientMethod: 'listCounts' },
  { method: 'POST', url: '/api/cc/:id/read', clientMethod: 'markCcRead' },
  { method: 'POST', url: '/api/cc/:id/unread', clientMethod: 'markCcUnread' },
  { method: 'GET', url: '/api/delegations', clientMethod: 'listDelegations' },
  { method: 'POST', url: '/api/delegations', clientMethod: 'createDelegation' },
  { method: 'POST', url: '/api/delegations/:id/end', clientMethod: 'endDelegation' },
  { method: 'GET', url: '/api/notifications', clientMethod: 'listNotifications' },
  { method: 'POST', url: '/api/notifications/:id/read', clientMethod: 'markNotificationRead' },
  { method: 'POST', url: '/api/notifications/read-all', clientMethod: 'markAllNotificationsRead' },
  { method: 'GET', url: '/api/analytics/models/:key/steps', clientMethod: 'getStepAnalytics' },
  { method: 'GET', url: '/api/analytics/models/:key/process', clientMethod: 'getProcessAnalytics' },
  { method: 'GET', url: '/api/analytics/models/:key/team', clientMethod: 'getTeamAnalytics' },
  { method: 'GET', url: '/api/analytics/models/:key/compare', clientMethod: 'compareAnalytics' },
  { method: 'GET', url: '/api/analytics/models/:key/export', clientMethod: 'exportAnalytics' },
  { method: 'GET', url: '/api/ops/stuck', clientMethod: 'getStuckWork' },
  { method: 'POST', url: '/api/ops/timers/:id/release', clientMethod: 'releaseTimer' },
  { method: 'POST', url: '/api/analytics/models/:key/simulate', clientMethod: 'simulateModel' },
  { method: 'GET', url: '/api/ws', clientMethod: 'connect', websocket: true },
] as const satisfies readonly ClientRoute[];
