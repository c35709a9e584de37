import type { Generated, Selectable } from 'kysely';

/** The `ws_relay` table: websocket pushes too large for a NOTIFY payload, read by the other replicas by id. */
export interface WsRelayTable {
  id: Generated<number>;
  /** The JSON text of one `[message, audience]` pair. */
  body: string;
  created_at: Generated<Date>;
}
/** A row of {@link WsRelayTable}. */
export type WsRelayRow = Selectable<WsRelayTable>;
