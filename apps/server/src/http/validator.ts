import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { ApiIssue } from '@baton/client/contract';

const common: Options = {
  // Report every problem, not just the first (bodies are capped at 1 MiB, schemas cap arrays).
  allErrors: true,
  // Fastify's default `removeAdditional: true` silently drops unknown fields; strict schemas must
  // reject them instead (docs/reliability.md G3: server-owned fields are never accepted).
  removeAdditional: false,
  useDefaults: true,
  discriminator: true,
  // Schemas carry OpenAPI keywords (description, example) that Ajv's strict mode rejects.
  strict: false,
  verbose: true,
};

/**
 * Creates the validator compiler of the app: bodies are validated without type coercion
 * (`"50"` is not a number), path parameters and query strings with coercion (they arrive as
 * text). Unknown properties are rejected, never stripped.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = new Ajv({ ...common, coerceTypes: false });
  const textAjv = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
}

/** At most this many schema issues are returned, so a hostile body cannot make a huge answer. */
export const maxSchemaIssues = 100;

/** Escapes one JSON Pointer segment (RFC 6901). */
export function escapePointerSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function toCode(keyword: string): string {
  return `SCHEMA_${keyword.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * Turns Ajv errors into API issues: a JSON Pointer to the offending value (for unknown or missing
 * properties: to the property itself), a `SCHEMA_*` code, and a message that says how to fix it.
 */
export function toSchemaIssues(errors: readonly ErrorObject[], part: string): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // oneOf/discriminator failures repeat what the branch errors say; skip the noise.
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const issue = toSchemaIssue(error, part);
    const key = `${issue.path}\u0000${issue.code}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length >= maxSchemaIssues) break;
  }
  return issues;
}

function toSchemaIssue(error: ErrorObject, part: string): ApiIssue {
  const params = error.params as Record<string, unknown>;
  const base = error.instancePath;
  const where = (path: string) => `At ${path === '' ? '/' : path} (${part})`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const path = `${base}/${escapePointerSegment(property)}`;
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path,
        code: toCode(error.keyword),
        message: `${where(path)}: property "${property}" is not allowed (it is unknown or set by the server). Remove it${
          allowed.length > 0 ? `; allowed properties: ${allowed.join(', ')}` : ''
        }.`,
      };
    }
    case 'required': {
      const property = String(params.missingProperty);
      const path = `${base}/${escapePointerSegment(property)}`;
      return {
        path,
        code: toCode(error.keyword),
        message: `${where(path)}: required property "${property}" is missing. Add it.`,
      };
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const path = `${base}/${escapePointerSegment(tag)}`;
      const branches = (
        (error.parentSchema as { oneOf?: Array<{ properties?: Record<string, { const?: unknown }> }> } | undefined)
          ?.oneOf ?? []
      )
        .map((b) => b.properties?.[tag]?.const)
        .filter((v) => v !== undefined);
      return {
        path,
        code: toCode(error.keyword),
        message: `${where(path)}: "${tag}" must be one of ${quoteList(branches)}.`,
      };
    }
    case 'enum':
      return {
        path: base,
        code: toCode(error.keyword),
        message: `${where(base)}: must be one of ${quoteList((params.allowedValues as unknown[]) ?? [])}.`,
      };
    case 'const':
      return {
        path: base,
        code: toCode(error.keyword),
        message: `${where(base)}: must be ${JSON.stringify(params.allowedValue)}.`,
      };
    case 'type':
      return {
        path: base,
        code: toCode(error.keyword),
        message: `${where(base)}: must be of type ${String(params.type)}, got ${describe(error.data)}.`,
      };
    default:
      return { path: base, code: toCode(error.keyword), message: `${where(base)}: ${error.message ?? 'is invalid'}.` };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
