import type { WsPushMessage } from '@baton/client/contract';

/**
 * The websocket hub's contract with the rest of the server. The run loop calls `publish` after a
 * transaction commits (never before); the hub delivers each message only to connected users in
 * its audience. The websocket plugin (`ws.plugin.ts`) owns the sockets and subscriptions.
 */

/** Who may receive a message: named users, holders of business positions, members of teams, and
 * (for instance updates) anyone subscribed to the instance who may see it. */
export interface Audience {
  users?: readonly string[];
  /** Business positions (e.g. `legal`, `sales-rep`), as in task candidates. */
  positions?: readonly string[];
  /** Team keys; members of the team or of a team below it. */
  teams?: readonly string[];
  /** Instance id, for `instance.*` messages to subscribers of that instance. */
  instanceId?: string;
}

/**
 * A message pushed to clients: one of the contract's {@link WsPushMessage}s (dotted, past-tense
 * types, as in the history events). Kept as an alias for the server's own code.
 */
export type HubMessage = WsPushMessage;

/** Delivers messages to connected clients. */
export interface Hub {
  /** Sends `message` to the connected sockets in `audience`; only the contract's push messages are accepted. */
  publish(message: WsPushMessage, audience: Audience): void;
}

/** A hub with no sockets, for tests and for servers without websocket clients. */
export function createNullHub(): Hub & { published: { message: HubMessage; audience: Audience }[] } {
  const published: { message: HubMessage; audience: Audience }[] = [];
  return {
    published,
    publish(message, audience) {
      published.push({ message, audience });
      if (published.length > 1000) published.shift();
    },
  };
}
