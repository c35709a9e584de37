import { createHash } from 'node:crypto';
import { canonicalJson } from '@baton/definition';

/**
 * The content hash of a definition: sha256 (hex) of its canonical JSON (object keys sorted), so
 * the same content always hashes the same whatever the key order or whitespace it was sent with.
 */
export function computeContentHash(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}
