import type { InstanceSnapshot } from './types.ts';

/**
 * The business events a running instance waits for: the event names of its tokens resting at
 * `event` nodes, each once, in token order. Empty for an instance that has ended. Pure; reads
 * nothing but the snapshot. A `signal` command with one of these names moves the instance on;
 * with any other it changes nothing, so callers can pick the instances an event is for without
 * knowing how a snapshot stores its tokens.
 *
 * @example
 * if (awaitedEvents(snapshot).includes('contract.signed')) {
 *   step(process, snapshot, { type: 'signal', event: 'contract.signed' }, env);
 * }
 */
export function awaitedEvents(snapshot: InstanceSnapshot): string[] {
  if (snapshot.status !== 'running') return [];
  const events = new Set<string>();
  for (const token of snapshot.tokens) if (token.wait.kind === 'event') events.add(token.wait.event);
  return [...events];
}
