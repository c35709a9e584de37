import type { InstanceRow } from '../db/schema.ts';

/**
 * The last committed row of recently used instances, and which instance and key each task id
 * belongs to, so a command can skip its read statement. A stale entry (another process changed
 * the instance since) cannot do harm: every write is guarded by the row's `rev`, so a write
 * based on an old copy fails and the command is read again from the database, and a command
 * refused on a cached copy is read again before it is refused. Entries are put only after
 * commit. With one server process (always on PGlite) every entry is current; with several on
 * one PostgreSQL an entry is current when this process made the instance's last change.
 */
export class InstanceCache {
  private readonly rows = new Map<string, InstanceRow>();
  private readonly tasks = new Map<number, { instanceId: string; key: string }>();

  constructor(private readonly capacity = 10_000) {}

  /** The cached row of an instance, by id or by one of its task ids (with that task's key). */
  get(
    target: { instanceId: string } | { taskId: number },
  ): { row: InstanceRow; taskKey: string | undefined } | undefined {
    if ('taskId' in target) {
      const task = this.tasks.get(target.taskId);
      const row = task && this.rows.get(task.instanceId);
      return row && { row, taskKey: task.key };
    }
    const row = this.rows.get(target.instanceId);
    return row && { row, taskKey: undefined };
  }

  /** Remembers a committed row and the ids of its tasks. */
  put(row: InstanceRow, taskIds?: ReadonlyMap<string, number>): void {
    this.rows.delete(row.id);
    this.rows.set(row.id, row);
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value!);
    for (const [key, id] of taskIds ?? []) {
      this.tasks.delete(id);
      this.tasks.set(id, { instanceId: row.id, key });
    }
    while (this.tasks.size > this.capacity * 4) this.tasks.delete(this.tasks.keys().next().value!);
  }

  /** Forgets an instance (its next command reads it from the database). */
  delete(instanceId: string): void {
    this.rows.delete(instanceId);
  }
}
