import type { Selectable } from 'kysely';

/** The `round_robin` table: the cursor of each round-robin pool (`rr:<role>:<team|*>`), shared by all instances. */
export interface RoundRobinTable {
  key: string;
  cursor: number;
}
/** A row of {@link RoundRobinTable}. */
export type RoundRobinRow = Selectable<RoundRobinTable>;
