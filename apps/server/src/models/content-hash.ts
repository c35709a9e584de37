import { createHash } from 'node:crypto';
import { canonicalJson } from '@baton/definition';

/**
 * The content hash of a definition: sha256 (hex) of its canonical JSON (object keys sorted), so
 * the same content always hashes the same whatever the key order or whitespace it was sent with.
 * The top-level `$schema` (an editor hint, ignored by the engine) is left out (issue 8).
 */
export function computeContentHash(definition: unknown): string {
  return hashOf(withoutSchemaLink(definition));
}

/**
 * The hashes a version with this content may have been stored under: {@link computeContentHash},
 * plus, when the definition has a `$schema`, the hash that included it (versions published
 * before `$schema` was left out), so identical content is still recognised.
 */
export function computeContentHashes(definition: unknown): string[] {
  const current = computeContentHash(definition);
  const stripped = withoutSchemaLink(definition);
  return stripped === definition ? [current] : [current, hashOf(definition)];
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function withoutSchemaLink(definition: unknown): unknown {
  if (
    definition === null ||
    typeof definition !== 'object' ||
    Array.isArray(definition) ||
    !Object.prototype.hasOwnProperty.call(definition, '$schema')
  )
    return definition;
  const { $schema: _schema, ...rest } = definition as Record<string, unknown>;
  return rest;
}
