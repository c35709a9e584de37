/**
 * Timestamps in listings.
 *
 * @module
 */

/** Formats an ISO timestamp as `YYYY-MM-DD HH:MMZ` (UTC); `-` for null or unparsable input. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '-';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '-';
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
