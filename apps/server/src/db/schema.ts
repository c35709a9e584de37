import type { CcEntriesTable } from './tables/cc-entries.table.ts';
import type { DelegationsTable } from './tables/delegations.table.ts';
import type { DeploymentsTable } from './tables/deployments.table.ts';
import type { EventsTable } from './tables/events.table.ts';
import type { IdempotencyKeysTable } from './tables/idempotency-keys.table.ts';
import type { InstancesTable } from './tables/instances.table.ts';
import type { NotificationsTable } from './tables/notifications.table.ts';
import type { OutboxTable } from './tables/outbox.table.ts';
import type { ProcessModelsTable } from './tables/process-models.table.ts';
import type { ProcessVersionsTable } from './tables/process-versions.table.ts';
import type { RoundRobinTable } from './tables/round-robin.table.ts';
import type { SettingsTable } from './tables/settings.table.ts';
import type { TasksTable } from './tables/tasks.table.ts';
import type { TeamsTable } from './tables/teams.table.ts';
import type { TimersTable } from './tables/timers.table.ts';
import type { UsersTable } from './tables/users.table.ts';
import type { WsRelayTable } from './tables/ws-relay.table.ts';

/** The database schema as kysely sees it: table name → table interface. Kept in step with the migrations. */
export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  process_models: ProcessModelsTable;
  process_versions: ProcessVersionsTable;
  deployments: DeploymentsTable;
  instances: InstancesTable;
  tasks: TasksTable;
  timers: TimersTable;
  events: EventsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  round_robin: RoundRobinTable;
  notifications: NotificationsTable;
  settings: SettingsTable;
  ws_relay: WsRelayTable;
  delegations: DelegationsTable;
  cc_entries: CcEntriesTable;
}

export type * from './tables/cc-entries.table.ts';
export type * from './tables/delegations.table.ts';
export type * from './tables/deployments.table.ts';
export type * from './tables/events.table.ts';
export type * from './tables/idempotency-keys.table.ts';
export type * from './tables/instances.table.ts';
export type * from './tables/notifications.table.ts';
export type * from './tables/outbox.table.ts';
export type * from './tables/process-models.table.ts';
export type * from './tables/process-versions.table.ts';
export type * from './tables/round-robin.table.ts';
export type * from './tables/settings.table.ts';
export type * from './tables/tasks.table.ts';
export type * from './tables/teams.table.ts';
export type * from './tables/timers.table.ts';
export type * from './tables/users.table.ts';
export type * from './tables/ws-relay.table.ts';
