/**
 * The instance history as the timeline shows it: the entries people care about (who started,
 * completed, decided, transferred, returned, added signers, cc'd, urged, withdrew, commented;
 * escalations, incidents and the end), each with its comment and the few facts that explain it.
 * Token bookkeeping (`node.entered`, timers scheduled, service calls) is left out. Pure.
 *
 * @module
 */
import type { HistoryEntry } from '@baton/client';

/** The history types the timeline shows, in the words of the catalogue (`task.timeline.types.*`). */
export const timelineTypes = [
  'instance.started',
  'task.created',
  'task.claimed',
  'task.completed',
  'task.autoApproved',
  'task.transferred',
  'task.reassigned',
  'task.returned',
  'task.signersAdded',
  'task.withdrawn',
  'task.urged',
  'instance.withdrawn',
  'comment.added',
  'cc.sent',
  'escalation.fired',
  'deadline.reached',
  'timer.fired',
  'event.received',
  'incident.raised',
  'incident.resolved',
  'instance.completed',
  'instance.terminated',
] as const;
/** @see timelineTypes */
export type TimelineType = (typeof timelineTypes)[number];

/** One row of the timeline. */
export interface TimelineItem {
  id: number;
  type: TimelineType;
  /** Username of whoever did it; null for the system. */
  actor: string | null;
  nodeId: string | null;
  at: string;
  /** The comment (审批意见) or reason given, as typed. */
  comment?: string;
  decision?: 'approve' | 'reject';
  /** Usernames the entry names: the new assignee, the added signers, the people cc'd. */
  users?: string[];
  /** A node the entry names (where a return went). */
  toNode?: string;
  /** 加签 position. */
  position?: string;
  /** The engine code of an incident. */
  code?: string;
}

const shown = new Set<string>(timelineTypes);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : undefined;

/** The timeline rows of an instance's history, oldest first. Pure. */
export function timelineItems(history: readonly HistoryEntry[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const entry of history) {
    if (!shown.has(entry.type)) continue;
    const d = entry.data;
    const item: TimelineItem = {
      id: entry.id,
      type: entry.type as TimelineType,
      actor: entry.actor,
      nodeId: entry.nodeId,
      at: entry.at,
    };
    const comment = str(d.comment) ?? str(d.text) ?? str(d.reason);
    if (comment !== undefined && entry.type !== 'cc.sent' && entry.type !== 'task.autoApproved') item.comment = comment;
    if (d.decision === 'approve' || d.decision === 'reject') item.decision = d.decision;
    const users =
      entry.type === 'task.created'
        ? strs(d.assignee)
        : entry.type === 'task.autoApproved'
          ? strs(d.user)
          : strs(d.users ?? d.to);
    if (entry.type === 'task.returned') {
      const to = str(d.to);
      if (to !== undefined) item.toNode = to;
    } else if (users !== undefined && users.length > 0) item.users = users;
    const position = str(d.position);
    if (position !== undefined) item.position = position;
    const code = str(d.code);
    if (code !== undefined) item.code = code;
    items.push(item);
  }
  return items;
}
