import type { TimeLeft } from '@baton/client/contract';
import type { CompiledProcess } from '@baton/engine';

/**
 * The working time left to a task's deadline, counted on the calendar of the task's node (the
 * calendar its deadline was computed in): what the inbox shows on every task. Negative once
 * overdue (the working time past the deadline). Null when the task has no deadline or its node
 * is not in the version (a task of a migrated-away node). Pure.
 *
 * @example
 * workingTimeLeft(process, 'approve', created, due, now); // { calendar: 'cn-mainland', workingMs: 14_400_000, … }
 */
export function workingTimeLeft(
  process: CompiledProcess,
  task: { nodeId: string; createdAt: number; dueAt: number | null },
  now: number,
): TimeLeft | null {
  if (task.dueAt === null) return null;
  const id = process.nodes.get(task.nodeId)?.calendar;
  const calendar = id === undefined ? undefined : process.calendars.get(id);
  if (id === undefined || calendar === undefined) return null;
  const workingMs =
    now <= task.dueAt
      ? calendar.workingMillisBetween(now, task.dueAt)
      : -calendar.workingMillisBetween(task.dueAt, now);
  return {
    calendar: id,
    workingMs,
    totalWorkingMs: calendar.workingMillisBetween(task.createdAt, task.dueAt),
    at: new Date(now).toISOString(),
  };
}
