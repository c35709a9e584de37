import type { InstanceDetail } from '@baton/client';
import type { ProcessDefinition } from '@baton/definition';
import type { WaitingKind } from '../instance/index.ts';

/**
 * What the tokens on each active node wait for, for the diagram's markers: an operator (an open
 * incident), a person (an open task), a timer (a timer node) or a business event (an event node).
 * An incident wins over a task at the same node. Pure.
 */
export function waitingOf(
  detail: Pick<InstanceDetail, 'activeNodes' | 'tasks' | 'incidents'>,
  definition: Pick<ProcessDefinition, 'nodes'>,
): Record<string, WaitingKind> {
  const waiting: Record<string, WaitingKind> = {};
  const types = new Map(definition.nodes.map((n) => [n.id, n.type]));
  for (const node of detail.activeNodes) {
    const type = types.get(node);
    if (type === 'timer') waiting[node] = 'timer';
    else if (type === 'event') waiting[node] = 'event';
  }
  for (const task of detail.tasks)
    if (task.status === 'open' || task.status === 'claimed') waiting[task.nodeId] = 'task';
  for (const incident of detail.incidents) waiting[incident.node] = 'incident';
  return waiting;
}
