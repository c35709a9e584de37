/**
 * Serialises a value for a jsonb column.
 *
 * Always pass jsonb values through this: `pg` turns a bare JS array into a PostgreSQL array
 * literal (`{1,2}`, invalid JSON) while PGlite sends it as JSON, so a JSON string is the only
 * form both drivers treat alike.
 */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value);
}
