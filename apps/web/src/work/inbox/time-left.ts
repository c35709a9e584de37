/**
 * How the inbox shows the time left to a task's deadline: the server counts it in working time
 * on the task's calendar (`timeLeft`); this turns it into a tone and the hours and minutes to
 * show. Pure.
 *
 * @module
 */
import type { TimeLeft } from '@baton/client';

/** How urgent a deadline looks: normal, amber in the last quarter of its working time, red once overdue. */
export type DeadlineTone = 'normal' | 'soon' | 'overdue';

/** What to show for a task's deadline. */
export interface DeadlineView {
  tone: DeadlineTone;
  /** Whole working hours left (or past, when overdue). */
  hours: number;
  /** The minutes beyond `hours`. */
  minutes: number;
}

const minute = 60_000;

/**
 * The tone and the working hours and minutes left (or overdue by) of a task. `overdue` also when
 * the deadline has passed outside working time (the clock passed `dueAt`, no working time yet).
 *
 * @example
 * deadlineView({ calendar: 'cn-mainland', workingMs: 3_600_000, totalWorkingMs: 28_800_000, at }, due);
 * // { tone: 'soon', hours: 1, minutes: 0 }
 */
export function deadlineView(timeLeft: TimeLeft, dueAt: string | null): DeadlineView {
  const past = timeLeft.workingMs < 0 || (dueAt !== null && Date.parse(timeLeft.at) > Date.parse(dueAt));
  const abs = Math.abs(timeLeft.workingMs);
  // Round left time down and overdue time up, so "0 min left" never shows while time remains… or past.
  const totalMinutes = past ? Math.ceil(abs / minute) : Math.floor(abs / minute);
  const tone: DeadlineTone = past ? 'overdue' : timeLeft.workingMs * 4 <= timeLeft.totalWorkingMs ? 'soon' : 'normal';
  return { tone, hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}
